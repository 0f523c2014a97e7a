// Schema and deterministic seed data: the same authors, books and orders on every machine, so query
// plans, response sizes and statement counts are comparable across runs.
//
//   node seed.js           create the tables and fill them if they are empty (safe to run again)
//   node seed.js --reset   empty the tables and fill them again
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createPool } from './db.js';

export const SEED_COUNTS = { authors: 50, books: 1000, orders: 3000 };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS authors (
  id      integer PRIMARY KEY,
  name    text    NOT NULL,
  country text    NOT NULL,
  born    integer NOT NULL
);
CREATE TABLE IF NOT EXISTS books (
  id          integer PRIMARY KEY,
  author_id   integer NOT NULL REFERENCES authors (id),
  title       text    NOT NULL,
  isbn        text    NOT NULL UNIQUE,
  year        integer NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents > 0),
  stock       integer NOT NULL CHECK (stock >= 0)
);
CREATE INDEX IF NOT EXISTS books_author_id_idx ON books (author_id);
CREATE TABLE IF NOT EXISTS orders (
  id               bigserial   PRIMARY KEY,
  book_id          integer     NOT NULL REFERENCES books (id),
  quantity         integer     NOT NULL CHECK (quantity > 0),
  unit_price_cents integer     NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS orders_book_id_idx ON orders (book_id);
`;

// Serialises concurrent seeders (two services starting against one database).
const SEED_LOCK = 4_242_001;

/**
 * Creates the schema and, when the tables are empty (or `reset` is set), inserts the seed data.
 * `db` is a pg Pool or Client. Returns whether data was inserted.
 */
export async function seed(db, { reset = false } = {}) {
  // A transaction needs one connection: take one from a pool, or use the client given.
  const client = db instanceof pg.Pool ? await db.connect() : db;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    await client.query(SCHEMA);
    if (reset) await client.query('TRUNCATE orders, books, authors RESTART IDENTITY');
    const { rows } = await client.query('SELECT count(*)::int AS n FROM authors');
    const inserted = rows[0].n === 0;
    if (inserted) await insertSeedData(client);
    await client.query('COMMIT');
    return { inserted };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    if (client !== db) client.release();
  }
}

async function insertSeedData(client) {
  const { authors, books, orders } = generate();
  await client.query(
    `INSERT INTO authors (id, name, country, born)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::int[])`,
    columns(authors, ['id', 'name', 'country', 'born']),
  );
  await client.query(
    `INSERT INTO books (id, author_id, title, isbn, year, price_cents, stock)
     SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[])`,
    columns(books, ['id', 'authorId', 'title', 'isbn', 'year', 'priceCents', 'stock']),
  );
  await client.query(
    `INSERT INTO orders (book_id, quantity, unit_price_cents, created_at)
     SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::timestamptz[])`,
    columns(orders, ['bookId', 'quantity', 'unitPriceCents', 'createdAt']),
  );
}

function columns(rows, keys) {
  return keys.map((k) => rows.map((r) => r[k]));
}

const FIRST = ['Ada', 'Bruno', 'Chioma', 'Dmitri', 'Elena', 'Farid', 'Greta', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Lars', 'Mei', 'Nadia', 'Oscar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq'];
const LAST = ['Abara', 'Berg', 'Castillo', 'Dubois', 'Eriksen', 'Fontaine', 'Gupta', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski', 'Lindqvist', 'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Rossi', 'Silva', 'Tanaka', 'Weber'];
const COUNTRIES = ['BR', 'DE', 'FR', 'IN', 'IT', 'JP', 'NG', 'NO', 'PL', 'SE', 'US'];
const ADJECTIVES = ['Silent', 'Crimson', 'Hidden', 'Last', 'Distant', 'Broken', 'Golden', 'Winter', 'Restless', 'Paper', 'Salt', 'Iron', 'Quiet', 'Northern', 'Borrowed'];
const NOUNS = ['River', 'Garden', 'Harbour', 'Orchard', 'Letters', 'Machine', 'Atlas', 'Lantern', 'Archive', 'Tide', 'Compass', 'Engine', 'Island', 'Mirror', 'Season'];

/** The seed data itself, from a fixed-seed PRNG: identical on every run and every machine. */
export function generate(counts = SEED_COUNTS) {
  const rand = mulberry32(20240601);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const between = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

  const authors = [];
  for (let id = 1; id <= counts.authors; id++) {
    authors.push({ id, name: `${pick(FIRST)} ${pick(LAST)}`, country: pick(COUNTRIES), born: between(1930, 1995) });
  }
  const books = [];
  for (let id = 1; id <= counts.books; id++) {
    books.push({
      id,
      authorId: between(1, counts.authors),
      title: `The ${pick(ADJECTIVES)} ${pick(NOUNS)}${rand() < 0.3 ? ` ${['II', 'III', 'Revisited'][between(0, 2)]}` : ''}`,
      isbn: isbn13(id),
      year: between(1960, 2024),
      priceCents: between(499, 4999),
      // Plenty, so load tests that order the same book for minutes never run out.
      stock: between(500_000, 1_000_000),
    });
  }
  const orders = [];
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < counts.orders; i++) {
    const book = books[between(0, books.length - 1)];
    orders.push({
      bookId: book.id,
      quantity: between(1, 3),
      unitPriceCents: book.priceCents,
      createdAt: new Date(start + i * 3_600_000).toISOString(),
    });
  }
  return { authors, books, orders };
}

function isbn13(n) {
  const digits = `978${String(n).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return digits + ((10 - (sum % 10)) % 10);
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const pool = createPool();
  try {
    const { inserted } = await seed(pool, { reset: process.argv.includes('--reset') });
    console.log(inserted ? `bookshop: seeded ${SEED_COUNTS.authors} authors, ${SEED_COUNTS.books} books, ${SEED_COUNTS.orders} orders` : 'bookshop: already seeded');
  } catch (err) {
    console.error(`bookshop: seeding failed: ${err.message}`);
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}
