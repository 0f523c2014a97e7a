import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { metricDef, thresholdWorseLog, widenForCrossMachine, DEFAULT_REGRESSION } from '../../src/compare/metrics.js';
import { type ShiftEstimate, signTestCiRank } from '../../src/compare/stats.js';
import { classifyShift, compareQueries, MIN_PAIRS, MIN_UNPAIRED_PER_SIDE, naturalInterval, VERDICT_CONFIDENCE } from '../../src/compare/verdict.js';
import { queries } from './builders.js';

const p99 = metricDef('p99');
const rps = metricDef('rps');
const L = (pct: number) => Math.log(1 + pct / 100); // latency worse-log of +pct%

function shift(estimate: number, lo: number, hi: number, n = 10): ShiftEstimate {
  return { method: 'sign-test', estimate, ci: { lo, hi }, p: 0.01, n };
}

describe('classifyShift', () => {
  test('regressed: CI above 0 and estimate at least T', () => {
    assert.equal(classifyShift(p99, shift(L(12), L(8), L(15)), 0.1).verdict, 'regressed');
  });
  test('a significant change smaller than T is unchanged when T is ruled out', () => {
    assert.equal(classifyShift(p99, shift(L(3), L(1), L(6)), 0.1).verdict, 'unchanged');
  });
  test('significant, estimate below T, but T not ruled out: inconclusive with the bound', () => {
    const c = classifyShift(p99, shift(L(8), L(2), L(14)), 0.1);
    assert.equal(c.verdict, 'inconclusive');
    assert.equal(c.note, 'cannot rule out a regression up to 14.0%');
  });
  test('estimate above T but CI touching 0: inconclusive, never regressed', () => {
    assert.equal(classifyShift(p99, shift(L(12), L(-1), L(20)), 0.1).verdict, 'inconclusive');
  });
  test('improved: the mirror image', () => {
    assert.equal(classifyShift(p99, shift(-L(15), -L(20), -L(11)), 0.1).verdict, 'improved');
    assert.equal(classifyShift(p99, shift(-L(5), -L(8), -L(2)), 0.1).verdict, 'unchanged', 'small improvement');
  });
  test('noise around zero within T: unchanged', () => {
    assert.equal(classifyShift(p99, shift(L(0.5), L(-3), L(4)), 0.1).verdict, 'unchanged');
  });
  test('no interval: inconclusive, saying how many rounds are needed', () => {
    const c = classifyShift(p99, { method: 'sign-test', estimate: L(30), p: 0.06, n: 7 }, 0.1);
    assert.equal(c.verdict, 'inconclusive');
    assert.match(c.note!, /too few rounds for a 99% interval \(need ≥ 8 paired rounds, have 7\)/);
    const u = classifyShift(p99, { method: 'hodges-lehmann', estimate: L(30), p: 0.1, n: 4, m: 4 }, 0.1);
    assert.match(u.note!, /need ≥ 5 rounds on each side, have 4 head \/ 4 base/);
  });
  test('the minimum round counts are the smallest with a finite 99% interval', () => {
    assert.equal(MIN_PAIRS, 8);
    assert.equal(signTestCiRank(MIN_PAIRS - 1, VERDICT_CONFIDENCE), 0);
    assert.ok(signTestCiRank(MIN_PAIRS, VERDICT_CONFIDENCE) > 0);
    // 2 / C(8, 4) = 2.9% > 1%; 2 / C(10, 5) = 0.8% ≤ 1%.
    assert.equal(MIN_UNPAIRED_PER_SIDE, 5);
  });
  test('rps thresholds count a drop of T in rps as T worse', () => {
    // rps down 6% → worse-log = −log(0.94) > −log(0.95)
    const w = -Math.log(0.94);
    assert.equal(classifyShift(rps, shift(w, w * 0.5, w * 1.5), 0.05).verdict, 'regressed');
    assert.ok(Math.abs(thresholdWorseLog(rps, 0.05) + Math.log(0.95)) < 1e-15);
    const ci = naturalInterval(rps, { lo: w * 0.5, hi: w * 1.5 });
    assert.ok(ci.lo < ci.hi && ci.hi < 0, 'rps interval is shown as a drop');
  });
});

describe('cross-machine thresholds', () => {
  test('timing thresholds widen to max(2T, 10%), queries stay exact', () => {
    const w = widenForCrossMachine({ ...DEFAULT_REGRESSION, p99: 0.1, rps: 0.03, queries: 0 });
    assert.equal(w.p99, 0.2);
    assert.equal(w.rps, 0.1);
    assert.equal(w.queries, 0);
  });
});

describe('compareQueries', () => {
  const stmt = (fingerprint: string, count = 1) => ({ fingerprint, sql: fingerprint.replace('?', '7'), count });
  test('any increase above the allowance is a regression', () => {
    const base = queries({ perRequest: 3, statements: [stmt('select a'), stmt('select b', 2)] });
    const head = queries({ perRequest: 4, statements: [stmt('select a'), stmt('select b', 2), stmt('select c')] });
    const q = compareQueries(head, base, 0)!;
    assert.equal(q.verdict, 'regressed');
    assert.equal(q.delta, 1);
    assert.deepEqual(q.newFingerprints.map((s) => s.fingerprint), ['select c']);
    assert.equal(compareQueries(head, base, 1)!.verdict, 'unchanged');
  });
  test('fewer statements is an improvement and removed fingerprints are listed', () => {
    const q = compareQueries(queries({ perRequest: 1, statements: [stmt('a')] }), queries({ perRequest: 2, statements: [stmt('a'), stmt('b')] }), 0)!;
    assert.equal(q.verdict, 'improved');
    assert.deepEqual(q.removedFingerprints.map((s) => s.fingerprint), ['b']);
  });
  test('a new N+1 fingerprint is reported even with unchanged counts', () => {
    const n1 = { fingerprint: 'select * from authors where id = ?', sql: 'select * from authors where id = 3', count: 50, distinctParams: 50 };
    const old = { ...n1, fingerprint: 'select * from tags where id = ?' };
    const q = compareQueries(
      queries({ perRequest: 51, nPlusOne: [n1, old] }),
      queries({ perRequest: 51, nPlusOne: [old] }),
      0,
    )!;
    assert.equal(q.verdict, 'unchanged');
    assert.deepEqual(q.newNPlusOne.map((f) => f.fingerprint), [n1.fingerprint]);
  });
  test('without base counts: no verdict, and no N+1 called new (nothing to be new against)', () => {
    const n1 = { fingerprint: 'f', sql: 's', count: 5, distinctParams: 5 };
    const q = compareQueries(queries({ perRequest: 6, nPlusOne: [n1] }), undefined, 0)!;
    assert.equal(q.verdict, 'no-data');
    assert.deepEqual(q.nPlusOne, [n1], 'still reported');
    assert.equal(q.newNPlusOne.length, 0);
    assert.equal(compareQueries(undefined, undefined, 0), undefined);
  });
});
