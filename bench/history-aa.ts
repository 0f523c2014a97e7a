// Measurement, not simulation: cross-run A/A and power of perfgate's verdicts against main's history
// (src/compare/history.ts), through the real pipeline on a real service, next to the old rule (one
// baseline run, widened thresholds).
//
//   node --import tsx bench/history-aa.ts [--history 10] [--prs 100] [--power 20] [--effect 0.2]
//        [--scenarios 3] [--spin-us 300] [--history-neighbour quiet|noisy|alternate]
//        [--rounds N] [--duration 1s] [--warmup 2s] [--out <dir>]
//
// 1. History: --history runs of the service recorded one after another, as main's baselines, in one
//    machine state (--history-neighbour, default quiet).
// 2. A/A: --prs unchanged runs, alternately quiet and next to a noisy neighbour (stats12's
//    bench/noisy-neighbour.ts: one core burnt at a random 10–90% duty cycle), as pull requests landing
//    on other runners. Each is compared with the newest history run as its baseline, with the history
//    (the new rule) and without it (the old rule), failOn [budget, regression], no budgets.
// 3. Power: --power runs with the service's CPU per request raised by --effect (a busy-wait added to
//    every request, sized from the CPU/request the history measured), same alternation.
//
// The service is __tests__/cli/fixtures/hello-server.js: `/fast` after a busy-wait of HELLO_SPIN_US.
// One run measures --scenarios identical scenarios; a pull request "fails" when any of them fails,
// so the per-PR rate is the one the issue's "≤ 1% of unchanged pull requests fail" is about. Load
// settings and rounds are perfgate's defaults unless given. Results files are kept in --out.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compareRuns, decide } from '../src/compare/compare.js';
import { MIN_HISTORY_RUNS } from '../src/compare/history.js';
import { median } from '../src/compare/stats.js';
import { loadConfig } from '../src/config/load.js';
import { runPipeline } from '../src/pipeline.js';
import type { Results } from '../src/results/types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVICE = path.join(ROOT, '__tests__/cli/fixtures/hello-server.js');

