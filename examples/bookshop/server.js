// bookshop: a small books/authors/orders API on PostgreSQL, with endpoints of different cost, a
// switchable N+1 pattern and injectable slowdowns — the service perfgate's demo and tests measure.
// Plain node:http and pg, no build step. Statement counts per request are listed in README.md.
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { createPool, RequestDb } from './db.js';
import { seed } from './seed.js';

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Reads the behaviour switches from the environment once, at start. */
export function settingsFrom(env = process.env) {
  const tailFraction = Number(env.BOOKSHOP_TAIL_FRACTION ?? 0.01);
  return {
    nPlusOne: env.BOOKSHOP_N_PLUS_ONE === '1' || env.BOOKSHOP_N_PLUS_ONE === 'true',
    slowdownUs: Number(env.BOOKSHOP_SLOWDOWN_US || 0),
    tailSlowdownMs: Number(env.BOOKSHOP_TAIL_SLOWDOWN_MS || 0),
    // Every k-th request rather than a random draw, so two runs slow down exactly the same requests.
    tailEvery: tailFraction > 0 ? Math.max(1, Math.round(1 / tailFraction)) : 0,
  };
}

// ---------------------------------------------------------------------------------------------------
// Handlers. Each gets (db, req, params, url) and returns [status, body].

const BOOK_COLUMNS = 'id, author_id, title, year, price_cents, stock';

function bookJson(row, author) {
  return { id: row.id, title: row.title, year: row.year, priceCents: row.price_cents, stock: row.stock, author };
}

async function listBooks(db, _req, _params, url, settings) {
  const limit = intParam(url.searchParams.get('limit'), { name: 'limit', fallback: 20, min: 0, max: 100 });
  const offset = intParam(url.searchParams.get('offset'), { name: 'offset', fallback: 0, min: 0, max: 1_000_000 });
  const { rows } = await db.query(`SELECT ${BOOK_COLUMNS} FROM books ORDER BY id LIMIT $1 OFFSET $2`, [limit, offset]);

  if (settings.nPlusOne) {
    // The classic ORM lazy-load: one author lookup per book, repeated authors included.
    const books = [];
    for (const row of rows) {
      const { rows: found } = await db.query('SELECT id, name FROM authors WHERE id = $1', [row.author_id]);
      books.push(bookJson(row, found[0] ?? null));
    }
    return [200, { books }];
  }

  if (rows.length === 0) return [200, { books: [] }];
  const ids = [...new Set(rows.map((r) => r.author_id))];
  const { rows: authors } = await db.query('SELECT id, name FROM authors WHERE id = ANY($1)', [ids]);
  const byId = new Map(authors.map((a) => [a.id, { id: a.id, name: a.name }]));
  return [200, { books: rows.map((row) => bookJson(row, byId.get(row.author_id) ?? null)) }];
}

