// Mermaid xychart of p50/p99 base vs head. GitHub renders ```mermaid blocks in comments; xychart's
// several `bar` series draw on top of each other rather than side by side, so base and head are
// separate categories of one series ("name · base", "name · head"), one chart per percentile.
import type { Comparison } from '../compare/compare.js';

/** More bars than this are unreadable at comment width: the chart is left out. */
const MAX_SCENARIOS = 12;

const MAX_LABEL = 30;

/** Mermaid's category parser chokes on quotes, brackets and commas. Long names end at a word, with "…". */
function label(text: string): string {
  const clean = text.replace(/["[\],;#`]/g, ' ').replace(/\s+/g, ' ').trim();
  if (clean.length <= MAX_LABEL) return clean;
  const cut = clean.slice(0, MAX_LABEL - 1);
  // A word or path segment ends at a space or a slash (kept): "…new sessio" reads as a typo.
  const boundary = Math.max(cut.lastIndexOf(' '), cut.lastIndexOf('/') + 1);
  return `${(boundary >= MAX_LABEL / 2 ? cut.slice(0, boundary) : cut).trimEnd()}…`;
}

export function renderChart(comparison: Comparison): string | undefined {
  const rows = comparison.scenarios.filter((s) => s.status === 'compared' && s.metrics.some((m) => m.metric === 'p50'));
  if (rows.length === 0 || rows.length > MAX_SCENARIOS) return undefined;
  // Truncated names can collide ("GET /api/v1/organizations/{id}/…"): number the repeats, or two
  // scenarios would share (and in mermaid's band axis, merge into) one pair of bars.
  const names = new Map<string, number>();
  const labels = rows.map((s) => {
    const base = label(s.name);
    const seen = names.get(base) ?? 0;
    names.set(base, seen + 1);
    return seen === 0 ? base : `${base} (${seen + 1})`;
  });
  const charts: string[] = [];
  for (const metric of ['p50', 'p99'] as const) {
    const categories: string[] = [];
    const values: number[] = [];
    for (const [i, s] of rows.entries()) {
      const m = s.metrics.find((x) => x.metric === metric);
      if (!m) continue;
      categories.push(`"${labels[i]} · base"`, `"${labels[i]} · head"`);
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
