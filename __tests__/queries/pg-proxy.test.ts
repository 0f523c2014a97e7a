// The query proxy against a real PostgreSQL, driven by real clients: every count is exact.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import pg from 'pg';
import postgres from 'postgres';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startQueryProxy, type QueryProxy } from '../../src/queries/proxy.js';
import type { ExecutedStatement } from '../../src/queries/types.js';

let server: PostgresServer;
let proxy: QueryProxy;

beforeAll(async () => {
  server = await startTestPostgres();
  proxy = await startQueryProxy({ protocol: 'postgres', upstream: { host: server.host, port: server.port } });
  const c = new pg.Client(direct());
  await c.connect();
  await c.query('CREATE TABLE books (id serial PRIMARY KEY, author_id int NOT NULL, title text NOT NULL)');
  await c.query("INSERT INTO books (author_id, title) SELECT i % 5, 'book ' || i FROM generate_series(1, 20) i");
  await c.end();
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

function direct(): pg.ClientConfig {
  return { host: server.host, port: server.port, user: server.user, password: server.password, database: server.database };
}

function viaProxy(): pg.ClientConfig {
  return { ...direct(), host: proxy.host, port: proxy.port };
}

function postgresJs(options: postgres.Options<Record<string, never>> = {}) {
  return postgres({ ...viaProxy(), username: server.user, max: 1, onnotice: () => {}, ...options } as postgres.Options<Record<string, never>>);
}

/** Statements the proxy saw while `fn` ran. Completion is seen before the client gets the reply. */
async function counted(fn: () => Promise<unknown>): Promise<ExecutedStatement[]> {
  proxy.drain();
  await fn();
  return proxy.drain();
}

describe('node-postgres through the proxy', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client(viaProxy());
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  test('a simple query counts 1 with its text', async () => {
    const seen = await counted(() => client.query('SELECT count(*) FROM books'));
    assert.deepEqual(seen.map((s) => [s.sql, s.outcome]), [['SELECT count(*) FROM books', 'ok']]);
  });

  test('a parameterized query counts 1 with its bound parameters', async () => {
    const seen = await counted(() => client.query('SELECT title FROM books WHERE author_id = $1', [3]));
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.sql, 'SELECT title FROM books WHERE author_id = $1');
    assert.deepEqual(seen[0]!.params, ['3']);
  });

  test('a named prepared statement keeps its SQL on later executions', async () => {
    const q = { name: 'by-author', text: 'SELECT id FROM books WHERE author_id = $1' };
    const seen = await counted(async () => {
      await client.query({ ...q, values: [1] });
      await client.query({ ...q, values: [2] });
    });
    assert.deepEqual(seen.map((s) => [s.sql, s.params]), [
      [q.text, ['1']],
      [q.text, ['2']],
    ]);
  });

  test('BEGIN; INSERT; COMMIT sent as one simple query counts 3, each with its own text', async () => {
    const seen = await counted(() => client.query("BEGIN; INSERT INTO books (author_id, title) VALUES (9, 'x'); COMMIT"));
    assert.deepEqual(seen.map((s) => s.sql), ['BEGIN', "INSERT INTO books (author_id, title) VALUES (9, 'x')", 'COMMIT']);
  });

  test('a failed statement counts 1, marked failed', async () => {
    const seen = await counted(() => client.query('SELECT * FROM no_such_table').catch(() => undefined));
    assert.deepEqual(seen.map((s) => [s.sql, s.outcome]), [['SELECT * FROM no_such_table', 'failed']]);
  });

  test('a parameter the server rejects at Bind counts 1 failed, and the connection still works', async () => {
    const seen = await counted(async () => {
      await client.query('SELECT $1::int', ['not a number']).catch(() => undefined);
      await client.query('SELECT 1');
    });
    assert.deepEqual(seen.map((s) => [s.sql, s.outcome]), [
      ['SELECT $1::int', 'failed'],
      ['SELECT 1', 'ok'],
    ]);
  });

  test('a multi-statement query failing in the middle counts the statements up to the failure', async () => {
    const seen = await counted(() => client.query('SELECT 1; SELECT 1/0; SELECT 3').catch(() => undefined));
    assert.deepEqual(seen.map((s) => [s.sql, s.outcome]), [
      ['SELECT 1', 'ok'],
      ['SELECT 1/0', 'failed'],
    ]);
  });

  test('an empty query counts 1 (EmptyQueryResponse)', async () => {
    const seen = await counted(() => client.query(''));
    assert.equal(seen.length, 1);
  });

  test('a transaction through a pool counts BEGIN, each statement and COMMIT', async () => {
    const pool = new pg.Pool({ ...viaProxy(), max: 2 });
    try {
      const seen = await counted(async () => {
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          await c.query('UPDATE books SET title = $1 WHERE id = $2', ['t', 1]);
          await c.query('SELECT title FROM books WHERE id = $1', [1]);
          await c.query('COMMIT');
        } finally {
          c.release();
        }
        await Promise.all([pool.query('SELECT 1'), pool.query('SELECT 2')]);
      });
      assert.equal(seen.length, 6);
      assert.equal(new Set(seen.map((s) => s.connectionId)).size, 2);
    } finally {
      await pool.end();
    }
  });

  test('LISTEN/NOTIFY pass through', async () => {
    const listener = new pg.Client(viaProxy());
    await listener.connect();
    try {
      const got = new Promise<string | undefined>((resolve) => listener.once('notification', (n) => resolve(n.payload)));
      await listener.query('LISTEN perfgate_ch');
      const seen = await counted(() => client.query("NOTIFY perfgate_ch, 'hello'"));
      assert.equal(await got, 'hello');
      assert.equal(seen.length, 1);
    } finally {
      await listener.end();
    }
  });
});

