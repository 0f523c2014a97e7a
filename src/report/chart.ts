// Mermaid xychart of p50/p99 base vs head. GitHub renders ```mermaid blocks in comments; xychart's
// several `bar` series draw on top of each other rather than side by side, so base and head are
// separate categories of one series ("name · base", "name · head"), one chart per percentile.
import type { Comparison } from '../compare/compare.js';

/** More bars than this are unreadable at comment width: the chart is left out. */
const MAX_SCENARIOS = 12;

/** Mermaid's category parser chokes on quotes, brackets and commas. */
function label(text: string): string {
  return text.replace(/["[\],;#`]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 30);
}

export function renderChart(comparison: Comparison): string | undefined {
  const rows = comparison.scenarios.filter((s) => s.status === 'compared' && s.metrics.some((m) => m.metric === 'p50'));
  if (rows.length === 0 || rows.length > MAX_SCENARIOS) return undefined;
  const charts: string[] = [];
  for (const metric of ['p50', 'p99'] as const) {
    const categories: string[] = [];
    const values: number[] = [];
    for (const s of rows) {
      const m = s.metrics.find((x) => x.metric === metric);
      if (!m) continue;
      categories.push(`"${label(s.name)} · base"`, `"${label(s.name)} · head"`);
      values.push(m.base / 1000, m.head / 1000);
    }
    if (values.length === 0) continue;
    const top = Math.max(...values) * 1.1;
    charts.push(
      [
        '```mermaid',
        'xychart-beta',
        `    title "${metric} latency (ms), base vs head"`,
        `    x-axis [${categories.join(', ')}]`,
        `    y-axis "ms" 0 --> ${round(top)}`,
        `    bar [${values.map(round).join(', ')}]`,
        '```',
      ].join('\n'),
    );
  }
  return charts.length ? charts.join('\n\n') : undefined;
}

function round(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}
