// Turns a shift estimate into one of four outcomes, and compares query counts exactly.
// All timing comparisons happen in worse-log space (see stats.ts): positive = head is worse.
import type { NPlusOneFinding, QueryResult, StatementCount } from '../results/types.js';
import { type MetricDef, naturalChange, thresholdWorseLog, worsening } from './metrics.js';
import { type Interval, mannWhitneyCiRank, type ShiftEstimate, signTestCiRank } from './stats.js';

export type MetricVerdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive';

export interface Classification {
  verdict: MetricVerdict;
  /** Why, in words a reviewer can act on (set for inconclusive; short reason otherwise). */
  note?: string;
}

/**
 * The confidence of the intervals verdicts are made from. 99%, not 95%: every scenario is judged on
 * six metrics, and in the measured A/A runs (docs/verdicts.md, "A/A and power") 95% intervals let
 * 5 of 100 unchanged scenarios fail on some metric; 99% intervals let 1 of 100.
 */
export const VERDICT_CONFIDENCE = 0.99;
export const VERDICT_CONFIDENCE_LABEL = `${Math.round(VERDICT_CONFIDENCE * 100)}%`;

/**
 * Adaptive rounds stop waiting for a metric once this interval's upper end lies below the threshold
 * (src/measure/judge.ts), and the metric is reported unchanged at this level. "Inconclusive" passes
 * the check like "unchanged", so measuring on only to turn a 95% "no regression" into one at the
 * look's far stricter level (99.7% at the 9th of 11 looks) buys no answer the check uses — and on a
 * noisy runner it left CPU/request undecided in 17 of 55 A/A scenarios at the 5 min budget, where,
 * replayed on the same rounds, the bound left 4 (docs/verdicts.md, "Adaptive rounds").
 * A non-binding futility bound: it can only end measuring without a regression, so the false-alarm
 * bound of the sequential levels holds. Simulated (`npm run bench:sequential -- confirm`): an
 * unchanged metric stops after 10–102 paired rounds on average instead of 41–151; changes of twice
 * the threshold are caught as often (within 0.2 points), changes at the threshold 1–2 points less
 * often. 80% and 90% intervals saved a little more and lost up to 7 and 4 points near the threshold.
 * First used for confirmations by rerun only; since 2026-12-06 for every paired comparison.
 */
export const FUTILITY_CONFIDENCE = 0.95;

function smallest(finite: (n: number) => boolean): number {
  let n = 1;
  while (!finite(n)) n++;
  return n;
}
/** Minimum sample sizes for a finite interval at a confidence, for the "too few rounds" message. */
export const minPairs = (confidence: number) => smallest((n) => signTestCiRank(n, confidence) > 0);
export const minUnpairedPerSide = (confidence: number) => smallest((n) => mannWhitneyCiRank(n, n, confidence) > 0);
export const MIN_PAIRS = minPairs(VERDICT_CONFIDENCE);
export const MIN_UNPAIRED_PER_SIDE = minUnpairedPerSide(VERDICT_CONFIDENCE);

/** A confidence as a percentage with the digits that tell it apart: 99%, 99.87%, 99.9995%. */
export function formatConfidence(confidence: number): string {
  const digits = Math.min(6, Math.max(0, Math.ceil(-Math.log10(1 - confidence)) - 1));
  const shown = Number((confidence * 100).toFixed(digits));
  // The first looks of a long plan sit at 1 − 10⁻¹⁵: never print those as a certain 100%.
  return shown >= 100 ? '> 99.99999%' : `${shown}%`;
}

/**
 * regressed: CI entirely above 0 and estimate ≥ T. improved: the mirror image. unchanged: CI
 * entirely below T (a regression of T or more is ruled out). inconclusive: anything else,
 * including too few rounds for an interval — never a pass or a fail.
 */
