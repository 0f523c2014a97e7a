// Runs the test suites with Node's built-in runner. Node 20's `--test` does not expand globs, so the
// file list is collected here. `npm test` runs everything that needs only Node; `--suite debian`
// runs the tests that need Debian packages (pgbench, wrk, pgbouncer, MariaDB), which .ci/run installs.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files.map((f) => path.relative(root, f))],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
