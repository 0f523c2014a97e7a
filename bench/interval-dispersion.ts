// Whether the paired intervals of A/A scenarios were as wide as the scenarios actually scatter, read
// from the results files of bench sittings (bench/verdicts-aa-power.ts --raw):
//
//   node --import tsx bench/interval-dispersion.ts <raw dir> [<raw dir> …] [--condition A/A]
//   node --import tsx bench/interval-dispersion.ts <raw dir> --pairs <results file>:<scenario>
//   node --import tsx bench/interval-dispersion.ts <raw dir> [<raw dir> …] --scenarios
//
// The second form prints one scenario's process pairs: the mean d of each metric per pair; the third
// one row per scenario (mean d and z of each metric), to see whether the scatter has a direction.
//
// The verdict treats a scenario's paired rounds as independent draws. If they are, the standardised
// mean of d = ln(head / base) over a scenario's rounds, z = mean / (sd / √n), has E[z²] ≈ 1 across
// A/A scenarios (n − 1 degrees of freedom: (n − 1) / (n − 3)). A mean z² well above it says the rounds
// of one scenario share something the rounds cannot see — the intervals were too narrow, and the
// false-alarm rate is above the level the verdict claims. The same with each process pair's mean as
// one unit (pairs as the replicates, Kalibera & Jones' top level) tells whether what they share is
// the pair (the pair view comes back near its expectation) or the whole scenario (it does not).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { metricDef, type MetricKey } from '../src/compare/metrics.js';
import type { RoundResult } from '../src/results/types.js';
import { mean, readResultsFiles, signedPercent as signed, variance } from './raw-results.js';

const { values: args, positionals } = parseArgs({
  options: { condition: { type: 'string', default: 'A/A' }, pairs: { type: 'string' }, scenarios: { type: 'boolean', default: false } },
  allowPositionals: true,
});
if (positionals.length === 0) {
  console.error(
    'usage: node --import tsx bench/interval-dispersion.ts <raw dir> [<raw dir> …] [--condition A/A] [--scenarios]\n' +
      '       node --import tsx bench/interval-dispersion.ts <raw dir> --pairs <results file>:<scenario>',
  );
  process.exit(2);
}

const METRICS = (['cpuUsPerRequest', 'rps', 'p50', 'p99'] as MetricKey[]).map(metricDef);
/** |z| beyond this is outside the two-sided 99% normal interval. */
const Z99 = 2.576;

const tStat = (xs: number[]) => mean(xs) / Math.sqrt(variance(xs) / xs.length);
/** E[t²] with n − 1 degrees of freedom (infinite below 4 samples). */
const expectedT2 = (n: number) => (n > 3 ? (n - 1) / (n - 3) : Infinity);

/** d = ln(head / base) of one metric per paired round, grouped by process pair (0 when untagged). */
function byProcessPair(h: readonly RoundResult[], b: readonly RoundResult[], read: (r: RoundResult) => number | undefined): Map<number, number[]> {
  const byPair = new Map<number, number[]>();
  h.forEach((round, i) => {
    const hv = read(round);
    const bv = b[i] && read(b[i]!);
    if (!hv || !bv) return;
    const ds = byPair.get(round.processPair ?? 0) ?? [];
    ds.push(Math.log(hv / bv));
    byPair.set(round.processPair ?? 0, ds);
  });
  return byPair;
}

interface ScenarioZ {
  file: string;
  scenario: string;
  /** Mean d over the scenario's rounds. */
  meanD: number;
  rounds: number;
  pairs: number;
  zRounds: number;
  zPairs?: number;
}

function scenariosIn(dir: string): ScenarioZ[][] {
  const perMetric: ScenarioZ[][] = METRICS.map(() => []);
  for (const { file, results } of readResultsFiles(dir, args.condition)) {
    for (const head of results.scenarios) {
      const h = head.load?.rounds ?? [];
      const b = results.base?.scenarios.find((x) => x.name === head.name)?.load?.rounds ?? [];
      METRICS.forEach(({ read }, m) => {
        const byPair = byProcessPair(h, b, read);
        const all = [...byPair.values()].flat();
        if (all.length < 4) return;
        const pairMeans = [...byPair.values()].map(mean);
        perMetric[m]!.push({
          file,
          scenario: head.name,
          meanD: mean(all),
          rounds: all.length,
          pairs: pairMeans.length,
          zRounds: tStat(all),
          ...(pairMeans.length > 3 ? { zPairs: tStat(pairMeans) } : {}),
        });
      });
    }
  }
  return perMetric;
}

