// The example service the demo and the query-counting work rely on: endpoints, shapes, the statement
// counts README.md documents (from the service's own X-Query-Count), the N+1 switch and the slowdowns.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import pg from 'pg';
import { BOOKSHOP_DIR, startBookshop, type Bookshop } from '../helpers/bookshop.js';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';

const run = promisify(execFile);

let db: PostgresServer;
let batched: Bookshop;
let nPlusOne: Bookshop;
let slowed: Bookshop;

beforeAll(async () => {
  db = await startTestPostgres();
  const first = await run(process.execPath, [path.join(BOOKSHOP_DIR, 'seed.js')], { env: { ...process.env, DATABASE_URL: db.url } });
  assert.match(first.stdout, /seeded 50 authors, 1000 books, 3000 orders/);
  [batched, nPlusOne, slowed] = await Promise.all([
    startBookshop({ databaseUrl: db.url }),
    startBookshop({ databaseUrl: db.url, env: { BOOKSHOP_N_PLUS_ONE: '1' } }),
    startBookshop({
      databaseUrl: db.url,
      env: { BOOKSHOP_SLOWDOWN_US: '3000', BOOKSHOP_TAIL_SLOWDOWN_MS: '5', BOOKSHOP_TAIL_FRACTION: '0.1' },
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([batched?.stop(), nPlusOne?.stop(), slowed?.stop()]);
  await db?.stop();
});

async function get(service: Bookshop, p: string, init?: RequestInit) {
  const res = await fetch(service.url + p, init);
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    body: type.startsWith('application/json') ? JSON.parse(text) : text,
    queries: Number(res.headers.get('x-query-count')),
    timing: parseServerTiming(res.headers.get('server-timing') ?? ''),
  };
}

function parseServerTiming(header: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const metric of header.split(',')) {
    const [name, ...params] = metric.trim().split(';');
    const dur = params.find((p) => p.startsWith('dur='));
    if (name) out.set(name, dur ? Number(dur.slice(4)) : 0);
  }
  return out;
}

const postOrder = (service: Bookshop, body: unknown) =>
  get(service, '/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('bookshop example service', () => {
  test('seeding again is a no-op', async () => {
    const again = await run(process.execPath, [path.join(BOOKSHOP_DIR, 'seed.js')], { env: { ...process.env, DATABASE_URL: db.url } });
    assert.match(again.stdout, /already seeded/);
    const stats = await get(batched, '/stats');
    assert.equal(stats.body.books, 1000);
    assert.equal(stats.body.authors, 50);
  });

  test('GET /health and GET /ping answer without touching the database', async () => {
    const health = await get(batched, '/health');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    assert.equal(health.queries, 0);
    const ping = await get(batched, '/ping');
    assert.equal(ping.status, 200);
    assert.equal(ping.body, 'pong');
    assert.equal(ping.queries, 0);
    assert.ok(ping.timing.has('app'), 'Server-Timing carries the handler time');
  });

  test('GET /books lists books with their authors in 2 statements', async () => {
    const res = await get(batched, '/books?limit=50');
    assert.equal(res.status, 200);
    assert.equal(res.body.books.length, 50);
    assert.deepEqual(res.body.books.map((b: { id: number }) => b.id), Array.from({ length: 50 }, (_, i) => i + 1));
    for (const book of res.body.books) {
      assert.deepEqual(Object.keys(book).sort(), ['author', 'id', 'priceCents', 'stock', 'title', 'year']);
      assert.equal(typeof book.author.name, 'string');
      assert.equal(typeof book.priceCents, 'number');
    }
    assert.equal(res.queries, 2);
    assert.equal((await get(batched, '/books')).body.books.length, 20, 'default limit');
    assert.equal((await get(batched, '/books?limit=5&offset=10')).body.books[0].id, 11);
  });

  test('the N+1 switch returns the same JSON with one author query per book', async () => {
    for (const limit of [1, 7, 50]) {
      const a = await get(batched, `/books?limit=${limit}`);
      const b = await get(nPlusOne, `/books?limit=${limit}`);
      assert.deepEqual(b.body, a.body);
      assert.equal(a.queries, 2);
      assert.equal(b.queries, 1 + limit);
    }
    const empty = await get(batched, '/books?limit=0');
    assert.deepEqual(empty.body, { books: [] });
    assert.equal(empty.queries, 1, 'an empty page needs no author lookup');
    assert.equal((await get(nPlusOne, '/books?limit=0')).queries, 1);
  });

  test('GET /books/:id returns one book with its author in 1 statement', async () => {
    const res = await get(batched, '/books/42');
    assert.equal(res.status, 200);
    assert.equal(res.body.id, 42);
    assert.match(res.body.isbn, /^978\d{10}$/);
    assert.equal(typeof res.body.author.id, 'number');
    assert.equal(res.queries, 1);
    const missing = await get(batched, '/books/99999');
    assert.equal(missing.status, 404);
    assert.equal(missing.queries, 1);
    const bad = await get(batched, '/books/abc');
    assert.equal(bad.status, 400);
    assert.equal(bad.queries, 0);
  });

  test('GET /authors/:id/books returns the author and their books in 2 statements', async () => {
    const res = await get(batched, '/authors/7/books');
    assert.equal(res.status, 200);
    assert.equal(res.body.author.id, 7);
    assert.ok(res.body.books.length > 0);
    for (const b of res.body.books) assert.equal((await get(batched, `/books/${b.id}`)).body.author.id, 7);
    assert.equal(res.queries, 2);
    const missing = await get(batched, '/authors/999/books');
    assert.equal(missing.status, 404);
    assert.equal(missing.queries, 1);
  });

  test('POST /orders records the order and takes it off the stock in one transaction (5 statements)', async () => {
    const before = (await get(batched, '/books/42')).body.stock;
    const res = await postOrder(batched, { bookId: 42, quantity: 3 });
    assert.equal(res.status, 201);
    assert.equal(res.body.bookId, 42);
    assert.equal(res.body.quantity, 3);
    assert.equal(res.body.totalCents, res.body.unitPriceCents * 3);
    assert.equal(res.body.stockLeft, before - 3);
    assert.equal((await get(batched, '/books/42')).body.stock, before - 3);
    assert.equal(res.queries, 5);

    const unknown = await postOrder(batched, { bookId: 99999, quantity: 1 });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.queries, 3, 'BEGIN, SELECT, ROLLBACK');

    const client = new pg.Client(db.url);
    await client.connect();
    await client.query('UPDATE books SET stock = 1 WHERE id = 43');
    await client.end();
    const soldOut = await postOrder(batched, { bookId: 43, quantity: 2 });
    assert.equal(soldOut.status, 409);
    assert.equal(soldOut.queries, 3);
    assert.equal((await get(batched, '/books/43')).body.stock, 1, 'the rolled-back order left the stock alone');

    const invalid = await postOrder(batched, { bookId: 'x' });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.queries, 0);
    const notJson = await get(batched, '/orders', { method: 'POST', body: '{' });
    assert.equal(notJson.status, 400);
  });

  test('GET /stats aggregates the whole shop in 2 statements', async () => {
    const res = await get(batched, '/stats');
    assert.equal(res.status, 200);
    assert.equal(res.body.authors, 50);
    assert.equal(res.body.books, 1000);
    assert.ok(res.body.orders >= 3000);
    assert.equal(res.body.topAuthors.length, 10);
    const revenue = res.body.topAuthors.map((a: { revenueCents: number }) => a.revenueCents);
    assert.deepEqual(revenue, [...revenue].sort((x, y) => y - x));
    assert.equal(res.queries, 2);
  });

  test('unknown routes and methods are 404 and 405', async () => {
    assert.equal((await get(batched, '/nope')).status, 404);
    assert.equal((await get(batched, '/books', { method: 'DELETE' })).status, 405);
  });

  test('BOOKSHOP_SLOWDOWN_US spends that long in the handler on every request', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await get(slowed, '/ping');
      assert.equal(res.timing.get('spin'), 3);
      assert.ok(res.timing.get('app')! >= 3, `handler time ${res.timing.get('app')} ms includes the 3 ms spin`);
    }
    assert.equal((await get(batched, '/ping')).timing.has('spin'), false);
  });

  test('BOOKSHOP_TAIL_SLOWDOWN_MS delays exactly every 1/fraction-th request', async () => {
    const delayed: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await get(slowed, '/ping');
      if (res.timing.has('tail')) {
        delayed.push(i);
        assert.ok(res.timing.get('app')! >= 5);
      }
    }
    assert.equal(delayed.length, 3);
    assert.deepEqual([delayed[1] - delayed[0], delayed[2] - delayed[1]], [10, 10]);
  });

  test('SIGTERM shuts the service down cleanly', async () => {
    const exit = await nPlusOne.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.match(nPlusOne.output(), /SIGTERM, finishing requests in flight/);
  });
});
