// Distribution-free statistics for comparing two runs. Everything works on "worse-log" samples:
// log(head/base) for metrics where bigger is worse (latency, CPU, RSS) and log(base/head) for rps,
// so a positive sample always means "head is worse" and a threshold is one number for every metric.
// Rank/order-statistic methods only: a single 2x outlier round must not be able to move a verdict,
// and the result must be exactly reproducible (no random resampling).

/**
 * Default two-sided confidence of the functions here; the exact coverage of order-statistic intervals
 * is ≥ it. Verdicts use VERDICT_CONFIDENCE (verdict.ts), which is stricter.
 */
export const CONFIDENCE = 0.95;

export interface Interval {
  lo: number;
  hi: number;
}

export interface ShiftEstimate {
  /**
   * 'sign-test': paired rounds; 'hodges-lehmann': unpaired rounds (Mann–Whitney); 'history-t': the
   * head's run against main's run-to-run spread (a t prediction interval, see history.ts).
   */
  method: 'sign-test' | 'hodges-lehmann' | 'history-t';
  /** Point estimate of the worse-log shift (positive = head worse). */
  estimate: number;
  /** CI of the shift at the requested confidence, absent when there are too few samples for a finite interval. */
  ci?: Interval;
  /** Exact coverage of the reported interval (≥ the requested confidence), when there is one. */
  coverage?: number;
  /** Two-sided p-value of "no shift". */
  p: number;
  /** Paired: number of pairs. Unpaired: head rounds. */
  n: number;
  /** Unpaired only: base rounds. */
  m?: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** log C(n, k), summed directly: n is a round count, never large enough for this to be slow. */
function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  k = Math.min(k, n - k);
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). Exact in floating point for round counts up to ~50. */
export function binomialCdfHalf(n: number, k: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let sum = 0;
  if (n <= 1000) {
    // term(i+1) = term(i)·(n−i)/(i+1), starting from the exact power of two 2^−n.
    let term = Math.pow(2, -n);
    for (let i = 0; i <= k; i++) {
      sum += term;
      term = (term * (n - i)) / (i + 1);
    }
  } else {
    const logHalfN = -n * Math.LN2;
    for (let i = 0; i <= k; i++) sum += Math.exp(logChoose(n, i) + logHalfN);
  }
  return Math.min(1, sum);
}

/**
 * The order-statistic confidence interval of a median from n samples is [x(k), x(n+1-k)] (1-based,
 * sorted) with coverage 1 - 2·P(Bin(n, ½) ≤ k-1). Returns the largest such k with coverage ≥ 1-α,
 * or 0 when even [x(1), x(n)] is not wide enough (n ≤ 5 at 95%, n ≤ 7 at 99%).
 */
export function signTestCiRank(n: number, confidence = CONFIDENCE): number {
  const alphaHalf = (1 - confidence) / 2;
  let k = 0;
  // Tolerance: the binomial sums are computed in floating point and k must not flip on rounding.
  while (k + 1 <= Math.floor((n + 1) / 2) && binomialCdfHalf(n, k) <= alphaHalf + 1e-12) k++;
  return k;
}

/** Two-sided exact sign test of "median = 0"; zero samples (ties) are dropped, as is standard. */
export function signTestP(samples: readonly number[]): number {
  let pos = 0;
  let neg = 0;
  for (const x of samples) {
    if (x > 0) pos++;
    else if (x < 0) neg++;
  }
  const m = pos + neg;
  if (m === 0) return 1;
  return Math.min(1, 2 * binomialCdfHalf(m, Math.min(pos, neg)));
}

/** Paired comparison: samples are per-round worse-log ratios of head/base rounds measured together (rerun mode). */
export function pairedShift(samples: readonly number[], confidence = CONFIDENCE): ShiftEstimate {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const k = signTestCiRank(n, confidence);
  const result: ShiftEstimate = { method: 'sign-test', estimate: median(s), p: signTestP(s), n };
  if (k > 0) {
    result.ci = { lo: s[k - 1], hi: s[n - k] };
    result.coverage = 1 - 2 * binomialCdfHalf(n, k - 1);
  }
  return result;
}

/**
 * Exact null distribution of the Mann–Whitney U statistic for sample sizes m, n (no ties):
 * counts[u] = number of arrangements with U = u, total C(m+n, m). Classic recurrence
 * f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u), computed as probabilities to stay finite.
 */
