import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from '@jest/globals';
import { onTestFinished } from '../helpers/on-test-finished.js';
import assert from 'node:assert/strict';
import pg from 'pg';
import { firstUnenterable, startEmbeddedPostgres } from '../../src/demo/embedded-postgres.js';
import { EnvironmentError } from '../../src/errors.js';

describe('startEmbeddedPostgres', () => {
  test('serves PostgreSQL 18 on loopback, and stop() ends every server process and removes the data dir', async () => {
    const server = await startEmbeddedPostgres();
    let stopped = false;
    onTestFinished(() => (stopped ? undefined : server.stop()));

    assert.equal(server.host, '127.0.0.1');
    const client = new pg.Client(server.url);
    await client.connect();
    const { rows } = await client.query("select version() as v, current_database() as db, host(inet_server_addr()) as addr, current_setting('listen_addresses') as listen");
    await client.end();
    assert.match(rows[0].v, /^PostgreSQL 18\./);
    assert.equal(rows[0].db, server.database);
    assert.equal(rows[0].addr, '127.0.0.1');
    assert.equal(rows[0].listen, '127.0.0.1');

    const postmaster = Number(readFileSync(path.join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const pids = [postmaster, ...childrenOf(postmaster)];
    assert.ok(pids.length > 1, 'the postmaster has its auxiliary processes');
    assert.ok(alive(pids[0]), 'the postmaster runs');

    await server.stop();
    stopped = true;
    assert.deepEqual(pids.filter(alive), [], 'no postgres process is left');
    assert.equal(existsSync(server.dataDir), false, 'the data dir is removed');
    assert.equal(await canConnect(server.port), false, 'the port is closed');
    await server.stop(); // a second stop is harmless
  });

  test('two servers run side by side on different ports', async () => {
    const [a, b] = await Promise.all([startEmbeddedPostgres(), startEmbeddedPostgres()]);
    onTestFinished(() => Promise.all([a.stop(), b.stop()]));
    assert.notEqual(a.port, b.port);
    assert.notEqual(a.dataDir, b.dataDir);
    assert.equal(await canConnect(a.port), true);
    assert.equal(await canConnect(b.port), true);
  });

  test('a port already in use is an EnvironmentError naming the port, and leaves no data dir behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => blocker.close());
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = path.join(os.tmpdir(), `perfgate-pg-test-${process.pid}-${port}`);
    await assert.rejects(startEmbeddedPostgres({ port, dataDir }), (err: unknown) => {
      assert.ok(err instanceof EnvironmentError);
      assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port} \\(port in use\\)`));
      assert.match(err.details ?? '', /could not (bind|create)/);
      return true;
    });
    assert.equal(existsSync(dataDir), false);
  });

  test('a process that gets SIGTERM takes its server down with it', async () => {
    const { child, line } = await startChild('linger');
    const [pid, dataDir] = line.split(' ');
    const pids = [Number(pid), ...childrenOf(Number(pid))];
    assert.ok(alive(pids[0]), 'the postmaster runs');
    child.kill('SIGTERM');
    const exit = await exited(child);
    assert.equal(exit.signal, 'SIGTERM', 'the default SIGTERM behaviour is kept');
    await waitUntil(() => !pids.some(alive));
    assert.equal(existsSync(dataDir), false);
  });

  test('a SIGTERM while the server is still starting takes it down too', async () => {
    const child = spawnChild('log-linger');
    // The postmaster names itself in its first log line, before it is ready: signal right then.
    const postmaster = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /\[(\d+)\] LOG: +starting PostgreSQL/.exec(out);
        if (m) {
          child.kill('SIGTERM');
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) => reject(new Error(`fixture exited (${code}) before the server logged: ${out}`)));
    });
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${postmaster}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      // already gone
    }
    const dataDir = /-D (\S*perfgate-pg-\S+)/.exec(cmdline)?.[1];
    await exited(child);
    await waitUntil(() => !alive(postmaster));
    if (dataDir) assert.equal(existsSync(dataDir), false, 'the data dir is removed');
  });

  // CI runs as root; there initdb runs as `postgres` and must reach TMPDIR (a normal user runs it as itself).
  (process.getuid?.() === 0 ? test : test.skip)(
    'as root, a TMPDIR the postgres user cannot enter is an EnvironmentError naming it, and leaves nothing behind',
    () => {
      const privateTmp = mkdtempSync(path.join(os.tmpdir(), 'perfgate-private-'));
      chmodSync(privateTmp, 0o700);
      onTestFinished(() => rmSync(privateTmp, { recursive: true, force: true }));
      // A process of its own: os.tmpdir() reads the real environment, which a test's process.env is not.
      const child = spawnSync(process.execPath, ['--import', 'tsx', fixturePath(), 'exit-code'], {
        env: { ...process.env, TMPDIR: privateTmp },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.notEqual(child.status, 0, `the server must not start: ${child.stdout}`);
      assert.ok(child.stderr.includes(`cannot enter ${privateTmp} (mode 0700`), child.stderr);
      assert.match(child.stderr, /EnvironmentError|embedded PostgreSQL: running as root/);
      assert.match(child.stderr, /Set TMPDIR to a directory other users can enter/);
      // (tsx keeps its cache there too.)
      assert.deepEqual(readdirSync(privateTmp).filter((f) => f.startsWith('perfgate-pg-')), [], 'the data dir is removed');
    },
  );

  test('firstUnenterable applies the one class of permission bits that fits the user', () => {
    const user = { uid: 70, gids: [70, 5] };
    const dir = (p: string, mode: number, uid: number, gid: number) => ({ path: p, mode, uid, gid });
    assert.equal(firstUnenterable([dir('/', 0o755, 0, 0), dir('/tmp', 0o1777, 0, 0)], user), undefined);
    assert.equal(firstUnenterable([dir('/', 0o755, 0, 0), dir('/x', 0o700, 0, 0), dir('/x/y', 0o700, 0, 0)], user)?.path, '/x');
    // Owner bits alone apply to the owner, even where others may enter.
    assert.equal(firstUnenterable([dir('/o', 0o077, 70, 0)], user)?.path, '/o');
    assert.equal(firstUnenterable([dir('/o', 0o700, 70, 0)], user), undefined);
    // Group bits apply through a supplementary group too, and then others' bits do not.
    assert.equal(firstUnenterable([dir('/g', 0o710, 0, 5)], user), undefined);
    assert.equal(firstUnenterable([dir('/g', 0o701, 0, 5)], user)?.path, '/g');
  });

  test('importing embedded-postgres does not override the exit code', async () => {
    // The package installs async-exit-hook, which would exit(0) on beforeExit.
    const { child } = await startChild('exit-code');
    const exit = await exited(child);
    assert.equal(exit.code, 3);
  });
});

/** The fixture in its own process group, killed whole after the test. */
const fixturePath = () => path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'pg-child.ts');

function spawnChild(mode: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixturePath(), mode], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  onTestFinished(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  return child;
}

async function startChild(mode: string) {
  const child = spawnChild(mode);
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.on('exit', (code) => reject(new Error(`fixture exited (${code}) before printing: ${out}`)));
  });
  return { child, line };
}

function exited(child: import('node:child_process').ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** A zombie has exited; only its parent has not collected it yet. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2)[0]);
  } catch {
    return false;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function waitUntil(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