describe('postgres.js (pipelining) through the proxy', () => {
  test('pipelined parameterized queries count one each, with their own parameters', async () => {
    const sql = postgresJs({ fetch_types: false });
    try {
      await sql`SELECT 1`; // connect outside the measurement
      const seen = await counted(() =>
        Promise.all([1, 2, 3, 4].map((a) => sql`SELECT title FROM books WHERE author_id = ${a} ORDER BY id`)),
      );
      assert.equal(seen.length, 4);
      assert.deepEqual(seen.map((s) => s.params), [['1'], ['2'], ['3'], ['4']]);
      assert.ok(seen.every((s) => s.sql === 'SELECT title FROM books WHERE author_id = $1 ORDER BY id'));
    } finally {
      await sql.end();
    }
  });

  test('a transaction counts BEGIN, statements and COMMIT; a failure inside counts and rolls back', async () => {
    const sql = postgresJs({ fetch_types: false });
    try {
      await sql`SELECT 1`;
      const ok = await counted(() =>
        sql.begin(async (tx) => {
          await tx`INSERT INTO books (author_id, title) VALUES (${7}, ${'a'})`;
          await tx`SELECT 1`;
        }),
      );
      assert.deepEqual(ok.map((s) => s.outcome), ['ok', 'ok', 'ok', 'ok']);
      assert.match(ok[0]!.sql, /^begin/i);
      assert.match(ok[3]!.sql, /^commit/i);
      const failed = await counted(() =>
        sql
          .begin(async (tx) => {
            await tx`SELECT * FROM missing_table`;
          })
          .catch(() => undefined),
      );
      assert.deepEqual(failed.map((s) => s.outcome), ['ok', 'failed', 'ok']);
    } finally {
      await sql.end();
    }
  });

  test('a cursor read in batches counts once, also when abandoned early', async () => {
    const sql = postgresJs({ fetch_types: false });
    try {
      await sql`SELECT 1`;
      let batches = 0;
      const full = await counted(async () => {
        for await (const rows of sql`SELECT id FROM books ORDER BY id`.cursor(5)) batches += rows.length > 0 ? 1 : 0;
      });
      assert.ok(batches >= 4, `read ${batches} batches`);
      assert.equal(full.length, 1);
      const early = await counted(async () => {
        for await (const _rows of sql`SELECT id FROM books ORDER BY id DESC`.cursor(2)) break;
      });
      assert.equal(early.length, 1);
    } finally {
      await sql.end();
    }
  });

  test("an SSL-preferring client is told 'N' and continues in plaintext", async () => {
    const sql = postgresJs({ ssl: 'prefer', fetch_types: false });
    try {
      const seen = await counted(() => sql`SELECT 42 AS answer`);
      assert.equal(seen.length, 1);
    } finally {
      await sql.end();
    }
  });

  test('COPY in and out pass through and count one statement each', async () => {
    const sql = postgresJs({ fetch_types: false });
    try {
      await sql`CREATE TABLE copy_target (a int, b text)`;
      const copyIn = await counted(async () => {
        const writable = await sql`COPY copy_target (a, b) FROM STDIN`.writable();
        await new Promise<void>((resolve, reject) => {
          writable.on('error', reject);
          writable.on('finish', resolve);
          for (let i = 0; i < 1000; i++) writable.write(`${i}\t${'x'.repeat(100)}\n`);
          writable.end();
        });
      });
      assert.equal(copyIn.length, 1);
      const [{ count }] = await sql`SELECT count(*)::int AS count FROM copy_target`;
      assert.equal(count, 1000);
      let bytes = 0;
      const copyOut = await counted(async () => {
        const readable = await sql`COPY copy_target TO STDOUT`.readable();
        for await (const chunk of readable) bytes += (chunk as Buffer).length;
      });
      assert.equal(copyOut.length, 1);
      assert.ok(bytes > 100_000, `copied ${bytes} bytes`);
    } finally {
      await sql.end();
    }
  });

  test('a cancel request (a new connection) reaches the server and cancels pg_sleep', async () => {
    const sql = postgresJs({ fetch_types: false });
    try {
      await sql`SELECT 1`;
      const seen = await counted(async () => {
        const q = sql`SELECT pg_sleep(30)`;
        const outcome = q.then(
          () => 'finished',
          (err: { code?: string }) => err.code,
        );
        await new Promise((r) => setTimeout(r, 200));
        q.cancel();
        assert.equal(await outcome, '57014'); // query_canceled
      });
      assert.deepEqual(seen.map((s) => s.outcome), ['failed']);
    } finally {
      await sql.end();
    }
  });
});

describe('proxy lifecycle', () => {
  test('a client disconnect closes the upstream connection too', async () => {
    const c = new pg.Client(viaProxy());
    await c.connect();
    assert.ok(proxy.activeConnections() >= 1);
    const before = proxy.activeConnections();
    await c.end();
    for (let i = 0; i < 50 && proxy.activeConnections() >= before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(proxy.activeConnections(), before - 1);
  });

  test('a client that requires TLS is refused with its own clear error, and the proxy keeps serving', async () => {
    const tls = new pg.Client({ ...viaProxy(), ssl: { rejectUnauthorized: false } });
    await assert.rejects(tls.connect(), /does not support SSL/);
    const plain = new pg.Client(viaProxy());
    await plain.connect();
    assert.equal((await plain.query('SELECT 1 AS one')).rows[0].one, 1);
    await plain.end();
  });

  test('an unreachable upstream fails the client, not the process', async () => {
    const dead = await startQueryProxy({ protocol: 'postgres', upstream: { host: '127.0.0.1', port: 1 } });
    try {
      const c = new pg.Client({ ...viaProxy(), port: dead.port, connectionTimeoutMillis: 2000 });
      await assert.rejects(c.connect());
    } finally {
      await dead.close();
    }
  });
});
