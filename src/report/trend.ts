// "Main's recent history" in the report: whether the noise model could judge cross-run timing, and
// one line per scenario with main's recent p50 and CPU/request as a sparkline, this PR's value
// marked after the arrow on the same scale — so a reviewer sees whether a number is new or main has
// been drifting. Pure: results in, markdown out.
import type { HistorySummary } from '../compare/history.js';
import { historySeries, orderHistory, RERUN_HINT, runLevelValue } from '../compare/history.js';
import { metricDef, type MetricKey } from '../compare/metrics.js';
import { VERDICT_CONFIDENCE_LABEL } from '../compare/verdict.js';
import type { Results } from '../results/types.js';
import { inlineText } from './escape.js';
import { formatValue } from './format.js';

const BARS = '▁▂▃▄▅▆▇█';
const TREND_METRICS: readonly MetricKey[] = ['p50', 'cpuUsPerRequest'];
/**
 * Bars drawn per metric: the newest runs of main, at most this many. `history-runs` goes up to 100
 * (101 runs with the baseline), and two such lines per scenario would wrap in the comment. The
 * newest rather than buckets of several runs: every bar is then one run, as the PR's bar is, so the
 * bars spread as far as main really moves run to run — averages of 4–5 runs would look calmer than
 * main is and make an ordinary PR value stand out. Main's level (the "main …" value) is still over
 * every run the noise model uses. 24 keeps the default (20 runs plus the baseline) whole.
 */
export const MAX_TREND_POINTS = 24;

/** Values as bars on one shared scale (min → ▁, max → █); all equal → all ▄. */
export function sparkline(values: readonly number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return values.map((v) => (hi > lo ? BARS[Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))] : BARS[3])).join('');
}

/** Main's level as the noise model sees it (the mean on the log scale), so it matches the Base column. */
function geometricMean(values: readonly number[]): number {
  return Math.exp(values.reduce((a, v) => a + Math.log(v), 0) / values.length);
}

export interface TrendInput {
  head: Results;
  base?: Results;
  /** Main's recent runs, any order; the baseline run may be among them. */
  history: readonly Results[];
  summary?: HistorySummary;
  maxRows: number;
}

export function renderTrends(input: TrendInput): string | undefined {
  const history = orderHistory(input.base ? [...input.history, input.base] : input.history);
  const parts: string[] = ['#### Main\'s recent history'];
  const s = input.summary;
  if (s && s.gating) {
    parts.push(
      `Cross-run timing changes are judged against how much main moved over its last ${s.runs} runs ` +
        `(a ${VERDICT_CONFIDENCE_LABEL} prediction interval on the log scale); the Base column shows main's level over those runs.`,
    );
  } else if (s) {
    parts.push(
      `> ⚠️ Main's history has ${s.runs} run${s.runs === 1 ? '' : 's'} of the ${s.minRuns} needed to tell a timing change from machine noise across runs, ` +
        `so timing changes against it are **reported, not failing**. Query counts and budgets gate as usual. ` +
        `The history fills as main is pushed; ${RERUN_HINT}.`,
    );
  }
  const lines: string[] = [];
  for (const scenario of input.head.scenarios) {
    const cells: string[] = [];
    for (const key of TREND_METRICS) {
      const def = metricDef(key);
      const points = historySeries(history, scenario.name, def).map((p) => p.value);
      const head = runLevelValue(def, scenario);
      if (points.length < 2 || head === undefined) continue;
      const bars = sparkline([...points.slice(-MAX_TREND_POINTS), head]);
      cells.push(
        `${def.label} \`${bars.slice(0, -1)}\` → \`${bars.slice(-1)}\` **${formatValue(def.unit, head)}** (main ${formatValue(def.unit, geometricMean(points))})`,
      );
    }
    if (cells.length > 0) lines.push(`- ${inlineText(scenario.name)} · ${cells.join(' · ')}`);
  }
  if (lines.length > input.maxRows) lines.splice(input.maxRows, lines.length, `- … ${lines.length - input.maxRows} more`);
  const runs = history.length > MAX_TREND_POINTS ? `the newest ${MAX_TREND_POINTS} of ${history.length} runs of main` : `${history.length} runs of main`;
  if (lines.length > 0) parts.push(`Oldest → newest of ${runs}, then this run:\n\n${lines.join('\n')}`);
  return parts.length > 1 ? parts.join('\n\n') : undefined;
}
