// EXPLAIN FORMAT=JSON over perfgate's own MySQL/MariaDB connection (database.explain.url). Plain
// EXPLAIN never executes the statement; it runs inside START TRANSACTION READ ONLY … ROLLBACK with a
// statement time limit, one statement per call (multiple statements are off in the client), and
// errors leave out the URL and password. ANALYZE is not offered here: MariaDB's ANALYZE and MySQL's
// EXPLAIN ANALYZE execute the statement in forms that differ between the two servers.
import type { StatementPlan } from '../../results/types.js';
import { flagMysqlPlan } from './mysql-plan.js';
import { redactUrl, type ExplainRequest, type ExplainSettings } from './request.js';
import { EXPLAIN_TIMEOUT_MS } from './postgres.js';

export async function explainMysql(requests: readonly ExplainRequest[], settings: ExplainSettings): Promise<StatementPlan[]> {
  const fail = (message: string) => requests.map((r) => ({ fingerprint: r.fingerprint, sql: r.sql, reason: r.reason, analyze: false, error: message, flags: [] }));
  let mysql: typeof import('mysql2/promise');
  try {
    mysql = await import('mysql2/promise');
  } catch {
    return fail('EXPLAIN for MySQL needs the mysql2 package, which this installation lacks');
  }
  let conn: Awaited<ReturnType<typeof mysql.createConnection>>;
  try {
    conn = await mysql.createConnection({ uri: settings.url, connectTimeout: 5000, multipleStatements: false });
  } catch (error) {
    return fail(`could not connect for EXPLAIN: ${redactUrl((error as Error).message, settings.url)}`);
  }
  conn.on('error', () => undefined);
  try {
    const plans: StatementPlan[] = [];
    for (const r of requests) {
      const plan: StatementPlan = { fingerprint: r.fingerprint, sql: r.sql, reason: r.reason, analyze: false, flags: [] };
      if (settings.analyze) plan.note = 'ANALYZE is not used for MySQL/MariaDB: plain EXPLAIN shown';
      try {
        await conn.query('START TRANSACTION READ ONLY');
        // MariaDB's limit is in seconds, MySQL's in ms for SELECT; whichever the server knows applies.
        await conn.query(`SET SESSION max_statement_time = ${EXPLAIN_TIMEOUT_MS / 1000}`).catch(() => conn.query(`SET SESSION max_execution_time = ${EXPLAIN_TIMEOUT_MS}`).catch(() => undefined));
        // mysql2 puts the values in as escaped literals (client-side), the same values the service sent.
        const [rows] = await conn.query(`EXPLAIN FORMAT=JSON ${r.sql}`, r.params ?? []);
        const first = (rows as Record<string, unknown>[])[0];
        const text = first ? String(Object.values(first)[0]) : '';
        const json: unknown = JSON.parse(text);
        plan.text = JSON.stringify(json, null, 2);
        plan.flags = flagMysqlPlan(json, { seqScanRows: settings.seqScanRows });
      } catch (error) {
        plan.error = redactUrl((error as Error).message, settings.url);
      } finally {
        await conn.query('ROLLBACK').catch(() => undefined);
      }
      plans.push(plan);
    }
    return plans;
  } finally {
    await conn.end().catch(() => undefined);
  }
}
