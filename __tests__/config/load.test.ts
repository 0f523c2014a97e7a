import { afterAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, type ConfigIssue } from '../../src/errors.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';

const FILE = '/project/perfgate.yml';
const yaml = (...lines: string[]) => lines.join('\n') + '\n';

const MINIMAL = yaml(
  'service:',
  '  start: node server.js',
  '  ready: { url: "http://127.0.0.1:3000/health" }',
  'scenarios:',
  '  - name: home',
  '    request: { path: / }',
);

function issuesOf(text: string, env: Record<string, string> = {}): ConfigIssue[] {
  try {
    parseConfig(text, FILE, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      assert.equal(err.exitCode, 2);
      assert.equal(err.file, FILE);
      return err.issues;
    }
    throw err;
  }
  assert.fail('expected a ConfigError');
}

/** Asserts the one issue: its key path, its 1-based line and what it says was expected. */
function assertIssue(text: string, expected: { path: string; line: number; message: RegExp }, env: Record<string, string> = {}) {
  const issues = issuesOf(text, env);
  const issue = issues.find((i) => i.path === expected.path);
  assert.ok(issue, `no issue at ${expected.path}; got ${JSON.stringify(issues)}`);
  assert.equal(issue.line, expected.line, `line of ${expected.path}`);
  assert.match(issue.message, expected.message);
}

describe('YAML aliases', () => {
  test('an alias whose anchor comes later names its line', () => {
    const issues = issuesOf(MINIMAL + yaml('    load: *later', 'x-defaults: &later { duration: 1s }'));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.line, 7);
    assert.match(issues[0]!.message, /alias \*later has no anchor &later before it/);
  });
});

