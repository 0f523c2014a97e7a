import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import fc from 'fast-check';
import { compareRuns, judgePairedRounds, type MetricComparison, undecidedMetrics } from '../../src/compare/compare.js';
import { DEFAULT_REGRESSION, metricDef, type MetricKey } from '../../src/compare/metrics.js';
import { boundaries, lookConfidence, type SequentialPlan, spendingLookConfidence, upperTail } from '../../src/compare/sequential.js';
import { signTestCiRank } from '../../src/compare/stats.js';
import { FUTILITY_CONFIDENCE, formatConfidence, VERDICT_CONFIDENCE } from '../../src/compare/verdict.js';
import type { RoundResult } from '../../src/results/types.js';
import { renderReport } from '../../src/report/markdown.js';
import { parseResults } from '../../src/results/io.js';
import { config, results, round, scenario, scenarioConfig } from './builders.js';
import { adaptiveTrial, noiseSource, type RankRule } from './noise.js';
import { judgeLook, plannedLooks, stopAfterLook, takeLook } from '../../src/measure/judge.js';
import { exactUpperCrossing } from './sign-walk.js';

/** The defaults recommended in docs/verdicts.md ("Adaptive rounds"): 10 paired rounds per look. */
const BLOCK = 10;
const MAX_LOOKS = 16;
const ALPHA = 1 - VERDICT_CONFIDENCE;

const plan = (maxLooks: number, confidence = VERDICT_CONFIDENCE): SequentialPlan => ({ maxLooks, confidence });
const ranksOf = (block: number, maxLooks: number, confidenceAt: (look: number) => number) =>
  Array.from({ length: maxLooks }, (_, i) => signTestCiRank(block * (i + 1), confidenceAt(i + 1)));

describe('lookConfidence', () => {
  test('a one-look plan is a single interval at the plan confidence', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 0.9999, noNaN: true }), (confidence) => {
        assert.equal(lookConfidence(plan(1, confidence), 1), confidence);
      }),
    );
  });

  test('every look is at least as strict as one interval, and later looks are never stricter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 16 }), fc.constantFrom(0.95, 0.99), (maxLooks, confidence) => {
        let previous = 1;
        for (let look = 1; look <= maxLooks; look++) {
          const c = lookConfidence(plan(maxLooks, confidence), look);
          assert.ok(c > confidence, `look ${look}/${maxLooks}: ${c} ≤ ${confidence}`);
          assert.ok(c <= previous, `look ${look}/${maxLooks}: ${c} > the look before (${previous})`);
          previous = c;
        }
      }),
      { numRuns: 25 },
    );
  });

  test("boundaries match gsDesign's published two-sided 5% designs with 5 looks", () => {
    const round3 = (xs: readonly number[]) => xs.map((x) => Number(x.toFixed(3)));
    // gsDesign 3.x, gsDesign(k = 5, test.type = 2, alpha = 0.025, sfu = sfLDOF / sfLDPocock)$upper$bound
    assert.deepEqual(round3(boundaries(plan(5, 0.95), 'obrien-fleming')), [4.877, 3.357, 2.68, 2.29, 2.031]);
    assert.deepEqual(round3(boundaries(plan(5, 0.95), 'pocock')), [2.438, 2.427, 2.41, 2.397, 2.386]);
    assert.equal(lookConfidence(plan(5, 0.95), 5), 1 - 2 * upperTail(boundaries(plan(5, 0.95), 'obrien-fleming')[4]));
  });

  test('the Gaussian tail is accurate far out, where the first looks sit', () => {
    // Reference values of Q(z) = P(N(0,1) > z) (Abramowitz & Stegun table 26.1 and erfc to 10 digits).
    const reference: [number, number][] = [
      [0, 0.5],
      [1.959963985, 0.025],
      [2.575829304, 0.005],
      [5, 2.866515719e-7],
      [8, 6.220960574e-16],
    ];
    for (const [z, q] of reference) assert.ok(Math.abs(upperTail(z) / q - 1) < 2e-7, `Q(${z}) = ${upperTail(z)}, expected ${q}`);
    assert.ok(Math.abs(upperTail(-1.959963985) - 0.975) < 1e-8);
  });

  test('looks outside the plan and impossible plans are refused', () => {
    assert.throws(() => lookConfidence(plan(4), 0), RangeError);
    assert.throws(() => lookConfidence(plan(4), 5), /from 1 to maxLooks \(4\), got 5/);
    assert.throws(() => lookConfidence(plan(4), 1.5), RangeError);
    assert.throws(() => lookConfidence(plan(0), 1), /maxLooks must be a positive integer/);
    assert.throws(() => lookConfidence(plan(3, 1), 1), /confidence must be between 0 and 1/);
  });
});