async function getBook(db, _req, params) {
  const id = idParam(params[0], 'book id');
  const { rows } = await db.query(
    `SELECT b.id, b.title, b.isbn, b.year, b.price_cents, b.stock, a.id AS author_id, a.name AS author_name
       FROM books b JOIN authors a ON a.id = b.author_id
      WHERE b.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new HttpError(404, `no book ${id}`);
  return [200, { ...bookJson(row, { id: row.author_id, name: row.author_name }), isbn: row.isbn }];
}

async function authorBooks(db, _req, params) {
  const id = idParam(params[0], 'author id');
  const { rows: authors } = await db.query('SELECT id, name, country, born FROM authors WHERE id = $1', [id]);
  if (!authors[0]) throw new HttpError(404, `no author ${id}`);
  const { rows } = await db.query(
    'SELECT id, title, year, price_cents FROM books WHERE author_id = $1 ORDER BY year, id',
    [id],
  );
  return [
    200,
    {
      author: authors[0],
      books: rows.map((r) => ({ id: r.id, title: r.title, year: r.year, priceCents: r.price_cents })),
    },
  ];
}

async function createOrder(db, req) {
  const body = await readJson(req);
  const bookId = idParam(body?.bookId, 'bookId');
  const quantity = intParam(body?.quantity, { name: 'quantity', fallback: 1, min: 1, max: 100 });
  const order = await db.transaction(async (tx) => {
    const { rows } = await tx.query('SELECT price_cents, stock FROM books WHERE id = $1 FOR UPDATE', [bookId]);
    const book = rows[0];
    if (!book) throw new HttpError(404, `no book ${bookId}`);
    if (book.stock < quantity) throw new HttpError(409, `only ${book.stock} left of book ${bookId}`);
    const { rows: inserted } = await tx.query(
      'INSERT INTO orders (book_id, quantity, unit_price_cents) VALUES ($1, $2, $3) RETURNING id',
      [bookId, quantity, book.price_cents],
    );
    const { rows: updated } = await tx.query(
      'UPDATE books SET stock = stock - $2 WHERE id = $1 RETURNING stock',
      [bookId, quantity],
    );
    return {
      id: Number(inserted[0].id),
      bookId,
      quantity,
      unitPriceCents: book.price_cents,
      totalCents: book.price_cents * quantity,
      stockLeft: updated[0].stock,
    };
  });
  return [201, order];
}

// A slow report: `steps` statements of `ms` each, one after the other (default 5 × 40 ms). Under load
// at high concurrency, many of these are still running when a round ends: the test that counts
// statements right after it checks that none of theirs are counted as the next endpoint's.
async function slowReport(db, _req, _params, url) {
  const steps = Math.min(20, Math.max(1, Number(url.searchParams.get('steps') ?? 5) || 5));
  const ms = Math.min(1000, Math.max(0, Number(url.searchParams.get('ms') ?? 40) || 0));
  for (let i = 0; i < steps; i++) await db.query('SELECT pg_sleep($1::float8 / 1000)', [ms]);
  return [200, { steps, ms }];
}

async function stats(db) {
  const { rows: totals } = await db.query(
    `SELECT (SELECT count(*) FROM authors)::int AS authors,
            (SELECT count(*) FROM books)::int AS books,
            count(*)::int AS orders,
            coalesce(sum(quantity), 0)::int8 AS units_sold,
            coalesce(sum(quantity * unit_price_cents), 0)::int8 AS revenue_cents
       FROM orders`,
  );
  const { rows: top } = await db.query(
    `SELECT a.id, a.name, count(DISTINCT b.id)::int AS books,
            coalesce(sum(o.quantity), 0)::int8 AS units_sold,
            coalesce(sum(o.quantity * o.unit_price_cents), 0)::int8 AS revenue_cents
       FROM authors a
       JOIN books b ON b.author_id = a.id
       LEFT JOIN orders o ON o.book_id = b.id
      GROUP BY a.id, a.name
      ORDER BY revenue_cents DESC, a.id
      LIMIT 10`,
  );
  const t = totals[0];
  return [
    200,
    {
      authors: t.authors,
      books: t.books,
      orders: t.orders,
      unitsSold: Number(t.units_sold),
      revenueCents: Number(t.revenue_cents),
      topAuthors: top.map((r) => ({
        id: r.id,
        name: r.name,
        books: r.books,
        unitsSold: Number(r.units_sold),
        revenueCents: Number(r.revenue_cents),
      })),
    },
  ];
}

const ROUTES = [
  ['GET', /^\/health$/, async () => [200, { status: 'ok' }]],
  ['GET', /^\/ping$/, async () => [200, 'pong']],
  ['GET', /^\/books$/, listBooks],
  ['GET', /^\/books\/([^/]+)$/, getBook],
  ['GET', /^\/authors\/([^/]+)\/books$/, authorBooks],
  ['POST', /^\/orders$/, createOrder],
  ['GET', /^\/stats$/, stats],
  ['GET', /^\/slow$/, slowReport],
];

// ---------------------------------------------------------------------------------------------------
// Plumbing

export function createApp({ pool, settings = settingsFrom(), isClosing = () => false }) {
  let requests = 0;

  return async function handle(req, res) {
    const started = process.hrtime.bigint();
    const n = ++requests;
    // Injected delays are named in Server-Timing so a test can see which requests got them.
    const timings = [];
    if (settings.slowdownUs > 0) {
      spin(settings.slowdownUs);
      timings.push(`spin;dur=${(settings.slowdownUs / 1000).toFixed(3)}`);
    }
    if (settings.tailSlowdownMs > 0 && settings.tailEvery > 0 && n % settings.tailEvery === 0) {
      await new Promise((resolve) => setTimeout(resolve, settings.tailSlowdownMs));
      timings.push(`tail;dur=${settings.tailSlowdownMs}`);
    }

    const db = new RequestDb(pool);
    let status;
    let body;
    try {
      const url = new URL(req.url ?? '/', 'http://bookshop');
      const route = match(req.method, url.pathname);
      [status, body] = await route.handler(db, req, route.params, url, settings);
    } catch (err) {
      if (err instanceof HttpError) {
        [status, body] = [err.status, { error: err.message }];
      } else {
        console.error(`bookshop: ${req.method} ${req.url} failed: ${err.stack ?? err}`);
        [status, body] = [500, { error: 'internal error' }];
      }
    }

    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    const appMs = Number(process.hrtime.bigint() - started) / 1e6;
    // While shutting down, end kept-alive connections after this response so close() can finish.
    if (isClosing()) res.setHeader('Connection', 'close');
    res.writeHead(status, {
      'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(payload),
      // The service's own view, for perfgate's header mode and for humans in devtools.
      'X-Query-Count': String(db.statements),
      'Server-Timing': [
        `app;dur=${appMs.toFixed(3)}`,
        `db;dur=${db.durationMs.toFixed(3)};desc="statements=${db.statements}"`,
        ...timings,
      ].join(', '),
    });
    res.end(payload);
  };
}

function match(method, pathname) {
  let pathMatched = false;
  for (const [m, pattern, handler] of ROUTES) {
    const found = pattern.exec(pathname);
    if (!found) continue;
    pathMatched = true;
    if (m === method) return { handler, params: found.slice(1) };
  }
  throw new HttpError(pathMatched ? 405 : 404, pathMatched ? `${method} not allowed on ${pathname}` : `no route ${pathname}`);
}

/** Burns CPU for `us` microseconds: the injected slowdown must cost CPU, not just wall time. */
function spin(us) {
  const until = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < until) {
    // busy
  }
}

function idParam(value, name) {
  const n = typeof value === 'number' ? value : /^\d+$/.test(String(value ?? '')) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647) throw new HttpError(400, `${name} must be a positive integer`);
  return n;
}

function intParam(value, { name, fallback, min, max }) {
  if (value === null || value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new HttpError(400, `${name} must be an integer from ${min} to ${max}`);
  return n;
}

const MAX_BODY = 64 * 1024;

async function readJson(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, `body larger than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body must be JSON like {"bookId": 1, "quantity": 1}');
  }
}

