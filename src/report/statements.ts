// The report's database-time parts: the headline lines that say when an endpoint's regression is
// mostly database time, the "slower statements" table with each statement's SQL, base → head time
// and the endpoints using it, the plans of new and slower statements, and per-shape times ("≈" where
// the samples show no change). Pure: a Comparison and the head Results in, markdown out.
import { markdownTable } from 'markdown-table';
import type { Comparison } from '../compare/compare.js';
import type { StatementTimeComparison } from '../compare/statement-times.js';
import type { Results, StatementPlan } from '../results/types.js';
import { codeBlock, htmlText, inlineText, truncate } from './escape.js';
import { formatCount, formatInterval, formatLatencyUs, formatPercent } from './format.js';

/** SQL shown in a table cell; the full text is in the plan's details. */
const CELL_SQL = 100;

/** The config that turns plans on, shown once when there were statements to explain. */
export const EXPLAIN_HINT =
  'Plans of new and slower statements: set `database.explain.url` (e.g. `"${PERFGATE_EXPLAIN_URL}"`, a read-only role) in perfgate.yml; see docs/queries.md.';

/** "list users: +1.8 ms, of which +1.7 ms in `select … where email = $1`", for regressed endpoints. */
export function dbBlameLines(c: Comparison): string[] {
  const lines: string[] = [];
  for (const s of c.scenarios) {
    const blame = s.db?.blame;
    const regressed = s.metrics.some((m) => m.verdict === 'regressed' && m.metric !== 'dbTimeUs' && m.metric !== 'peakRssBytes');
    if (!blame || !regressed) continue;
    const total = `+${formatLatencyUs(blame.latencyDeltaUs)} per request`;
    if (blame.mostlyDatabase) {
      const where = blame.top ? ` in ${inlineSql(blame.top.sql)}` : ' in the database';
      lines.push(`- **${inlineText(s.name)}**: ${total}, of which +${formatLatencyUs(blame.dbDeltaUs)}${where}`);
    } else {
      const db = blame.dbDeltaUs >= 0 ? `+${formatLatencyUs(blame.dbDeltaUs)}` : `−${formatLatencyUs(-blame.dbDeltaUs)}`;
      lines.push(`- **${inlineText(s.name)}**: not the database (database time ${db} per request, probes measured one request at a time)`);
    }
  }
  return lines;
}

/** Inline SQL for prose: escaped, shortened, never a code span (SQL may hold backticks). */
function inlineSql(sql: string): string {
  return `“${inlineText(sql, 80)}”`;
}

interface ShapeRow {
  st: StatementTimeComparison;
  endpoints: string[];
}

/** Shapes with a given verdict, merged across endpoints (the same statement used by several). */
function shapes(c: Comparison, pick: (st: StatementTimeComparison) => boolean): ShapeRow[] {
  const by = new Map<string, ShapeRow>();
  for (const s of c.scenarios) {
    for (const st of s.db?.statements ?? []) {
      if (!pick(st)) continue;
      const row = by.get(st.fingerprint);
      if (row) row.endpoints.push(s.name);
      else by.set(st.fingerprint, { st, endpoints: [s.name] });
    }
  }
  return [...by.values()];
}

const us = (v: number | undefined) => (v === undefined ? '—' : formatLatencyUs(v));
const calls = (v: number | undefined) => (v === undefined ? '—' : formatCount(v));

function change(st: StatementTimeComparison): string {
  if (st.change === undefined) return '';
  const ci = st.changeCi ? ` ${formatInterval(st.changeCi.lo, st.changeCi.hi)}` : '';
  return `${formatPercent(st.change)}${ci}`;
}

const VERDICT = { slower: '❌ slower', faster: '✅ faster', '≈': '≈', new: '🆕 new', gone: 'gone' } as const;

/** Plans found on head, by fingerprint. */
function plansOf(head: Results): Map<string, StatementPlan> {
  const out = new Map<string, StatementPlan>();
  for (const s of head.scenarios) for (const p of s.queries?.plans ?? []) out.set(p.fingerprint, p);
  return out;
}

