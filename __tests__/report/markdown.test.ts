import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { compareRuns, decide, type Pairing } from '../../src/compare/compare.js';
import type { PerfgateConfig } from '../../src/config/types.js';
import type { Results } from '../../src/results/types.js';
import { renderReport, type ReportContext } from '../../src/report/markdown.js';
import { config, pairedRounds, queries, results, round, scenario, scenarioConfig } from '../compare/builders.js';

const SNAPSHOTS = join(dirname(fileURLToPath(import.meta.url)), '__snapshots__');

/** Compares with __snapshots__/<name>.md; UPDATE_SNAPSHOTS=1 rewrites it. */
function matchSnapshot(name: string, text: string): void {
  const file = join(SNAPSHOTS, `${name}.md`);
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(SNAPSHOTS, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.ok(existsSync(file), `missing snapshot ${file}: run with UPDATE_SNAPSHOTS=1 and review it`);
  assert.equal(text, readFileSync(file, 'utf8'), `snapshot ${name}.md differs (UPDATE_SNAPSHOTS=1 to accept)`);
}

/** Markup must never be cut in half: fences, <details> and table rows stay balanced. */
function assertWellFormed(md: string): void {
  const fences = md.split('\n').filter((l) => /^\s*```/.test(l)).length;
  assert.equal(fences % 2, 0, 'unbalanced code fences');
  assert.equal((md.match(/<details>/g) ?? []).length, (md.match(/<\/details>/g) ?? []).length, 'unbalanced <details>');
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) assert.ok(line.endsWith('|'), `table row cut: ${line}`);
  }
}

const books = { rps: 2400, p50Us: 850, cpuUs: 310, rssBytes: 82 * 1024 * 1024 };
const authors = { rps: 610, p50Us: 12_400, cpuUs: 1450, rssBytes: 82 * 1024 * 1024 };

const stmt = (sql: string, fingerprint: string, count = 1) => ({ sql, fingerprint, count });
const listBooksQueries = queries({
  perRequest: 2,
  statements: [
    stmt('select id, title, author_id from books order by id limit 50', 'select id, title, author_id from books order by id limit ?'),
    stmt('select id, name from authors where id = any($1)', 'select id, name from authors where id = any($1)'),
  ],
});

const sql = "select `b`.id, `b`.title || ' | ' || a.name from books `b` join authors a on a.id = `b`.author_id where `b`.author_id = 7";
const fp = "select `b`.id, `b`.title || ? || a.name from books `b` join authors a on a.id = `b`.author_id where `b`.author_id = ?";
const nPlusOneQueries = queries({
  perRequest: 52,
  statements: [stmt(sql, fp, 50), ...listBooksQueries.statements],
  nPlusOne: [{ sql, fingerprint: fp, count: 50, distinctParams: 50 }],
  duplicates: [stmt('select count(*) from books', 'select count(*) from books', 2)],
  background: 3,
  stable: false,
  perProbe: [52, 52, 53, 52, 52],
  transactionControl: 2,
});

const cfg: PerfgateConfig = config([
  scenarioConfig('list books', { budgets: { p99Us: 25_000, minRps: 1500, errors: 0, queries: 3 } }),
  scenarioConfig('author detail', { budgets: { p99Us: 60_000, cpuUsPerRequest: 2000 } }),
]);

interface Fixture {
  head: Results;
  base?: Results;
  pairing: Pairing;
  config?: PerfgateConfig;
  ctx?: Partial<ReportContext>;
}

function render(f: Fixture): string {
  const comparison = compareRuns({ head: f.head, base: f.base, config: f.config ?? cfg, pairing: f.pairing });
  return renderReport(comparison, {
    head: f.head,
    base: f.base,
    configName: 'perfgate.yml',
    reproduceCommand: 'npx perfgate run -c perfgate.yml --baseline base.json',
    mode: f.base ? f.pairing : 'paired',
    ...f.ctx,
  });
}

function twoScenarios(opts: { slowdown?: number; n?: number; seed?: number; headQueries?: typeof listBooksQueries } = {}) {
  const a = pairedRounds(books, { n: opts.n ?? 10, seed: opts.seed ?? 11, slowdown: opts.slowdown, commonCv: 0.06 });
  const b = pairedRounds(authors, { n: opts.n ?? 10, seed: (opts.seed ?? 11) + 1, commonCv: 0.06 });
  return {
    head: results([scenario('list books', a.head, { queries: opts.headQueries ?? listBooksQueries, path: '/books?limit=50' }), scenario('author detail', b.head, { path: '/authors/7' })]),
    base: results([scenario('list books', a.base, { queries: listBooksQueries, path: '/books?limit=50' }), scenario('author detail', b.base, { path: '/authors/7' })], {
      commit: 'f0e1d2c3b4a5f0e1d2c3b4a5f0e1d2c3b4a5f0e1',
    }),
  };
}

describe('renderReport snapshots', () => {
  test('all pass', () => {
    const md = render({ ...twoScenarios(), pairing: 'paired' });
    assert.match(md, /^### ✅ perfgate: pass — 0 regressions, 6\/6 budgets pass/);
    assert.match(md, /~ \[/);
    assertWellFormed(md);
    matchSnapshot('all-pass', md);
  });

  test('a budget failure', () => {
    const strict = config([scenarioConfig('list books', { budgets: { p99Us: 2000, errors: 0 } }), scenarioConfig('author detail')]);
    const md = render({ ...twoScenarios(), pairing: 'paired', config: strict });
    assert.match(md, /^### ❌ perfgate: fail — 0 regressions, 1 budget violation/);
    assert.match(md, /\| list books \| p99 +\| +≤ 2.00 ms \| +2.\d\d ms \| ❌ fail \|/);
    matchSnapshot('budget-failure', md);
  });

  test('a regression', () => {
    const md = render({ ...twoScenarios({ slowdown: 0.18 }), pairing: 'paired' });
    assert.match(md, /^### ❌ perfgate: fail — [1-9] regressions/);
    assert.match(md, /❌ regressed/);
    assert.match(md, /\+1\d\.\d% \[\d+\.\d, \d+\.\d\] p=0\.00\d/, 'benchstat-style change with CI and p-value');
    assert.match(md, /```mermaid\nxychart-beta/);
    assertWellFormed(md);
    matchSnapshot('regression', md);
  });

  test('inconclusive', () => {
    const md = render({ ...twoScenarios({ slowdown: 0.3, n: 5 }), pairing: 'paired' });
    assert.match(md, /^### ⚠️ perfgate: inconclusive/);
    assert.match(md, /too few rounds for a 99% interval \(need ≥ 8 paired rounds, have 5\)/);
    matchSnapshot('inconclusive', md);
  });

  test('missing baseline', () => {
    const { head } = twoScenarios();
    const md = render({ head, pairing: 'unpaired', ctx: { baselineProblem: 'no perfgate-baseline artifact on main yet' } });
    assert.match(md, /No baseline to compare against\*\* \(no perfgate-baseline artifact on main yet\): only absolute budgets apply/);
    assert.doesNotMatch(md, /#### Timing/);
    matchSnapshot('missing-baseline', md);
  });

  test('head only (perfgate run without a baseline, the demo)', () => {
    const { head } = twoScenarios({ headQueries: nPlusOneQueries });
    head.scenarios[0].load!.warnings = ['the load generator used 97% of a CPU: rps may be capped by perfgate, not the service'];
    const md = render({ head, pairing: 'paired', ctx: { mode: 'head-only', reproduceCommand: 'npx perfgate run -c perfgate.yml' } });
    assert.doesNotMatch(md, /No baseline/);
    assert.match(md, /#### list books · `GET \/books\?limit=50`/);
    assert.match(md, /\| p50 +\| +8\d\d µs \|/);
    assert.match(md, /\| queries\/request +\| +52 \(⚠️ unstable probes 52\/52\/53\/52\/52, ⚠️ 1 N\+1 suspect\) \| ≤ 3 ❌ fail/);
    assert.ok(md.includes(sql), 'N+1 SQL shown in full');
    assertWellFormed(md);
    matchSnapshot('head-only', md);
  });

  test('simultaneous rerun rounds are named in the footer; budgets show the head measured alone', () => {
    const { head, base } = twoScenarios();
    head.meta.schedule = 'simultaneous';
    const solo = pairedRounds(books, { n: 5, seed: 31 }).head.map((r) => round(books, (r.latencyUs.p50 / books.p50Us) * 0.5));
    head.scenarios[0].solo = scenario('list books', solo).load;
    const md = render({ head, base, pairing: 'paired' });
    assert.match(md, /ran round by round on the same runner, at the same time, each under its own load/);
    const p99 = head.scenarios[0].solo!.latencyUs.p99;
    assert.ok(md.includes(`| ${(p99 / 1000).toFixed(2)} ms`) || md.includes(`| ${p99} µs`), `the p99 budget row shows the solo p99 (${p99} µs)\n${md}`);
  });

  test('scenario names that truncate to the same chart label still get bars of their own', () => {
    const a = pairedRounds(books, { n: 10, seed: 4 });
    const long = (tail: string) => `GET /api/v1/organizations/{id}/${tail}`;
    const head = results([scenario(long('members'), a.head), scenario(long('projects'), a.head)]);
    const base = results([scenario(long('members'), a.base), scenario(long('projects'), a.base)]);
    const md = render({ head, base, pairing: 'paired', config: config([scenarioConfig(long('members')), scenarioConfig(long('projects'))]) });
    const axis = /x-axis \[(.*)\]/.exec(md)?.[1] ?? '';
    const categories = JSON.parse(`[${axis}]`) as string[];
    assert.equal(categories.length, 4, axis);
    assert.equal(new Set(categories).size, 4, `distinct categories: ${axis}`);
    // Cut at a word, marked with an ellipsis: never "…organizations id memb · base".
    for (const c of categories) assert.match(c, /^GET \/api\/v1\/organizations\/…( \(2\))? · (base|head)$/, c);
  });

  test('budgets without data are not counted as passing in the headline', () => {
    const { head, base } = twoScenarios();
    const blind = config([scenarioConfig('list books', { budgets: { p99Us: 25_000, rssBytes: 1 } }), scenarioConfig('author detail')]);
    for (const s of head.scenarios) delete s.load!.peakRssBytes;
    const md = render({ head, base, pairing: 'paired', config: blind });
    assert.match(md, /^### ✅ perfgate: pass — 0 regressions, 1\/2 budgets pass, 1 without data/, md.split('\n')[0]);
  });

  test('load warnings of every side are shown next to the timing, once each', () => {
    const { head, base } = twoScenarios();
    const saturated = 'the load generator used 97% of a CPU: rps may be capped by perfgate, not the service';
    head.scenarios[0].load!.warnings = [saturated];
    head.scenarios[0].solo = scenario('list books', pairedRounds(books, { n: 5, seed: 3 }).head, { warnings: ['3 requests failed | timed out'] }).load;
    base.scenarios[1].load!.warnings = [saturated];
    const md = render({ head, base, pairing: 'paired' });
    assert.ok(md.indexOf('> ⚠️ list books (head): the load generator used 97%') > md.indexOf('#### Timing'), md);
    assert.match(md, /> ⚠️ list books \(head alone\): 3 requests failed \\\| timed out/);
    assert.match(md, /> ⚠️ author detail \(base\): the load generator used 97%/);
    assert.equal(md.split(saturated).length - 1, 2);
    assertWellFormed(md);
  });

  test('a scenario added and one removed between base and head', () => {
    const { head, base } = twoScenarios();
    head.scenarios.push(scenario('search books', pairedRounds(books, { n: 10, seed: 99 }).head, { path: '/books?q=dune' }));
    base.scenarios.push(scenario('list orders', pairedRounds(authors, { n: 10, seed: 98 }).base, { path: '/orders' }));
    const md = render({ head, base, pairing: 'paired' });
    assert.match(md, /\| search books +\|.*🆕 new scenario: budgets only/);
    assert.match(md, /\| list orders +\|.*removed from head/);
    matchSnapshot('added-removed', md);
  });

  test('an N+1 finding with SQL containing | and backticks', () => {
    const md = render({ ...twoScenarios({ headQueries: nPlusOneQueries }), pairing: 'unpaired' });
    assert.match(md, /\| list books +\| +2 → 52 \| ❌ regressed \(allowed \+0\) \| ⚠️ 1 N\+1 suspect \(1 new\)/);
    assert.match(md, /<details><summary>N\+1 suspects in list books \(1\)<\/summary>/);
    assert.ok(md.includes('````sql\n') || md.includes('```sql\n'));
    assert.ok(md.includes(sql), 'the SQL appears verbatim inside the code block');
    assert.match(md, /this comparison crosses machines/);
    assertWellFormed(md);
    // No table row may contain an unescaped pipe from SQL: every row has the header's cell count.
    for (const line of md.split('\n').filter((l) => l.startsWith('| list books'))) {
      assert.doesNotMatch(line.replace(/\\\|/g, ''), /`/);
    }
    matchSnapshot('n-plus-one', md);
  });

  test('an oversized report collapses detail to fit the limit, never cutting markup', () => {
    const scenarios: ReturnType<typeof scenario>[] = [];
    const bases: ReturnType<typeof scenario>[] = [];
    const configs = [];
    for (let i = 0; i < 40; i++) {
      const name = `endpoint ${String(i).padStart(2, '0')}`;
      const statements = Array.from({ length: 30 }, (_, j) =>
        stmt(`select * from t${j} where x = ${i} and note = '${'long text '.repeat(20)}'`, `select * from t${j} where x = ? and note = ?`),
      );
      const q = queries({
        perRequest: 30,
        statements,
        nPlusOne: [{ ...statements[0], count: 12, distinctParams: 12, sql: `select * from items where order_id = ${i} /* ${'padding '.repeat(100)} */` }],
      });
      const p = pairedRounds(books, { n: 10, seed: 200 + i, slowdown: i % 3 === 0 ? 0.2 : 0 });
      scenarios.push(scenario(name, p.head, { queries: q }));
      bases.push(scenario(name, p.base, { queries: queries({ perRequest: 30, statements: statements.slice(1) }) }));
      configs.push(scenarioConfig(name, { budgets: { p99Us: 5000 } }));
    }
    const fixture = { head: results(scenarios), base: results(bases), pairing: 'paired' as const, config: config(configs) };
    const full = render({ ...fixture, ctx: { maxChars: Infinity } });
    assert.ok(full.length > 60_000, `fixture should be oversized, is ${full.length}`);
    const fitted = render({ ...fixture, ctx: { maxChars: 60_000 } });
    assert.ok(fitted.length <= 60_000, `${fitted.length}`);
    assert.match(fitted, /collapsed to fit/);
    assertWellFormed(fitted);
    const tiny = render({ ...fixture, ctx: { maxChars: 6_000 } });
    assert.ok(tiny.length <= 6_000, `${tiny.length}`);
    assert.match(tiny, /more rows omitted/);
    assertWellFormed(tiny);
    matchSnapshot('oversized-collapsed', tiny);
  });
});

describe('a scenario that could not be measured', () => {
  test('its error is said once in the headline and once in the table, on both sides of a rerun', () => {
    const error = 'probe GET http://127.0.0.1:4000/close: the server answered "Connection: close" after 1 request(s)';
    const ok = pairedRounds(books, { n: 10, seed: 5 });
    const md = render({
      head: results([scenario('list books', [], { error }), scenario('author detail', ok.head)]),
      base: results([scenario('list books', [], { error }), scenario('author detail', ok.base)]),
      pairing: 'paired',
    });
    const said = md.split('Connection: close').length - 1;
    assert.equal(said, 2, md);
    const verdict = decide(compareRuns({ head: results([scenario('list books', [], { error })]), config: cfg, pairing: 'paired' }), ['budget', 'regression']);
    assert.equal(verdict.reasons.join(' ').split('Connection: close').length - 1, 1, verdict.reasons.join('\n'));
  });
});