describe('valid configs', () => {
  test('env and header values arrive as written, even when YAML would read a number', () => {
    const text = MINIMAL.replace('  start: node server.js\n', '  start: node server.js\n  env: { MODE: 0755, V: 1.10, BIG: 12345678901234567890, PORT: 3000 }\n').replace(
      'request: { path: / }',
      'request: { path: /, headers: { X-Id: 007 } }',
    );
    const config = parseConfig(text, FILE, {});
    assert.deepEqual(config.service.env, { MODE: '0755', V: '1.10', BIG: '12345678901234567890', PORT: '3000' });
    assert.deepEqual(config.scenarios[0]!.request.headers, { 'X-Id': '007' });
  });

  test('a minimal config gets every default', () => {
    const config = parseConfig(MINIMAL, FILE, {});
    assert.equal(config.file, FILE);
    assert.equal(config.service.cwd, '/project');
    assert.equal(config.service.baseUrl, 'http://127.0.0.1:3000');
    assert.deepEqual(config.service.ready, { url: 'http://127.0.0.1:3000/health', timeoutMs: 60_000, intervalMs: 200 });
    assert.equal(config.service.stopTimeoutMs, 5000);
    assert.deepEqual(config.service.env, {});
    assert.equal(config.database, undefined);
    assert.deepEqual(config.baseline, { source: 'artifact', artifact: 'perfgate-baseline', schedule: 'alternating', restarts: 'auto', turns: 4, timeBudgetMs: 1_800_000 });
    assert.deepEqual(config.failOn, ['budget', 'regression']);
    assert.deepEqual(config.scenarios, [
      {
        name: 'home',
        request: { method: 'GET', path: '/', headers: {}, body: null },
        load: { connections: 8, durationMs: 1000, warmupMs: 2000, pipelining: 1, timeoutMs: 10_000 },
        rounds: 10,
        maxRounds: 160,
        timeBudgetMs: 300_000,
        budgets: {},
        regression: { p50: 0.05, p90: 0.1, p99: 0.1, rps: 0.05, cpu: 0.05, rss: 0.1, queries: 0, dbTime: 0.2 },
        queries: { probes: 11, warmupRequests: 3, nPlusOneThreshold: 3 },
      },
    ]);
  });

  test('adaptive rounds: maxRounds and timeBudget from defaults, overridden per scenario; maxRounds below rounds is an error', () => {
    const config = parseConfig(
      MINIMAL.replace('scenarios:', 'defaults:\n  rounds: 10\n  maxRounds: 40\n  timeBudget: 90s\nscenarios:') +
        '  - name: slow\n    request: { path: /slow }\n    rounds: 5\n    timeBudget: 5m\n',
      FILE,
      {},
    );
    const [home, slow] = config.scenarios;
    assert.deepEqual([home!.rounds, home!.maxRounds, home!.timeBudgetMs], [10, 40, 90_000]);
    assert.deepEqual([slow!.rounds, slow!.maxRounds, slow!.timeBudgetMs], [5, 40, 300_000]);
    assertIssue(MINIMAL.replace('scenarios:', 'defaults:\n  rounds: 10\n  maxRounds: 4\nscenarios:'), {
      path: 'defaults.maxRounds',
      line: 6,
      message: /must be at least rounds \(10\)/,
    });
  });

  test('baseline.turns: 4 by default with alternating rounds, 1 with simultaneous ones; more than 1 with simultaneous rounds, or above 20, an error', () => {
    const withBaseline = (b: string) => MINIMAL + `baseline: ${b}\n`;
    assert.equal(parseConfig(withBaseline('{ source: rerun }'), FILE, {}).baseline.turns, 4);
    assert.equal(parseConfig(withBaseline('{ source: rerun, schedule: alternating }'), FILE, {}).baseline.turns, 4);
    assert.equal(parseConfig(withBaseline('{ source: rerun, schedule: simultaneous }'), FILE, {}).baseline.turns, 1);
    assert.equal(parseConfig(withBaseline('{ source: rerun, turns: 2 }'), FILE, {}).baseline.turns, 2);
    assert.equal(parseConfig(withBaseline('{ source: rerun, turns: 1 }'), FILE, {}).baseline.turns, 1);
    assertIssue(withBaseline('{ source: rerun, schedule: simultaneous, turns: 4 }'), {
      path: 'baseline.turns',
      line: 7,
      message: /turns \(4\) applies to alternating rounds: .*Remove turns or use schedule: alternating/,
    });
    assertIssue(withBaseline('{ source: rerun, turns: 21 }'), { path: 'baseline.turns', line: 7, message: /20/ });
    assertIssue(withBaseline('{ source: rerun, turns: 0 }'), { path: 'baseline.turns', line: 7, message: /1/ });
    // One turn is the schedule as it always was, and simultaneous rounds accept it.
    assert.equal(parseConfig(withBaseline('{ source: rerun, schedule: simultaneous, turns: 1 }'), FILE, {}).baseline.turns, 1);
  });

  test('database.timing: direct by default, proxied on request, anything else an error', () => {
    const db = (extra: string) => MINIMAL.replace('scenarios:', `database: { upstream: "127.0.0.1:5432"${extra} }\nscenarios:`);
    assert.equal(parseConfig(db(''), FILE, {}).database?.timing, 'direct');
    assert.equal(parseConfig(db(', timing: proxied'), FILE, {}).database?.timing, 'proxied');
    assertIssue(db(', timing: sometimes'), { path: 'database.timing', line: 4, message: /direct|proxied/ });
  });

  test('a full config: scenario settings override defaults, which override built-ins', () => {
    const config = parseConfig(
      yaml(
        '# yaml-language-server: $schema=./perfgate.schema.json',
        'version: 1',
        'service:',
        '  start: node server.js',
        '  build: npm ci',
        '  cwd: ./api',
        '  env: { PORT: 3000, DEBUG: true, DATABASE_URL: "postgres://app@127.0.0.1:${PERFGATE_DB_PORT}/app" }',
        '  ready: { url: "http://127.0.0.1:3000/health", timeout: 30s, interval: 0.5s }',
        '  baseUrl: http://127.0.0.1:3000/api/',
        '  stopTimeout: 2s',
        'database: { protocol: postgres, upstream: "127.0.0.1:5432" }',
        'defaults:',
        '  load: { connections: 4, duration: 5s, warmup: 500ms }',
        '  rounds: 6',
        '  queries: { probes: 7, header: X-Query-Count }',
        '  budgets: { errors: 0 }',
        '  regression: { p99: 20% }',
        'scenarios:',
        '  - name: list books',
        '    request: { method: GET, path: "/books?limit=50", headers: { Accept: application/json, X-Limit: 50 } }',
        '    budgets: { p50: 0.8, p99: 25ms, max: 1.5s, rps: ">= 1500", queries: 3, cpuPerRequest: 400us, rss: 200MB }',
        '    regression: { p50: 2.5%, queries: 1 }',
        '  - name: create order',
        '    request:',
        '      method: POST',
        '      path: /orders',
        '      body: { bookId: 7, qty: [1, 2] }',
        '    load: { connections: 2, pipelining: 4, connection: close }',
        '    rounds: 3',
        '    queries: { nPlusOneThreshold: 5 }',
        '    budgets: { errors: 5 }',
        '  - name: raw body',
        '    request: { method: PUT, path: /raw, headers: { Content-Type: text/csv }, body: { a: 1 } }',
        'baseline: { source: file, file: ../base.json }',
        'failOn: [regression]',
      ),
      FILE,
      {},
    );
    assert.equal(config.service.build, 'npm ci');
    assert.equal(config.service.cwd, '/project/api');
    assert.deepEqual(config.service.env, { PORT: '3000', DEBUG: 'true', DATABASE_URL: 'postgres://app@127.0.0.1:${PERFGATE_DB_PORT}/app' });
    assert.deepEqual(config.service.ready, { url: 'http://127.0.0.1:3000/health', timeoutMs: 30_000, intervalMs: 500 });
    assert.equal(config.service.baseUrl, 'http://127.0.0.1:3000/api');
    assert.equal(config.service.stopTimeoutMs, 2000);
    assert.deepEqual(config.service.origin?.lines, {
      'service.start': 4,
      'service.build': 5,
      'service.baseUrl': 9,
      'service.ready.url': 8,
      'service.env.PORT': 7,
      'service.env.DEBUG': 7,
      'service.env.DATABASE_URL': 7,
    });
    assert.deepEqual(config.database, { protocol: 'postgres', upstream: { host: '127.0.0.1', port: 5432 }, timing: 'direct' });

    const [list, create, raw] = config.scenarios;
    assert.deepEqual(list.request, { method: 'GET', path: '/books?limit=50', headers: { Accept: 'application/json', 'X-Limit': '50' }, body: null });
    assert.deepEqual(list.load, { connections: 4, durationMs: 5000, warmupMs: 500, pipelining: 1, timeoutMs: 10_000 });
    assert.equal(list.rounds, 6);
    assert.equal(list.maxRounds, 6, 'rounds written without maxRounds are fixed');
    assert.deepEqual(list.budgets, {
      p50Us: 800,
      p99Us: 25_000,
      maxUs: 1_500_000,
      minRps: 1500,
      errors: 0,
      queries: 3,
      cpuUsPerRequest: 400,
      rssBytes: 200_000_000,
    });
    assert.deepEqual(list.regression, { p50: 0.025, p90: 0.1, p99: 0.2, rps: 0.05, cpu: 0.05, rss: 0.1, queries: 1, dbTime: 0.2 });
    assert.deepEqual(list.queries, { probes: 7, warmupRequests: 3, header: 'X-Query-Count', nPlusOneThreshold: 3 });

    assert.deepEqual(create.request, {
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      body: '{"bookId":7,"qty":[1,2]}',
    });
    assert.deepEqual(create.load, { connections: 2, durationMs: 5000, warmupMs: 500, pipelining: 4, timeoutMs: 10_000, connection: 'close' });
    assert.equal(create.rounds, 3);
    assert.equal(create.maxRounds, 3);
    assert.deepEqual(create.budgets, { errors: 5 });
    assert.deepEqual(create.queries, { probes: 7, warmupRequests: 3, header: 'X-Query-Count', nPlusOneThreshold: 5 });

    assert.deepEqual(raw.request.headers, { 'Content-Type': 'text/csv' }, 'an explicit content type is kept, in any case');
    assert.equal(raw.request.body, '{"a":1}');

    assert.deepEqual(config.baseline, { source: 'file', artifact: 'perfgate-baseline', schedule: 'alternating', restarts: 'auto', turns: 4, timeBudgetMs: 1_800_000, file: '/base.json' });
    assert.deepEqual(config.failOn, ['regression']);
  });

  test('without ready.url, perfgate polls the port it exports as PERFGATE_PORT; baseUrl waits for expansion', () => {
    const config = parseConfig(yaml('service: { start: ./run }', 'scenarios: [{ name: a, request: { path: /a } }]'), FILE, {});
    assert.equal(config.service.ready.url, 'http://127.0.0.1:${PERFGATE_PORT}/');
    assert.equal(config.service.baseUrl, '');
  });

  test('YAML anchors and merge keys work, and errors inside merged keys still find a line', () => {
    const text = yaml(
      'service: { start: ./run, ready: { url: "http://127.0.0.1:1/" } }',
      'scenarios:',
      '  - name: a',
      '    request: &req { method: POST, path: /a, body: "x" }',
      '  - name: b',
      '    request: { <<: *req, path: /b }',
    );
    const [a, b] = parseConfig(text, FILE, {}).scenarios;
    assert.deepEqual(a.request, { method: 'POST', path: '/a', headers: {}, body: 'x' });
    assert.deepEqual(b.request, { method: 'POST', path: '/b', headers: {}, body: 'x' });
    assertIssue(text.replace('method: POST', 'method: FETCH'), { path: 'scenarios[1].request.method', line: 4, message: /got "FETCH"/ });
  });

  test('failOn: [] means report only', () => {
    assert.deepEqual(parseConfig(MINIMAL + 'failOn: []\n', FILE, {}).failOn, []);
  });
});

