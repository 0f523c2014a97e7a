// Database time against the baseline: per request (a metric like the timing ones) and per statement
// shape (new, gone, called more often, slower). Pure: two QueryResults in, data out.
//
// Both sides' times come from their count pass: sequential probe requests, one statement at a time
// on a quiet service, measured on the wire; in a rerun the two sides' probes take turns
// (queries/probe.ts), so a slow spell of the machine falls on both. They are compared as independent
// samples (a statement's per-call times cannot be paired across sides), so changes are
// Hodges–Lehmann shifts of log time with the Moses rank interval, classified exactly like a timing
// metric: "slower" only when the interval is above 0 and the estimate reaches the threshold;
// anything else reads "≈". Against a stored baseline the sides were probed on different runs: the
// same spread-of-the-machine caveat as every cross-run comparison (docs/verdicts.md).
import { MAX_CALL_SAMPLES, type QueryResult, type StatementTime } from '../results/types.js';
import { DB_TIME_METRIC, naturalChange } from './metrics.js';
import { type Interval, median, unpairedShift } from './stats.js';
import { classifyShift, type MetricVerdict, naturalInterval, VERDICT_CONFIDENCE } from './verdict.js';


/**
 * Differences smaller than this per request are never called slower, whatever the ratio: a
 * statement timed on the wire includes a loopback hop and the proxy's read (tens of µs, jittery on
 * a busy runner), so a 30 → 45 µs change says nothing about the query.
 */
export const DB_TIME_FLOOR_US = 100;

export interface StatementTimeComparison {
  fingerprint: string;
  sql: string;
  status: 'new' | 'gone' | 'compared';
  /** Calls per request (the median probe's count), per side. */
  calls: { base?: number; head?: number };
  /** Median time per call, µs, per side. */
  p50Us: { base?: number; head?: number };
  /** Time in this shape per request (median over probes), µs, per side. */
  perRequestUs: { base?: number; head?: number };
  /** Per-call time change (fraction) and its interval, when both sides have times. */
  change?: number;
  changeCi?: Interval;
  /** 'slower'/'faster' only when the samples support it; '≈' otherwise (see `note`). */
  verdict: 'slower' | 'faster' | '≈' | 'new' | 'gone';
  moreCalls: boolean;
  note?: string;
}

export interface DbTimeComparison {
  /** Shapes of head and base, most added time per request first. */
  statements: StatementTimeComparison[];
}

function timeOf(t: StatementTime | undefined): { p50?: number; perRequest?: number } {
  return t ? { p50: t.p50Us, perRequest: t.perRequestUs } : {};
}

/** log of a time, with zero (a statement faster than the clock's µs) read as 1 µs. */
const logUs = (us: number) => Math.log(Math.max(us, 1));

/**
 * The verdict on a change in time given samples, threshold, the per-request difference and the
 * base's time per request (to turn the interval into µs per request for the floor).
 */
function classify(headUs: readonly number[], baseUs: readonly number[], threshold: number, perRequestDeltaUs: number, basePerRequestUs: number) {
  const shift = unpairedShift(headUs.map(logUs), baseUs.map(logUs), VERDICT_CONFIDENCE);
  const cls = classifyShift(DB_TIME_METRIC, shift, threshold);
  const changeCi = shift.ci ? naturalInterval(DB_TIME_METRIC, shift.ci) : undefined;
  let verdict: MetricVerdict = cls.verdict;
  let note = cls.note;
  if ((verdict === 'regressed' || verdict === 'improved') && Math.abs(perRequestDeltaUs) < DB_TIME_FLOOR_US) {
    verdict = 'unchanged';
    note = `${Math.round(perRequestDeltaUs)} µs per request: below the ${DB_TIME_FLOOR_US} µs floor`;
  } else if (verdict === 'inconclusive' && changeCi && changeCi.hi * basePerRequestUs < DB_TIME_FLOOR_US) {
    // The largest increase the interval allows is below the floor: nothing worth calling slower is possible.
    verdict = 'unchanged';
    note = `at most +${Math.round(changeCi.hi * basePerRequestUs)} µs per request: below the ${DB_TIME_FLOOR_US} µs floor`;
  }
  return { verdict, note, shift, change: naturalChange(DB_TIME_METRIC, shift.estimate), changeCi };
}

