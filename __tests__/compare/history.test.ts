import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { compareRuns, decide } from '../../src/compare/compare.js';
import { MIN_HISTORY_RUNS, orderHistory, predictionShift } from '../../src/compare/history.js';
import { studentTCdf, studentTQuantile } from '../../src/compare/student-t.js';
import { config, gaussian, mainHistory, mulberry32, run, scenarioConfig } from './builders.js';

const cfg = config([scenarioConfig('books')]);

describe('Student t', () => {
  test('quantiles match the published table', () => {
    for (const [df, q] of [[1, 63.657], [4, 4.604], [9, 3.25], [29, 2.756]] as const) {
      assert.ok(Math.abs(studentTQuantile(0.995, df) - q) < 1e-3, `t(0.995, ${df})`);
    }
    assert.ok(Math.abs(studentTCdf(2.262, 9) - 0.975) < 1e-4);
    assert.ok(Math.abs(studentTCdf(-2.262, 9) - 0.025) < 1e-4);
  });
});

describe('predictionShift', () => {
  test('a value far outside main\'s spread has an interval above 0; one inside it does not', () => {
    const history = [0, 0.01, -0.01, 0.02, -0.02, 0.005, -0.005, 0.015];
    const out = predictionShift(history, Math.log(1.3), 0.99);
    assert.equal(out.method, 'history-t');
    assert.ok(out.ci!.lo > 0);
    const inside = predictionShift(history, 0.02, 0.99);
    assert.ok(inside.ci!.lo < 0 && inside.ci!.hi > 0);
  });

  // The guarantee the gate rests on: with nothing changed, the head lies above main's 99% interval
  // in 0.5% of runs (one-sided) at every history size when run-to-run noise is log-normal. With t₃
  // tails (occasional much slower runners) the interval is too narrow: 1.1% at 5 runs, 1.8% at 20
  // (docs/verdicts.md) — the threshold and confirmation by rerun have to absorb that.
  for (const n of [MIN_HISTORY_RUNS, 10, 20]) {
    test(`false alarms with ${n} runs of history: ≤ 0.8% for log-normal noise, ≤ 2% with t₃ tails`, () => {
      const rand = mulberry32(n);
      const t3 = () => gaussian(rand) / Math.sqrt((gaussian(rand) ** 2 + gaussian(rand) ** 2 + gaussian(rand) ** 2) / 3);
      for (const [name, draw, limit] of [['normal', () => gaussian(rand), 0.008], ['t3', t3, 0.02]] as const) {
        let above = 0;
        const trials = 20_000;
        for (let k = 0; k < trials; k++) {
          const h = Array.from({ length: n }, () => 0.05 * draw());
          if (predictionShift(h, 0.05 * draw(), 0.99).ci!.lo > 0) above++;
        }
        assert.ok(above / trials <= limit, `${name}: ${above}/${trials}`);
      }
    });
  }
});

describe('orderHistory', () => {
  test('oldest first, one entry per run, newest kept', () => {
    const h = mainHistory(6, 0.05);
    const ordered = orderHistory([h[3]!, h[0]!, h[5]!, h[3]!, h[1]!], 3);
    assert.deepEqual(ordered.map((r) => r.meta.commit), [h[1], h[3], h[5]].map((r) => r!.meta.commit));
  });
});

describe('compareRuns with history', () => {
  test('without history, an unpaired comparison behaves as before', () => {
    const base = run(1, 1, 0);
    const head = run(1.3, 2, 1);
    const a = compareRuns({ head, base, config: cfg, pairing: 'unpaired' });
    assert.equal(a.history, undefined);
    assert.equal(a.scenarios[0]!.metrics.find((m) => m.metric === 'p50')!.verdict, 'regressed');
  });

  test('an unchanged head on a slow machine passes when main has moved as much before', () => {
    // Main's runs land on machines ±15% apart; the baseline run happened to be a fast one.
    const history = mainHistory(10, 0.15);
    const base = run(0.8, 5, 50, { perRequest: 3 });
    const head = run(1.15, 6, 51, { perRequest: 3 });
    const single = compareRuns({ head, base, config: cfg, pairing: 'unpaired' });
    assert.equal(decide(single, ['budget', 'regression']).verdict, 'fail', 'against the one baseline run it looks regressed');
    const c = compareRuns({ head, base, config: cfg, pairing: 'unpaired', history });
    assert.deepEqual(c.history, { runs: 11, minRuns: MIN_HISTORY_RUNS, gating: true });
    const p50 = c.scenarios[0]!.metrics.find((m) => m.metric === 'p50')!;
    assert.notEqual(p50.verdict, 'regressed');
    assert.equal(p50.history?.gating, true);
    assert.equal(p50.shift.method, 'history-t');
    assert.notEqual(decide(c, ['budget', 'regression']).verdict, 'fail');
  });

  test('a real slowdown well outside main\'s spread fails, at the configured (unwidened) threshold', () => {
    const history = mainHistory(10, 0.03);
    const base = history.at(-1)!;
    const head = run(1.4, 7, 60, { perRequest: 3 });
    const c = compareRuns({ head, base, config: cfg, pairing: 'unpaired', history });
    const cpu = c.scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;
    assert.equal(cpu.verdict, 'regressed');
    assert.equal(cpu.threshold, 0.05);
    assert.ok(cpu.change > 0.3 && cpu.change < 0.5, `change ${cpu.change}`);
    assert.equal(decide(c, ['budget', 'regression']).verdict, 'fail');
  });

  test('too little history: a cross-run timing regression is reported, not failing, and says how to gate', () => {
    const history = mainHistory(1, 0.03);
    const head = run(1.4, 7, 60, { perRequest: 3 });
    const c = compareRuns({ head, base: history[0], config: cfg, pairing: 'unpaired', history });
    assert.deepEqual(c.history, { runs: 1, minRuns: MIN_HISTORY_RUNS, gating: false });
    const p50 = c.scenarios[0]!.metrics.find((m) => m.metric === 'p50')!;
    assert.equal(p50.verdict, 'inconclusive');
    assert.match(p50.note!, /\+\d+\.\d% against a baseline from another run; main's history has 1 of the 5 runs/);
    assert.match(p50.note!, /source: rerun/);
    assert.equal(c.totals.regressions, 0);
    assert.equal(decide(c, ['budget', 'regression']).exitCode, 0);
  });

  test('query counts still fail with too little history', () => {
    const history = mainHistory(1, 0.03);
    const head = run(1, 8, 61, { perRequest: 5 });
    const c = compareRuns({ head, base: history[0], config: cfg, pairing: 'unpaired', history });
    const d = decide(c, ['budget', 'regression']);
    assert.equal(d.verdict, 'fail');
    assert.match(d.reasons[0]!, /queries per request 3 → 5/);
  });

  test('history never applies to paired (rerun) comparisons', () => {
    const base = run(1, 1, 0);
    const head = run(1.3, 2, 1);
    const c = compareRuns({ head, base, config: cfg, pairing: 'paired', history: mainHistory(10, 0.01) });
    assert.equal(c.history, undefined);
    assert.equal(c.scenarios[0]!.metrics[0]!.history, undefined);
  });
});
