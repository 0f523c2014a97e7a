// The side-by-side table on measured data: the rounds that bench/verdicts-aa-power.ts recorded (A/A
// and injected slowdowns, rerun mode, real service) fed to perfgate's rule and to the rules users
// would otherwise pick. Every rule sees the same rounds; only the decision differs.
//
//   node --import tsx bench/verdicts-measured-rules.ts --raw <dir written by verdicts-aa-power --raw>
//
// Prints three tables: the median change each condition caused, the per-round noise (standard
// deviation of the per-round log-ratio head/base, median over comparisons), and the side-by-side rules.
//
// The input is a folder of perfgate results JSON files (`<condition>-<n>.json`) and the
// `conditions.json` the A/A and power bench writes beside them (the condition's display name per
// file prefix). Each scenario in a file is one comparison.
import { parseArgs } from 'node:util';
import { DEFAULT_REGRESSION, METRICS, metricDef, type MetricKey } from '../src/compare/metrics.js';
import { median } from '../src/compare/stats.js';
import { perfgatePaired, type Rule, RULES, type Sample } from './decision-rules.js';
import { readManifest, readResultsFiles } from './raw-results.js';

const MEASURED_METRICS: MetricKey[] = ['rps', 'cpuUsPerRequest', 'p99'];

interface Comparison {
  condition: string;
  samples: Partial<Record<MetricKey, Sample>>;
}

/** Every scenario of every results file as one comparison: head rounds and the base rounds of the same name. */
export interface MeasuredRounds {
  conditions: string[];
  comparisons: Comparison[];
}

export function readComparisons(dir: string): MeasuredRounds {
  // Without a manifest, the file prefix names the condition.
  const manifest = readManifest(dir);
  const nameOf = (slug: string) => manifest.find((m) => m.slug === slug)?.name ?? slug;
  const order = manifest.map((m) => m.name);
  const comparisons: Comparison[] = [];
  for (const { slug, results } of readResultsFiles(dir)) {
    for (const head of results.scenarios) {
      const base = results.base?.scenarios.find((s) => s.name === head.name);
      if (!head.load || !base?.load) continue;
      const samples: Comparison['samples'] = {};
      for (const def of METRICS) {
        const key = def.key;
        const n = Math.min(head.load.rounds.length, base.load.rounds.length);
        const h = head.load.rounds.slice(0, n).map(def.read);
        const b = base.load.rounds.slice(0, n).map(def.read);
        if (h.every((v) => v !== undefined && v > 0) && b.every((v) => v !== undefined && v > 0)) {
          samples[key] = { head: h as number[], base: b as number[] };
        }
      }
      comparisons.push({ condition: nameOf(slug), samples });
    }
    if (!order.includes(nameOf(slug))) order.push(nameOf(slug));
  }
  return { conditions: order.filter((c) => comparisons.some((x) => x.condition === c)), comparisons };
}

function alarms(alarm: Rule['alarm'], metric: MetricKey, c: Comparison): boolean {
  const def = metricDef(metric);
  const sample = c.samples[metric];
  return sample !== undefined && alarm(sample, def, DEFAULT_REGRESSION[def.threshold]);
}

const rate = (k: number, n: number) => (n === 0 ? '–' : `${((100 * k) / n).toFixed(1)}% (${k}/${n})`);

function alarmRate(rule: Rule, metric: MetricKey, comparisons: Comparison[]): string {
  const usable = comparisons.filter((c) => c.samples[metric]);
  return rate(usable.filter((c) => alarms(rule.alarm, metric, c)).length, usable.length);
}

/** What fails a check: any of the six metrics regressed (perfgate's rule, default thresholds). */
function anyMetricRate(comparisons: Comparison[], confidence?: number): string {
  const rule: Rule['alarm'] = (s, def, t) => perfgatePaired(s, def, t, confidence);
  return rate(comparisons.filter((c) => METRICS.some((m) => alarms(rule, m.key, c))).length, comparisons.length);
}