describe('the false-alarm guarantee over all looks, exactly', () => {
  // Under "no change" the signs of the paired rounds are fair coins whatever the noise, so the chance
  // that ANY look's interval lies entirely above 0 (what "regressed" needs) is computed exactly.
  test('with the per-look levels it stays within (1 − confidence)/2 for every block size and look count', () => {
    for (const maxLooks of [1, 2, 3, 4, 6, 8, 10, 12, 16, 20]) {
      for (let block = 1; block <= 40; block += maxLooks > 10 ? 3 : 1) {
        const p = exactUpperCrossing(block, ranksOf(block, maxLooks, (look) => lookConfidence(plan(maxLooks), look)));
        assert.ok(p <= ALPHA / 2, `block ${block}, ${maxLooks} looks: ${p}`);
      }
    }
  });

  test('judging every look at the nominal 99% would not: over 3× the false alarms at the default plan', () => {
    const nominal = exactUpperCrossing(BLOCK, ranksOf(BLOCK, MAX_LOOKS, () => VERDICT_CONFIDENCE));
    const sequential = exactUpperCrossing(BLOCK, ranksOf(BLOCK, MAX_LOOKS, (look) => lookConfidence(plan(MAX_LOOKS), look)));
    assert.ok(nominal > 3 * (ALPHA / 2), `nominal levels: ${nominal}`);
    // The sign test's discreteness leaves part of the error rate unused; most of it is still spent.
    assert.ok(sequential <= ALPHA / 2 && sequential > 0.5 * (ALPHA / 2), `sequential levels: ${sequential}`);
  });

  test('Bonferroni and Pocock designs keep the guarantee too (the comparison in docs/verdicts.md is fair)', () => {
    for (const spending of ['bonferroni', 'pocock'] as const) {
      const p = exactUpperCrossing(BLOCK, ranksOf(BLOCK, MAX_LOOKS, (look) => spendingLookConfidence(plan(MAX_LOOKS), look, spending)));
      assert.ok(p <= ALPHA / 2, `${spending}: ${p}`);
    }
  });
});

// ---------------------------------------------------------------- simulated A/A with optional stopping

const CPU = metricDef('cpuUsPerRequest');
/** Interval ranks per (n, look), computed once: the simulations ask for the same few millions of times. */
function memo(rank: RankRule): RankRule {
  const known = new Map<number, number>();
  return (n, look) => {
    const key = n * 1000 + look;
    let k = known.get(key);
    if (k === undefined) known.set(key, (k = rank(n, look)));
    return k;
  };
}
const sequentialRank = memo((n, look) => signTestCiRank(n, lookConfidence(plan(MAX_LOOKS), look)));
const nominalRank = memo((n) => signTestCiRank(n, VERDICT_CONFIDENCE));

describe('simulated A/A with adaptive rounds (seeded)', () => {
  // Heavy-tailed noise (Student t3) at the per-round noise measured with alternating rounds (10.4%).
  // A threshold of 0 (valid config: "any significant slowdown") is the worst case for the guarantee:
  // "regressed" then needs only an interval above 0, and no "unchanged" ends measuring early, so
  // measuring stops exactly when some look turns conclusive — optional stopping at its most greedy.
  const SCENARIOS = 8000;
  // Allowed: α/2 (one-sided) plus 2.33 standard errors of a binomial rate α/2 over SCENARIOS: a rule
  // that truly kept α/2 exceeds this in 1% of seeds; the nominal rule's exact rate is 3× α/2.
  const limit = ALPHA / 2 + 2.33 * Math.sqrt(((ALPHA / 2) * (1 - ALPHA / 2)) / SCENARIOS);

  function falseAlarmRate(rank: RankRule, threshold: number): number {
    const noise = noiseSource('t3', 0.104, 7);
    let alarms = 0;
    for (let s = 0; s < SCENARIOS; s++) {
      if (adaptiveTrial({ def: CPU, threshold, block: BLOCK, maxLooks: MAX_LOOKS, theta: 0, noise, rank }).verdict === 'regressed') alarms++;
    }
    return alarms / SCENARIOS;
  }

  test(`stopping at the first conclusive look keeps "regressed" within α/2 over ${SCENARIOS} scenarios; 99% at every look does not`, () => {
    const sequential = falseAlarmRate(sequentialRank, 0);
    const nominal = falseAlarmRate(nominalRank, 0);
    assert.ok(sequential <= limit, `sequential: ${sequential} > ${limit}`);
    assert.ok(nominal > limit, `nominal 99% at every look: ${nominal}, expected above ${limit}`);
  });

  test('a true +15% CPU/request is found (≥ 95%), usually before the last look', () => {
    const noise = noiseSource('t3', 0.104, 8);
    let regressed = 0;
    let looks = 0;
    const n = 400;
    for (let s = 0; s < n; s++) {
      const t = adaptiveTrial({ def: CPU, threshold: DEFAULT_REGRESSION.cpu, block: BLOCK, maxLooks: MAX_LOOKS, theta: Math.log(1.15), noise, rank: sequentialRank });
      if (t.verdict === 'regressed') regressed++;
      looks += t.looks;
    }
    assert.ok(regressed >= 0.95 * n, `regressed ${regressed}/${n}`);
    assert.ok(looks / n < MAX_LOOKS * 0.75, `mean looks ${looks / n}`);
  });

  test('a confirmation that stops once a 95% interval rules the threshold out keeps "regressed" within α/2, and its power', () => {
    // The futility bound is non-binding: it only ends measuring without a regression.
    const futility: RankRule = (n) => signTestCiRank(n, FUTILITY_CONFIDENCE);
    const noise = noiseSource('t3', 0.104, 7);
    let alarms = 0;
    for (let s = 0; s < SCENARIOS; s++) {
      if (adaptiveTrial({ def: CPU, threshold: 0, block: BLOCK, maxLooks: MAX_LOOKS, theta: 0, noise, rank: sequentialRank, futility }).verdict === 'regressed') alarms++;
    }
    assert.ok(alarms / SCENARIOS <= limit, `with futility: ${alarms / SCENARIOS} > ${limit}`);
    // At the default threshold: an unchanged CPU/request stops far sooner, a +15% one is still found.
    const trial = (theta: number, seed: number, withFutility: boolean) => {
      const source = noiseSource('t3', 0.104, seed);
      return Array.from({ length: 400 }, () =>
        adaptiveTrial({ def: CPU, threshold: DEFAULT_REGRESSION.cpu, block: BLOCK, maxLooks: MAX_LOOKS, theta, noise: source, rank: sequentialRank, ...(withFutility ? { futility } : {}) }),
      );
    };
    const meanRounds = (ts: { rounds: number }[]) => ts.reduce((a, t) => a + t.rounds, 0) / ts.length;
    const aaPlain = trial(0, 9, false);
    const aaFutile = trial(0, 9, true);
    assert.ok(meanRounds(aaFutile) < 0.5 * meanRounds(aaPlain), `A/A mean rounds ${meanRounds(aaFutile)} with futility, ${meanRounds(aaPlain)} without`);
    assert.ok(aaFutile.filter((t) => t.futile).length > 300, 'most unchanged metrics stop on the futility bound');
    const found = trial(Math.log(1.15), 10, true).filter((t) => t.verdict === 'regressed').length;
    assert.ok(found >= 0.95 * 400, `+15% confirmed ${found}/400 with futility`);
  });

  test('the simulation judges exactly as the real loop over judgePairedRounds and undecidedMetrics', () => {
    // Only CPU/request varies between rounds, so only it can keep measuring going.
    const cfg = scenarioConfig('s', { regression: { ...DEFAULT_REGRESSION, cpu: 0 } });
    for (let s = 0; s < 60; s++) {
      const draws: number[] = [];
      const recorded = noiseSource('t3', 0.104, 100 + s);
      const simulated = adaptiveTrial({
        def: CPU, threshold: 0, block: BLOCK, maxLooks: MAX_LOOKS, theta: 0, rank: sequentialRank,
        noise: () => { const x = recorded(); draws.push(x); return x; },
      });
      const head: RoundResult[] = [];
      const base: RoundResult[] = [];
      let metrics: MetricComparison[] = [];
      let look = 0;
      do {
        look++;
        for (const d of draws.slice(head.length, look * BLOCK)) {
          head.push({ ...round({ rps: 2000, p50Us: 900 }), cpuUsPerRequest: 300 * Math.exp(d) });
          base.push({ ...round({ rps: 2000, p50Us: 900 }), cpuUsPerRequest: 300 });
        }
        metrics = judgePairedRounds(head, base, cfg, lookConfidence(plan(MAX_LOOKS), look));
      } while (look < MAX_LOOKS && undecidedMetrics(metrics, ['regression']).length > 0);
      assert.equal(look, simulated.looks, `scenario ${s}`);
      assert.equal(metrics.find((m) => m.metric === 'cpuUsPerRequest')?.verdict, simulated.verdict, `scenario ${s}`);
    }
  });
});