export function classifyShift(def: MetricDef, shift: ShiftEstimate, threshold: number, confidence = VERDICT_CONFIDENCE): Classification {
  const t = thresholdWorseLog(def, threshold);
  const ci = shift.ci;
  if (!ci || !Number.isFinite(shift.estimate)) {
    const need =
      shift.method === 'sign-test'
        ? `need ≥ ${minPairs(confidence)} paired rounds, have ${shift.n}`
        : `need ≥ ${minUnpairedPerSide(confidence)} rounds on each side, have ${shift.n} head / ${shift.m ?? 0} base`;
    return { verdict: 'inconclusive', note: `too few rounds for a ${formatConfidence(confidence)} interval (${need})` };
  }
  if (ci.lo > 0 && shift.estimate >= t) return { verdict: 'regressed' };
  if (ci.hi < 0 && shift.estimate <= -t) return { verdict: 'improved' };
  if (ci.hi < t) return { verdict: 'unchanged' };
  return {
    verdict: 'inconclusive',
    note: `cannot rule out a regression up to ${(worsening(def, ci.hi) * 100).toFixed(1)}%`,
  };
}

/** The worse-log interval as a change in the metric's own direction, ordered lo ≤ hi. */
export function naturalInterval(def: MetricDef, ci: Interval): Interval {
  const a = naturalChange(def, ci.lo);
  const b = naturalChange(def, ci.hi);
  return { lo: Math.min(a, b), hi: Math.max(a, b) };
}

export type QueryVerdict = 'regressed' | 'improved' | 'unchanged' | 'no-data';

export interface QueryComparison {
  base?: number;
  head?: number;
  /** head − base statements per request. */
  delta?: number;
  /** Allowed increase per request (regression.queries). */
  threshold: number;
  verdict: QueryVerdict;
  headStable?: boolean;
  baseStable?: boolean;
  /** Statements per probe request, shown when the probes disagreed. */
  headPerProbe?: number[];
  basePerProbe?: number[];
  /** Caveats the probes reported (e.g. the database was not quiet before probing). */
  notes?: string[];
  /** Every N+1 suspect in the head run. */
  nPlusOne: NPlusOneFinding[];
  /** N+1 suspects whose fingerprint was not an N+1 suspect in the base (all of them without a base). */
  newNPlusOne: NPlusOneFinding[];
  duplicates: StatementCount[];
  newFingerprints: StatementCount[];
  removedFingerprints: StatementCount[];
  background?: number;
  transactionControl?: number;
}

/** Query counts are deterministic, so they compare exactly, across machines too. */
export function compareQueries(
  head: QueryResult | undefined,
  base: QueryResult | undefined,
  threshold: number,
): QueryComparison | undefined {
  if (!head) return undefined;
  const baseNPlusOne = new Set((base?.nPlusOne ?? []).map((f) => f.fingerprint));
  const comparison: QueryComparison = {
    head: head.perRequest,
    threshold,
    verdict: 'no-data',
    headStable: head.stable,
    headPerProbe: head.perProbe,
    ...(head.notes?.length ? { notes: [...head.notes] } : {}),
    nPlusOne: head.nPlusOne,
    // New relative to a base that counted queries; without one, nothing can be called new.
    newNPlusOne: base ? head.nPlusOne.filter((f) => !baseNPlusOne.has(f.fingerprint)) : [],
    duplicates: head.duplicates ?? [],
    newFingerprints: [],
    removedFingerprints: [],
    background: head.background,
    transactionControl: head.transactionControl,
  };
  if (!base) return comparison;
  const baseFps = new Set(base.statements.map((s) => s.fingerprint));
  const headFps = new Set(head.statements.map((s) => s.fingerprint));
  comparison.base = base.perRequest;
  comparison.baseStable = base.stable;
  comparison.basePerProbe = base.perProbe;
  comparison.delta = head.perRequest - base.perRequest;
  comparison.newFingerprints = head.statements.filter((s) => !baseFps.has(s.fingerprint));
  comparison.removedFingerprints = base.statements.filter((s) => !headFps.has(s.fingerprint));
  comparison.verdict =
    comparison.delta > threshold ? 'regressed' : comparison.delta < 0 ? 'improved' : 'unchanged';
  return comparison;
}
