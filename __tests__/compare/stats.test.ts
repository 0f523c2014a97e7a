import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import fc from 'fast-check';
import {
  binomialCdfHalf,
  median,
  pairedShift,
  signTestCiRank,
  signTestP,
  unpairedShift,
} from '../../src/compare/stats.js';

// Independent reference: exact integer binomial sums with BigInt. The largest k with
// 2·Σ_{i<k} C(n,i) ≤ 0.05·2^n, i.e. 40·Σ ≤ 2^n.
function choose(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}
function referenceRank(n: number): number {
  let k = 0;
  let below = 0n; // Σ_{i<k+1} C(n,i)
  while (k + 1 <= Math.floor((n + 1) / 2)) {
    below += choose(n, k);
    if (40n * below > 2n ** BigInt(n)) break;
    k++;
  }
  return k;
}

describe('sign-test confidence interval of the median', () => {
  test('rank k matches exact binomial sums for n = 1..60', () => {
    for (let n = 1; n <= 60; n++) assert.equal(signTestCiRank(n), referenceRank(n), `n = ${n}`);
  });

  test('matches published order-statistic tables', () => {
    // n: k such that [x(k), x(n+1-k)] is the 95% CI (e.g. Conover, Practical Nonparametric Statistics).
    const table: Record<number, number> = { 6: 1, 7: 1, 8: 1, 9: 2, 10: 2, 11: 2, 12: 3, 15: 4, 20: 6, 25: 8, 30: 10 };
    for (const [n, k] of Object.entries(table)) assert.equal(signTestCiRank(Number(n)), k, `n = ${n}`);
  });

  test('6 is the smallest number of pairs with a finite 95% interval', () => {
    for (let n = 0; n <= 5; n++) assert.equal(pairedShift(Array.from({ length: n }, (_, i) => i / 100)).ci, undefined);
    const six = pairedShift([0.01, 0.02, 0.03, 0.04, 0.05, 0.06]);
    assert.deepEqual(six.ci, { lo: 0.01, hi: 0.06 });
    assert.equal(six.coverage, 1 - 2 / 64);
  });

  test('reported coverage is at least 95% for every n', () => {
    for (let n = 6; n <= 100; n++) {
      const s = pairedShift(Array.from({ length: n }, (_, i) => i));
      assert.ok(s.coverage! >= 0.95, `n = ${n}: ${s.coverage}`);
    }
  });

  test('binomial CDF of ½ sums exactly', () => {
    assert.equal(binomialCdfHalf(10, 1), 11 / 1024);
    assert.ok(Math.abs(binomialCdfHalf(20, 5) - 21700 / 1048576) < 1e-15);
    assert.equal(binomialCdfHalf(5, 5), 1);
    assert.equal(binomialCdfHalf(5, -1), 0);
  });
});

describe('sign test p-value', () => {
  test('known values', () => {
    assert.equal(signTestP(Array(10).fill(0.1)), 2 / 1024);
    assert.equal(signTestP([...Array(8).fill(0.1), -0.1, -0.2]), 112 / 1024);
    assert.equal(signTestP([0.1, -0.1]), 1);
    assert.equal(signTestP([0, 0, 0]), 1, 'all ties: no evidence');
  });
  test('zero samples are dropped', () => {
    assert.equal(signTestP([0, 0, ...Array(6).fill(0.2)]), 2 / 64);
  });
});

const sampleArray = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 });

describe('paired shift properties', () => {
  test('shifting every head sample up never lowers the estimate or the bounds', () => {
    fc.assert(
      fc.property(sampleArray, fc.double({ min: 0, max: 1, noNaN: true }), (xs, c) => {
        const a = pairedShift(xs);
        const b = pairedShift(xs.map((x) => x + c));
        assert.ok(b.estimate >= a.estimate - 1e-12);
        if (a.ci && b.ci) assert.ok(b.ci.lo >= a.ci.lo - 1e-12 && b.ci.hi >= a.ci.hi - 1e-12);
      }),
    );
  });
  test('the interval contains the estimate', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 6, maxLength: 60 }), (xs) => {
        const s = pairedShift(xs);
        assert.ok(s.ci);
        assert.ok(s.ci.lo <= s.estimate && s.estimate <= s.ci.hi);
      }),
    );
  });
  test('symmetric samples give an estimate of zero and p = 1', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 3, maxLength: 30 }), (xs) => {
        const s = pairedShift([...xs, ...xs.map((x) => -x)]);
        assert.ok(Math.abs(s.estimate) < 1e-12);
        assert.equal(s.p, 1);
      }),
    );
  });
  test('one wild outlier round cannot move the estimate past its neighbours', () => {
    const base = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1];
    const withOutlier = [...base.slice(0, 9), Math.log(2)];
    assert.equal(median(base), median(withOutlier));
  });
});

