// Compares SQL fingerprinting approaches on the corpus of __tests__/queries/fingerprint-corpus.ts:
// our tokenizer (src/queries/fingerprint.ts) vs libpg-query (the Postgres parser compiled to WASM).
// libpg-query is not a project dependency; install it anywhere and point at it:
//   npm install --prefix /tmp/pgq libpg-query
//   LIBPG_QUERY=/tmp/pgq/node_modules/libpg-query node --import tsx bench/proxy-fingerprints.ts
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { tokenize } from '../src/queries/sql-tokenizer.js';
import { fingerprintSql } from '../src/queries/fingerprint.js';
import { corpus } from '../__tests__/queries/fingerprint-corpus.js';

type Fp = (sql: string) => string;

/** Pairwise agreement with the expected classes: same class ⇔ same fingerprint. */
function score(name: string, fp: Fp): void {
  const fps = corpus.map((c) => {
    try {
      return fp(c.sql);
    } catch (e) {
      return `ERROR:${c.sql}`;
    }
  });
  let splits = 0; // same class, different fingerprints
  let merges = 0; // different classes, same fingerprint
  let pairs = 0;
  const wrong = new Set<string>();
  for (let i = 0; i < corpus.length; i++) {
    for (let j = i + 1; j < corpus.length; j++) {
      pairs++;
      const same = corpus[i]!.cls === corpus[j]!.cls;
      const equal = fps[i] === fps[j];
      if (same && !equal) (splits++, wrong.add(corpus[i]!.cls));
      if (!same && equal) (merges++, wrong.add(`${corpus[i]!.cls}~${corpus[j]!.cls}`));
    }
  }
  const errors = fps.filter((f) => f.startsWith('ERROR:')).length;
  console.log(`${name}: ${corpus.length} statements, ${pairs} pairs: ${splits} wrongly split, ${merges} wrongly merged, ${errors} rejected`);
  if (wrong.size > 0) console.log(`  classes wrong: ${[...wrong].join(', ')}`);
}

function speed(name: string, fp: Fp): number {
  const texts = corpus.map((c, i) => `${c.sql} /* ${i} */`);
  for (const t of texts) fp(t);
  const rounds = 200;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const t of texts) fp(`${t} -- ${r}`);
  const us = ((performance.now() - t0) * 1000) / (rounds * texts.length);
  console.log(`${name}: ${us.toFixed(1)} µs per uncached fingerprint`);
  return us;
}

const tokenizerFp: Fp = (sql) => {
  // Bypass the cache: each call sees new text anyway (comment suffix), but be explicit.
  tokenize(sql, 'postgres');
  return fingerprintSql(sql, 'postgres').fingerprint;
};
score('tokenizer', (sql) => fingerprintSql(sql, 'postgres').fingerprint);
const tokUs = speed('tokenizer', tokenizerFp);

const where = process.env.LIBPG_QUERY ?? 'libpg-query';
try {
  const require = createRequire(import.meta.url);
  const t0 = performance.now();
  const lib = require(where) as { loadModule(): Promise<void>; fingerprintSync(sql: string): string };
  await lib.loadModule();
  console.log(`libpg-query: loadModule() took ${(performance.now() - t0).toFixed(0)} ms (asynchronous; the *Sync functions need it first)`);
  score('libpg-query', (sql) => lib.fingerprintSync(sql));
  const libUs = speed('libpg-query', (sql) => lib.fingerprintSync(sql));
  console.log(`ratio libpg-query / tokenizer: ${(libUs / tokUs).toFixed(1)}×`);
} catch (err) {
  console.log(`libpg-query not available (${(err as Error).message.split('\n')[0]}); set LIBPG_QUERY to its folder`);
}
