import { afterAll, beforeAll, test } from '@jest/globals';
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';
import { runInspector } from '../../src/queries/inspector.js';

let db: PostgresServer;
beforeAll(async () => {
  db = await startTestPostgres();
});
afterAll(async () => {
  await db?.stop();
});

test('the inspector prints each statement as it passes and summarizes by fingerprint on stop', async () => {
  const lines: string[] = [];
  const inspector = await runInspector({ upstream: { host: db.host, port: db.port }, listenPort: 0, protocol: 'postgres', out: (l) => lines.push(l) });
  let stopped = false;
  try {
    const c = new pg.Client({ host: inspector.host, port: inspector.port, user: db.user, password: db.password, database: db.database });
    await c.connect();
    for (const id of [1, 2, 3]) await c.query('SELECT $1::int AS id', [id]);
    await c.query('SELECT * FROM missing').catch(() => undefined);
    await c.end();
    const summary = await inspector.stop();
    stopped = true;
    assert.equal(summary.statements, 4);
    assert.deepEqual(summary.byFingerprint.map((f) => [f.sql, f.count]), [
      ['select $1::int as id', 3],
      ['select * from missing', 1],
    ]);
    // Every shape carries its database time: total ≥ p99 ≥ p50 > 0, and a statement over loopback
    // takes well under a second.
    for (const f of summary.byFingerprint) {
      assert.ok(f.time, `${f.sql} has a time`);
      assert.ok(f.time.p50Us > 0 && f.time.p50Us <= f.time.p99Us && f.time.p99Us <= f.time.totalUs, JSON.stringify(f.time));
      assert.ok(f.time.totalUs < 1_000_000 * f.count, JSON.stringify(f.time));
    }
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^\[conn 1\] ok +select \$1::int as id$/);
    assert.match(lines[3]!, /FAILED select \* from missing/);
  } finally {
    if (!stopped) await inspector.stop();
  }
});
