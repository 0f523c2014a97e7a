// `perfgate proxy` end to end, as a user runs it: bin/perfgate.js between a real PostgreSQL and a real
// client (pg), stopped with Ctrl-C (SIGINT) or a kill (SIGTERM). The bundle once exited 130 on SIGINT
// with an empty stdout: a dependency's exit hook beat the summary (scripts/check-bundle.js).
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';
import { cliEntry, repoRoot } from './helpers.js';

let db: PostgresServer;
beforeAll(async () => {
  db = await startTestPostgres();
});
afterAll(async () => {
  await db?.stop();
});

interface ProxyRun {
  port: number;
  /** Sends the signal and resolves with how the process ended and what it printed. */
  signal(signal: NodeJS.Signals): Promise<{ code: number | null; killedBy: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

async function startProxy(): Promise<ProxyRun> {
  const child = spawn(process.execPath, [cliEntry, 'proxy', '--upstream', `${db.host}:${db.port}`, '--listen', '0'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  const ended = new Promise<{ code: number | null; killedBy: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, killedBy) => resolve({ code, killedBy })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (match) resolve(Number(match[1]));
    });
    void ended.then(({ code }) => reject(new Error(`perfgate proxy exited (${code}) before listening:\n${stderr}`)));
  });
  return {
    port,
    signal: async (signal) => {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const end = await ended;
      clearTimeout(timer);
      return { ...end, stdout, stderr };
    },
  };
}

function client(port: number): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port, user: db.user, password: db.password, database: db.database });
}

/** A fixed workload: 8 statements the server executes, in 4 fingerprints, over two connections. */
async function workload(port: number): Promise<pg.Client> {
  const first = client(port);
  await first.connect();
  await first.query('SELECT 1'); // simple protocol
  for (const id of [1, 2, 3]) await first.query('SELECT $1::int AS id', [id]); // extended: 3 × one fingerprint
  await first.query('SELECT 2; SELECT 3'); // one message, two statements executed
  await first.query('SELECT * FROM no_such_table').catch(() => undefined); // a failed statement counts
  await first.end();

  // Still connected when the signal comes: the proxy must close it, not hang on it.
  const open = client(port);
  open.on('error', () => {});
  await open.connect();
  await open.query('SELECT 4');
  return open;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  describe(`perfgate proxy stopped with ${signal}`, () => {
    test('prints the JSON summary with exact counts on stdout, closes connections and exits 0', async () => {
      const proxy = await startProxy();
      const open = await workload(proxy.port);
      const closed = new Promise<void>((resolve) => open.once('end', () => resolve()));

      const run = await proxy.signal(signal);
      assert.equal(run.killedBy, null, run.stderr);
      assert.equal(run.code, 0, run.stderr);
      await closed; // the open client saw its connection end

      const summary = JSON.parse(run.stdout) as { statements: number; byFingerprint: { fingerprint: string; sql: string; count: number }[] };
      assert.equal(summary.statements, 8);
      const counts = summary.byFingerprint.map((f) => [f.sql, f.count]);
      assert.deepEqual(counts, [
        ['select ?', 4], // SELECT 1, 2, 3, 4 (constants are not part of the fingerprint)
        ['select $1::int as id', 3],
        ['select * from no_such_table', 1],
      ]);
      for (const f of summary.byFingerprint) assert.match(f.fingerprint, /^[0-9a-f]+$/);
      // the live lines went to stderr, one per statement
      assert.equal(run.stderr.match(/^\[conn \d+\] /gm)?.length, 8, run.stderr);
    });
  });
}