// ---------------------------------------------------------------- compare: the look's confidence

describe('verdicts at the confidence of the look that stopped measuring', () => {
  // Ten rounds, every one +20% CPU and latency: at 99% the interval [d(1), d(10)] is above 0.
  const base = Array.from({ length: 10 }, (_, i) => round({ rps: 2000, p50Us: 900, cpuUs: 300 }, 1 + i / 100));
  const head = base.map((_, i) => round({ rps: 2000, p50Us: 900, cpuUs: 300 }, (1 + i / 100) * 1.2 * (1 + (i % 3) / 200)));
  const cfg = config([scenarioConfig('s')]);
  const firstOfFour = lookConfidence(plan(4), 1);

  function rerunResults(confidence?: number) {
    const h = scenario('s', head);
    if (confidence !== undefined) {
      h.stop = { rounds: 10, looks: 1, maxLooks: 4, confidence, reason: 'max-rounds', roundMs: 1000, schedule: 'alternating' };
    }
    const r = results([h], { mode: 'rerun' });
    r.base = { scenarios: [scenario('s', base)] };
    return r;
  }

  test('judgePairedRounds is the paired comparison compareRuns makes, at the given confidence', () => {
    const viaRuns = compareRuns({ head: rerunResults(firstOfFour), config: cfg, pairing: 'paired' }).scenarios[0].metrics;
    assert.deepEqual(judgePairedRounds(head, base, cfg.scenarios[0], firstOfFour), viaRuns);
    assert.ok(viaRuns.every((m) => m.confidence === firstOfFour));
  });

  test("compareRuns judges paired rounds at the scenario's stop confidence, not at 99%", () => {
    const plain = compareRuns({ head: rerunResults(), config: cfg, pairing: 'paired' }).scenarios[0].metrics;
    assert.equal(plain.find((m) => m.metric === 'cpuUsPerRequest')?.verdict, 'regressed');
    assert.ok(plain.every((m) => m.confidence === VERDICT_CONFIDENCE));

    const strict = compareRuns({ head: rerunResults(firstOfFour), config: cfg, pairing: 'paired' }).scenarios[0].metrics;
    const cpu = strict.find((m) => m.metric === 'cpuUsPerRequest')!;
    assert.equal(cpu.verdict, 'inconclusive', 'ten rounds cannot make a finite interval at the first of four looks');
    assert.match(cpu.note!, new RegExp(`too few rounds for a 99\\.9+\\d*% interval \\(need ≥ ${smallestFinite(firstOfFour)} paired rounds, have 10\\)`));
  });

  test('unpaired comparisons ignore the stop confidence (no looks were taken against that baseline)', () => {
    const r = rerunResults(firstOfFour);
    const other = results([scenario('s', base)]);
    const metrics = compareRuns({ head: r, base: other, config: cfg, pairing: 'unpaired' }).scenarios[0].metrics;
    assert.ok(metrics.every((m) => m.confidence === VERDICT_CONFIDENCE));
  });

  test('the report says when intervals were stricter than 99%, and why', () => {
    const stricter = lookConfidence(plan(4), 4);
    const r = rerunResults(stricter);
    const report = renderReport(compareRuns({ head: r, config: cfg, pairing: 'paired' }), {
      head: r,
      reproduceCommand: 'npx perfgate run',
      mode: 'paired',
    });
    const label = `${Number((stricter * 100).toFixed(2))}%`;
    assert.ok(stricter !== VERDICT_CONFIDENCE && label !== '99%', label);
    assert.match(report, new RegExp(`intervals at ${label.replace('.', '\\.')}: the rounds were judged after every block, and all looks together keep 99%`));
    const plainReport = renderReport(compareRuns({ head: rerunResults(), config: cfg, pairing: 'paired' }), {
      head: rerunResults(),
      reproduceCommand: 'npx perfgate run',
      mode: 'paired',
    });
    assert.doesNotMatch(plainReport, /judged after every block/);
  });
});

