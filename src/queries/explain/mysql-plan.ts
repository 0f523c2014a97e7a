// Problems flagged in a MySQL/MariaDB `EXPLAIN FORMAT=JSON` plan: a full table scan (access_type
// ALL) on a big table, "Using filesort", "Using temporary". Pure. MySQL 8 and MariaDB name things
// differently (using_filesort vs a "filesort" block; rows_examined_per_scan vs rows): both are read.
import { formatRows } from './pg-plan.js';

export interface MysqlFlagOptions {
  /** A full scan is flagged on tables with at least this many rows (the plan's own estimate). */
  seqScanRows: number;
}

type Json = unknown;

function walk(v: Json, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(v)) for (const x of v) walk(x, visit);
  else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    visit(o);
    for (const x of Object.values(o)) walk(x, visit);
  }
}

export function flagMysqlPlan(plan: Json, opts: MysqlFlagOptions): string[] {
  const flags = new Set<string>();
  walk(plan, (o) => {
    if (o.access_type === 'ALL' && typeof o.table_name === 'string') {
      const rows = Number(o.rows_examined_per_scan ?? o.rows ?? NaN);
      if (Number.isFinite(rows) && rows >= opts.seqScanRows) flags.add(`full table scan on ${o.table_name} (≈${formatRows(rows)} rows, access_type ALL)`);
    }
    if (o.using_filesort === true || 'filesort' in o) flags.add('Using filesort');
    if (o.using_temporary_table === true || 'temporary_table' in o) flags.add('Using temporary');
  });
  return [...flags];
}
