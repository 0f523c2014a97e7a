// EXPLAIN over perfgate's own PostgreSQL connection (database.explain.url), for statements that are
// new or slower on head. How it stays safe:
// - plain EXPLAIN plans without executing; ANALYZE (which executes) is opt-in and used only for
//   statements that classify as SELECT;
// - every EXPLAIN runs inside BEGIN READ ONLY … ROLLBACK, with a statement timeout, so even a SELECT
//   that calls a writing function cannot change data, and nothing outlives the check;
// - the text goes over the extended protocol (one statement per message), so SQL text holding
//   several statements is refused by the server instead of run (a generic plan, for statements
//   whose parameters were not seen, needs the simple protocol: only for text that is one statement);
// - errors are reported without the connection URL or its password.
import pg from 'pg';
import type { StatementPlan } from '../../results/types.js';
import { classifyStatement, countPlaceholders } from '../fingerprint.js';
import { splitStatements } from '../sql-tokenizer.js';
import { flagPgPlan, renderPgPlan, seqScannedTables, type PgPlanNode } from './pg-plan.js';
import { redactUrl, type ExplainRequest, type ExplainSettings } from './request.js';

/** Longest an EXPLAIN (or EXPLAIN ANALYZE) may run: plans are diagnostics, not worth a stuck job. */
export const EXPLAIN_TIMEOUT_MS = 10_000;

export async function explainPostgres(requests: readonly ExplainRequest[], settings: ExplainSettings): Promise<StatementPlan[]> {
  const client = new pg.Client({ connectionString: settings.url, connectionTimeoutMillis: 5000, statement_timeout: EXPLAIN_TIMEOUT_MS });
  client.on('error', () => {
    // A dropped connection surfaces as the next query's error; an unhandled 'error' would crash.
  });
  try {
    await client.connect();
  } catch (error) {
    const message = `could not connect for EXPLAIN: ${redactUrl((error as Error).message, settings.url)}`;
    return requests.map((r) => ({ fingerprint: r.fingerprint, sql: r.sql, reason: r.reason, analyze: false, error: message, flags: [] }));
  }
  try {
    const version = Number((await client.query('SHOW server_version_num')).rows[0]?.server_version_num ?? 0);
    const plans: StatementPlan[] = [];
    for (const r of requests) plans.push(await explainOne(client, r, settings, version));
    return plans;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function explainOne(client: pg.Client, r: ExplainRequest, settings: ExplainSettings, version: number): Promise<StatementPlan> {
  const plan: StatementPlan = { fingerprint: r.fingerprint, sql: r.sql, reason: r.reason, analyze: false, flags: [] };
  const isSelect = classifyStatement(r.sql, 'postgres') === 'select';
  const options = ['FORMAT JSON'];
  if (settings.analyze && isSelect) {
    options.push('ANALYZE');
    plan.analyze = true;
  } else if (settings.analyze) {
    plan.note = 'ANALYZE refused: only SELECT statements are executed; plain EXPLAIN shown';
  }
  // Parameters or not, the extended protocol (one statement per message) unless a generic plan is needed.
  let values: (string | null)[] | undefined = r.params ?? [];
  if (r.params === undefined && countPlaceholders(r.sql, 'postgres') > 0) {
    // PostgreSQL 16+ plans a parameterized statement without values; older servers cannot.
    if (version < 160000 || plan.analyze) {
      plan.error = "the statement's parameters were not visible on the wire, so it cannot be planned with them";
      return plan;
    }
    // Bound values (even NULLs) would be planned with; a generic plan needs the simple protocol,
    // which accepts several statements in one text: only ever send it one.
    if (splitStatements(r.sql, 'postgres').length !== 1) {
      plan.error = 'the text holds more than one statement; not explained';
      return plan;
    }
    options.push('GENERIC_PLAN');
    values = undefined;
  }
  try {
    await client.query('BEGIN READ ONLY');
    const text = `EXPLAIN (${options.join(', ')}) ${r.sql}`;
    const res = await client.query(values === undefined ? text : ({ text, values, queryMode: 'extended' } as pg.QueryConfig));
    const root = (res.rows[0]?.['QUERY PLAN'] as { Plan: PgPlanNode }[] | undefined)?.[0]?.Plan;
    if (!root) throw new Error('EXPLAIN returned no plan');
    const tableRows = await tableSizes(client, seqScannedTables(root));
    plan.text = renderPgPlan(root);
    plan.flags = flagPgPlan(root, { tableRows, seqScanRows: settings.seqScanRows });
  } catch (error) {
    plan.error = redactUrl((error as Error).message, settings.url);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
  return plan;
}

/**
 * Rows per table: the planner's count (reltuples, kept by ANALYZE, VACUUM and CREATE INDEX), or
 * before any of those ran (-1) the statistics collector's live rows; never a count(*), which would
 * scan the table.
 */
async function tableSizes(client: pg.Client, tables: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const table of tables) {
    const res = await client.query(
      `SELECT (CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE COALESCE(s.n_live_tup, 0) END)::float8 AS rows
         FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
        WHERE c.oid = to_regclass(quote_ident($1))`,
      [table],
    );
    const rows = res.rows[0]?.rows;
    if (rows !== undefined && rows !== null) out.set(table, Number(rows));
  }
  return out;
}