// Independent reference for Mann–Whitney: integer counts by the classic recurrence on counts.
function mwCounts(m: number, n: number): bigint[] {
  const memo = new Map<string, bigint[]>();
  const f = (i: number, j: number): bigint[] => {
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit) return hit;
    let out: bigint[];
    if (i === 0 || j === 0) out = [1n];
    else {
      out = Array(i * j + 1).fill(0n);
      f(i - 1, j).forEach((c, u) => (out[u + j] += c));
      f(i, j - 1).forEach((c, u) => (out[u] += c));
    }
    memo.set(key, out);
    return out;
  };
  return f(m, n);
}

describe('unpaired shift (Hodges–Lehmann with the Mann–Whitney CI)', () => {
  test('a constant shift is recovered exactly and lies inside the CI', () => {
    const base = [1.0, 1.3, 0.9, 1.1, 1.25, 0.95, 1.05, 1.2];
    const head = base.map((x) => x + 0.25);
    const s = unpairedShift(head, base);
    assert.ok(Math.abs(s.estimate - 0.25) < 1e-12);
    assert.ok(s.ci && s.ci.lo <= 0.25 && 0.25 <= s.ci.hi);
  });

  test('CI ranks and coverage match exact Mann–Whitney counts', () => {
    for (const [m, n] of [
      [4, 4],
      [5, 5],
      [6, 8],
      [10, 10],
      [12, 7],
    ]) {
      const counts = mwCounts(m, n);
      const total = counts.reduce((a, b) => a + b, 0n);
      // Reference rank: largest c with 40·P(U ≤ c−1)·total ≤ total.
      let c = 0;
      let cum = 0n;
      while (true) {
        cum += counts[c];
        if (40n * cum > total) break;
        c++;
      }
      const head = Array.from({ length: m }, (_, i) => i * 1.01);
      const base = Array.from({ length: n }, (_, j) => j * 0.97 + 0.003);
      const diffs = head.flatMap((h) => base.map((b) => h - b)).sort((a, b) => a - b);
      const s = unpairedShift(head, base);
      assert.deepEqual(s.ci, { lo: diffs[c - 1], hi: diffs[diffs.length - c] }, `${m}×${n}`);
      let tail = 0n;
      for (let u = 0; u < c; u++) tail += counts[u];
      assert.ok(Math.abs(s.coverage! - (1 - (2 * Number(tail)) / Number(total))) < 1e-9);
    }
  });

  test('3 rounds a side is too few for a finite 95% interval; 4 is enough', () => {
    assert.equal(unpairedShift([1, 2, 3], [1, 2, 3]).ci, undefined);
    assert.ok(unpairedShift([1, 2, 3, 4], [1, 2, 3, 4]).ci);
  });

  test('exact p-value for fully separated samples', () => {
    assert.ok(Math.abs(unpairedShift([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).p - 2 / 252) < 1e-12);
  });

  test('large samples use the normal approximation and still behave', () => {
    const base = Array.from({ length: 60 }, (_, i) => Math.sin(i) * 0.05);
    const head = Array.from({ length: 60 }, (_, i) => Math.cos(i) * 0.05 + 0.2);
    const s = unpairedShift(head, base);
    assert.ok(s.ci && s.ci.lo > 0 && s.estimate > 0.15 && s.estimate < 0.25);
    assert.ok(s.p < 1e-6);
  });

  test('the interval contains the estimate', () => {
    const side = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 25 });
    fc.assert(
      fc.property(side, side, (h, b) => {
        const s = unpairedShift(h, b);
        assert.ok(s.ci && s.ci.lo <= s.estimate && s.estimate <= s.ci.hi);
      }),
      { numRuns: 50 },
    );
  });

  test('shifting head up never lowers the estimate', () => {
    fc.assert(
      fc.property(sampleArray, sampleArray, fc.double({ min: 0, max: 1, noNaN: true }), (h, b, c) => {
        assert.ok(unpairedShift(h.map((x) => x + c), b).estimate >= unpairedShift(h, b).estimate - 1e-12);
      }),
      { numRuns: 50 },
    );
  });
});