describe('${VAR} expansion while loading', () => {
  test('strings outside service expand from the environment, with fallbacks', () => {
    const config = parseConfig(
      yaml(
        'service: { start: "node ${APP}", ready: { url: "http://127.0.0.1:${PORT}/health" } }',
        'database: { upstream: "${DB_HOST}:5432" }',
        'defaults: { load: { duration: "${LOAD_DURATION:-3s}" } }',
        'scenarios:',
        '  - name: book ${BOOK}',
        '    request: { path: "/books/${BOOK}", headers: { Authorization: "Bearer ${TOKEN}" }, body: { price: "$${not}" } }',
      ),
      FILE,
      { APP: 'server.js', PORT: '3000', DB_HOST: 'db', BOOK: '7', TOKEN: 't0k' },
    );
    assert.equal(config.scenarios[0].name, 'book 7');
    assert.equal(config.scenarios[0].request.path, '/books/7');
    assert.equal(config.scenarios[0].request.headers.Authorization, 'Bearer t0k');
    assert.equal(config.scenarios[0].request.body, '{"price":"${not}"}');
    assert.equal(config.scenarios[0].load.durationMs, 3000);
    assert.deepEqual(config.database?.upstream, { host: 'db', port: 5432 });
    // service.start and ready.url are expanded later, by expandServiceConfig.
    assert.equal(config.service.start, 'node ${APP}');
    assert.equal(config.service.ready.url, 'http://127.0.0.1:${PORT}/health');
  });

  test('a missing variable is an error at its key path and line', () => {
    assertIssue(yaml(MINIMAL.trimEnd(), '    budgets: { p99: "${P99_BUDGET}" }'), {
      path: 'scenarios[0].budgets.p99',
      line: 7,
      message: /^\$\{P99_BUDGET\} is not set: set P99_BUDGET in the environment or write \$\{P99_BUDGET:-fallback\}$/,
    });
  });

  test('an unknown variable in a service template is caught at load time; PERFGATE_* ones are left for later', () => {
    const text = yaml(
      'service:',
      '  start: node server.js --port ${PERFGATE_PORT}',
      '  env: { URL: "${DATABSE_URL}" }',
      '  ready: { url: "http://127.0.0.1:3000/health" }',
      'scenarios: [{ name: a, request: { path: /a } }]',
    );
    const issues = issuesOf(text, { DATABASE_URL: 'x' });
    assert.deepEqual(
      issues.map((i) => [i.path, i.line]),
      [['service.env.URL', 3]],
    );
    assert.match(issues[0].message, /\$\{DATABSE_URL\} is not set/);
  });

  test('PERFGATE_DB_PORT without a database section is an error that says what to add', () => {
    assertIssue(
      yaml(
        'service:',
        '  start: node server.js',
        '  env: { DATABASE_URL: "postgres://127.0.0.1:${PERFGATE_DB_PORT}/app" }',
        '  ready: { url: "http://127.0.0.1:3000/health" }',
        'scenarios: [{ name: a, request: { path: /a } }]',
      ),
      { path: 'service.env.DATABASE_URL', line: 3, message: /only set when a database section is configured \(database\.upstream: host:port\)/ },
    );
  });
});