// ---------------------------------------------------------------------------------------------------
// Process

async function main() {
  const port = Number(process.env.PORT || 3000);
  const host = process.env.BOOKSHOP_HOST || '127.0.0.1';
  const settings = settingsFrom();
  const pool = createPool();

  if (process.env.BOOKSHOP_SEED !== '0') {
    try {
      const { inserted } = await seed(pool);
      if (inserted) console.log('bookshop: database seeded');
    } catch (err) {
      console.error(`bookshop: cannot prepare the database: ${err.message}. Set DATABASE_URL (postgres://user:pass@host:port/db).`);
      await pool.end().catch(() => {});
      process.exit(1);
    }
  }

  let stopping = false;
  const server = http.createServer(createApp({ pool, settings, isClosing: () => stopping }));
  // Longer than any pause between perfgate's rounds, so kept-alive connections are not dropped between them.
  server.keepAliveTimeout = 65_000;
  server.on('error', (err) => {
    console.error(`bookshop: cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const switches = [
      settings.nPlusOne && 'N+1 on',
      settings.slowdownUs && `+${settings.slowdownUs}µs CPU per request`,
      settings.tailSlowdownMs && `+${settings.tailSlowdownMs}ms on every ${settings.tailEvery}th request`,
    ].filter(Boolean);
    console.log(`bookshop: listening on http://${host}:${port}${switches.length ? ` (${switches.join(', ')})` : ''}`);
  });

  const shutdown = (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`bookshop: ${signal}, finishing requests in flight`);
    const force = setTimeout(() => {
      server.closeAllConnections();
      process.exit(1);
    }, 5000);
    force.unref();
    server.close(async () => {
      await pool.end().catch(() => {});
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
