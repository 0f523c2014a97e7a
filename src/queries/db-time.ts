// Database time per request and per statement shape, from the statements the count pass attributed
// to each probe request (src/queries/probe.ts). Pure: statements in, figures out.
//
// A request's database time is the sum of its statements' times, so statements a service runs in
// parallel on several connections add up (it is time the database worked for the request, not wall
// time). Per-call times are kept (a bounded, evenly picked sample) because "slower" is a claim the
// comparison must back with an interval (src/compare/statement-times.ts).

import { MAX_CALL_SAMPLES, type QueryResult, type StatementTime } from '../results/types.js';
import { fingerprintSql, type Dialect } from './fingerprint.js';
import { statementDurationUs, type ExecutedStatement } from './types.js';
import { median } from '../compare/stats.js';

/** One call of a shape as sent: its exact text and, when the wire showed them, its parameters. */
export interface ExampleCall {
  sql: string;
  params?: (string | null)[];
}

/**
 * One call per shape, kept in memory only, beside the result object: never in results JSON, since
 * parameters and literals may be personal data. EXPLAIN (src/queries/explain/) reads them.
 */
const exampleCalls = new WeakMap<QueryResult, Map<string, ExampleCall>>();

/** A call of `fingerprint` seen by this (in-memory) result, for EXPLAIN. */
export function exampleCallOf(result: QueryResult, fingerprint: string): ExampleCall | undefined {
  return exampleCalls.get(result)?.get(fingerprint);
}

/** Nearest-rank percentile of sorted values. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Up to `max` values picked evenly across the list (keeps its order and spread). */
function evenly<T>(values: readonly T[], max: number): T[] {
  if (values.length <= max) return [...values];
  return Array.from({ length: max }, (_, i) => values[Math.floor((i * values.length) / max)]!);
}

/**
 * Adds database time to a proxy-counted QueryResult: per request (and per probe) and per statement
 * shape listed in `statements`. `latenciesUs` are the probe requests' own latencies, in probe order.
 */
export function withDbTime(result: QueryResult, perProbe: readonly ExecutedStatement[][], latenciesUs: readonly number[], dialect: Dialect): QueryResult {
  const probes = perProbe.length;
  if (probes === 0) return result;
  const shapes = new Map<string, { calls: number[]; perProbe: number[]; example?: ExampleCall }>();
  const perProbeDbTimeUs = perProbe.map((statements, i) => {
    let sum = 0;
    for (const s of statements) {
      const us = statementDurationUs(s);
      if (us === undefined) continue;
      sum += us;
      const fp = fingerprintSql(s.sql, dialect).fingerprint;
      let shape = shapes.get(fp);
      if (!shape) shapes.set(fp, (shape = { calls: [], perProbe: new Array<number>(probes).fill(0) }));
      shape.calls.push(us);
      shape.perProbe[i]! += us;
      // Prefer a call whose parameters the wire showed: EXPLAIN needs them.
      if (shape.example === undefined || (shape.example.params === undefined && s.params !== undefined)) {
        shape.example = s.params === undefined ? { sql: s.sql } : { sql: s.sql, params: s.params };
      }
    }
    return Math.round(sum);
  });
  const examples = new Map<string, ExampleCall>();
  const statements = result.statements.map((st) => {
    const shape = shapes.get(st.fingerprint);
    if (!shape) return st;
    if (shape.example) examples.set(st.fingerprint, shape.example);
    const sorted = [...shape.calls].sort((a, b) => a - b);
    const time: StatementTime = {
      calls: shape.calls.length,
      callsPerRequest: shape.calls.length / probes,
      perRequestUs: Math.round(median(shape.perProbe)),
      p50Us: Math.round(percentileOfSorted(sorted, 50)),
      p99Us: Math.round(percentileOfSorted(sorted, 99)),
      samplesUs: evenly(shape.calls, MAX_CALL_SAMPLES).map((us) => Math.round(us)),
    };
    return { ...st, time };
  });
  const out: QueryResult = {
    ...result,
    statements,
    dbTimeUs: Math.round(median(perProbeDbTimeUs)),
    perProbeDbTimeUs,
  };
  if (latenciesUs.length > 0) {
    out.latencyUs = Math.round(median(latenciesUs));
    out.perProbeLatencyUs = latenciesUs.map((us) => Math.round(us));
  }
  exampleCalls.set(out, examples);
  return out;
}