function planBlock(sql: string, plan: StatementPlan | undefined, sqlMax: number): string {
  const parts = [codeBlock(truncate(sql, sqlMax), 'sql')];
  if (plan) {
    for (const f of plan.flags) parts.push(`- ⚠️ ${inlineText(f)}`);
    if (plan.note) parts.push(`_${inlineText(plan.note)}_`);
    if (plan.error) parts.push(`EXPLAIN failed: ${inlineText(plan.error)}`);
    if (plan.text) {
      const title = `Plan${plan.analyze ? ' (EXPLAIN ANALYZE)' : ' (EXPLAIN)'}${plan.flags.length ? '' : ': nothing flagged'}`;
      parts.push(`<details><summary>${htmlText(title)}</summary>\n\n${codeBlock(plan.text)}\n\n</details>`);
    }
  }
  return parts.join('\n\n');
}

/**
 * The "slower statements" part of the query section: slower shapes with SQL, base → head time per
 * call and the endpoints using them, plus new shapes' plans and every compared shape's times.
 */
export function statementTimesSection(c: Comparison, head: Results, opts: { maxRows: number; sqlMax: number }): string | undefined {
  const all = shapes(c, () => true);
  if (!all.some((r) => r.st.p50Us.head !== undefined || r.st.p50Us.base !== undefined)) return undefined;
  const parts: string[] = [];
  const plans = plansOf(head);
  const slower = all.filter((r) => r.st.verdict === 'slower');
  if (slower.length > 0) {
    const rows = slower.map(({ st, endpoints }) => [
      inlineText(st.sql, CELL_SQL),
      `${us(st.p50Us.base)} → ${us(st.p50Us.head)}`,
      change(st),
      `${calls(st.calls.base)} → ${calls(st.calls.head)}`,
      inlineText(endpoints.join(', ')),
    ]);
    parts.push(
      '**Slower statements**',
      markdownTable([['Statement', 'Time per call (base → head)', 'Change [99% CI]', 'Calls/request', 'Used by'], ...rows.slice(0, opts.maxRows)], {
        align: ['l', 'r', 'r', 'r', 'l'],
      }),
    );
  }
  const explained = all.filter((r) => r.st.verdict === 'slower' || r.st.verdict === 'new');
  for (const { st } of explained) {
    const plan = plans.get(st.fingerprint);
    if (!plan && st.verdict === 'new') continue; // a new statement without a plan is already listed as new
    parts.push(`<details><summary>${htmlText(`${st.verdict === 'new' ? 'New' : 'Slower'}: ${truncate(st.sql, 80)}`)}</summary>\n\n${planBlock(st.sql, plan, opts.sqlMax)}\n\n</details>`);
  }
  if (explained.length > 0 && plans.size === 0) parts.push(`_${EXPLAIN_HINT}_`);
  const rows = all
    .filter((r) => r.st.status === 'compared' || r.st.p50Us.head !== undefined)
    .map(({ st, endpoints }) => [
      inlineText(st.sql, CELL_SQL),
      inlineText(endpoints.join(', ')),
      `${calls(st.calls.base)} → ${calls(st.calls.head)}${st.moreCalls ? ' ⬆️' : ''}`,
      `${us(st.p50Us.base)} → ${us(st.p50Us.head)}`,
      change(st),
      VERDICT[st.verdict] + (st.note && st.verdict === '≈' ? ` (${inlineText(st.note)})` : ''),
    ]);
  if (rows.length > 0) {
    const body = markdownTable([['Statement', 'Used by', 'Calls/request', 'Time per call (p50)', 'Change [99% CI]', 'Verdict'], ...rows.slice(0, opts.maxRows)], {
      align: ['l', 'l', 'r', 'r', 'r', 'l'],
    });
    const more = rows.length > opts.maxRows ? `\n\n_… ${rows.length - opts.maxRows} more rows omitted._` : '';
    parts.push(`<details><summary>Database time per statement (${rows.length})</summary>\n\n${body}${more}\n\n</details>`);
  }
  return parts.length ? parts.join('\n\n') : undefined;
}
