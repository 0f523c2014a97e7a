// Counting and timing in separate boots (database.timing: direct, the default): the bundled CLI on the
// bookshop example and a real PostgreSQL. The service writes the database port it was given at each
// boot to a file, so the tests see which boot went through the proxy and which went straight to the
// database. Also: counts that do not depend on what ran before (a slow endpoint under load with its
// statements still running, then a 1-statement endpoint), and rounds sized to a slow endpoint.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BOOKSHOP_DIR } from '../helpers/bookshop.js';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';
import { runCli, tempDir } from './helpers.js';

const run = promisify(execFile);
const SERVER = path.join(BOOKSHOP_DIR, 'server.js');
let db: PostgresServer;

beforeAll(async () => {
  db = await startTestPostgres();
  await run(process.execPath, [path.join(BOOKSHOP_DIR, 'seed.js')], { env: { ...process.env, DATABASE_URL: db.url } });
});
afterAll(async () => {
  await db?.stop();
});

interface Setup {
  scenarios: string;
  database?: string;
  baseline?: string;
  defaults?: string;
  /** Shell run before the service (PERFGATE_* come from the environment, never pasted in). */
  prelude?: string;
  regression?: string;
}

function writeConfig(dir: string, setup: Setup): string {
  const file = path.join(dir, 'perfgate.yml');
  writeFileSync(
    file,
    `service:
  start: '${setup.prelude ?? ''}echo "$PERFGATE_DB_PORT" >> boots.txt; exec node ${SERVER}'
  env:
    PORT: "\${PERFGATE_PORT}"
    DATABASE_URL: "postgres://${db.user}:${db.password}@\${PERFGATE_DB_HOST}:\${PERFGATE_DB_PORT}/${db.database}"
    BOOKSHOP_SEED: "0"
  ready: { url: "http://127.0.0.1:\${PERFGATE_PORT}/health", timeout: 20s }
database: { protocol: postgres, upstream: "127.0.0.1:${db.port}"${setup.database ?? ''} }
defaults:
  load: { connections: 2, duration: 0.3s, warmup: 0.2s }
  rounds: 2
${setup.defaults ?? ''}
scenarios:
${setup.scenarios}
${setup.baseline ?? ''}
`,
  );
  return file;
}

const BOOK_BY_ID = `  - name: book by id
    request: { path: /books/42 }
`;

function boots(dir: string): number[] {
  return readFileSync(path.join(dir, 'boots.txt'), 'utf8').trim().split('\n').map(Number);
}

describe('database.timing: direct — count through the proxy, time without it', () => {
  test('the count pass boots through the proxy, the timing pass boots straight to the database; counts stay exact', async () => {
    const dir = tempDir('perfgate-passes-');
    const config = writeConfig(dir, { scenarios: BOOK_BY_ID });
    const out = path.join(dir, 'results.json');
    const res = await runCli(['run', '-c', config, '--out', out], { cwd: dir });
    assert.equal(res.code, 0, res.stderr);
    const [countPort, timingPort, ...more] = boots(dir);
    assert.equal(more.length, 0, 'two boots');
    assert.notEqual(countPort, db.port, 'the count pass reached the database through the proxy');
    assert.equal(timingPort, db.port, 'the timing pass reached the database itself');

    const results = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(results.meta.dbTiming, 'direct');
    assert.deepEqual(
      results.meta.passes.map((p: { side: string; pass: string; proxied: boolean }) => [p.side, p.pass, p.proxied]),
      [
        ['head', 'count', true],
        ['head', 'timing', false],
      ],
    );
    assert.ok(results.meta.passes.every((p: { bootMs: number }) => p.bootMs > 0));
    const [scenario] = results.scenarios;
    assert.equal(scenario.queries.perRequest, 1);
    assert.deepEqual(scenario.queries.perProbe, Array(11).fill(1));
    assert.ok(scenario.load.requests > 0);
    assert.match(res.stderr, /count pass \(queries through the proxy\)/);
    assert.match(res.stderr, /timing pass \(no proxy\)/);
    assert.match(res.stdout, /without the query proxy|no proxy/i, 'the report footer says how timings were taken');
  });

  test('database.timing: proxied keeps one boot, and the report says timings include the proxy', async () => {
    const dir = tempDir('perfgate-passes-');
    const config = writeConfig(dir, { scenarios: BOOK_BY_ID, database: ', timing: proxied' });
    const out = path.join(dir, 'results.json');
    const res = await runCli(['run', '-c', config, '--out', out], { cwd: dir });
    assert.equal(res.code, 0, res.stderr);
    const ports = boots(dir);
    assert.equal(ports.length, 1);
    assert.notEqual(ports[0], db.port);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(results.meta.dbTiming, 'proxied');
    assert.deepEqual(results.meta.passes.map((p: { pass: string }) => p.pass), ['both']);
    assert.equal(results.scenarios[0].queries.perRequest, 1);
    assert.match(res.stdout, /include the query proxy/i);
  });

  test('a service that boots through the proxy but not straight to the database fails with exit 3, naming the pass and its log', async () => {
    const dir = tempDir('perfgate-passes-');
    const config = writeConfig(dir, {
      scenarios: BOOK_BY_ID,
      prelude: `if [ "$PERFGATE_DB_PORT" = "${db.port}" ]; then echo "refusing to talk to the database directly" >&2; exit 7; fi; `,
    });
    const out = path.join(dir, 'results.json');
    const res = await runCli(['run', '-c', config, '--out', out], { cwd: dir });
    assert.equal(res.code, 3, res.stderr);
    assert.match(res.stderr, /timing pass/);
    assert.match(res.stderr, /refusing to talk to the database directly/);
    // What the count pass measured is not lost.
    assert.ok(existsSync(out));
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).scenarios[0].queries.perRequest, 1);
  });
});