function mannWhitneyPmf(m: number, n: number): Float64Array {
  // prev[j] holds the distribution for (i-1, j); rows grow with i.
  let prev: Float64Array[] = [];
  for (let j = 0; j <= n; j++) prev.push(Float64Array.of(1)); // i = 0: U = 0 surely
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)]; // j = 0: U = 0 surely
    for (let j = 1; j <= n; j++) {
      const size = i * j + 1;
      const d = new Float64Array(size);
      // With the largest of all i+j values in the first sample (prob i/(i+j)) it beats all j others.
      const pa = i / (i + j);
      const a = prev[j]; // (i-1, j), shifted by j
      const b = cur[j - 1]; // (i, j-1)
      for (let u = 0; u < a.length; u++) d[u + j] += pa * a[u];
      for (let u = 0; u < b.length; u++) d[u] += (1 - pa) * b[u];
      cur.push(d);
    }
    prev = cur;
  }
  return prev[n];
}

/** Beyond this many pairs the normal approximation of U is used (it is excellent there). */
const EXACT_MW_LIMIT = 2500;

function normalCdf(z: number): number {
  // Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7, plenty for p-values and CI ranks.
  const t = 1 / (1 + 0.3275911 * Math.abs(z / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

function normalQuantile(p: number): number {
  // Bisection on normalCdf: only called a handful of times per comparison.
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Largest c with P(U ≤ c-1) ≤ α/2: the Moses CI is [D(c), D(mn+1-c)] over the sorted differences. */
export function mannWhitneyCiRank(m: number, n: number, confidence: number): number {
  const alphaHalf = (1 - confidence) / 2;
  const mn = m * n;
  if (mn <= EXACT_MW_LIMIT) {
    const pmf = mannWhitneyPmf(m, n);
    let cdf = 0;
    let c = 0;
    while (c < Math.ceil(mn / 2)) {
      cdf += pmf[c];
      if (cdf > alphaHalf + 1e-12) break;
      c++;
    }
    return c;
  }
  const mean = mn / 2;
  const sd = Math.sqrt((mn * (m + n + 1)) / 12);
  return Math.max(0, Math.floor(mean + normalQuantile(alphaHalf) * sd - 0.5) + 1);
}

/** Two-sided Mann–Whitney p-value with mid-ranks for ties; exact when there are no ties. */
function mannWhitneyP(head: readonly number[], base: readonly number[]): number {
  const m = head.length;
  const n = base.length;
  let u = 0; // head > base counts 1, equal counts ½
  let ties = false;
  for (const h of head)
    for (const b of base) {
      if (h > b) u += 1;
      else if (h === b) {
        u += 0.5;
        ties = true;
      }
    }
  const mn = m * n;
  const lowTail = Math.min(u, mn - u);
  if (!ties && mn <= EXACT_MW_LIMIT) {
    const pmf = mannWhitneyPmf(m, n);
    let cdf = 0;
    for (let i = 0; i <= lowTail; i++) cdf += pmf[i];
    return Math.min(1, 2 * cdf);
  }
  // Normal approximation with tie correction of the variance and a continuity correction.
  const all = [...head, ...base].sort((a, b) => a - b);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j] === all[i]) j++;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  const N = m + n;
  const variance = (mn / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (variance <= 0) return 1;
  const z = (Math.abs(u - mn / 2) - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * (1 - normalCdf(Math.max(0, z))));
}

/**
 * Unpaired comparison (rounds from different jobs/machines): Hodges–Lehmann estimate of the shift
 * head − base of worse-log values (median of all pairwise differences) with the Moses
 * distribution-free CI from the Mann–Whitney distribution. Needs ≥ 4 rounds on each side for a
 * finite 95% interval, ≥ 5 for 99%.
 */
export function unpairedShift(
  headWorseLog: readonly number[],
  baseWorseLog: readonly number[],
  confidence = CONFIDENCE,
): ShiftEstimate {
  const n = headWorseLog.length;
  const m = baseWorseLog.length;
  if (n === 0 || m === 0) return { method: 'hodges-lehmann', estimate: NaN, p: 1, n, m };
  const diffs: number[] = [];
  for (const h of headWorseLog) for (const b of baseWorseLog) diffs.push(h - b);
  diffs.sort((a, b) => a - b);
  const result: ShiftEstimate = {
    method: 'hodges-lehmann',
    estimate: median(diffs),
    p: mannWhitneyP(headWorseLog, baseWorseLog),
    n,
    m,
  };
  const c = mannWhitneyCiRank(n, m, confidence);
  if (c > 0) {
    result.ci = { lo: diffs[c - 1], hi: diffs[diffs.length - c] };
    if (n * m <= EXACT_MW_LIMIT) {
      const pmf = mannWhitneyPmf(n, m);
      let tail = 0;
      for (let i = 0; i < c; i++) tail += pmf[i];
      result.coverage = 1 - 2 * tail;
    }
  }
  return result;
}
