// Whether the paired intervals of A/A scenarios were as wide as the scenarios actually scatter, read
// from the results files of bench sittings (bench/verdicts-aa-power.ts --raw):
//
//   node --import tsx bench/interval-dispersion.ts <raw dir> [<raw dir> …] [--condition A/A]
//
// The verdict treats a scenario's paired rounds as independent draws. If they are, the standardised
// mean of d = ln(head / base) over a scenario's rounds, z = mean / (sd / √n), has E[z²] ≈ 1 across
// A/A scenarios (n − 1 degrees of freedom: (n − 1) / (n − 3)). A mean z² well above it says the rounds
// of one scenario share something the rounds cannot see — the intervals were too narrow, and the
// false-alarm rate is above the level the verdict claims. The same with each process pair's mean as
// one unit (pairs as the replicates, Kalibera & Jones' top level) tells whether what they share is
// the pair (the pair view comes back near its expectation) or the whole scenario (it does not).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Results, RoundResult } from '../src/results/types.js';

const { values: args, positionals } = parseArgs({ options: { condition: { type: 'string', default: 'A/A' } }, allowPositionals: true });
if (positionals.length === 0) {
  console.error('usage: node --import tsx bench/interval-dispersion.ts <raw dir> [<raw dir> …] [--condition A/A]');
  process.exit(2);
}

const METRICS: Record<string, (r: RoundResult) => number | undefined> = {
  'CPU/req': (r) => r.cpuUsPerRequest,
  rps: (r) => r.rps,
  p50: (r) => r.latencyUs.p50,
  p99: (r) => r.latencyUs.p99,
};
/** |z| beyond this is outside the two-sided 99% normal interval. */
const Z99 = 2.576;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const tStat = (xs: number[]) => mean(xs) / (sd(xs) / Math.sqrt(xs.length));
/** E[t²] with n − 1 degrees of freedom (infinite below 4 samples). */
const expectedT2 = (n: number) => (n > 3 ? (n - 1) / (n - 3) : Infinity);

interface ScenarioZ {
  rounds: number;
  pairs: number;
  zRounds: number;
  zPairs?: number;
}

function scenariosIn(dir: string): ScenarioZ[][] {
  let slug: string | undefined;
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'conditions.json'), 'utf8')) as { slug: string; name: string }[];
    slug = manifest.find((m) => m.name === args.condition)?.slug;
  } catch {
    throw new Error(`${dir}/conditions.json is missing or unreadable: it names the conditions' files`);
  }
  if (!slug) throw new Error(`no condition named ${args.condition} in ${dir}/conditions.json`);
  const perMetric: ScenarioZ[][] = Object.keys(METRICS).map(() => []);
  for (const file of readdirSync(dir).filter((f) => f.replace(/-\d+\.json$/, '') === slug).sort()) {
    const results = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Results;
    for (const head of results.scenarios) {
      const h = head.load?.rounds ?? [];
      const b = results.base?.scenarios.find((x) => x.name === head.name)?.load?.rounds ?? [];
      Object.values(METRICS).forEach((read, m) => {
        const byPair = new Map<number, number[]>();
        h.forEach((round, i) => {
          const hv = read(round);
          const bv = b[i] && read(b[i]!);
          if (!hv || !bv) return;
          const ds = byPair.get(round.processPair ?? 0) ?? [];
          ds.push(Math.log(hv / bv));
          byPair.set(round.processPair ?? 0, ds);
        });
        const all = [...byPair.values()].flat();
        if (all.length < 4) return;
        const pairMeans = [...byPair.values()].map(mean);
        perMetric[m]!.push({
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

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');
console.log(`Condition ${args.condition}; z = mean of d = ln(head / base) over its standard error. Rows: raw directory × metric.`);
console.log('');
console.log('| raw dir | metric | scenarios | mean z², rounds as units | expected | \\|z\\| > 2.58 (expected) | mean z², pairs as units | expected |');
console.log('| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const dir of positionals) {
  const perMetric = scenariosIn(dir);
  Object.keys(METRICS).forEach((label, m) => {
    const xs = perMetric[m]!;
    if (xs.length === 0) return;
    const withPairs = xs.filter((x) => x.zPairs !== undefined);
    const beyond = xs.filter((x) => Math.abs(x.zRounds) > Z99).length;
    console.log(
      `| ${path.basename(dir)} | ${label} | ${xs.length} | ${f2(mean(xs.map((x) => x.zRounds ** 2)))} | ${f2(mean(xs.map((x) => expectedT2(x.rounds))))} | ${beyond} (${(xs.length * 0.01).toFixed(2)}) | ${
        withPairs.length ? f2(mean(withPairs.map((x) => x.zPairs! ** 2))) : '–'
      } | ${withPairs.length ? f2(mean(withPairs.map((x) => expectedT2(x.pairs)))) : '–'} |`,
    );
  });
}