/** Markdown: per condition, the comparisons and the median over them of each metric's median paired change. */
export function measuredChangesTable({ conditions, comparisons }: MeasuredRounds): string {
  const shown: MetricKey[] = ['rps', 'cpuUsPerRequest', 'p50', 'p99'];
  const lines = [
    `| condition | comparisons | ${shown.map((m) => `median change ${metricDef(m).label}`).join(' | ')} |`,
    `| :--- | ---: | ${shown.map(() => '---:').join(' | ')} |`,
  ];
  for (const condition of conditions) {
    const mine = comparisons.filter((c) => c.condition === condition);
    const cells = shown.map((m) => {
      const perComparison = mine.filter((c) => c.samples[m]).map((c) => median(c.samples[m]!.head.map((h, k) => Math.log(h / c.samples[m]!.base[k]))));
      return perComparison.length ? `${((Math.exp(median(perComparison)) - 1) * 100).toFixed(1)}%` : '–';
    });
    lines.push(`| ${condition} | ${mine.length} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Standard deviation of the per-round worse-log differences of one comparison: the noise a pair of rounds carries. */
function roundNoise(sample: Sample): number {
  const d = sample.head.map((h, k) => Math.log(h / sample.base[k]!));
  const mean = d.reduce((a, x) => a + x, 0) / d.length;
  return Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / (d.length - 1));
}

/** Markdown: per condition, the median over comparisons of each metric's per-round noise (sd of the log-ratio). */
export function measuredNoiseTable({ conditions, comparisons }: MeasuredRounds): string {
  const shown: MetricKey[] = ['rps', 'cpuUsPerRequest', 'p50', 'p99'];
  const lines = [
    `| condition | ${shown.map((m) => `per-round noise ${metricDef(m).label}`).join(' | ')} |`,
    `| :--- | ${shown.map(() => '---:').join(' | ')} |`,
  ];
  for (const condition of conditions) {
    const mine = comparisons.filter((c) => c.condition === condition);
    const cells = shown.map((m) => {
      const noise = mine.filter((c) => c.samples[m]).map((c) => roundNoise(c.samples[m]!));
      return noise.length ? `${(median(noise) * 100).toFixed(1)}%` : '–';
    });
    lines.push(`| ${condition} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Markdown: one row per rule and metric, one column per condition (A/A = false alarms, others = detection). */
export function measuredRulesTable({ conditions, comparisons }: MeasuredRounds): string {
  const lines = [
    `| rule | metric | ${conditions.join(' | ')} |`,
    `| :--- | :--- | ${conditions.map(() => '---:').join(' | ')} |`,
  ];
  const anyCells = conditions.map((c) => anyMetricRate(comparisons.filter((x) => x.condition === c)));
  lines.push(`| perfgate paired (rerun): the check fails | any of ${METRICS.length} metrics | ${anyCells.join(' | ')} |`);
  // The same rule with 95% intervals: why the shipped one uses 99% (docs/verdicts.md).
  const any95 = conditions.map((c) => anyMetricRate(comparisons.filter((x) => x.condition === c), 0.95));
  lines.push(`| perfgate paired with 95% intervals: the check would fail | any of ${METRICS.length} metrics | ${any95.join(' | ')} |`);
  for (const rule of RULES) {
    for (const metric of MEASURED_METRICS) {
      const cells = conditions.map((c) => alarmRate(rule, metric, comparisons.filter((x) => x.condition === c)));
      lines.push(`| ${rule.name} | ${metricDef(metric).label} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { raw: { type: 'string' } } });
  if (!values.raw) {
    console.error('usage: node --import tsx bench/verdicts-measured-rules.ts --raw <dir>');
    process.exit(2);
  }
  const measured = readComparisons(values.raw);
  console.log(`${measuredChangesTable(measured)}\n\n${measuredNoiseTable(measured)}\n\n${measuredRulesTable(measured)}`);
}
