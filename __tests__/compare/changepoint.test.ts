import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { detectChangePoints, eDivisiveCandidate, segmentTest } from '../../src/compare/changepoint.js';
import { gaussian, mulberry32 } from './builders.js';

/** n runs of a metric around `level` with log-normal run-to-run noise cv; `steps` multiply from an index on. */
function series(n: number, cv: number, seed: number, steps: { at: number; factor: number }[] = [], level = 300): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const f = steps.filter((s) => i >= s.at).reduce((a, s) => a * s.factor, 1);
    return level * f * Math.exp(cv * gaussian(rand));
  });
}

describe('E-divisive candidate', () => {
  test('the best split of a clean step is at the step', () => {
    const z = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    assert.equal(eDivisiveCandidate(z, 0, z.length)!.index, 5);
  });
});

describe('segmentTest', () => {
  test('Student t: identical segments p = 1; a clear shift p tiny', () => {
    assert.equal(segmentTest([1, 2, 3], [1, 2, 3]).p, 1);
    assert.ok(segmentTest([1, 1.1, 0.9, 1, 1.05], [2, 2.1, 1.9, 2, 2.05]).p < 1e-6);
  });
});

describe('detectChangePoints', () => {
  test('a +20% step in noisy runs is found at the right index', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const points = detectChangePoints(series(20, 0.03, seed, [{ at: 12, factor: 1.2 }]));
      assert.equal(points.length, 1, `seed ${seed}: ${JSON.stringify(points)}`);
      assert.equal(points[0]!.index, 12);
      assert.ok(points[0]!.change > 0.12 && points[0]!.change < 0.28, `change ${points[0]!.change}`);
      assert.ok(points[0]!.p < 0.0001);
    }
  });

  test('a step that landed 3 runs ago is found on the push that makes it significant', () => {
    const points = detectChangePoints(series(15, 0.02, 7, [{ at: 12, factor: 1.25 }]));
    assert.deepEqual(points.map((p) => p.index), [12]);
  });

  test('two steps, one up and one down, are both found', () => {
    const points = detectChangePoints(series(21, 0.02, 11, [{ at: 7, factor: 1.3 }, { at: 14, factor: 0.7 }]));
    assert.deepEqual(points.map((p) => p.index), [7, 14]);
    assert.ok(points[0]!.change > 0 && points[1]!.change < 0);
  });

  test('noise alone is not a change point (false detections over 500 series ≤ 1%)', () => {
    let found = 0;
    for (let seed = 1; seed <= 500; seed++) if (detectChangePoints(series(21, 0.05, seed)).length > 0) found++;
    assert.ok(found / 500 <= 0.01, `${found} of 500 noise-only series had a change point`);
  });

  test('a significant shift smaller than minMagnitude is dropped', () => {
    const z = series(20, 0.005, 3, [{ at: 10, factor: 1.03 }]);
    assert.equal(detectChangePoints(z).length, 1);
    assert.equal(detectChangePoints(z, { minMagnitude: 0.05 }).length, 0);
  });

  test('short and constant series: nothing to find, no crash', () => {
    assert.deepEqual(detectChangePoints([]), []);
    assert.deepEqual(detectChangePoints([5]), []);
    assert.deepEqual(detectChangePoints([5, 5, 5, 5]), []);
    assert.throws(() => detectChangePoints([1, 0, 2]), /positive/);
  });
});

describe('findMainShifts', () => {
  test('a merged +25% slowdown is named by the commit range where it landed; steady metrics are not', async () => {
    const { findMainShifts } = await import('../../src/compare/main-shifts.js');
    const { describeShift } = await import('../../src/report/shifts.js');
    const { run } = await import('./builders.js');
    const rand = mulberry32(4);
    const runs = Array.from({ length: 14 }, (_, i) => run((i >= 10 ? 1.25 : 1) * Math.exp(0.02 * gaussian(rand)), 100 + i, i));
    const shifts = findMainShifts([...runs].reverse());
    assert.ok(shifts.length >= 1);
    for (const s of shifts) {
      assert.equal(s.scenario, 'books');
      assert.equal(s.from.commit, runs[9]!.meta.commit);
      assert.equal(s.to.commit, runs[10]!.meta.commit);
      assert.equal(s.worse, true);
    }
    assert.ok(shifts.some((s) => s.metric === 'cpuUsPerRequest'));
    assert.match(describeShift(shifts[0]!), /^books: \S+ worsened [+-]\d+\.\d% \(.* → .*, p<0\.001\) between c000000\.\.c000000$/);
    assert.deepEqual(findMainShifts(runs.slice(0, 10)), []);
  });
});
