// Untrusted strings in the report, checked the way a reader meets them: rendered by cmark-gfm (the
// renderer GitHub runs) and compared with the same report built from plain strings. Every string a
// results file carries ends up somewhere in the report; none may add markup or ping anyone.
import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import fc from 'fast-check';
import { compareRuns } from '../../src/compare/compare.js';
import type { Results } from '../../src/results/types.js';
import { renderReport } from '../../src/report/markdown.js';
import { codeBlock, inlineText, MAX_CHARS } from '../../src/report/escape.js';
import { config, pairedRounds, queries, results, scenario, scenarioConfig } from '../compare/builders.js';
import { linkableText, references, renderGfm, tagSkeleton } from '../helpers/gfm.js';

/** What issue 18's probe put in results files, and a few more of the same kind. */
export const HOSTILE = [
  'x\n</details><img src=https://evil.example/p.png>',
  '<a href="https://evil.example">Click here to accept</a>',
  '# h1\r# h1 again',
  '[link](https://evil.example) ![img](https://evil.example/x.png)',
  'ping @octocat @org/team #123 GH-45 foo/bar#7 a@b.example',
  'https://evil.example www.evil.example',
  '| cell | break |',
  '`code` ``` fence ~~~',
  '**bold** _em_ ~~strike~~ $x^2$',
  '&lt;b&gt; &#64;octocat',
  '- list\n- item\n1. one',
  '\r```\n</details>\n<h1>x</h1>\n',
  '<script>alert(1)</script><!-- c --> <details open>',
  'x\r\r<h1>after a blank line</h1>',
];

const BOOKS = { rps: 2400, p50Us: 850, cpuUs: 310, rssBytes: 82 * 1024 * 1024 };

/** Results whose every string field comes from `text(i)`; `i` numbers the slots. */
function fixture(text: (i: number) => string): { head: Results; base: Results } {
  let slot = 0;
  const t = () => text(slot++);
  const sql = () => `select * from t where x = '${t()}'`;
  const stmt = (s: string, count = 1) => ({ sql: s, fingerprint: s, count });
  const side = (which: 'head' | 'base'): Results => {
    slot = 0; // the same names on both sides, so scenarios are compared
    const a = pairedRounds(BOOKS, { n: 10, seed: 3, commonCv: 0.05 });
    const b = pairedRounds(BOOKS, { n: 10, seed: 4, commonCv: 0.05 });
    const n1 = sql();
    const q = queries({
      perRequest: 3,
      statements: [stmt(n1, 3), stmt(sql())],
      nPlusOne: [{ ...stmt(n1, 3), distinctParams: 3 }],
      duplicates: [stmt(sql(), 2)],
    });
    const first = scenario(`one ${t()}`, which === 'head' ? a.head : a.base, { queries: q, path: `/x?q=${t()}`, warnings: [t()] });
    first.request.method = `GET ${t()}`;
    const second = scenario(`two ${t()}`, b[which], { path: `/${t()}` });
    const broken = scenario(`three ${t()}`, [], { error: t() });
    return results([first, second, broken], {
      commit: t(),
      runner: { os: t(), cpus: 2, cpuModel: t(), node: t() },
    });
  };
  const head = side('head');
  head.tool = { name: t(), version: t() };
  return { head, base: side('base') };
}

function report(f: { head: Results; base?: Results }, mode: 'paired' | 'head-only'): string {
  // Names are generated, so the config's scenarios are rebuilt from them (budgets give the budget table rows).
  const cfg = config(f.head.scenarios.map((s) => scenarioConfig(s.name, { budgets: { p99Us: 1, errors: 0 } })));
  const base = mode === 'paired' ? f.base : undefined;
  const comparison = compareRuns({ head: f.head, base, config: cfg, pairing: 'paired' });
  return renderReport(comparison, {
    head: f.head,
    base,
    configName: 'perfgate.yml',
    reproduceCommand: 'npx perfgate run -c perfgate.yml',
    mode,
    maxChars: 1_000_000,
  });
}

const hostile = (i: number) => HOSTILE[i % HOSTILE.length] + i;
const plain = (i: number) => `plain${i}`;

describe('untrusted strings in the report (rendered by cmark-gfm)', () => {
  for (const mode of ['paired', 'head-only'] as const) {
    test(`${mode}: nothing but perfgate's own markup survives`, () => {
      const bad = renderGfm(report(fixture(hostile), mode));
      const good = renderGfm(report(fixture(plain), mode));
      assert.deepEqual(tagSkeleton(bad), tagSkeleton(good), `markup differs:\n${bad}`);
      assert.doesNotMatch(bad, /<(img|a|h1|script)\b/i);
      assert.deepEqual(references(linkableText(bad)), [], 'no @mention or #reference is linked');
    });
  }

  test('the data is still shown, readable', () => {
    const html = renderGfm(report(fixture(hostile), 'paired'));
    const text = linkableText(html).replace(/\u200B/g, '');
    assert.match(text, /# h1 # h1 again/);
    assert.match(text, /\[link\]\(https:\/\/evil\.example\) !\[img\]/);
    assert.match(text, /<a href="https:\/\/evil\.example">Click here to accept<\/a>/);
  });

  test('a scenario called "list @octocat" and SQL with /* @org/team */ ping nobody', () => {
    const f = fixture(plain);
    f.head.scenarios[0].name = 'list @octocat';
    f.base.scenarios[0].name = 'list @octocat';
    f.head.scenarios[0].queries!.nPlusOne[0].sql = 'select 1 /* @org/team fixes #42 */';
    const html = renderGfm(report(f, 'paired'));
    assert.deepEqual(references(linkableText(html)), []);
    assert.match(linkableText(html).replace(/\u200B/g, ''), /list @octocat/);
  });

  test('long strings are capped, so the tables always fit the comment', () => {
    const huge = 'x'.repeat(1_000_000);
    const f = fixture(() => huge);
    const md = report(f, 'paired');
    assert.ok(md.length < 60_000, `report is ${md.length} characters`);
    assert.match(md, /#### Timing/);
    assert.match(md, /#### Budgets/);
  });
});

describe('escapers', () => {
  test('inline text never opens markup, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const html = renderGfm(`| a |\n|---|\n| ${inlineText(s)} |\n`);
        assert.deepEqual(tagSkeleton(html), tagSkeleton(renderGfm('| a |\n|---|\n| b |\n')), `${JSON.stringify(s)} → ${html}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('a code block holds any text, however it is indented', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (code) => {
        const listed = (c: string) => `- item\n\n${codeBlock(c, 'sql').split('\n').map((l) => `  ${l}`).join('\n')}\n\nafter\n`;
        assert.deepEqual(tagSkeleton(renderGfm(listed(code))), tagSkeleton(renderGfm(listed('select 1'))), JSON.stringify(code));
      }),
      { numRuns: 2000 },
    );
  });

  test('caps', () => {
    assert.equal(inlineText('y'.repeat(10_000), MAX_CHARS.name).length, MAX_CHARS.name);
  });
});
