// The one markdown document used for the PR comment, the job summary, `--report` and the terminal:
// headline, timing table with CIs (benchstat style), budgets, queries, chart, and how it was measured.
// Pure: a Comparison and the two Results in, a string out.
import { markdownTable } from 'markdown-table';
import { BUDGET_LABEL, type BudgetCheck } from '../compare/budgets.js';
import { type Comparison, type ConfirmationSummary, type Decision, decide, type MetricComparison, type ScenarioComparison } from '../compare/compare.js';
import { DEFAULT_CROSS_MACHINE, formatThreshold } from '../compare/metrics.js';
import { formatConfidence, type QueryComparison, VERDICT_CONFIDENCE, VERDICT_CONFIDENCE_LABEL } from '../compare/verdict.js';
import type { FailOn } from '../config/types.js';
import type { LoadResult, Results, ScenarioResult, StatementCount } from '../results/types.js';
import { renderChart } from './chart.js';
import { describeStop } from './stop.js';
import { dbBlameLines, statementTimesSection } from './statements.js';
import { renderTrends } from './trend.js';
import { codeBlock, codeSpan, htmlText, inlineText, MAX_CHARS, truncate } from './escape.js';
import { formatCount, formatInterval, formatLatencyUs, formatPercent, formatRps, formatValue } from './format.js';

/** A scenario name from results (untrusted): capped and escaped for inline markdown. */
const nameText = (name: string): string => inlineText(name, MAX_CHARS.name);

/** GitHub's comment limit is 65,536 characters; stay clear of it with room for a marker line. */
export const DEFAULT_MAX_CHARS = 60_000;
const MAX_REASONS = 10;

export interface ReportContext {
  head: Results;
  base?: Results;
  /** Shown in the headline, to tell several configs' comments apart. */
  configName?: string;
  /** Command a developer runs locally to get the same numbers. */
  reproduceCommand: string;
  /** 'head-only': no baseline was asked for (plain `perfgate run`, the demo). */
  mode: 'paired' | 'unpaired' | 'head-only';
  maxChars?: number;
  /** Used to compute the decision when `decision` is not given. Default: both. */
  failOn?: readonly FailOn[];
  decision?: Decision;
  /** Why a requested baseline is missing (e.g. "no baseline artifact on main yet"). */
  baselineProblem?: string;
  /** Main's recent runs (unpaired comparisons): trends and the noise model's note. */
  history?: readonly Results[];
}

/** How much detail one rendering carries; the renderer steps down these until the text fits. */
interface Detail {
  statementLists: boolean;
  chart: boolean;
  sqlMax: number;
  nPlusOneSql: boolean;
  /** One row for a scenario whose metrics are all unchanged, so regressions stay visible. */
  compactTiming: boolean;
  /** Table rows kept per table; beyond it a "… more" line. */
  maxRows: number;
}

const LEVELS: readonly Omit<Detail, 'maxRows'>[] = [
  { statementLists: true, chart: true, sqlMax: Infinity, nPlusOneSql: true, compactTiming: false },
  { statementLists: false, chart: true, sqlMax: Infinity, nPlusOneSql: true, compactTiming: false },
  { statementLists: false, chart: false, sqlMax: Infinity, nPlusOneSql: true, compactTiming: false },
  { statementLists: false, chart: false, sqlMax: 500, nPlusOneSql: true, compactTiming: false },
  { statementLists: false, chart: false, sqlMax: 120, nPlusOneSql: true, compactTiming: false },
  { statementLists: false, chart: false, sqlMax: 120, nPlusOneSql: false, compactTiming: false },
  { statementLists: false, chart: false, sqlMax: 120, nPlusOneSql: false, compactTiming: true },
];

export function renderReport(comparison: Comparison, ctx: ReportContext): string {
  const max = ctx.maxChars ?? DEFAULT_MAX_CHARS;
  const decision = ctx.decision ?? decide(comparison, ctx.failOn ?? ['budget', 'regression']);
  let text = '';
  for (let i = 0; i < LEVELS.length; i++) {
    text = render(comparison, ctx, decision, { ...LEVELS[i], maxRows: Infinity }, i > 0);
    if (text.length <= max) return text;
  }
  // Still too long: many scenarios. Keep whole rows only, as many as fit.
  const last = LEVELS[LEVELS.length - 1];
  let lo = 0;
  let hi = 100_000;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(comparison, ctx, decision, { ...last, maxRows: mid }, true).length <= max) lo = mid;
    else hi = mid - 1;
  }
  return render(comparison, ctx, decision, { ...last, maxRows: lo }, true);
}

