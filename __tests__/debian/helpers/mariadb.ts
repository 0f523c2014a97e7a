// A throwaway MariaDB server for the Debian suite: Debian's mariadb-server binaries, a fresh data
// directory under /tmp, run as the unprivileged `mysql` user on 127.0.0.1 and a free port, with real
// authentication (no --skip-grant-tables). Users are created by an --init-file at startup.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../helpers/ports.js';

export interface MariadbServer {
  host: '127.0.0.1';
  port: number;
  database: string;
  /** A user authenticating with mysql_native_password, named explicitly. */
  native: { user: string; password: string };
  /** A user created with IDENTIFIED BY (the server's default plugin). */
  app: { user: string; password: string };
  dataDir: string;
  stop(): Promise<void>;
}

const SERVER = ['/usr/sbin/mariadbd', '/usr/sbin/mysqld'].find((p) => existsSync(p));
const INSTALL_DB = ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db'].find((p) => existsSync(p));

/** Why the MariaDB tests cannot run here (startTestMariadb fails with it), or undefined when they can. */
export function mariadbUnavailable(): string | undefined {
  if (!SERVER || !INSTALL_DB) return 'mariadb-server is not installed (apt-get install mariadb-server mariadb-client)';
  if (process.getuid?.() === 0 && spawnSync('id', ['mysql']).status !== 0) return 'the `mysql` system user does not exist';
  return undefined;
}

export async function startTestMariadb(): Promise<MariadbServer> {
  const unavailable = mariadbUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-mariadb-'));
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'mysql' : os.userInfo().username;
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'mysql']).stdout.toString().trim());
    const gid = Number(spawnSync('id', ['-g', 'mysql']).stdout.toString().trim());
    chownSync(dataDir, uid, gid);
  }
  const install = spawnSync(
    INSTALL_DB!,
    ['--no-defaults', `--datadir=${dataDir}/data`, `--user=${user}`, '--auth-root-authentication-method=socket', '--skip-test-db'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (install.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed (${install.status}): ${install.stderr || install.stdout}`);
  }

  const database = 'perfgate';
  const native = { user: 'native_user', password: 'native-pw' };
  const app = { user: 'app_user', password: 'app-pw' };
  const initFile = path.join(dataDir, 'init.sql');
  writeFileSync(
    initFile,
    [
      `CREATE DATABASE IF NOT EXISTS ${database};`,
      `CREATE USER IF NOT EXISTS '${native.user}'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('${native.password}');`,
      `CREATE USER IF NOT EXISTS '${app.user}'@'%' IDENTIFIED BY '${app.password}';`,
      `GRANT ALL ON ${database}.* TO '${native.user}'@'%';`,
      `GRANT ALL ON ${database}.* TO '${app.user}'@'%';`,
      // mysqlslap (bench/mysql-proxy-overhead.ts) creates and drops its own schema.
      `GRANT ALL ON mysqlslap.* TO '${app.user}'@'%';`,
      // LOAD DATA LOCAL INFILE in the protocol tests.
      `GRANT FILE ON *.* TO '${app.user}'@'%';`,
      `GRANT SELECT ON performance_schema.* TO '${native.user}'@'%';`,
      // Databases of their own per side (base, head) in the rerun-mode tests.
      `GRANT ALL ON \`${database}\\_%\`.* TO '${native.user}'@'%';`,
    ].join('\n'),
  );
  if (asRoot) spawnSync('chown', ['-R', 'mysql:mysql', dataDir]);

  const port = await freePort();
  const errorLog = path.join(dataDir, 'error.log');
  const child = spawn(
    SERVER!,
    [
      '--no-defaults',
      `--datadir=${dataDir}/data`,
      `--socket=${dataDir}/mysqld.sock`,
      `--pid-file=${dataDir}/mysqld.pid`,
      `--log-error=${errorLog}`,
      `--user=${user}`,
      '--bind-address=127.0.0.1',
      `--port=${port}`,
      `--init-file=${initFile}`,
      '--skip-name-resolve',
      '--local-infile=1',
      '--innodb-buffer-pool-size=16M',
      '--innodb-log-file-size=16M',
      '--max-connections=200',
      // Rows over 16 MiB exercise packet continuation in the protocol tests.
      '--max-allowed-packet=64M',
      // The server's own per-statement times, which the proxy's are checked against.
      '--performance-schema=ON',
      // MariaDB leaves the statement consumers off; history_long is fed through the current one.
      '--performance-schema-consumer-events-statements-current=ON',
      '--performance-schema-consumer-events-statements-history-long=ON',
    ],
    { detached: true, stdio: 'ignore' },
  );
  let exited = false;
  child.on('exit', () => (exited = true));

  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (!exited) {
        killGroup('SIGTERM');
        for (let i = 0; i < 100 && !exited; i++) await sleep(100);
        if (!exited) killGroup('SIGKILL');
        for (let i = 0; i < 20 && !exited; i++) await sleep(50);
      }
      rmSync(dataDir, { recursive: true, force: true });
    })());

  try {
    const deadline = Date.now() + 60_000;
    while (!(await greets(port))) {
      if (exited || Date.now() > deadline) {
        const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
        throw new Error(`mariadbd did not become ready on 127.0.0.1:${port}:\n${log}`);
      }
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { host: '127.0.0.1', port, database, native, app, dataDir, stop };
}

/** True once the server sends its greeting on a new connection (the init file has run by then). */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.length > 4 && chunk[4] === 10));
    socket.once('error', () => done(false));
  });
}