const { values: args } = parseArgs({
  options: {
    history: { type: 'string', default: '10' },
    prs: { type: 'string', default: '100' },
    power: { type: 'string', default: '20' },
    effect: { type: 'string', default: '0.2' },
    scenarios: { type: 'string', default: '3' },
    'spin-us': { type: 'string', default: '300' },
    'history-neighbour': { type: 'string', default: 'quiet' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    out: { type: 'string' },
  },
});
const HISTORY = Number(args.history);
const PRS = Number(args.prs);
const POWER = Number(args.power);
const EFFECT = Number(args.effect);
const SCENARIOS = Number(args.scenarios);
const SPIN_US = Number(args['spin-us']);
const OUT = args.out ?? mkdtempSync(path.join(os.tmpdir(), 'perfgate-history-aa-'));
mkdirSync(OUT, { recursive: true });

// stats12's bench/noisy-neighbour.ts, by this exact API. Imported by a computed name so the bench
// type-checks before that branch is merged; the run stops with a clear message if it is missing.
interface NoisyNeighbour {
  stop(): Promise<void>;
}
type StartNoisyNeighbour = (o: { seed: number; minDuty?: number; maxDuty?: number }) => NoisyNeighbour;
async function neighbourStarter(): Promise<StartNoisyNeighbour> {
  const specifier = './noisy-neighbour.js';
  try {
    return ((await import(specifier)) as { startNoisyNeighbour: StartNoisyNeighbour }).startNoisyNeighbour;
  } catch (error) {
    throw new Error(`bench/history-aa.ts needs bench/noisy-neighbour.ts (startNoisyNeighbour): ${(error as Error).message}`);
  }
}

function configText(port: number, spinUs: number): string {
  const defaults: string[] = [];
  const load = [args.duration && `duration: ${args.duration}`, args.warmup && `warmup: ${args.warmup}`].filter(Boolean);
  if (load.length) defaults.push(`  load: { ${load.join(', ')} }`);
  if (args.rounds) defaults.push(`  rounds: ${args.rounds}`);
  return [
    'service:',
    `  start: node ${JSON.stringify(SERVICE)}`,
    `  env: { PORT: "${port}", HELLO_SPIN_US: "${Math.round(spinUs)}" }`,
    `  ready: { url: "http://127.0.0.1:${port}/fast", timeout: 20s }`,
    ...(defaults.length ? ['defaults:', ...defaults] : []),
    'scenarios:',
    ...Array.from({ length: SCENARIOS }, (_, i) => `  - { name: fast ${i + 1}, request: { method: GET, path: /fast } }`),
    'failOn: [budget, regression]',
    '',
  ].join('\n');
}

let runNo = 0;
async function measure(label: string, spinUs: number, condition: 'quiet' | 'noisy'): Promise<Results> {
  const n = ++runNo;
  const port = 20000 + Math.floor(Math.random() * 20000);
  const configFile = path.join(OUT, `perfgate-${n}.yml`);
  writeFileSync(configFile, configText(port, spinUs));
  const start = condition === 'noisy' ? await neighbourStarter() : undefined;
  const neighbour = start?.({ seed: n });
  try {
    const outFile = path.join(OUT, `${label}.json`);
    const outcome = await runPipeline({ configFile, outFile, progress: () => {} });
    // Distinct commits, so the history counts each run once.
    outcome.results.meta.commit = `${label}`.padEnd(40, '0').slice(0, 40);
    writeFileSync(outFile, JSON.stringify(outcome.results));
    process.stderr.write(`history-aa: ${label} (${condition}) measured\n`);
    return outcome.results;
  } finally {
    await neighbour?.stop();
  }
}

interface Judged {
  label: string;
  condition: string;
  newRuleFails: string[];
  oldRuleFails: string[];
  cpuCaught: number;
  cpuChange: number[];
}

async function judge(history: Results[], head: Results, label: string, condition: string): Promise<Judged> {
  const config = await loadConfig(path.join(OUT, 'perfgate-1.yml'));
  const base = history.at(-1)!;
  const withHistory = compareRuns({ head, base, config, pairing: 'unpaired', history });
  const without = compareRuns({ head, base, config, pairing: 'unpaired' });
  const failing = (c: ReturnType<typeof compareRuns>) => {
    const d = decide(c, config.failOn);
    return d.verdict === 'fail' ? d.reasons : [];
  };
  const cpu = withHistory.scenarios.flatMap((s) => s.metrics.filter((m) => m.metric === 'cpuUsPerRequest'));
  return {
    label,
    condition,
    newRuleFails: failing(withHistory),
    oldRuleFails: failing(without),
    cpuCaught: cpu.filter((m) => m.verdict === 'regressed').length,
    cpuChange: cpu.map((m) => m.change),
  };
}

function pct(k: number, n: number): string {
  return n === 0 ? '—' : `${k}/${n} (${((k / n) * 100).toFixed(1)}%)`;
}

async function main(): Promise<void> {
  if (HISTORY < MIN_HISTORY_RUNS) process.stderr.write(`history-aa: note: ${HISTORY} history runs < ${MIN_HISTORY_RUNS}: timing never gates (the "too little history" path)\n`);
  const historyMode = args['history-neighbour'];
  const history: Results[] = [];
  for (let i = 0; i < HISTORY; i++) {
    const condition = historyMode === 'noisy' || (historyMode === 'alternate' && i % 2 === 1) ? 'noisy' : 'quiet';
    history.push(await measure(`main-${i + 1}`, SPIN_US, condition));
  }
  const cpuMain = median(history.flatMap((r) => r.scenarios.map((s) => s.load?.cpuUsPerRequest ?? NaN)).filter(Number.isFinite));
  const aa: Judged[] = [];
  for (let i = 0; i < PRS; i++) {
    const condition = i % 2 === 0 ? 'quiet' : 'noisy';
    aa.push(await judge(history, await measure(`aa-${i + 1}`, SPIN_US, condition), `aa-${i + 1}`, condition));
  }
  // +EFFECT CPU per request: the busy-wait grows by EFFECT × the whole CPU/request main measured.
  const powerSpin = SPIN_US + EFFECT * cpuMain;
  const power: Judged[] = [];
  for (let i = 0; i < POWER; i++) {
    const condition = i % 2 === 0 ? 'quiet' : 'noisy';
    power.push(await judge(history, await measure(`power-${i + 1}`, powerSpin, condition), `power-${i + 1}`, condition));
  }

  const lines = [
    `History: ${HISTORY} runs (${historyMode}), ${SCENARIOS} scenarios per run, service CPU/request on main ${cpuMain.toFixed(0)} µs; ` +
      `power: busy-wait ${SPIN_US} → ${powerSpin.toFixed(0)} µs (+${(EFFECT * 100).toFixed(0)}% CPU/request). Raw results: ${OUT}`,
    '',
    '| condition | unchanged PRs failing, history rule | unchanged PRs failing, old rule | +effect: CPU/req caught (scenarios), history rule | median measured change |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const condition of ['quiet', 'noisy', 'all']) {
    const a = aa.filter((j) => condition === 'all' || j.condition === condition);
    const p = power.filter((j) => condition === 'all' || j.condition === condition);
    const caught = p.reduce((s, j) => s + j.cpuCaught, 0);
    const changes = p.flatMap((j) => j.cpuChange);
    lines.push(
      `| ${condition} | ${pct(a.filter((j) => j.newRuleFails.length > 0).length, a.length)} | ${pct(a.filter((j) => j.oldRuleFails.length > 0).length, a.length)} | ` +
        `${pct(caught, p.length * SCENARIOS)} | ${changes.length ? `${(median(changes) * 100).toFixed(1)}%` : '—'} |`,
    );
  }
  const reasons = aa.flatMap((j) => j.newRuleFails.map((r) => `${j.label} (${j.condition}): ${r}`));
  if (reasons.length) lines.push('', 'Unchanged PRs failed by the history rule:', ...reasons.map((r) => `- ${r}`));
  writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify({ aa, power, cpuMain, powerSpin }, null, 2));
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
