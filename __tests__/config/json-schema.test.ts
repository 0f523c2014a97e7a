import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { configJsonSchema } from '../../src/config/json-schema.js';

const GOOD = `
service:
  start: node server.js
  build: npm ci
  env: { PORT: "3000", DATABASE_URL: "postgres://app@127.0.0.1:\${PERFGATE_DB_PORT}/app" }
  ready: { url: "http://127.0.0.1:3000/health", timeout: 60s }
database:
  protocol: postgres
  upstream: 127.0.0.1:5432
defaults:
  load: { connections: 8, duration: "\${LOAD_DURATION:-10s}", warmup: 2s }
  rounds: 10
scenarios:
  - name: list books
    request: { method: GET, path: "/books?limit=50", headers: {}, body: null }
    budgets: { p99: 25ms, rps: ">= 1500", errors: 0, queries: 3, rss: 200MB, p50: 0.8 }
    regression: { p50: 5%, p99: 10%, rps: 5%, queries: 0 }
baseline: { source: artifact }
failOn: [budget, regression]
`;

describe('configJsonSchema', () => {
  const schema = configJsonSchema();

  test('declares its dialect, id and title', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.$id, 'urn:perfgate:config:v1');
    assert.equal(schema.title, 'perfgate configuration');
  });

  test('a standalone ajv accepts a good config (templates included) and rejects a bad one', () => {
    const validate = new Ajv({ allErrors: true }).compile(schema);
    assert.equal(validate(parse(GOOD)), true, JSON.stringify(validate.errors));

    const bad = parse(GOOD.replace('duration: "${LOAD_DURATION:-10s}"', 'durtion: 10s').replace('p99: 25ms', 'p99: 25 msec'));
    assert.equal(validate(bad), false);
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`);
    assert.ok(problems.includes('/defaults/load additionalProperties'), problems.join('\n'));
    assert.ok(problems.includes('/scenarios/0/budgets/p99 anyOf'), problems.join('\n'));
  });

  test('every object refuses unknown keys and every property has a description (editors show it)', () => {
    const missing: string[] = [];
    const open: string[] = [];
    let properties = 0;
    const visit = (node: Record<string, unknown>, where: string) => {
      if (node.type === 'object' && node.additionalProperties !== false && where !== '' && !isFreeForm(node)) open.push(where);
      if (node.type === 'object' && where === '' && node.additionalProperties !== false) open.push('(root)');
      for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        properties++;
        if (typeof child.description !== 'string' || child.description.length < 5) missing.push(`${where}.${key}`);
        visit(child, `${where}.${key}`);
      }
      for (const child of (node.anyOf ?? []) as Record<string, unknown>[]) visit(child, where);
      if (node.items && typeof node.items === 'object') visit(node.items as Record<string, unknown>, `${where}[]`);
    };
    visit(schema, '');
    assert.ok(properties > 60, `walked only ${properties} properties`);
    assert.deepEqual(missing, []);
    assert.deepEqual(open, []);
  });

  test('returns a fresh copy each time', () => {
    const a = configJsonSchema();
    (a.properties as Record<string, unknown>).service = null;
    assert.notEqual((configJsonSchema().properties as Record<string, unknown>).service, null);
  });
});

// The request body is the one deliberately free-form mapping.
function isFreeForm(node: Record<string, unknown>): boolean {
  const patterns = node.patternProperties as Record<string, unknown> | undefined;
  return !!patterns && Object.keys(patterns).length === 1 && '^(.*)$' in patterns;
}
