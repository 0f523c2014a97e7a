// Config for database time and plans: database.explain, budgets.dbTime, regression.dbTime.
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { parseConfig } from '../../src/config/load.js';

const FILE = '/project/perfgate.yml';
const config = (database: string, scenario = '') =>
  [
    'service: { start: node server.js, ready: { url: "http://127.0.0.1:3000/health" } }',
    `database: ${database}`,
    'scenarios:',
    '  - name: home',
    '    request: { path: / }',
    scenario,
  ].join('\n') + '\n';

test('database.explain: the URL from the environment; analyze off and 10k rows by default', () => {
  const c = parseConfig(config('{ upstream: 127.0.0.1:5432, explain: { url: "${PERFGATE_EXPLAIN_URL:-}" } }'), FILE, { PERFGATE_EXPLAIN_URL: 'postgres://ro:pw@db/app' });
  assert.deepEqual(c.database?.explain, { url: 'postgres://ro:pw@db/app', analyze: false, seqScanRows: 10_000 });
});

test('an unset secret leaves the URL empty (plans skipped) instead of failing the run', () => {
  const c = parseConfig(config('{ upstream: 127.0.0.1:5432, explain: { url: "${PERFGATE_EXPLAIN_URL:-}", analyze: true, seqScanRows: 500 } }'), FILE, {});
  assert.deepEqual(c.database?.explain, { url: '', analyze: true, seqScanRows: 500 });
});

test('budgets.dbTime is a latency budget; regression.dbTime a percentage, 20% by default', () => {
  const c = parseConfig(config('{ upstream: 127.0.0.1:5432 }', '    budgets: { dbTime: 1.5ms }\n    regression: { dbTime: 30% }'), FILE, {});
  assert.equal(c.scenarios[0]!.budgets.dbTimeUs, 1500);
  assert.equal(c.scenarios[0]!.regression.dbTime, 0.3);
  const d = parseConfig(config('{ upstream: 127.0.0.1:5432 }'), FILE, {});
  assert.equal(d.scenarios[0]!.regression.dbTime, 0.2);
});

test('a misspelled explain key is named with what was expected', () => {
  assert.throws(
    () => parseConfig(config('{ upstream: 127.0.0.1:5432, explain: { uri: "x" } }'), FILE, {}),
    (err: unknown) => err instanceof ConfigError && err.issues.some((i) => /database\.explain/.test(i.path) && /url/.test(i.message)),
  );
});
