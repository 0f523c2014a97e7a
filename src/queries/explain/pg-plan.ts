// Problems a reviewer looks for first in a PostgreSQL plan, one line each. Pure: the JSON of
// `EXPLAIN (FORMAT JSON[, ANALYZE])` and table sizes in, flag lines out.

/** One node of `EXPLAIN (FORMAT JSON)` output (only the fields read here). */
export interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  'Plan Rows'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Sort Space Type'?: string;
  'Sort Space Used'?: number;
  'Parent Relationship'?: string;
  Plans?: PgPlanNode[];
}

export interface PgFlagOptions {
  /** Rows in each scanned table (from pg_class / pg_stat_user_tables), by relation name. */
  tableRows: ReadonlyMap<string, number>;
  /** A sequential scan is flagged on tables with at least this many rows. */
  seqScanRows: number;
}

/** Actual rows this many times off the estimate (either way) is flagged, with ANALYZE. */
export const ESTIMATE_FACTOR = 10;
/** ...and only when the miss is at least this many rows: 1 vs 12 rows misleads no planner. */
const ESTIMATE_MIN_ROWS = 100;

/** 123456 → "123k", 1500000 → "1.5M": sizes as a reviewer reads them. */
export function formatRows(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(2))}M`;
  if (n >= 1e3) return `${Number((n / 1e3).toPrecision(3))}k`;
  return String(Math.round(n));
}

/** Every relation a plan scans sequentially (the names pg_class is asked about). */
export function seqScannedTables(root: PgPlanNode): string[] {
  const out = new Set<string>();
  walk(root, (n) => {
    if (n['Node Type'] === 'Seq Scan' && n['Relation Name']) out.add(n['Relation Name']);
  });
  return [...out];
}

function walk(n: PgPlanNode, visit: (n: PgPlanNode) => void): void {
  visit(n);
  for (const c of n.Plans ?? []) walk(c, visit);
}

export function flagPgPlan(root: PgPlanNode, opts: PgFlagOptions): string[] {
  const flags: string[] = [];
  const seen = new Set<string>();
  const add = (line: string) => {
    if (!seen.has(line)) flags.push(line);
    seen.add(line);
  };
  walk(root, (n) => {
    const table = n['Relation Name'];
    if (n['Node Type'] === 'Seq Scan' && table) {
      const rows = opts.tableRows.get(table);
      if (rows !== undefined && rows >= opts.seqScanRows) add(`sequential scan on ${table} (≈${formatRows(rows)} rows)`);
    }
    if (n['Node Type'] === 'Nested Loop') {
      // The inner side runs once per outer row: a sequential scan there reads the table each time.
      const inner = (n.Plans ?? []).find((c) => c['Parent Relationship'] === 'Inner') ?? n.Plans?.[1];
      let innerScan: string | undefined;
      if (inner) walk(inner, (c) => {
        if (innerScan === undefined && c['Node Type'] === 'Seq Scan') innerScan = c['Relation Name'] ?? '?';
      });
      if (innerScan !== undefined) add(`nested loop over a sequential scan on ${innerScan}`);
    }
    if (n['Sort Space Type'] === 'Disk') add(`sort spilled to disk (${n['Sort Space Used'] ?? '?'} kB)`);
    const actual = n['Actual Rows'];
    const planned = n['Plan Rows'];
    if (actual !== undefined && planned !== undefined) {
      const hi = Math.max(actual, planned);
      const lo = Math.max(1, Math.min(actual, planned));
      if (hi / lo >= ESTIMATE_FACTOR && hi - lo >= ESTIMATE_MIN_ROWS) {
        add(`estimated ${formatRows(planned)} rows, got ${formatRows(actual)} (${n['Node Type']}${table ? ` on ${table}` : ''})`);
      }
    }
  });
  return flags;
}

/** Node fields shown beside a node in the collapsed plan (conditions say why an index was or was not used). */
const DETAIL_FIELDS = ['Index Name', 'Index Cond', 'Filter', 'Join Filter', 'Hash Cond', 'Merge Cond', 'Sort Key', 'Rows Removed by Filter'] as const;

/**
 * The plan as indented text, close to EXPLAIN's own text format: one line per node with its
 * estimated (and, with ANALYZE, actual) rows, then the conditions. Rendered from the JSON so that
 * EXPLAIN ANALYZE runs the statement once, not once per format.
 */
export function renderPgPlan(root: PgPlanNode, depth = 0): string {
  const n = root as PgPlanNode & Record<string, unknown>;
  const pad = '  '.repeat(depth);
  const arrow = depth === 0 ? '' : '->  ';
  const on = n['Relation Name'] ? ` on ${n['Relation Name']}` : '';
  const actual = n['Actual Rows'] !== undefined ? ` (actual rows=${n['Actual Rows']} loops=${n['Actual Loops'] ?? 1})` : '';
  const lines = [`${pad}${arrow}${n['Node Type']}${on}  (rows=${n['Plan Rows'] ?? '?'})${actual}`];
  for (const field of DETAIL_FIELDS) {
    const v = n[field];
    if (v !== undefined) lines.push(`${pad}      ${field}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
  }
  if (n['Sort Space Type'] !== undefined) lines.push(`${pad}      Sort Method: ${String(n['Sort Method'] ?? '?')}  ${n['Sort Space Type']}: ${n['Sort Space Used'] ?? '?'}kB`);
  for (const c of n.Plans ?? []) lines.push(renderPgPlan(c, depth + 1));
  return lines.join('\n');
}