const SLOW_THEN_ONE = `  - name: slow report
    request: { path: "/slow?steps=5&ms=40" }
    load: { connections: 16, duration: 0.5s }
  - name: book by id
    request: { path: /books/42 }
`;

describe('counts never depend on what ran before', () => {
  for (const timing of ['direct', 'proxied'] as const) {
    test(`a 1-statement endpoint after a slow one under load reads exactly 1, stable, no N+1 (timing: ${timing})`, async () => {
      const dir = tempDir('perfgate-quiet-');
      const config = writeConfig(dir, { scenarios: SLOW_THEN_ONE, database: `, timing: ${timing}` });
      const out = path.join(dir, 'results.json');
      const res = await runCli(['run', '-c', config, '--out', out], { cwd: dir });
      assert.equal(res.code, 0, res.stderr);
      const [slow, one] = JSON.parse(readFileSync(out, 'utf8')).scenarios;
      assert.equal(slow.queries.perRequest, 5);
      assert.ok(slow.load.requests > 0);
      assert.deepEqual(one.queries.perProbe, Array(11).fill(1));
      assert.equal(one.queries.stable, true);
      assert.deepEqual(one.queries.nPlusOne, []);
    });
  }

  test('an A/A rerun (same code both sides) after a slow endpoint: counts unchanged, exit 0', async () => {
    const dir = tempDir('perfgate-quiet-aa-');
    // Timing thresholds far out of reach: this run is about counts, which gate at +0.
    const config = writeConfig(dir, {
      scenarios: SLOW_THEN_ONE,
      baseline: 'baseline: { source: rerun, ref: main }\nfailOn: [budget, regression]',
      defaults: '  regression: { p50: 500%, p90: 500%, p99: 500%, rps: 90%, cpu: 500%, rss: 500%, queries: 0 }',
    });
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    writeFileSync(path.join(dir, '.gitignore'), 'boots.txt\nresults.json\n');
    execFileSync('git', ['add', '-A'], { cwd: dir });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-q', '-m', 'base'], { cwd: dir });
    const out = path.join(dir, 'results.json');
    const res = await runCli(['run', '-c', config, '--out', out], { cwd: dir, env: { GITHUB_SHA: '' } });
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    for (const side of [results.scenarios, results.base.scenarios]) {
      assert.equal(side[1].queries.perRequest, 1);
      assert.deepEqual(side[1].queries.perProbe, Array(11).fill(1));
    }
    assert.deepEqual(
      results.meta.passes.map((p: { side: string; pass: string }) => `${p.side}:${p.pass}`),
      ['head:count', 'base:count', 'head:timing', 'base:timing'],
    );
    // Both count boots are up before the first probe, and their probes take turns.
    assert.match(res.stderr, /base: ready in [\d.]+ s[^\n]*\n(?:.*\n)*?.*\[1\/2\] slow report: counting queries \(11 probes per side, head and base interleaved\)/);
    assert.doesNotMatch(res.stdout, /queries per request .* regressed|❌ regressed/);
  });
});

describe('rounds sized to the endpoint', () => {
  test('a 300 ms endpoint with 0.2 s rounds gets longer rounds, every round completes requests, none is dropped', async () => {
    const dir = tempDir('perfgate-sized-');
    const config = writeConfig(dir, {
      scenarios: `  - name: slow single
    request: { path: "/slow?steps=1&ms=300" }
    load: { connections: 8, duration: 0.2s, warmup: 0.7s }
`,
    });
    const out = path.join(dir, 'results.json');
    const res = await runCli(['run', '-c', config, '--out', out], { cwd: dir });
    assert.equal(res.code, 0, res.stderr);
    const [scenario] = JSON.parse(readFileSync(out, 'utf8')).scenarios;
    assert.ok(scenario.stop.roundMs > 200, `round length ${scenario.stop.roundMs} ms`);
    assert.match(scenario.stop.roundSizing, /the warm-up completed [\d.]+ requests\/s/);
    assert.match(res.stderr, /rounds of [\d.]+ s instead of 200 ms/);
    for (const round of scenario.load.rounds) {
      assert.ok(round.requests >= 8, `every round completes requests: ${round.requests}`);
      assert.equal(round.errors, 0);
    }
  });
});