describe('errors name the file, the line, the key path and what was expected', () => {
  test('the ConfigError message has file:line:column: path: message lines', () => {
    try {
      parseConfig(MINIMAL.replace('start:', 'strat:'), FILE, {});
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^invalid config \/project\/perfgate\.yml:\n/);
      assert.match(err.message, /\n {2}\/project\/perfgate\.yml:2:3: service\.strat: unknown key "strat" \(expected one of: start, build, cwd, env, ready, baseUrl, stopTimeout\); did you mean "start"\?/);
    }
  });

  test('YAML syntax error', () => {
    assertIssue(yaml('service:', '  start: node: server.js', 'scenarios: []'), {
      path: 'service.start',
      line: 2,
      message: /^YAML syntax error: Nested mappings are not allowed in compact mappings$/,
    });
  });

  test('an unquoted ">= 1500" gets a hint to quote it', () => {
    assertIssue(yaml(MINIMAL.trimEnd(), '    budgets:', '      rps: >= 1500'), {
      path: 'scenarios[0].budgets.rps',
      line: 8,
      message: /quote values starting with ">" or "\|", e.g\. rps: ">= 1500"/,
    });
  });

  test('duplicate key', () => {
    assertIssue(yaml('service:', '  start: a', '  start: b', '  ready: { url: "http://x/" }', 'scenarios: [{ name: a, request: { path: /a } }]'), {
      path: 'service.start',
      line: 3,
      message: /^duplicate key: expected each key once per mapping$/,
    });
  });

  describe('unknown keys at every depth', () => {
    const cases: [string, string, string, number, RegExp][] = [
      ['root', MINIMAL + 'scenario: []\n', 'scenario', 7, /^unknown key "scenario" \(expected one of: \$schema, version, service, database, defaults, scenarios, baseline, failOn\); did you mean "scenarios"\?$/],
      ['service.ready', MINIMAL.replace('{ url:', '{ timout: 5s, url:'), 'service.ready.timout', 3, /^unknown key "timout" \(expected one of: url, timeout, interval\); did you mean "timeout"\?$/],
      ['defaults.load', MINIMAL + 'defaults:\n  load:\n    durtion: 10s\n', 'defaults.load.durtion', 9, /^unknown key "durtion" \(expected one of: connections, duration, warmup, pipelining, timeout, connection\); did you mean "duration"\?$/],
      ['scenarios[1].budgets', MINIMAL + '  - name: b\n    request: { path: /b }\n    budgets: { p95: 20ms }\n', 'scenarios[1].budgets.p95', 9, /^unknown key "p95" \(expected one of: p50, p90, p99, max, rps, errors, queries, cpuPerRequest, rss, dbTime\)/],
      ['scenarios[0].request', MINIMAL.replace('{ path: / }', '{ path: /, header: {} }'), 'scenarios[0].request.header', 6, /^unknown key "header" \(expected one of: method, path, headers, body\); did you mean "headers"\?$/],
    ];
    for (const [where, text, keyPath, line, message] of cases) {
      test(where, () => assertIssue(text, { path: keyPath, line, message }));
    }
  });

  test('load.connection accepts auto, keep-alive or close and names them otherwise', () => {
    const issues = issuesOf(MINIMAL + 'defaults:\n  load: { connection: reuse }\n');
    const issue = issues.find((i) => i.path.startsWith('defaults.load.connection'));
    assert.ok(issue, JSON.stringify(issues));
    assert.equal(issue.line, 8);
    assert.match(issue.message, /auto/);
    assert.match(issue.message, /keep-alive/);
    assert.match(issue.message, /close/);
  });

  test('wrong type', () => {
    assertIssue(MINIMAL + 'defaults:\n  rounds: ten\n', { path: 'defaults.rounds', line: 8, message: /^expected a whole number, got "ten"$/ });
    assertIssue(MINIMAL + 'defaults: 3\n', { path: 'defaults', line: 7, message: /^expected a mapping \(key: value\), got 3$/ });
    assertIssue(MINIMAL + 'defaults:\n', { path: 'defaults', line: 7, message: /^expected a mapping \(key: value\), got an empty value$/ });
  });

  test('bad duration, with and without a unit', () => {
    assertIssue(MINIMAL + 'defaults:\n  load: { warmup: 10 sec }\n', {
      path: 'defaults.load.warmup',
      line: 8,
      message: /^expected a duration like 250ms, 1\.5s or 2m \(units: us, ms, s, m\), got "10 sec"$/,
    });
    assertIssue(MINIMAL + 'defaults:\n  load:\n    duration: 10\n', {
      path: 'defaults.load.duration',
      line: 9,
      message: /^expected a duration with a unit, like 10s or 500ms \(a bare number is ambiguous here\), got 10$/,
    });
    assertIssue(MINIMAL + 'defaults:\n  load:\n    duration: 0s\n', {
      path: 'defaults.load.duration',
      line: 9,
      message: /^expected a duration greater than 0, got "0s"$/,
    });
  });

  test('bad budget values', () => {
    const text = yaml(MINIMAL.trimEnd(), '    budgets:', '      p99: fast', '      rss: 12XB', '      rps: "> 5"', '      errors: -1');
    const issues = issuesOf(text);
    assert.deepEqual(
      issues.map((i) => [i.path, i.line]),
      [
        ['scenarios[0].budgets.p99', 8],
        ['scenarios[0].budgets.rss', 9],
        ['scenarios[0].budgets.rps', 10],
        ['scenarios[0].budgets.errors', 11],
      ],
    );
    assert.match(issues[0].message, /a bare number means milliseconds\), got "fast"$/);
    assert.match(issues[1].message, /^expected a size like 200MB or 1\.5GiB/);
    assert.match(issues[2].message, /^expected a minimum rate like ">= 1500"/);
    assert.match(issues[3].message, /^expected a whole number >= 0, got -1$/);
  });

  test('a regression threshold needs the % sign', () => {
    assertIssue(yaml(MINIMAL.trimEnd(), '    regression: { p99: 10 }'), {
      path: 'scenarios[0].regression.p99',
      line: 7,
      message: /^expected a percentage like 5% or 12\.5% \(write "10%" — the % sign is required\), got 10$/,
    });
  });

  test('missing service.start points at the service key', () => {
    assertIssue(yaml('service:', '  ready: { url: "http://127.0.0.1:3000/" }', 'scenarios: [{ name: a, request: { path: /a } }]'), {
      path: 'service.start',
      line: 1,
      message: /^missing required key "start": expected the shell command that starts the service$/,
    });
  });

  test('missing or empty scenarios', () => {
    assertIssue('service: { start: x }\n', { path: 'scenarios', line: 1, message: /^missing required key "scenarios"/ });
    assertIssue('service: { start: x }\nscenarios: []\n', { path: 'scenarios', line: 2, message: /^expected at least 1 item\(s\), got an empty list$/ });
  });

  test('duplicate scenario name points at the second one and names the first', () => {
    assertIssue(MINIMAL + '  - name: home\n    request: { path: /again }\n', {
      path: 'scenarios[1].name',
      line: 7,
      message: /^duplicate scenario name "home" \(already used by scenarios\[0\] on line 5\): expected a unique name/,
    });
  });

  test('bad database upstream', () => {
    assertIssue(MINIMAL + 'database:\n  upstream: localhost\n', {
      path: 'database.upstream',
      line: 8,
      message: /^expected host:port like 127\.0\.0\.1:5432 or \[::1\]:5432, got "localhost"$/,
    });
    assertIssue(MINIMAL + 'database:\n  upstream: db:99999\n', { path: 'database.upstream', line: 8, message: /^expected a port between 1 and 65535/ });
    assertIssue(MINIMAL + 'database: { upstream: "db:5432", protocol: mongo }\n', {
      path: 'database.protocol',
      line: 7,
      message: /^expected one of: postgres, mysql, got "mongo"$/,
    });
  });

  test('request path, method, env name, URL and failOn', () => {
    assertIssue(MINIMAL.replace('{ path: / }', '{ path: books }'), { path: 'scenarios[0].request.path', line: 6, message: /^expected a path starting with "\/", like "\/books\?limit=50", got "books"$/ });
    assertIssue(MINIMAL.replace('{ path: / }', '{ method: get, path: / }'), { path: 'scenarios[0].request.method', line: 6, message: /^expected one of: GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, got "get"; did you mean "GET"\?$/ });
    assertIssue(MINIMAL.replace('  ready', '  env: { 1PORT: 3 }\n  ready'), { path: 'service.env["1PORT"]', line: 3, message: /^"1PORT" is not a valid key here: expected an environment variable name/ });
    assertIssue(MINIMAL.replace('http://127.0.0.1:3000/health', 'localhost:3000/health'), { path: 'service.ready.url', line: 3, message: /^expected an http:\/\/ or https:\/\/ URL/ });
    assertIssue(MINIMAL + 'failOn: [budget, budgets]\n', { path: 'failOn[1]', line: 7, message: /^expected one of: budget, regression, got "budgets"; did you mean "budget"\?$/ });
  });

  test('an empty file and a non-mapping root', () => {
    assertIssue('# nothing yet\n', { path: '', line: 1, message: /^the file is empty: expected a mapping with at least service\.start and scenarios$/ });
    assertIssue('- a\n- b\n', { path: '', line: 1, message: /^expected a mapping \(key: value\), got a list$/ });
  });

  test('all problems are reported at once, in line order', () => {
    const issues = issuesOf(yaml('service:', '  strat: x', 'scenarios:', '  - name: a', '    request: { path: a }', 'failOn: nope'));
    assert.deepEqual(
      issues.map((i) => i.line),
      [...issues.map((i) => i.line)].sort((a, b) => (a ?? 0) - (b ?? 0)),
    );
    assert.deepEqual(new Set(issues.map((i) => i.path)), new Set(['service.start', 'service.strat', 'scenarios[0].request.path', 'failOn']));
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reads a file, resolves cwd against its folder and expands from opts.env', async () => {
    const file = path.join(dir, 'perfgate.yml');
    writeFileSync(file, MINIMAL.replace('{ path: / }', '{ path: "/${P}" }'));
    const config = await loadConfig(file, { env: { P: 'x' } });
    assert.equal(config.file, file);
    assert.equal(config.service.cwd, dir);
    assert.equal(config.scenarios[0].request.path, '/x');
  });

  test('a missing file is a ConfigError that says so', async () => {
    const file = path.join(dir, 'absent.yml');
    await assert.rejects(loadConfig(file), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.exitCode, 2);
      assert.equal(err.file, file);
      assert.match(err.message, /config file not found: expected a perfgate\.yml here, or pass its path with -c/);
      return true;
    });
  });

  test('a directory is refused with a hint', async () => {
    await assert.rejects(loadConfig(dir), /expected a config file, got a directory/);
  });
});
