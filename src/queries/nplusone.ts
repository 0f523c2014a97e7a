// From statements per probe request to the QueryResult of results JSON: the median count, the
// statement shapes of the median probe, N+1 suspects and duplicate queries. Pure.
//
// N+1 rule (docs/queries.md, "N+1 and duplicate queries"): a SELECT fingerprint executed ≥ threshold times in one request with ≥ 2
// distinct parameter/literal sets. The same statement with identical parameters repeated is a
// "duplicate query" instead. Transaction control, SET/SHOW and catalog queries never count.

import type { NPlusOneFinding, QueryResult, StatementCount } from '../results/types.js';
import { classifyStatement, countPlaceholders, extractLiterals, fingerprintSql, type Dialect } from './fingerprint.js';
import type { ExecutedStatement } from './types.js';

export const DEFAULT_NPLUSONE_THRESHOLD = 3;

export interface BuildQueryResultOptions {
  dialect: Dialect;
  nPlusOneThreshold?: number;
  /** Statements outside any probe window while probing (from attributeStatements). */
  background?: number;
}

/**
 * Index of the median probe. For an even count the lower middle, so the reported statements are
 * those of a probe that really happened rather than an average of two.
 */
export function medianIndex(counts: readonly number[]): number {
  const sorted = counts.map((c, i) => ({ c, i })).sort((a, b) => a.c - b.c || a.i - b.i);
  return sorted[Math.floor((sorted.length - 1) / 2)]!.i;
}

export function buildQueryResult(perProbe: readonly ExecutedStatement[][], opts: BuildQueryResultOptions): QueryResult {
  const counts = perProbe.map((p) => p.length);
  if (counts.length === 0) {
    return { source: 'proxy', perRequest: 0, stable: true, probes: 0, perProbe: [], statements: [], nPlusOne: [], duplicates: [] };
  }
  const median = perProbe[medianIndex(counts)]!;
  const analysis = analyzeRequest(median, opts.dialect, opts.nPlusOneThreshold ?? DEFAULT_NPLUSONE_THRESHOLD);
  const result: QueryResult = {
    source: 'proxy',
    perRequest: median.length,
    stable: counts.every((c) => c === counts[0]),
    probes: counts.length,
    perProbe: counts,
    statements: analysis.statements,
    nPlusOne: analysis.nPlusOne,
    duplicates: analysis.duplicates,
    transactionControl: analysis.transactionControl,
  };
  if (opts.background !== undefined) result.background = opts.background;
  return result;
}

export interface RequestAnalysis {
  statements: StatementCount[];
  nPlusOne: NPlusOneFinding[];
  duplicates: StatementCount[];
  transactionControl: number;
}

/** Groups one request's statements by fingerprint and applies the N+1 and duplicate rules. */
export function analyzeRequest(statements: readonly ExecutedStatement[], dialect: Dialect, threshold: number): RequestAnalysis {
  const groups = new Map<string, { sql: string; kind: string; instances: ExecutedStatement[] }>();
  let transactionControl = 0;
  for (const s of statements) {
    const fp = fingerprintSql(s.sql, dialect);
    const kind = classifyStatement(s.sql, dialect);
    if (kind === 'transaction') transactionControl++;
    let g = groups.get(fp.fingerprint);
    if (!g) groups.set(fp.fingerprint, (g = { sql: fp.normalized, kind, instances: [] }));
    g.instances.push(s);
  }
  const counts: StatementCount[] = [];
  const nPlusOne: NPlusOneFinding[] = [];
  const duplicates: StatementCount[] = [];
  for (const [fingerprint, g] of groups) {
    counts.push({ fingerprint, sql: g.sql, count: g.instances.length });
    if (g.kind !== 'select' || g.instances.length < 2) continue;
    const sets = new Map<string, number>();
    for (const [i, s] of g.instances.entries()) {
      // A call is its bound values and the literals written into its text (inline literals can come
      // with zero bound parameters, over the extended protocol too). Placeholders whose values the
      // tap could not decode say nothing: count such a call as distinct rather than as a repeat.
      const unknown = s.params === undefined && countPlaceholders(s.sql, dialect) > 0;
      const key = unknown ? `unknown ${i}` : JSON.stringify([s.params ?? [], extractLiterals(s.sql, dialect)]);
      sets.set(key, (sets.get(key) ?? 0) + 1);
    }
    if (g.instances.length >= threshold && sets.size >= 2) {
      nPlusOne.push({ fingerprint, sql: g.sql, count: g.instances.length, distinctParams: sets.size });
      continue;
    }
    // Identical repeats: a result the request could have reused.
    const repeats = Math.max(...sets.values());
    if (repeats >= 2) duplicates.push({ fingerprint, sql: g.sql, count: repeats });
  }
  const byCount = (a: StatementCount, b: StatementCount): number => b.count - a.count || a.sql.localeCompare(b.sql);
  return { statements: counts.sort(byCount), nPlusOne: nPlusOne.sort(byCount), duplicates: duplicates.sort(byCount), transactionControl };
}