/** Per statement shape: new, gone, more calls, slower (backed by an interval) or "≈". */
export function compareStatementTimes(head: QueryResult, base: QueryResult, threshold: number): DbTimeComparison {
  const baseBy = new Map(base.statements.map((s) => [s.fingerprint, s]));
  const headBy = new Map(head.statements.map((s) => [s.fingerprint, s]));
  const out: StatementTimeComparison[] = [];
  for (const h of head.statements) {
    const b = baseBy.get(h.fingerprint);
    const ht = timeOf(h.time);
    const entry: StatementTimeComparison = {
      fingerprint: h.fingerprint,
      sql: h.sql,
      status: b ? 'compared' : 'new',
      calls: { head: h.count, base: b?.count },
      p50Us: { head: ht.p50, base: b ? timeOf(b.time).p50 : undefined },
      perRequestUs: { head: ht.perRequest, base: b ? timeOf(b.time).perRequest : undefined },
      verdict: b ? '≈' : 'new',
      moreCalls: b !== undefined && h.count > b.count,
    };
    if (b && h.time && b.time && h.time.samplesUs.length > 0 && b.time.samplesUs.length > 0) {
      const delta = h.time.perRequestUs - b.time.perRequestUs;
      // As many samples as a run keeps (a forged baseline could hold more: all pairs are compared).
      const c = classify(h.time.samplesUs.slice(0, MAX_CALL_SAMPLES), b.time.samplesUs.slice(0, MAX_CALL_SAMPLES), threshold, delta, b.time.perRequestUs);
      entry.change = c.change;
      if (c.changeCi) entry.changeCi = c.changeCi;
      if (c.verdict === 'regressed') entry.verdict = 'slower';
      else if (c.verdict === 'improved') entry.verdict = 'faster';
      else if (c.note) entry.note = c.note;
    }
    out.push(entry);
  }
  for (const b of base.statements) {
    if (headBy.has(b.fingerprint)) continue;
    const bt = timeOf(b.time);
    out.push({
      fingerprint: b.fingerprint,
      sql: b.sql,
      status: 'gone',
      calls: { base: b.count },
      p50Us: { base: bt.p50 },
      perRequestUs: { base: bt.perRequest },
      verdict: 'gone',
      moreCalls: false,
    });
  }
  const added = (s: StatementTimeComparison) => (s.perRequestUs.head ?? 0) - (s.perRequestUs.base ?? 0);
  out.sort((a, b) => added(b) - added(a) || a.sql.localeCompare(b.sql));
  return { statements: out };
}

/** Database time per request as a metric row (same shape as the timing metrics), or undefined. */
export interface DbTimeMetric {
  base: number;
  head: number;
  change: number;
  changeCi?: Interval;
  verdict: MetricVerdict;
  note?: string;
  shift: ReturnType<typeof unpairedShift>;
}

export function compareDbTimePerRequest(head: QueryResult, base: QueryResult, threshold: number): DbTimeMetric | undefined {
  const h = head.perProbeDbTimeUs?.slice(0, MAX_CALL_SAMPLES);
  const b = base.perProbeDbTimeUs?.slice(0, MAX_CALL_SAMPLES);
  if (!h?.length || !b?.length) return undefined;
  // No statement on either side: nothing to compare (a ratio of nothing to nothing).
  if (h.every((v) => v === 0) && b.every((v) => v === 0)) return undefined;
  const c = classify(h, b, threshold, median(h) - median(b), median(b));
  return { base: median(b), head: median(h), change: c.change, changeCi: c.changeCi, verdict: c.verdict, note: c.note, shift: c.shift };
}

/** What an endpoint's extra time is made of, from the two sides' probes (both sequential). */
export interface RegressionBlame {
  /** Probe latency change per request, µs (head − base). */
  latencyDeltaUs: number;
  /** Database time change per request, µs. */
  dbDeltaUs: number;
  /** True when the database accounts for at least half of the extra latency. */
  mostlyDatabase: boolean;
  /** The statement shape that added the most time per request, when the database is to blame. */
  top?: { sql: string; deltaUs: number };
}

/** Share of the extra latency the database must explain to be named as the cause. */
export const MOSTLY_DATABASE = 0.5;

export function blameRegression(head: QueryResult, base: QueryResult, statements: DbTimeComparison): RegressionBlame | undefined {
  if (head.latencyUs === undefined || base.latencyUs === undefined || head.dbTimeUs === undefined || base.dbTimeUs === undefined) return undefined;
  const latencyDeltaUs = head.latencyUs - base.latencyUs;
  const dbDeltaUs = head.dbTimeUs - base.dbTimeUs;
  const mostlyDatabase = latencyDeltaUs > 0 && dbDeltaUs >= DB_TIME_FLOOR_US && dbDeltaUs >= MOSTLY_DATABASE * latencyDeltaUs;
  const blame: RegressionBlame = { latencyDeltaUs, dbDeltaUs, mostlyDatabase };
  const first = statements.statements[0];
  if (mostlyDatabase && first) {
    const deltaUs = (first.perRequestUs.head ?? 0) - (first.perRequestUs.base ?? 0);
    if (deltaUs > 0) blame.top = { sql: first.sql, deltaUs };
  }
  return blame;
}
