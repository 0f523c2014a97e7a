// Exact false-alarm probability of repeated sign-test intervals, by dynamic programming over the
// signs: under "no change" (median shift 0, any continuous noise) each paired round is negative with
// probability ½, independently, whatever the noise distribution. The interval [x(k), x(n+1−k)] lies
// entirely above 0 exactly when at most k−1 of the n rounds are negative, so the chance that some
// look's interval does is a boundary-crossing probability of a binomial random walk.

/**
 * P(some look j has its interval entirely above 0), looks after every `block` rounds, `ranks[j−1]`
 * the interval rank k used at look j (0 = no finite interval at that look).
 */
export function exactUpperCrossing(block: number, ranks: readonly number[]): number {
  // dist[neg] = P(not crossed yet, `neg` negative rounds so far).
  let dist = [1];
  let crossed = 0;
  const step = binomialHalf(block);
  for (const k of ranks) {
    const next = new Array<number>(dist.length + block).fill(0);
    for (let neg = 0; neg < dist.length; neg++) {
      if (dist[neg] === 0) continue;
      for (let d = 0; d <= block; d++) next[neg + d] += dist[neg] * step[d];
    }
    for (let neg = 0; neg < Math.min(k, next.length); neg++) {
      crossed += next[neg];
      next[neg] = 0;
    }
    dist = next;
  }
  return crossed;
}

/** P(Bin(n, ½) = d) for d = 0..n. */
function binomialHalf(n: number): number[] {
  const p = [Math.pow(2, -n)];
  for (let d = 1; d <= n; d++) p.push((p[d - 1] * (n - d + 1)) / d);
  return p;
}
