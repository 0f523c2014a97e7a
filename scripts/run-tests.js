// Runs the test suites on jest. `npm test` runs everything that needs only Node; `--suite debian`
// runs the tests that need Debian packages (pgbench, wrk, pgbouncer, MariaDB), which .ci/run installs.
// Other arguments: paths or parts of paths select test files; `--flags` go to jest as they are
// (e.g. `npm test -- --detectOpenHandles`, `--coverage`).
// The CLI tests run the bundle users run (bin/perfgate.js → dist/), so dist/ is rebuilt first when the
// source has changed since it was built, and checked to load nothing but Node built-ins at startup.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtStamp, sourceStamp } from './source-stamp.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const suite = args.includes('--suite') ? args[args.indexOf('--suite') + 1] : 'node';
const filters = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--suite');
const jestFlags = args.filter((a) => a.startsWith('--') && a !== '--suite');

if (builtStamp(path.join(root, 'dist')) !== sourceStamp(root)) {
  console.error('dist/ was built from other sources than src/ holds now: rebuilding (npm run build) before testing');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const bundleCheck = spawnSync(process.execPath, [path.join(root, 'scripts/check-bundle.js')], { cwd: root, stdio: 'inherit' });
if (bundleCheck.status !== 0) process.exit(bundleCheck.status ?? 1);

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const outDir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-jest-'));
const resultsFile = path.join(outDir, 'results.json');
// Every temporary file the tests and the processes they start make (os.tmpdir() honours TMPDIR) goes
// here, so a run leaves nothing behind in /tmp: a full run had left about 270 directories (runner
// folders, databases) that no test removed. Kept, with its path printed, when a test failed. Open like
// /tmp itself (sticky, anyone may create): run as root, embedded PostgreSQL's initdb runs as the
// `postgres` user and reads its password file from here; a 0700 folder failed every database test.
const testTmp = path.join(outDir, 'tmp');
mkdirSync(testTmp);
chmodSync(outDir, 0o755);
chmodSync(testTmp, 0o1777);
const jest = spawn(
  process.execPath,
  [
    // jest runs ES modules only through Node's vm modules, still experimental on Node 20 and 24.
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
    path.join(root, 'node_modules/jest/bin/jest.js'),
    // One test file at a time, as node:test ran them: the load and end-to-end tests time real work
    // on a 2-core machine, and two files at once would skew each other's figures.
    '--runInBand',
    // jest's transform cache stays where it was (it names it after os.tmpdir()), out of the run's TMPDIR.
    `--cacheDirectory=${path.join(os.tmpdir(), `jest_perfgate_${os.userInfo().uid}`)}`,
    '--json',
    `--outputFile=${resultsFile}`,
    ...jestFlags,
    ...filters.map(escape),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PERFGATE_TEST_SUITE: suite, TMPDIR: testTmp } },
);
// Jest stops the processes the tests started when it is interrupted (scripts/jest/global-setup.js);
// a signal meant for `npm test` (e.g. from a CI timeout) must reach it. A Ctrl-C reaches both anyway.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => jest.kill(signal));

jest.on('exit', (code, signal) => {
  let summary;
  let failed = 1;
  try {
    const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
    // A file that failed to load ran no test but is a failure all the same.
    failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    const skipped = r.numPendingTests + r.numTodoTests;
    summary = `${r.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
  } catch {
    // interrupted before jest wrote its results: its own output says what happened
  }
  if (failed === 0 && code === 0) rmSync(outDir, { recursive: true, force: true });
  else console.error(`\nThe tests' temporary files (service logs, workspaces) are kept in ${testTmp}`);
  if (summary) console.log(`\n${summary}`);
  process.exit(code ?? (signal ? 128 + os.constants.signals[signal] : 1));
});
