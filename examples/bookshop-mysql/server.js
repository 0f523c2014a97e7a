// bookshop-mysql: the bookshop example's twin on MySQL/MariaDB (mysql2), small on purpose: a list
// endpoint with a switchable N+1 pattern (BOOKSHOP_N_PLUS_ONE=1) and its batched twin, plus a
// single-row lookup. Plain node:http, no build step.
//
// Statements per request (what perfgate's proxy counts):
//   GET /books?limit=N   2 batched (page + one IN (...) author lookup); 1 + N with BOOKSHOP_N_PLUS_ONE=1
//   GET /books/:id       1 (a JOIN)
//   GET /ping, /health   0
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { createPool } from './db.js';
import { seed } from './seed.js';

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function settingsFrom(env = process.env) {
  return { nPlusOne: env.BOOKSHOP_N_PLUS_ONE === '1' || env.BOOKSHOP_N_PLUS_ONE === 'true' };
}

const bookJson = (row, author) => ({ id: row.id, title: row.title, year: row.year, priceCents: row.price_cents, author });

async function listBooks(pool, url, settings) {
  const limit = intParam(url.searchParams.get('limit'), { name: 'limit', fallback: 20, min: 0, max: 100 });
  const [rows] = await pool.execute('SELECT id, author_id, title, year, price_cents FROM books ORDER BY id LIMIT ?', [String(limit)]);
  if (settings.nPlusOne) {
    // The ORM lazy-load: one author lookup per book, repeated authors included.
    const books = [];
    for (const row of rows) {
      const [found] = await pool.execute('SELECT id, name FROM authors WHERE id = ?', [row.author_id]);
      books.push(bookJson(row, found[0] ?? null));
    }
    return [200, { books }];
  }
  if (rows.length === 0) return [200, { books: [] }];
  const ids = [...new Set(rows.map((r) => r.author_id))];
  const [authors] = await pool.query('SELECT id, name FROM authors WHERE id IN (?)', [ids]);
  const byId = new Map(authors.map((a) => [a.id, { id: a.id, name: a.name }]));
  return [200, { books: rows.map((row) => bookJson(row, byId.get(row.author_id) ?? null)) }];
}

async function getBook(pool, url, _settings, params) {
  const id = Number(params[0]);
  if (!Number.isSafeInteger(id) || id < 1) throw new HttpError(400, 'book id must be a positive integer');
  const [rows] = await pool.execute(
    `SELECT b.id, b.title, b.year, b.price_cents, a.id AS author_id, a.name AS author_name
       FROM books b JOIN authors a ON a.id = b.author_id WHERE b.id = ?`,
    [id],
  );
  if (!rows[0]) throw new HttpError(404, `no book ${id}`);
  return [200, bookJson(rows[0], { id: rows[0].author_id, name: rows[0].author_name })];
}

const ROUTES = [
  ['GET', /^\/health$/, async () => [200, { status: 'ok' }]],
  ['GET', /^\/ping$/, async () => [200, 'pong']],
  ['GET', /^\/books$/, listBooks],
  ['GET', /^\/books\/([^/]+)$/, getBook],
];

function intParam(value, { name, fallback, min, max }) {
  if (value === null || value === '') return fallback;
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new HttpError(400, `${name} must be an integer from ${min} to ${max}`);
  return n;
}

export function createApp({ pool, settings = settingsFrom() }) {
  return async function handle(req, res) {
    let status;
    let body;
    try {
      const url = new URL(req.url ?? '/', 'http://bookshop');
      const route = ROUTES.find(([m, pattern]) => m === req.method && pattern.test(url.pathname));
      if (!route) throw new HttpError(404, `no route ${req.method} ${url.pathname}`);
      [status, body] = await route[2](pool, url, settings, route[1].exec(url.pathname).slice(1));
    } catch (err) {
      if (err instanceof HttpError) [status, body] = [err.status, { error: err.message }];
      else {
        console.error(`bookshop-mysql: ${req.method} ${req.url} failed: ${err.stack ?? err}`);
        [status, body] = [500, { error: 'internal error' }];
      }
    }
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(payload),
    });
    res.end(payload);
  };
}

async function main() {
  const port = Number(process.env.PORT || 3000);
  const settings = settingsFrom();
  const pool = createPool();
  if (process.env.BOOKSHOP_SEED !== '0') {
    try {
      await seed(pool);
    } catch (err) {
      console.error(`bookshop-mysql: cannot prepare the database: ${err.message}. Set DATABASE_URL (mysql://user:pass@host:port/db).`);
      await pool.end().catch(() => {});
      process.exit(1);
    }
  }
  const server = http.createServer(createApp({ pool, settings }));
  server.keepAliveTimeout = 65_000;
  server.on('error', (err) => {
    console.error(`bookshop-mysql: cannot listen on 127.0.0.1:${port}: ${err.message}`);
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => console.log(`bookshop-mysql: listening on http://127.0.0.1:${port}${settings.nPlusOne ? ' (N+1 on)' : ''}`));
  const shutdown = () => {
    server.close(async () => {
      await pool.end().catch(() => {});
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 5000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