function smallestFinite(confidence: number): number {
  let n = 1;
  while (signTestCiRank(n, confidence) === 0) n++;
  return n;
}

describe('the confidence a results file states', () => {
  test("an early look's level, which a double would round to 1, is stated just below 1 and reads back", () => {
    // Unclamped, look 1 of 16 is 1 − 2·Φ̄(z) with z ≈ 8.4: closer to 1 than a double can hold.
    for (const spending of ['obrien-fleming', 'pocock', 'bonferroni'] as const) {
      for (const looks of [2, 16, 40]) {
        for (let look = 1; look <= looks; look++) {
          const level = spendingLookConfidence(plan(looks), look, spending);
          assert.ok(level < 1 && level > 0.99 - 1e-12, `${spending} look ${look}/${looks}: ${level}`);
        }
      }
    }
    assert.equal(lookConfidence(plan(16), 1), 1 - Number.EPSILON);
    const stop = { rounds: 10, looks: 1, maxLooks: 16, reason: 'ruled-out' as const, ruledOut: ['p99'], roundMs: 1000 };
    const file = (confidence: number) => JSON.stringify(results([{ ...scenario('s', [round({ rps: 2000, p50Us: 900 })]), stop: { ...stop, confidence } }]));
    assert.throws(() => parseResults(file(1), 'r.json'), /confidence must be < 1/);
    const early = lookConfidence(plan(16), 1);
    assert.equal(parseResults(file(early), 'r.json').scenarios[0]!.stop!.confidence, early);
    // ruledOut re-labels verdicts (compare.ts): a results file holds it bounded, as it does pending.
    const withRuledOut = (ruledOut: unknown) => JSON.stringify(results([{ ...scenario('s', [round({ rps: 2000, p50Us: 900 })]), stop: { ...stop, confidence: 0.999, ruledOut: ruledOut as string[] } }]));
    assert.throws(() => parseResults(withRuledOut('p99'), 'r.json'), /ruledOut/);
    assert.throws(() => parseResults(withRuledOut(Array.from({ length: 21 }, () => 'p99')), 'r.json'), /ruledOut/);
  });
});

describe('undecidedMetrics', () => {
  const base = Array.from({ length: 12 }, (_, i) => round({ rps: 2000, p50Us: 900, cpuUs: 300 }, 1 + ((i * 7) % 5) / 50));
  const head = base.map((_, i) => round({ rps: 2000, p50Us: 900, cpuUs: 300 }, 1 + ((i * 3) % 5) / 50));

  test('lists the inconclusive metrics when regressions fail the check, none otherwise', () => {
    const metrics = judgePairedRounds(head, base, scenarioConfig('s'), VERDICT_CONFIDENCE);
    const inconclusive = metrics.filter((m) => m.verdict === 'inconclusive').map((m) => m.metric);
    assert.ok(inconclusive.length > 0, 'the fixture has ±8% noise on 12 rounds: some metric is inconclusive');
    assert.deepEqual(undecidedMetrics(metrics, ['budget', 'regression']), inconclusive);
    assert.deepEqual(undecidedMetrics(metrics, ['budget']), []);
    assert.deepEqual(undecidedMetrics(metrics, []), []);
  });

  test('a metric whose threshold no change can reach is not waited for', () => {
    // rps −100% cannot happen; with too few rounds for any interval every metric is inconclusive.
    const cfg = scenarioConfig('s', { regression: { ...DEFAULT_REGRESSION, rps: 1 } });
    const metrics = judgePairedRounds(head.slice(0, 5), base.slice(0, 5), cfg, VERDICT_CONFIDENCE);
    assert.ok(metrics.every((m) => m.verdict === 'inconclusive'));
    const undecided = undecidedMetrics(metrics, ['regression']);
    assert.ok(!undecided.includes('rps'));
    assert.ok(undecided.includes('cpuUsPerRequest'));
  });
});

