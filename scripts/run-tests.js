// Runs the test suites with Node's built-in runner. Node 20's `--test` does not expand globs, so the
// file list is collected here. `npm test` runs everything that needs only Node; `--suite debian`
// runs the tests that need Debian packages (pgbench, wrk, pgbouncer, MariaDB), which .ci/run installs.
// The CLI tests run the bundle users run (bin/perfgate.js → dist/), so dist/ is rebuilt first when the
// source has changed since it was built, and checked to load nothing but Node built-ins at startup.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtStamp, sourceStamp } from './source-stamp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const suite = args.includes('--suite') ? args[args.indexOf('--suite') + 1] : 'node';
const filters = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--suite');

function collect(dir) {
  let files = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) files = files.concat(collect(full));
    else if (name.endsWith('.test.ts')) files.push(full);
  }
  return files;
}

const testsDir = path.join(root, '__tests__');
const debianDir = path.join(testsDir, 'debian') + path.sep;
let files = collect(testsDir).filter((f) => (suite === 'debian' ? f.startsWith(debianDir) : !f.startsWith(debianDir)));
if (filters.length > 0) files = files.filter((f) => filters.some((flt) => f.includes(flt)));
files.sort();
if (files.length === 0) {
  console.error(`no test files found for suite "${suite}"`);
  process.exit(1);
}

if (builtStamp(path.join(root, 'dist')) !== sourceStamp(root)) {
  console.error('dist/ was built from other sources than src/ holds now: rebuilding (npm run build) before testing');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const bundleCheck = spawnSync(process.execPath, [path.join(root, 'scripts/check-bundle.js')], { cwd: root, stdio: 'inherit' });
if (bundleCheck.status !== 0) process.exit(bundleCheck.status ?? 1);

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files.map((f) => path.relative(root, f))],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
