// Schema and deterministic seed data (the same rows on every machine, so statement counts and
// response sizes compare across runs).
//
//   node seed.js           create the tables and fill them if empty (safe to run again)
//   node seed.js --reset   empty the tables and fill them again
import { pathToFileURL } from 'node:url';
import { createPool } from './db.js';

export const SEED_COUNTS = { authors: 50, books: 1000 };

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS authors (
     id INT PRIMARY KEY,
     name VARCHAR(100) NOT NULL,
     country CHAR(2) NOT NULL
   )`,
  `CREATE TABLE IF NOT EXISTS books (
     id INT PRIMARY KEY,
     author_id INT NOT NULL,
     title VARCHAR(200) NOT NULL,
     year INT NOT NULL,
     price_cents INT NOT NULL,
     KEY books_author_id_idx (author_id),
     CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id)
   )`,
];

const COUNTRIES = ['US', 'GB', 'NG', 'JP', 'BR', 'IN', 'DE', 'FR'];

/** Creates the schema and inserts the seed rows when the tables are empty (or `reset`). */
export async function seed(pool, { reset = false } = {}) {
  for (const ddl of SCHEMA) await pool.query(ddl);
  if (reset) {
    await pool.query('DELETE FROM books');
    await pool.query('DELETE FROM authors');
  }
  const [[{ n }]] = await pool.query('SELECT count(*) AS n FROM authors');
  if (Number(n) > 0) return { inserted: false };
  const authors = Array.from({ length: SEED_COUNTS.authors }, (_, i) => [i + 1, `Author ${i + 1}`, COUNTRIES[i % COUNTRIES.length]]);
  await pool.query('INSERT INTO authors (id, name, country) VALUES ?', [authors]);
  // Authors repeat within a page (book i is by author (i * 7) % 50 + 1), like real catalogues.
  const books = Array.from({ length: SEED_COUNTS.books }, (_, i) => [i + 1, ((i * 7) % SEED_COUNTS.authors) + 1, `Book ${i + 1}`, 1950 + (i % 70), 500 + ((i * 37) % 4000)]);
  await pool.query('INSERT INTO books (id, author_id, title, year, price_cents) VALUES ?', [books]);
  return { inserted: true };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const pool = createPool();
  try {
    const { inserted } = await seed(pool, { reset: process.argv.includes('--reset') });
    console.log(inserted ? 'bookshop-mysql: seeded' : 'bookshop-mysql: already seeded');
  } catch (err) {
    console.error(`bookshop-mysql: cannot seed the database: ${err.message}. Set DATABASE_URL (mysql://user:pass@host:port/db).`);
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}