describe('formatConfidence', () => {
  test('shows the digits that tell a level apart, and never a certain 100%', () => {
    assert.equal(formatConfidence(0.99), '99%');
    assert.equal(formatConfidence(0.95), '95%');
    assert.equal(formatConfidence(0.9927), '99.27%');
    assert.equal(formatConfidence(0.9999912), '99.99912%');
    assert.equal(formatConfidence(lookConfidence(plan(16), 1)), '> 99.99999%');
  });
});

describe('looks planned for the blocks that fit the time budget', () => {
  const fast = { rounds: 10, roundMs: 1000, drainMs: 1, sidesInTurn: 2 };
  test('1 s alternating rounds in 5 min: the budget, not maxRounds 160, sets the plan', () => {
    // 10 pairs of 1 s rounds take ~20 s, so 14 blocks fit in 296 s, not 16.
    assert.equal(plannedLooks(16, fast, 296_000), 14);
    assert.equal(plannedLooks(16, fast, 3_600_000), 16, 'never more than configured');
  });
  test('a 1 s endpoint with 5.4 s rounds gets 2 looks, and the last one is at the plan confidence', () => {
    const slow = { rounds: 10, roundMs: 5400, drainMs: 1000, sidesInTurn: 2 };
    const looks = plannedLooks(16, slow, 296_000);
    assert.equal(looks, 2);
    // The plan that stopped at its last look uses a level close to 99%; the 16-look plan's second
    // look (where the budget would have stopped it) needs far more than 99.9%.
    assert.ok(lookConfidence(plan(looks), looks) < 0.995);
    assert.ok(lookConfidence(plan(16), 2) > 0.99999);
  });
  test('simultaneous rounds count one round per pair; too little time is still one look', () => {
    assert.equal(plannedLooks(16, { ...fast, sidesInTurn: 1 }, 296_000), 16);
    assert.equal(plannedLooks(16, fast, 5_000), 1);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 100, max: 20_000 }), fc.integer({ min: 0, max: 2_000_000 }), (max, roundMs, left) => {
        const n = plannedLooks(max, { rounds: 10, roundMs, drainMs: 0, sidesInTurn: 2 }, left);
        assert.ok(n >= 1 && n <= max);
        if (n > 1) assert.ok(n * 10 * roundMs * 2 <= left, 'every planned block fits');
      }),
    );
  });
});

