// Confirmation by rerun: a timing regression found across runs (against an artifact baseline and
// main's history) is re-measured on this runner with base and head paired round by round, and the
// paired verdict replaces the cross-run one. Only what the paired comparison confirms can fail.
// Pure: the two comparisons in, the confirmed comparison out.
import { type Comparison, type MetricComparison, type ScenarioComparison, totalsOf } from './compare.js';

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

/** Scenarios with a timing metric that regressed in a cross-run comparison: the ones to re-measure. */
export function flaggedTimingScenarios(c: Comparison): string[] {
  if (!c.crossMachine) return [];
  return c.scenarios.filter((s) => s.metrics.some((m) => m.verdict === 'regressed')).map((s) => s.name);
}

function confirmMetric(m: MetricComparison, paired: ScenarioComparison | undefined): MetricComparison {
  if (m.verdict !== 'regressed') return m;
  const p = paired?.metrics.find((x) => x.metric === m.metric);
  if (!p) {
    return { ...m, verdict: 'inconclusive', note: `${pct(m.change)} across runs, not re-measured by the paired rerun on this runner: not failing` };
  }
  const ci = p.changeCi ? ` [${pct(p.changeCi.lo)}, ${pct(p.changeCi.hi)}]` : '';
  if (p.verdict === 'regressed') {
    return { ...m, note: `confirmed by a paired rerun on this runner: ${pct(p.change)}${ci}` };
  }
  return {
    ...m,
    verdict: p.verdict,
    note: `${pct(m.change)} across runs, not confirmed by a paired rerun on this runner (${pct(p.change)}${ci}, ${p.verdict})${p.note ? `: ${p.note}` : ''}`,
  };
}

/** The cross-run comparison with each flagged metric judged by the paired rerun instead. */
export function applyConfirmation(c: Comparison, paired: Comparison): Comparison {
  const byName = new Map(paired.scenarios.map((s) => [s.name, s]));
  const scenarios = c.scenarios.map((s) => ({ ...s, metrics: s.metrics.map((m) => confirmMetric(m, byName.get(s.name))) }));
  return { ...c, scenarios, totals: totalsOf(scenarios) };
}

/** Confirmation could not run (no base commit, the base would not start): the flagged metrics say so and stand. */
export function confirmationFailed(c: Comparison, reason: string): Comparison {
  const scenarios = c.scenarios.map((s) => ({
    ...s,
    metrics: s.metrics.map((m) => (m.verdict === 'regressed' ? { ...m, note: `could not be confirmed by a paired rerun: ${reason}` } : m)),
  }));
  return { ...c, scenarios };
}