if (args.pairs) {
  const [file, scenario] = args.pairs.split(':');
  const results = readResultsFiles(positionals[0]!).find((f) => f.file === file)?.results;
  if (!results) throw new Error(`no results file ${file} in ${positionals[0]}`);
  const head = results.scenarios.find((s) => s.name === scenario);
  if (!head) throw new Error(`no scenario ${scenario} in ${file}`);
  const h = head.load?.rounds ?? [];
  const b = results.base?.scenarios.find((x) => x.name === scenario)?.load?.rounds ?? [];
  const perMetric = METRICS.map(({ read }) => byProcessPair(h, b, read));
  console.log(`${file}, ${scenario}: mean d = ln(head / base) per process pair`);
  console.log('');
  console.log(`| pair | rounds | ${METRICS.map((m) => m.label).join(' | ')} |`);
  console.log(`| ---: | ---: | ${METRICS.map(() => '---:').join(' | ')} |`);
  for (const [pair, ds] of perMetric[0]!) {
    console.log(`| ${pair} | ${ds.length} | ${perMetric.map((byPair) => signed(mean(byPair.get(pair) ?? [NaN]))).join(' | ')} |`);
  }
  process.exit(0);
}

if (args.scenarios) {
  console.log(`Condition ${args.condition}; per scenario, mean d = ln(head / base) over its rounds, and (z).`);
  console.log('');
  console.log(`| raw dir | file | scenario | rounds | pairs | ${METRICS.map((m) => m.label).join(' | ')} |`);
  console.log(`| :--- | :--- | :--- | ---: | ---: | ${METRICS.map(() => '---:').join(' | ')} |`);
  for (const dir of positionals) {
    const perMetric = scenariosIn(dir);
    perMetric[0]!.forEach((first, i) => {
      const cells = perMetric.map((xs) => {
        const x = xs.find((y) => y.file === first.file && y.scenario === first.scenario);
        return x ? `${signed(x.meanD)} (${x.zRounds.toFixed(1)})` : '–';
      });
      console.log(`| ${path.basename(dir)} | ${first.file} | ${first.scenario} | ${first.rounds} | ${first.pairs} | ${cells.join(' | ')} |`);
    });
  }
  process.exit(0);
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');
console.log(`Condition ${args.condition}; z = mean of d = ln(head / base) over its standard error. Rows: raw directory × metric.`);
console.log('');
console.log('| raw dir | metric | scenarios | mean z², rounds as units | expected | \\|z\\| > 2.58 (expected) | mean z², pairs as units | expected | sd of scenario means |');
console.log('| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const dir of positionals) {
  const perMetric = scenariosIn(dir);
  METRICS.forEach(({ label }, m) => {
    const xs = perMetric[m]!;
    if (xs.length === 0) return;
    const withPairs = xs.filter((x) => x.zPairs !== undefined);
    const beyond = xs.filter((x) => Math.abs(x.zRounds) > Z99).length;
    console.log(
      `| ${path.basename(dir)} | ${label} | ${xs.length} | ${f2(mean(xs.map((x) => x.zRounds ** 2)))} | ${f2(mean(xs.map((x) => expectedT2(x.rounds))))} | ${beyond} (${(xs.length * 0.01).toFixed(2)}) | ${
        withPairs.length ? f2(mean(withPairs.map((x) => x.zPairs! ** 2))) : '–'
      } | ${withPairs.length ? f2(mean(withPairs.map((x) => expectedT2(x.pairs)))) : '–'} | ${xs.length > 1 ? `${(Math.sqrt(variance(xs.map((x) => x.meanD))) * 100).toFixed(1)}%` : '–'} |`,
    );
  });
}
