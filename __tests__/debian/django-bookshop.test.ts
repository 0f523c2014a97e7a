// examples/django-bookshop as a Python user runs it: Django REST framework on PostgreSQL under
// gunicorn's default sync worker (which answers every request with `Connection: close`), measured by
// `perfgate run` through the bundled CLI. perfgate must measure it (a new connection per request, no
// request lost), count exactly what Django's own CaptureQueriesContext counts on every endpoint, flag
// the serializer's N+1 with its SQL, and not flag the select_related/prefetch_related variant.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';
import { runCli, tempDir, type CliResult } from '../cli/helpers.js';
import type { Results, ScenarioResult } from '../../src/results/types.js';
import { DJANGO_EXAMPLE, PYTHON, assertDjangoStack, djangoQueryCounts } from './helpers/django.js';

let db: PostgresServer;
let run: CliResult;
let results: Results;
let report: string;

beforeAll(async () => {
  assertDjangoStack();
  db = await startTestPostgres();
  const dir = tempDir('perfgate-django-');
  const out = path.join(dir, 'results.json');
  const reportFile = path.join(dir, 'report.md');
  run = await runCli(['run', '-c', path.join(DJANGO_EXAMPLE, 'perfgate.yml'), '--out', out, '--report', reportFile], {
    timeoutMs: 300_000,
    env: {
      PYTHON,
      PGHOST: db.host,
      PGPORT: String(db.port),
      PGUSER: db.user,
      PGPASSWORD: db.password,
      PGDATABASE: db.database,
    },
  });
  results = JSON.parse(readFileSync(out, 'utf8')) as Results;
  report = readFileSync(reportFile, 'utf8');
});

afterAll(async () => {
  await db?.stop();
});

const scenario = (name: string): ScenarioResult => {
  const s = results.scenarios.find((x) => x.name === name);
  assert.ok(s, `scenario "${name}" in results`);
  return s;
};

describe('perfgate run on the Django bookshop under gunicorn (sync worker)', () => {
  test('every scenario is measured, with a new connection per request and no failed request', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(results.scenarios.length, 4);
    for (const s of results.scenarios) {
      assert.equal(s.error, undefined, `${s.name}: ${s.error}`);
      assert.ok((s.load?.requests ?? 0) > 0, `${s.name} completed requests`);
      assert.equal(s.load?.errors, 0, s.name);
      assert.equal(s.load?.non2xx, 0, s.name);
      assert.equal(s.load?.requestsPerConnection, 1, `${s.name}: gunicorn's sync worker closes every connection`);
    }
    assert.match(run.stderr, /new connection per request: the server closes connections/);
    assert.match(report, /new connection per request/);
  });

  test("perfgate's statements per request equal Django's CaptureQueriesContext on every endpoint", () => {
    const paths = results.scenarios.map((s) => s.request.path);
    const django = djangoQueryCounts(db, paths);
    const perfgate = Object.fromEntries(results.scenarios.map((s) => [s.request.path, s.queries?.perRequest]));
    assert.deepEqual(perfgate, django);
    // The example's shape, so a change to it that breaks the N+1 shows up here too.
    assert.deepEqual(django, { '/books/': 41, '/books/fixed/': 2, '/books/7/': 2, '/authors/': 1 });
    for (const s of results.scenarios) assert.equal(s.queries?.stable, true, s.name);
  });

  test("the serializer's N+1 is flagged with its SQL: the author and the tags of each of the 20 books", () => {
    const list = scenario('list books');
    const flagged = (list.queries?.nPlusOne ?? []).map((n) => ({ count: n.count, sql: n.sql }));
    assert.equal(flagged.length, 2, JSON.stringify(flagged));
    const author = flagged.find((n) => /from shop_author where shop_author\.id = /i.test(n.sql));
    const tags = flagged.find((n) => /from shop_tag inner join shop_book_tags/i.test(n.sql));
    assert.equal(author?.count, 20, JSON.stringify(flagged));
    assert.equal(tags?.count, 20, JSON.stringify(flagged));
    assert.match(report, /N\+1 suspects in list books/);
    assert.match(report, /from shop_author where shop_author\.id = /);
  });

  test('the select_related/prefetch_related variant and the other endpoints are not flagged', () => {
    for (const name of ['list books (fixed)', 'book by id', 'authors']) {
      assert.deepEqual(scenario(name).queries?.nPlusOne, [], name);
    }
  });
});
