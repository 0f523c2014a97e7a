// pgbench through the proxy in all three query modes: the proxy's count of the default script's
// statements must equal 7 × the transactions pgbench reports, exactly. Needs Debian's pgbench.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startQueryProxy, type QueryProxy } from '../../src/queries/proxy.js';
import { fingerprintSql } from '../../src/queries/fingerprint.js';

let db: PostgresServer;
let proxy: QueryProxy;

/** The default "TPC-B (sort of)" script, normalized: 7 statements per transaction. */
const SCRIPT = [
  'begin',
  'update pgbench_accounts set abalance = abalance + ? where aid = ?',
  'select abalance from pgbench_accounts where aid = ?',
  'update pgbench_tellers set tbalance = tbalance + ? where tid = ?',
  'update pgbench_branches set bbalance = bbalance + ? where bid = ?',
  'insert into pgbench_history (tid, bid, aid, delta, mtime) values (?, ?, ?, ?, current_timestamp)',
  'end',
];
const PREPARED_SCRIPT = [
  'begin',
  'update pgbench_accounts set abalance = abalance + $1 where aid = $2',
  'select abalance from pgbench_accounts where aid = $1',
  'update pgbench_tellers set tbalance = tbalance + $1 where tid = $2',
  'update pgbench_branches set bbalance = bbalance + $1 where bid = $2',
  'insert into pgbench_history (tid, bid, aid, delta, mtime) values ($1, $2, $3, $4, current_timestamp)',
  'end',
];

function pgbench(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', ['-h', proxy.host, '-p', String(proxy.port), '-U', db.user, ...args, db.database], {
      env: { ...process.env, PGPASSWORD: db.password, PGSSLMODE: 'prefer' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`pgbench ${args.join(' ')} exited ${code}:\n${out}`));
    });
  });
}

beforeAll(async () => {
  db = await startTestPostgres();
  proxy = await startQueryProxy({ protocol: 'postgres', upstream: { host: db.host, port: db.port } });
  await pgbench(['-i', '-s', '1', '-q']);
});

afterAll(async () => {
  await proxy?.close();
  await db?.stop();
});

describe('pgbench through the proxy', () => {
  for (const mode of ['simple', 'extended', 'prepared'] as const) {
    test(`-M ${mode}: script statements = 7 × transactions, and the total grows by exactly 7 per transaction`, async () => {
      const run = async (transactions: number) => {
        proxy.drain();
        const out = await pgbench(['-n', '-M', mode, '-c', '2', '-t', String(transactions)]);
        const statements = proxy.drain();
        const processed = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
        return { statements, processed };
      };
      const small = await run(5);
      const large = await run(25);
      assert.equal(small.processed, 10);
      assert.equal(large.processed, 50);
      const script = mode === 'simple' ? SCRIPT : PREPARED_SCRIPT;
      const inScript = large.statements.filter((s) => script.includes(fingerprintSql(s.sql).normalized));
      assert.equal(inScript.length, 7 * large.processed);
      assert.ok(large.statements.every((s) => s.outcome === 'ok'));
      // pgbench's own setup queries (scale detection etc.) are the same in both runs.
      assert.equal(large.statements.length - small.statements.length, 7 * (large.processed - small.processed));
    });
  }
});
