// pgbench -S -M extended -c 4 direct vs through perfgate's proxy vs through pgbouncer (session
// mode), interleaved round by round in one run so machine noise hits all three alike. Prints tps per
// round and the median ratios to direct. Needs Debian's pgbench and pgbouncer.
//   node --import tsx bench/proxy-overhead.ts [--rounds 5] [--seconds 5]
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedPostgres } from '../src/demo/embedded-postgres.js';
import { startQueryProxy } from '../src/queries/proxy.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : Number(process.argv[i + 1]);
};
const ROUNDS = arg('rounds', 5);
const SECONDS = arg('seconds', 5);
const CLIENTS = 4;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function pgbench(port: number, user: string, password: string, db: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', ['-h', '127.0.0.1', '-p', String(port), '-U', user, ...args, db], {
      env: { ...process.env, PGPASSWORD: password, PGSSLMODE: 'disable' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench exited ${code}: ${out}`))));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const db = await startEmbeddedPostgres();
const proxy = await startQueryProxy({ protocol: 'postgres', upstream: { host: db.host, port: db.port }, keepStatements: false });
// The same relay with a tap that only forwards: separates the cost of relaying in Node from parsing.
const relayOnly = await startQueryProxy({
  protocol: 'postgres',
  upstream: { host: db.host, port: db.port },
  keepStatements: false,
  tapFactory: () => ({ fromClient: (c) => ({ forward: c }), fromServer: (c) => ({ forward: c }) }),
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-pgbouncer-'));
chmodSync(dir, 0o777);
const bouncerPort = await freePort();
writeFileSync(path.join(dir, 'users.txt'), `"${db.user}" "${db.password}"\n`);
writeFileSync(
  path.join(dir, 'pgbouncer.ini'),
  `[databases]
${db.database} = host=127.0.0.1 port=${db.port} dbname=${db.database} user=${db.user} password=${db.password}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${bouncerPort}
unix_socket_dir =
auth_type = plain
auth_file = ${path.join(dir, 'users.txt')}
pool_mode = session
max_client_conn = 100
default_pool_size = 20
logfile = ${path.join(dir, 'pgbouncer.log')}
`,
);
spawnSync('chmod', ['-R', 'a+rwX', dir]);
const asRoot = process.getuid?.() === 0;
const bouncer = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore', detached: true });
try {
  await sleep(500);
  await pgbench(db.port, db.user, db.password, db.database, ['-i', '-s', '1', '-q']);
  const targets = { direct: db.port, perfgate: proxy.port, 'relay-only': relayOnly.port, pgbouncer: bouncerPort } as const;
  const tps: Record<keyof typeof targets, number[]> = { direct: [], perfgate: [], 'relay-only': [], pgbouncer: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order each round so no target always runs first (warm caches) or last.
    const names = (Object.keys(targets) as (keyof typeof targets)[]).map((_, i, a) => a[(i + r) % a.length]!);
    for (const name of names) {
      const out = await pgbench(targets[name], db.user, db.password, db.database, ['-n', '-S', '-M', 'extended', '-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS)]);
      const m = /tps = ([\d.]+)/.exec(out);
      tps[name].push(Number(m?.[1]));
    }
    console.log(`round ${r + 1}: ` + Object.entries(tps).map(([k, v]) => `${k} ${v[r]!.toFixed(0)}`).join(', '));
  }
  const ratios = (name: keyof typeof targets) => median(tps[name].map((v, i) => v / tps.direct[i]!));
  console.log(`\nmedian tps: ` + Object.entries(tps).map(([k, v]) => `${k} ${median(v).toFixed(0)}`).join(', '));
  console.log(`median per-round ratio to direct: perfgate ${ratios('perfgate').toFixed(2)}×, relay-only ${ratios('relay-only').toFixed(2)}×, pgbouncer ${ratios('pgbouncer').toFixed(2)}×`);
  console.log(`perfgate / pgbouncer: ${median(tps.perfgate.map((v, i) => v / tps.pgbouncer[i]!)).toFixed(2)}×`);
} finally {
  try {
    process.kill(-bouncer.pid!, 'SIGTERM');
  } catch {
    /* already gone */
  }
  await proxy.close();
  await relayOnly.close();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
