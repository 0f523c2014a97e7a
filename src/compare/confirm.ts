// Confirmation by rerun: a cross-run timing change is re-measured on this runner with base and head
// paired round by round, and the paired verdict replaces the cross-run one. Two kinds go to the
// rerun: a *flagged* regression (the cross-run comparison called it regressed) and a *suspect* (its
// point estimate is worse than the threshold, but main's history — too wide, or too short — could not
// call it, so it is inconclusive). Across runs a +20% change on a metric that moves ±8% from run to
// run is called 1 time in 5–10 (docs/verdicts.md); most such changes are suspects, and only the
// paired rerun, whose false alarms are measured at ≤ 1%, can tell them apart from machine noise.
// Only what the paired comparison confirms can fail. Pure: the two comparisons in, the result out.
import { type Comparison, type ConfirmationSummary, type MetricComparison, type ScenarioComparison, totalsOf } from './compare.js';
import { metricDef, type MetricKey, thresholdWorseLog } from './metrics.js';

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

export type ConfirmReason = 'flagged' | 'suspect';

/**
 * Why a metric of a cross-run comparison goes to the paired rerun, if it does: regressed, or
 * inconclusive with its point estimate at or beyond the threshold (in the worse direction).
 */
export function confirmReason(m: MetricComparison): ConfirmReason | undefined {
  if (m.verdict === 'regressed') return 'flagged';
  if (m.verdict !== 'inconclusive') return undefined;
  // An unreachable threshold (rps −100%) is Infinity here: never a suspect.
  return m.shift.estimate >= thresholdWorseLog(metricDef(m.metric), m.threshold) ? 'suspect' : undefined;
}

/**
 * Per scenario of a cross-run comparison, its flagged and suspect timing metrics: the scenarios to
 * re-measure, and the only metrics whose paired verdicts are used (so the rerun waits for no other).
 */
export function metricsToConfirm(c: Comparison): Map<string, MetricKey[]> {
  if (!c.crossMachine) return new Map();
  const wanted = c.scenarios.map((s) => [s.name, s.metrics.filter((m) => confirmReason(m) !== undefined).map((m) => m.metric)] as const);
  return new Map(wanted.filter(([, metrics]) => metrics.length > 0));
}

/** Scenarios of a cross-run comparison with a flagged or suspect timing metric: the ones to re-measure. */
export function flaggedTimingScenarios(c: Comparison): string[] {
  return [...metricsToConfirm(c).keys()];
}

const SUSPECT = "worse than its threshold, which main's history could not tell from machine noise";

function confirmMetric(m: MetricComparison, paired: ScenarioComparison, tally: Tally): MetricComparison {
  const reason = confirmReason(m);
  if (!reason) return m;
  const p = paired.metrics.find((x) => x.metric === m.metric);
  const count = reason === 'flagged' ? tally.flagged : tally.suspects;
  const acrossRuns = reason === 'flagged' ? `${pct(m.change)} across runs` : `${pct(m.change)} across runs (${SUSPECT})`;
  if (!p) {
    // The rerun measured the scenario but has no number for this metric (the base could not be
    // measured, or the metric was not recorded): nothing confirms it, so it cannot fail.
    count.notConfirmed++;
    return { ...m, verdict: 'inconclusive', note: `${acrossRuns}, not re-measured by the paired rerun on this runner: not failing` };
  }
  const ci = p.changeCi ? ` [${pct(p.changeCi.lo)}, ${pct(p.changeCi.hi)}]` : '';
  if (p.verdict === 'regressed') {
    count.confirmed++;
    const across = reason === 'suspect' ? ` (${pct(m.change)} across runs, ${SUSPECT})` : '';
    return { ...m, verdict: 'regressed', note: `confirmed by a paired rerun on this runner: ${pct(p.change)}${ci}${across}` };
  }
  count.notConfirmed++;
  return {
    ...m,
    verdict: p.verdict,
    note: `${acrossRuns}, not confirmed by a paired rerun on this runner (${pct(p.change)}${ci}, ${p.verdict})${p.note ? `: ${p.note}` : ''}`,
  };
}

type Tally = Pick<ConfirmationSummary, 'flagged' | 'suspects'>;

/**
 * The cross-run comparison with each flagged or suspect metric judged by the paired rerun instead.
 * A scenario the paired results do not hold (another shard's, or one whose rerun never ran when
 * stored results are judged again) keeps its cross-run verdicts, as when the rerun fails.
 */
export function applyConfirmation(c: Comparison, paired: Comparison, ref: string): Comparison {
  const byName = new Map(paired.scenarios.map((s) => [s.name, s]));
  const tally: Tally = { flagged: { confirmed: 0, notConfirmed: 0 }, suspects: { confirmed: 0, notConfirmed: 0 } };
  const remeasured: string[] = [];
  const scenarios = c.scenarios.map((s) => {
    const p = byName.get(s.name);
    if (!s.metrics.some((m) => confirmReason(m))) return s;
    if (!p) return unconfirmed(s, 'this scenario has no paired rerun results');
    remeasured.push(s.name);
    return { ...s, metrics: s.metrics.map((m) => confirmMetric(m, p, tally)) };
  });
  return { ...c, scenarios, totals: totalsOf(scenarios), confirmation: { ref, remeasured, ...tally } };
}

function unconfirmed(s: ScenarioComparison, reason: string): ScenarioComparison {
  return {
    ...s,
    metrics: s.metrics.map((m) => {
      const why = confirmReason(m);
      if (why === 'flagged') return { ...m, note: `could not be confirmed by a paired rerun: ${reason}` };
      if (why === 'suspect') return { ...m, note: `${m.note ? `${m.note}; ` : ''}could not be re-measured by a paired rerun: ${reason}` };
      return m;
    }),
  };
}

/** Confirmation could not run (no base commit, the base would not start): flagged regressions stand, suspects stay inconclusive. */
export function confirmationFailed(c: Comparison, reason: string, ref: string): Comparison {
  const scenarios = c.scenarios.map((s) => unconfirmed(s, reason));
  const none = { confirmed: 0, notConfirmed: 0 };
  return { ...c, scenarios, confirmation: { ref, remeasured: [], flagged: none, suspects: none, failed: reason } };
}
