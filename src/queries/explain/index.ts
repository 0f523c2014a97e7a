// After measuring: EXPLAIN every statement shape that is new or slower on head than in the
// baseline, and keep the plans in head's results (queries.plans). Off unless database.explain.url
// is set (the report then says how to turn it on). Plans are diagnostics: nothing here fails a run.
import type { PerfgateConfig } from '../../config/types.js';
import { compareStatementTimes } from '../../compare/statement-times.js';
import { DEFAULT_REGRESSION } from '../../compare/metrics.js';
import type { Results, StatementPlan } from '../../results/types.js';
import { exampleCallOf } from '../db-time.js';
import { describeUrl, type ExplainRequest } from './request.js';

export interface ExplainOptions {
  config: PerfgateConfig;
  head: Results;
  base?: Results;
  progress: (line: string) => void;
}

/**
 * Shapes to explain: new or slower on head, once per fingerprint, with one call's text and
 * parameters. `unseen`: shapes to explain whose call text this process did not keep (e.g. results
 * read from a file): they cannot be explained.
 */
export function statementsToExplain(config: PerfgateConfig, head: Results, base: Results | undefined, unseen: string[] = []): ExplainRequest[] {
  if (!base) return [];
  const baseBy = new Map(base.scenarios.map((s) => [s.name, s]));
  const thresholdOf = (name: string) => (config.scenarios.find((s) => s.name === name)?.regression ?? DEFAULT_REGRESSION).dbTime;
  const out = new Map<string, ExplainRequest>();
  for (const s of head.scenarios) {
    const b = baseBy.get(s.name)?.queries;
    if (!s.queries || !b || s.queries.source !== 'proxy') continue;
    for (const st of compareStatementTimes(s.queries, b, thresholdOf(s.name)).statements) {
      if ((st.verdict !== 'new' && st.verdict !== 'slower') || out.has(st.fingerprint)) continue;
      const call = exampleCallOf(s.queries, st.fingerprint);
      if (!call || !call.sql) {
        unseen.push(st.sql); // text not seen (an unknown prepared statement, or results not measured here)
        continue;
      }
      out.set(st.fingerprint, { fingerprint: st.fingerprint, sql: call.sql, reason: st.verdict, ...(call.params ? { params: call.params } : {}) });
    }
  }
  return [...out.values()];
}

/** Runs the EXPLAINs and stores the plans on every head scenario using each shape. Returns true when any were stored. */
export async function explainChangedStatements(opts: ExplainOptions): Promise<boolean> {
  const database = opts.config.database;
  const settings = database?.explain;
  if (!database || !settings || settings.url === '') return false;
  const unseen: string[] = [];
  const requests = statementsToExplain(opts.config, opts.head, opts.base, unseen);
  for (const sql of unseen) opts.progress(`EXPLAIN skipped for ${sql.slice(0, 80)}: no call of it was seen on the wire in this run`);
  if (requests.length === 0) return false;
  opts.progress(`EXPLAIN${settings.analyze ? ' (ANALYZE for SELECT)' : ''} of ${requests.length} new or slower statement(s) over ${describeUrl(settings.url)}`);
  const plans: StatementPlan[] =
    database.protocol === 'mysql'
      ? await (await import('./mysql.js')).explainMysql(requests, settings)
      : await (await import('./postgres.js')).explainPostgres(requests, settings);
  const byFingerprint = new Map(plans.map((p) => [p.fingerprint, p]));
  for (const s of opts.head.scenarios) {
    const mine = (s.queries?.statements ?? []).map((st) => byFingerprint.get(st.fingerprint)).filter((p) => p !== undefined);
    if (mine.length > 0) s.queries!.plans = mine;
  }
  for (const p of plans) if (p.error) opts.progress(`EXPLAIN failed for ${p.sql.slice(0, 80)}: ${p.error}`);
  return true;
}
