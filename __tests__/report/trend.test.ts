import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { compareRuns } from '../../src/compare/compare.js';
import { renderReport } from '../../src/report/markdown.js';
import { MAX_TREND_POINTS, renderTrends, sparkline } from '../../src/report/trend.js';
import { config, mainHistory, run, scenarioConfig } from '../compare/builders.js';

describe('sparkline', () => {
  test('min is the lowest bar, max the highest, on one scale', () => {
    assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█');
    assert.equal(sparkline([10, 10, 10]), '▄▄▄');
    assert.equal(sparkline([100, 200]), '▁█');
  });
});

describe('renderTrends', () => {
  test('one line per scenario: main\'s runs oldest first, then this run marked, p50 and CPU/request', () => {
    const history = mainHistory(6, 0.03);
    const head = run(1.5, 9, 99, { perRequest: 3 });
    const md = renderTrends({ head, history, summary: { runs: 6, minRuns: 5, gating: true }, maxRows: 10 })!;
    assert.match(md, /^#### Main's recent history/);
    assert.match(md, /over its last 6 runs/);
    // The head is 50% slower than every run of main: its bar is the top one.
    assert.match(md, /- books · p50 `[▁▂▃▄▅▆▇]{6}` → `█` \*\*1\.\d\d ms\*\* \(main 8\d\d µs\) · CPU\/req `[▁▂▃▄▅▆▇]{6}` → `█` \*\*4\d\d µs\*\*/);
  });

  test('a long history draws only its newest runs, one bar each, and says so; main\'s level is over all of them', () => {
    // 100 runs of main: 76 old ones 10× slower, then 24 that get 5% slower each. A sparkline of the
    // oldest runs, or of buckets mixing old and new, would not rise step by step from this PR's level.
    const history = Array.from({ length: 100 }, (_, i) => run(i < 100 - MAX_TREND_POINTS ? 10 : 1.05 ** (i - (100 - MAX_TREND_POINTS)), i + 1, i));
    const head = run(1, 7, 200);
    const md = renderTrends({ head, history, summary: { runs: 100, minRuns: 5, gating: true }, maxRows: 10 })!;
    assert.match(md, /Oldest → newest of the newest 24 of 100 runs of main, then this run/);
    const m = /p50 `([^`]+)` → `(.)` \*\*([^*]+)\*\* \(main ([^)]+)\)/.exec(md);
    assert.ok(m, md);
    const bars = [...m[1]!];
    assert.equal(bars.length, MAX_TREND_POINTS);
    assert.equal(bars[0], '▁');
    assert.equal(bars.at(-1), '█');
    for (let i = 1; i < bars.length; i++) assert.ok('▁▂▃▄▅▆▇█'.indexOf(bars[i]!) >= '▁▂▃▄▅▆▇█'.indexOf(bars[i - 1]!), m[1]);
    assert.equal(m[2], '▁');
    // The level is the geometric mean of all 100 runs, dominated by the 76 slow ones: several ms.
    assert.match(m[4]!, /^\d+\.\d+ ms$/);
  });

  test('a history that fits is drawn whole, as before', () => {
    const md = renderTrends({ head: run(1, 9, 99), history: mainHistory(MAX_TREND_POINTS, 0.03), maxRows: 10 })!;
    assert.match(md, new RegExp(`Oldest → newest of ${MAX_TREND_POINTS} runs of main`));
    assert.match(md, new RegExp(`p50 \`[▁▂▃▄▅▆▇█]{${MAX_TREND_POINTS}}\` → `));
  });

  test('with too little history it says timing changes are reported, not failing, and how to gate', () => {
    const md = renderTrends({ head: run(1, 9, 99), history: mainHistory(2, 0.03), summary: { runs: 2, minRuns: 5, gating: false }, maxRows: 10 })!;
    assert.match(md, /Main's history has 2 runs of the 5 needed/);
    assert.match(md, /\*\*reported, not failing\*\*/);
    assert.match(md, /baseline: \{ source: rerun \}/);
  });

  test('scenario names cannot break out of the list', () => {
    const head = run(1, 9, 99);
    head.scenarios[0]!.name = 'books | <img src=x>';
    const history = mainHistory(3, 0.03).map((r) => ({ ...r, scenarios: r.scenarios.map((s) => ({ ...s, name: head.scenarios[0]!.name })) }));
    const md = renderTrends({ head, history, maxRows: 10 })!;
    // Backslash-escaped (`\<img`), which GitHub renders as text: no unescaped tag, no cell break.
    assert.doesNotMatch(md, /(?<!\\)<img/);
    assert.match(md, /books \\\| \\<img/);
  });
});

describe('the report with history', () => {
  test('has the trend section, and the footer names the noise model instead of widened thresholds', () => {
    const history = mainHistory(6, 0.03);
    const head = run(1.02, 9, 99, { perRequest: 3 });
    const cfg = config([scenarioConfig('books')]);
    const c = compareRuns({ head, base: history.at(-1), config: cfg, pairing: 'unpaired', history });
    const md = renderReport(c, { head, base: history.at(-1), mode: 'unpaired', reproduceCommand: 'x', history });
    assert.match(md, /#### Main's recent history/);
    assert.match(md, /timing is judged against main's last 6 runs/);
    assert.doesNotMatch(md, /widened/);
  });

  test('without history the report is as before', () => {
    const history = mainHistory(6, 0.03);
    const head = run(1.02, 9, 99, { perRequest: 3 });
    const c = compareRuns({ head, base: history.at(-1), config: config([scenarioConfig('books')]), pairing: 'unpaired' });
    const md = renderReport(c, { head, base: history.at(-1), mode: 'unpaired', reproduceCommand: 'x' });
    assert.doesNotMatch(md, /Main's recent history/);
    assert.match(md, /widened/);
  });
});