describe('stopping once a failing regression is found', () => {
  const outcome = (pending: string[], regressed: string[], impactKnown = true, costKnown = true) => ({ pending, regressed, impactKnown, costKnown });

  test('a regression ends measuring once its impact on users is known, before pending metrics and the last look', () => {
    assert.equal(stopAfterLook(outcome(['p99', 'CPU/req'], ['p50']), 3, 16, false), 'regressed');
    assert.equal(stopAfterLook(outcome([], ['CPU/req']), 16, 16, true), 'regressed');
    assert.equal(stopAfterLook(outcome(['p50'], ['CPU/req'], false), 3, 16, false), undefined, 'does the extra CPU reach p50 or rps? not known yet');
    assert.equal(stopAfterLook(outcome(['p50'], ['CPU/req'], false), 14, 14, true), 'time-budget');
    assert.equal(stopAfterLook(outcome(['CPU/req'], ['p50', 'rps'], true, false), 3, 16, false), undefined, 'more work, or waiting longer? not known yet');
    assert.equal(stopAfterLook(outcome(['CPU/req'], ['p50', 'rps'], true, false), 16, 16, false), 'max-rounds');
    assert.equal(stopAfterLook(outcome([], []), 3, 16, false), 'conclusive');
    assert.equal(stopAfterLook(outcome(['p99'], []), 3, 16, false), undefined);
    assert.equal(stopAfterLook(outcome(['p99'], []), 16, 16, false), 'max-rounds');
    assert.equal(stopAfterLook(outcome(['p99'], []), 14, 14, true), 'time-budget');
  });

  /**
   * Paired rounds with independent per-metric noise (sd as a log-ratio). Head's CPU is scaled by
   * cpuEffect, and its latencies (and rps, inversely) by latencyEffect.
   */
  function noisyPairs(n: number, seed: number, sd: { cpu: number; latency: number; p99: number }, cpuEffect = 1, latencyEffect = 1) {
    const draw = (s: number, k: number) => noiseSource('t3', s, seed * 101 + k);
    const [rpsN, p50N, p90N, p99N, cpuN] = [draw(sd.latency, 1), draw(sd.latency, 2), draw(sd.latency, 3), draw(sd.p99, 4), draw(sd.cpu, 5)];
    const make = (cpu: number, latency: number): RoundResult => ({
      ...round({ rps: 2000, p50Us: 900 }),
      rps: (2000 / latency) * Math.exp(rpsN()),
      latencyUs: { p50: 900 * latency * Math.exp(p50N()), p90: 1440 * latency * Math.exp(p90N()), p99: 2790 * latency * Math.exp(p99N()), max: 6000 },
      cpuUsPerRequest: 300 * cpu * Math.exp(cpuN()),
    });
    const head: RoundResult[] = [];
    const base: RoundResult[] = [];
    for (let i = 0; i < n; i++) {
      head.push(make(cpuEffect, latencyEffect));
      base.push(make(1, 1));
    }
    return { head, base };
  }

  /**
   * The measuring loop of src/measure/timing.ts over prepared rounds: looks (takeLook, as the loop
   * takes them) after each block until a stop; the final metrics as the pipeline judges them
   * (compareRuns, ruled-out metrics included).
   */
  function measure(rounds: { head: RoundResult[]; base: RoundResult[] }, failOn: ('budget' | 'regression')[] = ['budget', 'regression'], decide?: MetricKey[]) {
    const cfg = scenarioConfig('s');
    const rule = { plan: plan(MAX_LOOKS), budgetCut: false, scenario: cfg, failOn, ...(decide ? { decide } : {}) };
    for (let look = 1; ; look++) {
      const n = look * BLOCK;
      const { confidence, outcome: o, stop: reason } = takeLook(rule, look, rounds.head.slice(0, n), rounds.base.slice(0, n));
      if (!reason) continue;
      const h = scenario('s', rounds.head.slice(0, n));
      h.stop = { rounds: n, looks: look, maxLooks: MAX_LOOKS, confidence, reason, ...(o.ruledOut ? { ruledOut: o.ruledOut } : {}), roundMs: 1000, schedule: 'alternating' };
      const r = results([h], { mode: 'rerun' });
      r.base = { scenarios: [scenario('s', rounds.base.slice(0, n))] };
      return { reason, rounds: n, ...o, metrics: compareRuns({ head: r, config: config([cfg]), pairing: 'paired' }).scenarios[0].metrics };
    }
  }
  const verdictOf = (m: { metrics: MetricComparison[] }, key: string) => m.metrics.find((x) => x.metric === key)?.verdict;
  /** The look before the one that stopped measuring, re-judged on the rounds it had. */
  const lookBeforeStop = (rounds: ReturnType<typeof noisyPairs>, m: { rounds: number }) =>
    judgeLook(rounds.head.slice(0, m.rounds - BLOCK), rounds.base.slice(0, m.rounds - BLOCK), scenarioConfig('s'), ['regression'], lookConfidence(plan(MAX_LOOKS), m.rounds / BLOCK - 1));

  test("takeLook judges at its look's level and stops as stopAfterLook says, budget cut included", () => {
    const rounds = noisyPairs(BLOCK * 2, 7, { cpu: 0.05, latency: 0.03, p99: 0.6 });
    const cfg = scenarioConfig('s');
    const rule = { plan: plan(2), budgetCut: true, scenario: cfg, failOn: ['regression' as const] };
    const first = takeLook(rule, 1, rounds.head.slice(0, BLOCK), rounds.base.slice(0, BLOCK));
    assert.equal(first.confidence, lookConfidence(plan(2), 1));
    assert.deepEqual(first.outcome, judgeLook(rounds.head.slice(0, BLOCK), rounds.base.slice(0, BLOCK), cfg, ['regression'], first.confidence));
    assert.equal(first.stop, stopAfterLook(first.outcome, 1, 2, true));
    const last = takeLook(rule, 2, rounds.head, rounds.base);
    assert.equal(last.confidence, lookConfidence(plan(2), 2));
    // An A/A whose p99 is too noisy to decide by the last planned look, which the budget cut short.
    assert.ok(last.outcome.pending.includes('p99'), last.outcome.pending.join(', '));
    assert.equal(last.stop, 'time-budget');
    const noFutility = takeLook({ ...rule, futility: false }, 2, rounds.head, rounds.base);
    assert.equal(noFutility.outcome.ruledOut, undefined, 'futility: false judges without the 95% bound');
  });

  test('+30% CPU and latency next to a p99 too noisy to decide: stops regressed long before maxRounds', () => {
    let early = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const m = measure(noisyPairs(BLOCK * MAX_LOOKS, seed, { cpu: 0.05, latency: 0.03, p99: 0.6 }, 1.3, 1.3));
      assert.equal(m.reason, 'regressed', `seed ${seed}: ${m.reason} after ${m.rounds}`);
      assert.ok(m.regressed.includes('CPU/req') && m.regressed.includes('p50'), `seed ${seed}: ${m.regressed.join(', ')}`);
      assert.equal(verdictOf(m, 'p50'), 'regressed', 'the final comparison agrees with the look');
      if (m.rounds <= 40 && m.pending.includes('p99')) early++;
    }
    assert.ok(early >= 15, `stopped within 40 rounds with p99 still pending in ${early}/20`);
  });

  test('extra CPU that latency does not show: measuring goes on until rps and p50 are decided', () => {
    let cpuFirst = 0;
    for (let seed = 1; seed <= 20; seed++) {
      // Latency noisy enough that not even a 95% interval rules its regression out at once.
      const rounds = noisyPairs(BLOCK * MAX_LOOKS, 500 + seed, { cpu: 0.02, latency: 0.08, p99: 0.6 }, 1.3, 1);
      const m = measure(rounds);
      assert.equal(m.reason, 'regressed', `seed ${seed}: ${m.reason} after ${m.rounds}`);
      assert.deepEqual(m.regressed, ['CPU/req'], `seed ${seed}`);
      assert.ok(!m.pending.includes('rps') && !m.pending.includes('p50'), `seed ${seed}: stopped with ${m.pending.join(', ')} pending`);
      assert.equal(verdictOf(m, 'p50'), 'unchanged', `seed ${seed}`);
      // CPU/request was regressed at an earlier look than the one that stopped.
      const firstLook = lookBeforeStop(rounds, m);
      if (firstLook.regressed.includes('CPU/req')) cpuFirst++;
    }
    assert.ok(cpuFirst >= 10, `CPU/req regressed a look before the stop in ${cpuFirst}/20: the rule waited for rps and p50`);
  });

  test('extra latency that CPU does not show (a wait): measuring goes on until CPU/req is decided', () => {
    let latencyFirst = 0;
    for (let seed = 1; seed <= 20; seed++) {
      // CPU noisy enough that not even a 95% interval rules its regression out at once.
      const rounds = noisyPairs(BLOCK * MAX_LOOKS, 800 + seed, { cpu: 0.08, latency: 0.01, p99: 0.6 }, 1, 1.3);
      const m = measure(rounds);
      assert.equal(m.reason, 'regressed', `seed ${seed}: ${m.reason} after ${m.rounds}`);
      assert.ok(m.regressed.includes('p50'), `seed ${seed}: ${m.regressed.join(', ')}`);
      assert.ok(!m.pending.includes('CPU/req'), `seed ${seed}: stopped with CPU/req pending`);
      assert.equal(verdictOf(m, 'cpuUsPerRequest'), 'unchanged', `seed ${seed}`);
      const before = lookBeforeStop(rounds, m);
      if (before.regressed.includes('p50') && before.pending.includes('CPU/req')) latencyFirst++;
    }
    // Without the wait it would be 0: the look that found p50 regressed would have stopped measuring.
    assert.ok(latencyFirst >= 8, `p50 regressed a look before the stop, CPU/req still open, in ${latencyFirst}/20: the rule waited for CPU/req`);
  });

  test('asked to decide some metrics only (a confirmation), measuring waits for no other', () => {
    // p99 far too noisy to decide in 160 rounds: measuring for every metric runs them all.
    const sd = { cpu: 0.05, latency: 0.05, p99: 0.9 };
    let shorter = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const rounds = noisyPairs(BLOCK * MAX_LOOKS, 2000 + seed, sd);
      const all = measure(rounds);
      const cpuOnly = measure(rounds, ['budget', 'regression'], ['cpuUsPerRequest']);
      assert.ok(cpuOnly.reason === 'conclusive' || cpuOnly.reason === 'ruled-out', `seed ${seed}: ${cpuOnly.reason} after ${cpuOnly.rounds}`);
      assert.deepEqual(cpuOnly.pending, [], `seed ${seed}`);
      assert.notEqual(verdictOf(cpuOnly, 'cpuUsPerRequest'), 'regressed', `seed ${seed}`);
      assert.ok(cpuOnly.rounds <= all.rounds, `seed ${seed}: ${cpuOnly.rounds} > ${all.rounds}`);
      if (all.pending.includes('p99') && cpuOnly.rounds < all.rounds) shorter++;
    }
    assert.ok(shorter >= 8, `CPU/req alone stopped before p99 was decided in ${shorter}/10`);
    // A regression among the metrics asked for stops it too; one among the others does not count.
    const cpuUp = noisyPairs(BLOCK * MAX_LOOKS, 7, { cpu: 0.03, latency: 0.05, p99: 0.9 }, 1.3);
    assert.equal(measure(cpuUp, ['budget', 'regression'], ['cpuUsPerRequest']).reason, 'regressed');
    const p90Only = measure(cpuUp, ['budget', 'regression'], ['p90']);
    assert.deepEqual(p90Only.regressed, [], 'CPU/req was not asked for');
  });

  test('measuring stops waiting for a metric once a 95% interval rules out a regression of its threshold', () => {
    // Unchanged, p99 per-round noise 30%: at the sequential levels it is seldom decided in 160 rounds.
    const sd = { cpu: 0.01, latency: 0.01, p99: 0.3 };
    let sooner = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const rounds = noisyPairs(BLOCK * MAX_LOOKS, 3000 + seed, sd);
      const every = measure(rounds);
      assert.equal(every.reason, 'ruled-out', `seed ${seed}: ${every.reason} after ${every.rounds}`);
      assert.ok(every.ruledOut?.includes('p99'), `seed ${seed}: ${every.ruledOut?.join(', ')}`);
      assert.deepEqual(every.pending, [], `seed ${seed}`);
      // Reported unchanged at the 95% level, with the reason, not inconclusive at the look's level.
      const p99 = every.metrics.find((m) => m.metric === 'p99')!;
      assert.equal(p99.verdict, 'unchanged', `seed ${seed}`);
      assert.equal(p99.confidence, FUTILITY_CONFIDENCE, `seed ${seed}`);
      assert.match(p99.note!, /its 95% interval rules out a regression of the threshold, so measuring stopped waiting for it/);
      const strict = judgePairedRounds(rounds.head.slice(0, every.rounds), rounds.base.slice(0, every.rounds), scenarioConfig('s'), lookConfidence(plan(MAX_LOOKS), every.rounds / BLOCK));
      assert.equal(strict.find((m) => m.metric === 'p99')!.verdict, 'inconclusive', `seed ${seed}: the look's own level could not decide it`);
      // Without the bound, measuring would have waited for p99 at the sequential levels.
      const everyLook = Array.from({ length: MAX_LOOKS }, (_, j) => j + 1).find((look) => {
        const n = look * BLOCK;
        const m = judgePairedRounds(rounds.head.slice(0, n), rounds.base.slice(0, n), scenarioConfig('s'), lookConfidence(plan(MAX_LOOKS), look));
        return undecidedMetrics(m, ['regression']).length === 0;
      });
      if (everyLook === undefined || everyLook * BLOCK > every.rounds) sooner++;
    }
    assert.ok(sooner >= 8, `the bound stopped measuring before the sequential levels decided p99 in ${sooner}/10`);
    // A confirmation asked for p99 alone stops the same way.
    const rounds = noisyPairs(BLOCK * MAX_LOOKS, 3001, sd);
    // Judged as before the bound (futility: false, for the benches that replay both ways): p99 waited for.
    const n = measure(rounds).rounds;
    const noBound = judgeLook(rounds.head.slice(0, n), rounds.base.slice(0, n), scenarioConfig('s'), ['regression'], lookConfidence(plan(MAX_LOOKS), n / BLOCK), undefined, false);
    assert.equal(noBound.ruledOut, undefined);
    assert.ok(noBound.pending.includes('p99'), noBound.pending.join(', '));
    assert.equal(measure(rounds, ['budget', 'regression'], ['p99']).reason, 'ruled-out');
    // A real +40% p99 is still caught, not ruled out, with or without \`decide\`.
    const worse = noisyPairs(BLOCK * MAX_LOOKS, 11, { cpu: 0.01, latency: 0.01, p99: 0.1 }, 1, 1.4);
    for (const decide of [['p99' as MetricKey], undefined]) {
      const caught = measure(worse, ['budget', 'regression'], decide);
      assert.equal(caught.reason, 'regressed');
      assert.ok(!caught.ruledOut?.includes('p99'));
      assert.equal(verdictOf(caught, 'p99'), 'regressed');
    }
  });

  test('without the bound, a regression waits for rps and p50 the bound would have ruled out', () => {
    // +30% CPU, latency unchanged but noisy: looks where the bound rules rps and p50 out while CPU/req
    // has regressed. Judged without it, the impact on users is not known yet there.
    let seen = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const rounds = noisyPairs(BLOCK * MAX_LOOKS, 4000 + seed, { cpu: 0.02, latency: 0.05, p99: 0.6 }, 1.3, 1);
      for (let look = 1; look <= MAX_LOOKS; look++) {
        const args = [rounds.head.slice(0, look * BLOCK), rounds.base.slice(0, look * BLOCK), scenarioConfig('s'), ['regression'], lookConfidence(plan(MAX_LOOKS), look)] as const;
        const bound = judgeLook(...args);
        if (!(bound.regressed.includes('CPU/req') && bound.ruledOut?.includes('rps') && bound.ruledOut.includes('p50'))) continue;
        assert.ok(bound.impactKnown, `seed ${seed}, look ${look}`);
        const without = judgeLook(...args, undefined, false);
        assert.equal(without.impactKnown, false, `seed ${seed}, look ${look}`);
        assert.ok(without.pending.includes('rps') && without.pending.includes('p50'), `seed ${seed}, look ${look}`);
        seen++;
        break;
      }
    }
    assert.ok(seen >= 3, `a look with CPU/req regressed and rps, p50 ruled out in ${seen}/10 seeds`);
  });

  test('ruled-out metrics end measuring only when nothing else is pending', () => {
    const o = (pending: string[], ruledOut: string[], regressed: string[] = []) => ({ pending, ruledOut, regressed, impactKnown: true, costKnown: true });
    assert.equal(stopAfterLook(o([], ['p99']), 3, 16, false), 'ruled-out');
    assert.equal(stopAfterLook(o(['p50'], ['p99']), 3, 16, false), undefined);
    assert.equal(stopAfterLook(o([], ['p99'], ['p50']), 3, 16, false), 'regressed');
    assert.equal(stopAfterLook(o(['p50'], ['p99']), 14, 14, true), 'time-budget');
  });

  test('with failOn without regression, a regression neither stops measuring nor counts', () => {
    const rounds = noisyPairs(BLOCK * 4, 3, { cpu: 0.05, latency: 0.03, p99: 0.03 }, 1.3);
    const o = judgeLook(rounds.head, rounds.base, scenarioConfig('s'), ['budget'], lookConfidence(plan(4), 4));
    assert.deepEqual(o, { pending: [], regressed: [], impactKnown: true, costKnown: true });
  });

  test('simulated A/A over all metrics: stopping at a regression keeps "regressed" within α/2 per metric', () => {
    const n = 300;
    const regressedBy = new Map<string, number>();
    let anyRegressed = 0;
    for (let seed = 1; seed <= n; seed++) {
      const m = measure(noisyPairs(BLOCK * MAX_LOOKS, 1000 + seed, { cpu: 0.08, latency: 0.08, p99: 0.25 }));
      const regressed = m.metrics.filter((x) => x.verdict === 'regressed').map((x) => x.metric);
      if (regressed.length > 0) anyRegressed++;
      for (const k of regressed) regressedBy.set(k, (regressedBy.get(k) ?? 0) + 1);
    }
    // α/2 per metric is 0.5%: 1.5 expected in 300; 6 would be a 0.2% chance under the bound.
    for (const [metric, count] of regressedBy) assert.ok(count <= 5, `${metric}: ${count}/${n} A/A scenarios regressed`);
    assert.ok(anyRegressed <= 10, `${anyRegressed}/${n} A/A scenarios regressed on some metric`);
  });
});
