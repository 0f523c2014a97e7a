// A fingerprint of everything dist/ is built from, written into dist/ by the build (bundle.js) and
// compared by `npm test` (run-tests.js), so tests never run a bundle older than the source. Reading
// and hashing the inputs takes milliseconds; rebuilding to compare (check-dist.js, the exact check CI
// runs) takes a minute.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const STAMP_FILE = 'source.sha256';
const INPUTS = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/bundle.js', 'scripts/source-stamp.js', 'scripts/generate-validators.ts'];

export function sourceStamp(root) {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => listFiles(root, input))) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The stamp dist/ was built with, or undefined. */
export function builtStamp(distDir) {
  const file = path.join(distDir, STAMP_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

function listFiles(root, rel) {
  const full = path.join(root, rel);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [rel];
  return readdirSync(full)
    .sort()
    .flatMap((name) => listFiles(root, path.posix.join(rel, name)));
}