function render(comparison: Comparison, ctx: ReportContext, decision: Decision, detail: Detail, collapsed: boolean): string {
  const parts: string[] = [headline(comparison, decision, ctx)];
  const blame = dbBlameLines(comparison);
  if (blame.length) parts.push(limitLines(blame, detail.maxRows).join('\n'));
  // Inconclusive metrics are explained row by row in the table; the list is for what failed the run.
  if (decision.verdict === 'fail') {
    parts.push(limitLines(decision.reasons.map((r) => `- ${inlineText(r)}`), Math.min(MAX_REASONS, detail.maxRows)).join('\n'));
  }
  if (!comparison.hasBaseline) {
    if (ctx.mode !== 'head-only' || ctx.baselineProblem) {
      parts.push(
        `> **No baseline to compare against**${ctx.baselineProblem ? ` (${inlineText(ctx.baselineProblem)})` : ''}: ` +
          'only absolute budgets apply. The next run on the base branch records one.',
      );
    }
    parts.push(...headOnlySections(comparison, ctx.head, detail));
  } else {
    parts.push('#### Timing', timingTable(comparison, ctx.head, detail));
    const trends = ctx.history && comparison.crossMachine ? renderTrends({ ...ctx, history: ctx.history, summary: comparison.history, maxRows: detail.maxRows }) : undefined;
    if (trends) parts.push(trends);
    const warnings = measurementWarnings(ctx.head, ctx.base, detail);
    if (warnings) parts.push(warnings);
    const budgets = budgetTable(comparison, detail);
    if (budgets) parts.push('#### Budgets', budgets);
    const queries = queriesSection(comparison, detail);
    if (queries) parts.push('#### Queries', queries);
    const times = statementTimesSection(comparison, ctx.head, detail);
    if (times) parts.push(times);
    const chart = detail.chart ? renderChart(comparison) : undefined;
    if (chart) parts.push(chart);
  }
  if (collapsed) {
    parts.push('_Some detail was collapsed to fit the comment size limit; the full numbers are in the results JSON._');
  }
  parts.push(footer(comparison, ctx));
  return parts.join('\n\n') + '\n';
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function headline(c: Comparison, d: Decision, ctx: ReportContext): string {
  const t = c.totals;
  const budgets = c.scenarios.flatMap((s) => s.budgets);
  const budgetsTotal = budgets.length;
  const name = ctx.configName ? ` · ${inlineText(ctx.configName, MAX_CHARS.name)}` : '';
  const bits: string[] = [];
  if (c.hasBaseline) bits.push(plural(t.regressions, 'regression'));
  if (budgetsTotal > 0) {
    const passed = budgets.filter((b) => b.status === 'pass').length;
    const noData = budgets.filter((b) => b.status === 'no-data').length;
    bits.push(t.violations ? plural(t.violations, 'budget violation') : `${passed}/${budgetsTotal} budgets pass`);
    if (noData > 0) bits.push(`${noData} without data`);
  }
  if (t.inconclusive) bits.push(`${t.inconclusive} inconclusive`);
  if (t.improvements) bits.push(`${t.improvements} improved`);
  if (t.errors) bits.push(plural(t.errors, 'scenario', 'scenarios') + ' failed');
  const summary = bits.length ? bits.join(', ') : `${plural(c.scenarios.length, 'scenario')} measured`;
  const icon = d.verdict === 'fail' ? '❌' : d.verdict === 'inconclusive' ? '⚠️' : '✅';
  const word = d.verdict === 'fail' ? 'fail' : d.verdict === 'inconclusive' ? 'inconclusive' : 'pass';
  return `### ${icon} perfgate: ${word} — ${summary}${name}`;
}

/** Caveats the load stage recorded (e.g. a saturated load generator), for every side that has them. */
function measurementWarnings(head: Results, base: Results | undefined, detail: Detail): string | undefined {
  const lines: string[] = [];
  const add = (scenario: string, side: string, load: LoadResult | undefined): void => {
    for (const w of load?.warnings ?? []) lines.push(`> ⚠️ ${nameText(scenario)}${side}: ${inlineText(w)}`);
  };
  for (const s of head.scenarios) {
    add(s.name, base ? ' (head)' : '', s.load);
    add(s.name, ' (head alone)', s.solo);
  }
  for (const s of base?.scenarios ?? []) add(s.name, ' (base)', s.load);
  if (lines.length === 0) return undefined;
  const kept = [...new Set(lines)];
  return (kept.length > detail.maxRows ? [...kept.slice(0, detail.maxRows), `> … ${kept.length - detail.maxRows} more`] : kept).join('\n>\n');
}

function limitLines(lines: string[], maxRows: number): string[] {
  if (lines.length <= maxRows) return lines;
  return [...lines.slice(0, maxRows), `- … ${lines.length - maxRows} more`];
}

function table(header: string[], rows: string[][], maxRows: number, align?: string[]): string {
  const kept = rows.length > maxRows ? rows.slice(0, maxRows) : rows;
  const out = markdownTable([header, ...kept], { align });
  return rows.length > maxRows ? `${out}\n\n_… ${rows.length - maxRows} more rows omitted._` : out;
}

// ---------------------------------------------------------------- timing

const VERDICT_TEXT = {
  regressed: '❌ regressed',
  improved: '✅ improved',
  unchanged: 'unchanged',
  inconclusive: '⚠️ inconclusive',
} as const;

/** benchstat style: `+7.3% [5.2, 9.1]`; `~` when the interval contains 0 and nothing changed. */
export function formatChange(m: MetricComparison): string {
  if (!m.changeCi) return `${formatPercent(m.change)} (no CI)`;
  const ci = formatInterval(m.changeCi.lo, m.changeCi.hi);
  const p = formatP(m.shift.p);
  if (m.verdict === 'unchanged' && m.changeCi.lo <= 0 && m.changeCi.hi >= 0) return `~ ${ci} ${p}`;
  return `${formatPercent(m.change)} ${ci} ${p}`;
}

/** The test's p-value, benchstat style (sign test when paired, Mann–Whitney when not). */
function formatP(p: number): string {
  if (!Number.isFinite(p)) return '';
  if (p < 0.001) return 'p<0.001';
  return `p=${p.toFixed(p < 0.01 ? 3 : 2)}`;
}

function timingTable(c: Comparison, head: Results, detail: Detail): string {
  const headByName = new Map(head.scenarios.map((s) => [s.name, s]));
  const rows: string[][] = [];
  for (const s of c.scenarios) {
    const name = nameText(s.name);
    if (s.status === 'removed') {
      rows.push([name, '', '', '', '', '', 'removed from head']);
      continue;
    }
    if (s.status === 'error') {
      rows.push([name, '', '', '', '', '', `💥 not measured: ${inlineText(s.error ?? '')}`]);
      continue;
    }
    if (s.status === 'added' || s.status === 'no-baseline' || s.metrics.length === 0) {
      const load = headByName.get(s.name)?.load;
      const head = load ? `p50 ${formatLatencyUs(load.latencyUs.p50)} · ${formatRps(load.rps)} rps` : '—';
      const why =
        s.status === 'added'
          ? '🆕 new scenario: budgets only'
          : inlineText(s.notes.join('; ') || (s.status === 'compared' ? 'no usable rounds to compare' : 'no baseline numbers'));
      rows.push([name, '', '—', head, '', '', why]);
      continue;
    }
    if (detail.compactTiming && s.metrics.every((m) => m.verdict === 'unchanged') && s.notes.length === 0) {
      rows.push([name, 'all', '', '', '', '', `unchanged (${s.metrics.length} metrics)`]);
      continue;
    }
    s.metrics.forEach((m, i) => {
      const verdict = VERDICT_TEXT[m.verdict] + (m.note ? `: ${inlineText(m.note)}` : '');
      rows.push([
        i === 0 ? name : '',
        m.label,
        formatValue(m.unit, m.base),
        formatValue(m.unit, m.head),
        formatChange(m),
        formatThreshold(m.threshold),
        verdict,
      ]);
    });
    for (const note of s.notes) rows.push(['', '', '', '', '', '', `ℹ️ ${inlineText(note)}`]);
    // The strictest: ruled-out metrics carry their looser level, and say so in their note.
    const used = Math.max(VERDICT_CONFIDENCE, ...s.metrics.map((m) => m.confidence));
    if (used !== VERDICT_CONFIDENCE) {
      rows.push(['', '', '', '', '', '', `ℹ️ intervals at ${formatConfidence(used)}: the rounds were judged after every block, and all looks together keep ${VERDICT_CONFIDENCE_LABEL}`]);
    }
  }
  return table(['Scenario', 'Metric', 'Base', 'Head', `Change [${VERDICT_CONFIDENCE_LABEL} CI] p`, 'Threshold', 'Verdict'], rows, detail.maxRows, [
    'l',
    'l',
    'r',
    'r',
    'r',
    'r',
    'l',
  ]);
}

// ---------------------------------------------------------------- budgets


const STATUS_TEXT = { pass: '✅ pass', fail: '❌ fail', 'no-data': '⚪ no data' } as const;

function budgetLimit(b: BudgetCheck): string {
  return `${b.kind === 'max' ? '≤' : '≥'} ${formatValue(b.unit, b.limit)}`;
}

function budgetTable(c: Comparison, detail: Detail): string | undefined {
  const rows: string[][] = [];
  for (const s of c.scenarios) {
    s.budgets.forEach((b) => {
      rows.push([nameText(s.name), BUDGET_LABEL[b.budget], budgetLimit(b), formatValue(b.unit, b.actual), STATUS_TEXT[b.status]]);
    });
  }
  if (rows.length === 0) return undefined;
  return table(['Scenario', 'Budget', 'Limit', 'Actual', 'Status'], rows, detail.maxRows, ['l', 'l', 'r', 'r', 'l']);
}

// ---------------------------------------------------------------- queries

function queryFindings(q: QueryComparison, hasBase: boolean): string {
  const f: string[] = [];
  if (q.nPlusOne.length) {
    const fresh = hasBase && q.newNPlusOne.length ? ` (${q.newNPlusOne.length} new)` : '';
    f.push(`⚠️ ${plural(q.nPlusOne.length, 'N+1 suspect')}${fresh}`);
  }
  if (q.duplicates.length) f.push(plural(q.duplicates.length, 'duplicate query', 'duplicate queries'));
  if (q.headStable === false || q.baseStable === false) {
    // Say which probes disagreed: the reader can tell a one-off (a late statement) from a pattern.
    const sides = [
      q.headStable === false && q.headPerProbe ? `head ${q.headPerProbe.join(', ')}` : '',
      q.baseStable === false && q.basePerProbe ? `base ${q.basePerProbe.join(', ')}` : '',
    ].filter(Boolean);
    f.push(`⚠️ unstable counts across probes${sides.length ? ` (${sides.join('; ')})` : ''}`);
  }
  for (const note of q.notes ?? []) f.push(`⚠️ ${note}`);
  if (q.newFingerprints.length) f.push(`${plural(q.newFingerprints.length, 'new statement')}`);
  if (q.removedFingerprints.length) f.push(`${q.removedFingerprints.length} removed`);
  if (q.background) f.push(`${formatCount(q.background)} background statements`);
  if (q.transactionControl) f.push(`incl. ${formatCount(q.transactionControl)} transaction control`);
  return f.join('; ');
}

const QUERY_VERDICT = { regressed: '❌ regressed', improved: '✅ fewer', unchanged: 'unchanged', 'no-data': '—' } as const;

function queriesSection(c: Comparison, detail: Detail): string | undefined {
  const withQueries = c.scenarios.filter((s) => s.queries);
  if (withQueries.length === 0) return undefined;
  const rows = withQueries.map((s) => {
    const q = s.queries!;
    const counts = q.base === undefined ? `— → ${formatCount(q.head)}` : `${formatCount(q.base)} → ${formatCount(q.head)}`;
    const verdict = q.verdict === 'regressed' ? `❌ regressed (allowed +${q.threshold})` : QUERY_VERDICT[q.verdict];
    return [nameText(s.name), counts, verdict, queryFindings(q, c.hasBaseline)];
  });
  const parts = [table(['Scenario', 'Queries/request (base → head)', 'Verdict', 'Findings'], rows, detail.maxRows, ['l', 'r', 'l', 'l'])];
  for (const s of withQueries) {
    const d = queryDetails(s.name, s.queries!, detail, c.hasBaseline);
    if (d) parts.push(d);
  }
  return parts.join('\n\n');
}

function statementList(items: StatementCount[], detail: Detail): string {
  return items
    .map((st) => `- ×${formatCount(st.count)}\n\n${indent(codeBlock(st.sql || st.fingerprint, 'sql', Math.min(detail.sqlMax, MAX_CHARS.code)))}`)
    .join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function queryDetails(fullName: string, q: QueryComparison, detail: Detail, hasBase: boolean): string | undefined {
  const name = truncate(fullName, MAX_CHARS.name);
  const blocks: string[] = [];
  // Without a base every finding is "new": the tag would only be noise.
  const fresh = new Set(hasBase ? q.newNPlusOne.map((f) => f.fingerprint) : []);
  if (q.nPlusOne.length && detail.nPlusOneSql) {
    const body = q.nPlusOne
      .map((f) => {
        const tag = fresh.has(f.fingerprint) ? ' — **new**' : '';
        return `- ×${formatCount(f.count)} per request, ${formatCount(f.distinctParams)} distinct parameter sets${tag}\n\n${indent(
          codeBlock(f.sql, 'sql', Math.min(detail.sqlMax, MAX_CHARS.code)),
        )}`;
      })
      .join('\n');
    blocks.push(details(`N+1 suspects in ${name} (${q.nPlusOne.length})`, body));
  }
  if (detail.statementLists) {
    if (q.duplicates.length) blocks.push(details(`Duplicate queries in ${name} (${q.duplicates.length})`, statementList(q.duplicates, detail)));
    if (q.newFingerprints.length)
      blocks.push(details(`New statements in ${name} (${q.newFingerprints.length})`, statementList(q.newFingerprints, detail)));
    if (q.removedFingerprints.length)
      blocks.push(details(`Removed statements in ${name} (${q.removedFingerprints.length})`, statementList(q.removedFingerprints, detail)));
  }
  return blocks.length ? blocks.join('\n\n') : undefined;
}

/** Blank lines inside <details> make GitHub render the markdown within. */
function details(summary: string, body: string): string {
  return `<details><summary>${htmlText(summary, MAX_CHARS.name + 100)}</summary>\n\n${body}\n\n</details>`;
}

// ---------------------------------------------------------------- head only

function headOnlySections(c: Comparison, head: Results, detail: Detail): string[] {
  const out: string[] = [];
  const byName = new Map(head.scenarios.map((s) => [s.name, s]));
  let shown = 0;
  for (const s of c.scenarios) {
    if (shown >= detail.maxRows) {
      out.push(`_… ${c.scenarios.length - shown} more scenarios omitted._`);
      break;
    }
    shown++;
    const r = byName.get(s.name);
    const title = r?.request
      ? `#### ${nameText(s.name)} · ${codeSpan(`${r.request.method} ${r.request.path}`, MAX_CHARS.text)}`
      : `#### ${nameText(s.name)}`;
    if (s.status === 'error' || !r?.load) {
      out.push(title, `💥 not measured: ${inlineText(s.error ?? 'no load results')}`);
      continue;
    }
    out.push(title, headOnlyTable(s, r, detail));
    if (r.load.warnings?.length) out.push(r.load.warnings.map((w) => `> ⚠️ ${inlineText(w)}`).join('\n'));
    if (s.queries) {
      const d = queryDetails(s.name, s.queries, detail, false);
      if (d) out.push(d);
    }
  }
  return out;
}

function headOnlyTable(s: ScenarioComparison, r: ScenarioResult, _detail: Detail): string {
  const load = r.load!;
  const budget = new Map(s.budgets.map((b) => [b.budget, b]));
  const status = (key: BudgetCheck['budget']) => {
    const b = budget.get(key);
    return b ? `${budgetLimit(b)} ${STATUS_TEXT[b.status]}` : '';
  };
  // Nothing completed: the percentiles of an empty histogram read 0 µs, which would look fast.
  const latency = (us: number) => (load.requests === 0 ? formatLatencyUs(Infinity) : formatLatencyUs(us));
  const rows: string[][] = [
    ['rps', formatRps(load.rps), status('minRps')],
    ['p50', latency(load.latencyUs.p50), status('p50Us')],
    ['p90', latency(load.latencyUs.p90), status('p90Us')],
    ['p99', latency(load.latencyUs.p99), status('p99Us')],
  ];
  if (budget.has('maxUs')) rows.push(['max', latency(load.latencyUs.max), status('maxUs')]);
  if (load.requestsPerConnection !== undefined) rows.push(['connections', load.requestsPerConnection > 1 ? `new every ${load.requestsPerConnection} requests` : 'new connection per request', '']);
  const errorText = load.non2xx ? `${formatCount(load.errors + load.non2xx)} (${formatCount(load.non2xx)} non-2xx)` : formatCount(load.errors);
  rows.push(['errors', errorText, status('errors')]);
  if (load.cpuUsPerRequest !== undefined || budget.has('cpuUsPerRequest'))
    rows.push(['service CPU/request', formatLatencyUs(load.cpuUsPerRequest), status('cpuUsPerRequest')]);
  if (load.peakRssBytes !== undefined || budget.has('rssBytes'))
    rows.push(['peak RSS', formatValue('bytes', load.peakRssBytes), status('rssBytes')]);
  if (s.queries || budget.has('queries')) {
    const q = s.queries;
    const flags = q ? [q.headStable === false ? `⚠️ unstable probes ${(q.headPerProbe ?? []).join('/')}` : '', q.nPlusOne.length ? `⚠️ ${plural(q.nPlusOne.length, 'N+1 suspect')}` : '']
      .filter(Boolean)
      .join(', ') : '';
    rows.push(['queries/request', `${formatCount(q?.head)}${flags ? ` (${flags})` : ''}`, status('queries')]);
    if (q?.duplicates.length) rows.push(['duplicate queries', formatCount(q.duplicates.length), '']);
    if (q?.background) rows.push(['background statements', formatCount(q.background), '']);
  }
  const hasBudgets = s.budgets.length > 0;
  const header = hasBudgets ? ['Metric', 'Value', 'Budget'] : ['Metric', 'Value'];
  return markdownTable([header, ...rows.map((row) => (hasBudgets ? row : row.slice(0, 2)))], { align: ['l', 'r', 'l'] });
}

// ---------------------------------------------------------------- footer

function runnerText(r: Results): string {
  const run = r.meta.runner;
  const field = (v: unknown) => (v === undefined || v === null || v === '' ? '' : inlineText(String(v), MAX_CHARS.field));
  return [field(run.os), `${field(run.cpus)} CPUs`, field(run.cpuModel), `Node ${field(run.node)}`].filter(Boolean).join(' · ');
}

/** What confirmation by rerun re-measured and what it confirmed (scenario names are untrusted). */
function confirmationLine(k: ConfirmationSummary): string {
  const ref = inlineText(/^[0-9a-f]{40}$/.test(k.ref) ? k.ref.slice(0, 7) : k.ref, MAX_CHARS.field);
  if (k.failed !== undefined) {
    return `**Confirmation by rerun:** could not run against base ${ref} (${inlineText(k.failed, MAX_CHARS.field)}): regressions across runs stand, suspects stay inconclusive`;
  }
  const parts: string[] = [];
  const flagged = k.flagged.confirmed + k.flagged.notConfirmed;
  const suspects = k.suspects.confirmed + k.suspects.notConfirmed;
  if (flagged) parts.push(`${k.flagged.confirmed} of ${flagged} regression(s) across runs confirmed`);
  if (suspects) parts.push(`${k.suspects.confirmed} of ${suspects} suspect change(s) confirmed (worse than the threshold across runs, where main's history could not call them)`);
  const names = k.remeasured.map(nameText).join(', ') || 'nothing';
  return `**Confirmation by rerun:** re-measured ${names} paired with base ${ref} on this runner; ${parts.join('; ') || 'no timing metric to confirm'}. Only confirmed regressions fail.`;
}

function shortSha(sha?: string): string | undefined {
  return sha ? inlineText(sha.slice(0, 7)) : undefined;
}

/** Scenarios whose rounds adapted (more blocks, or longer rounds): how measuring ended for each. */
function measuringLines(head: Results): string | undefined {
  const parts: string[] = [];
  for (const s of head.scenarios) {
    const stop = s.stop;
    if (!stop || (stop.reason === 'fixed' && !stop.roundSizing)) continue;
    const sized = stop.roundSizing ? ` — ${stop.roundSizing}` : '';
    parts.push(`${inlineText(s.name)}: ${inlineText(describeStop(stop))}${inlineText(sized)}`);
  }
  return parts.length > 0 ? `**Measuring:** ${parts.join('; ')}` : undefined;
}

/** How DB-bound latencies were taken: without the proxy in a second boot, or through it. */
function dbTimingLine(head: Results): string | undefined {
  const boots = (head.meta.passes ?? []).map((p) => `${p.side} ${p.pass} ${(p.bootMs / 1000).toFixed(1)} s`).join(', ');
  const bootText = boots ? ` (boots: ${boots})` : '';
  if (head.meta.dbTiming === 'direct') {
    return `**Timings and counts:** queries counted through perfgate's proxy in a first boot; the timed rounds ran in a second boot without the query proxy, straight to the database${bootText}.`;
  }
  if (head.meta.dbTiming === 'proxied') {
    return `**Timings and counts:** ⚠️ one boot (\`database.timing: proxied\`): DB-bound timings include the query proxy's extra hop on every database round trip${bootText}.`;
  }
  return undefined;
}

function alternatingHow(turns: number): string {
  if (turns === 1) return 'one after the other in random order (AB/BA)';
  return `one after the other, ${turns} turns each per round (ABBA… from a random start), each side's turns merged into its round`;
}

function footer(c: Comparison, ctx: ReportContext): string {
  const lines: string[] = [];
  const roundsHead = [...new Set(c.scenarios.filter((s) => s.status !== 'removed').map((s) => s.rounds.head))];
  const roundsBase = [...new Set(c.scenarios.map((s) => s.rounds.base).filter((n): n is number => n !== undefined))];
  let rounds = `${roundsHead.join('/') || 0} per scenario`;
  if (c.hasBaseline && roundsBase.length) rounds = `head ${roundsHead.join('/') || 0}, base ${roundsBase.join('/')} per scenario`;
  lines.push(`**Rounds:** ${rounds}`);
  if (!c.hasBaseline) {
    lines.push('**Mode:** head only — no baseline, absolute budgets only');
  } else if (c.pairing === 'paired') {
    // Results written before the schedule existed were alternating.
    const how =
      ctx.head.meta.schedule === 'simultaneous'
        ? 'at the same time, each under its own load (so timing figures are lower than alone; budgets use rounds of head alone)'
        : alternatingHow(Math.max(1, ...ctx.head.scenarios.map((s) => s.stop?.turns ?? 1)));
    const pairs = Math.max(1, ...ctx.head.scenarios.map((s) => s.stop?.processPairs ?? 1));
    const restarted = pairs > 1 ? `, both restarted between blocks of rounds (up to ${pairs} process pairs per scenario)` : '';
    lines.push(
      `**Mode:** paired — base and head ran round by round on the same runner, ${how}${restarted}; per round, the log-ratio head/base is one sample; ` +
        `estimate = its median, ${VERDICT_CONFIDENCE_LABEL} CI by order statistics (sign test).`,
    );
  } else if (c.history?.gating) {
    lines.push(
      `**Mode:** unpaired — base was measured in another job; timing is judged against main's last ${c.history.runs} runs ` +
        `(log-scale t prediction interval, ${VERDICT_CONFIDENCE_LABEL}; configured thresholds). Query counts compare exactly.`,
    );
  } else {
    const p = DEFAULT_CROSS_MACHINE;
    lines.push(
      `**Mode:** unpaired — ⚠️ **this comparison crosses machines**: base was measured in another job. ` +
        `Hodges–Lehmann shift with a Mann–Whitney ${VERDICT_CONFIDENCE_LABEL} CI; timing thresholds widened to max(${p.scale}×T, ${p.floor * 100}%). ` +
        'Query counts compare exactly. For tighter verdicts use `baseline: { source: rerun }`.',
    );
  }
  if (c.confirmation) lines.push(confirmationLine(c.confirmation));
  const measuring = measuringLines(ctx.head);
  if (measuring) lines.push(measuring);
  const timing = dbTimingLine(ctx.head);
  if (timing) lines.push(timing);
  const headSha = shortSha(ctx.head.meta.commit);
  const baseSha = shortSha(ctx.base?.meta.commit ?? ctx.head.base?.commit);
  if (headSha || baseSha) lines.push(`**Commits:** ${c.hasBaseline ? `base ${baseSha ?? '?'} → ` : ''}head ${headSha ?? '?'}`);
  const headRunner = runnerText(ctx.head);
  const baseRunner = ctx.base && c.crossMachine ? runnerText(ctx.base) : undefined;
  lines.push(`**Runner:** ${headRunner}${baseRunner && baseRunner !== headRunner ? ` (base: ${baseRunner})` : ''}`);
  lines.push(`**Tool:** ${inlineText(ctx.head.tool.name, MAX_CHARS.field)} ${inlineText(ctx.head.tool.version, MAX_CHARS.field)}`);
  const cmd = `**Reproduce locally:**\n\n${codeBlock(ctx.reproduceCommand, 'sh')}`;
  return `---\n\n${lines.join('  \n')}\n\n${cmd}`;
}
