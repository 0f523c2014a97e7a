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
// Each PR is judged three ways: the old rule (one baseline, widened thresholds), the history rule,
// and the history rule with confirmation by rerun (scenarios with a flagged regression or a suspect
// re-measured paired against the base commit on the same machine, neighbour still running) — the
// action's default. A confirmation that cannot run stops the bench: its figures would be the history
// rule's, mislabelled.
//
// The service is __tests__/cli/fixtures/hello-server.js (`/fast` after a busy-wait of HELLO_SPIN_US),
// copied into a scratch git repository: the base commit (main), a branch `aa` that changes only a
// text file, and a branch `power` whose committed `spin-us` adds the effect.
// One run measures --scenarios identical scenarios; a pull request "fails" when any of them fails,
// so the per-PR rate is the one the issue's "≤ 1% of unchanged pull requests fail" is about. Load
// settings and rounds are perfgate's defaults unless given. Results files are kept in --out.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

const REPO = path.join(OUT, 'repo');
function git(...a: string[]): string {
  return execFileSync('git', a, { cwd: REPO, encoding: 'utf8' }).trim();
}
const commitAll = (message: string) => git('-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-q', '-am', message);

/** The scratch repository: main (base), `aa` (a text file changed), `power` (spin raised later). */
function makeRepo(): void {
  mkdirSync(REPO, { recursive: true });
  copyFileSync(SERVICE, path.join(REPO, 'server.js'));
  writeFileSync(path.join(REPO, 'spin-us'), `${SPIN_US}\n`);
  writeFileSync(path.join(REPO, 'notes.txt'), 'main\n');
  writeFileSync(path.join(REPO, 'perfgate.yml'), configText());
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  commitAll('base');
  git('checkout', '-q', '-b', 'aa');
  writeFileSync(path.join(REPO, 'notes.txt'), 'unchanged code\n');
  commitAll('aa');
  git('checkout', '-q', 'main');
}

function setPowerSpin(spinUs: number): void {
  git('checkout', '-q', '-B', 'power', 'main');
  writeFileSync(path.join(REPO, 'spin-us'), `${Math.round(spinUs)}\n`);
  commitAll('power');
}

function configText(): string {
  const defaults: string[] = [];
  const load = [args.duration && `duration: ${args.duration}`, args.warmup && `warmup: ${args.warmup}`].filter(Boolean);
  if (load.length) defaults.push(`  load: { ${load.join(', ')} }`);
  if (args.rounds) defaults.push(`  rounds: ${args.rounds}`);
  return [
    'service:',
    '  start: HELLO_SPIN_US=$(cat spin-us) exec node server.js',
    '  env: { PORT: "${PERFGATE_PORT}" }',
    '  ready: { url: "http://127.0.0.1:${PERFGATE_PORT}/fast", timeout: 20s }',
    ...(defaults.length ? ['defaults:', ...defaults] : []),
    'scenarios:',
    ...Array.from({ length: SCENARIOS }, (_, i) => `  - { name: fast ${i + 1}, request: { method: GET, path: /fast } }`),
    'failOn: [budget, regression]',
    '',
  ].join('\n');
}

let runNo = 0;
interface Measured {
  results: Results;
  /** The verdict of the run itself: history rule plus confirmation by rerun. */
  confirmedFails: string[];
  /** Confirmation re-measured something (a flagged regression or a suspect). */
  reran: boolean;
}

/** One run on the checked-out branch; with a history, judged as the action would (confirmRef main). */
async function measure(label: string, branch: string, condition: 'quiet' | 'noisy', history?: Results[]): Promise<Measured> {
  const n = ++runNo;
  git('checkout', '-q', branch);
  const start = condition === 'noisy' ? await neighbourStarter() : undefined;
  const neighbour = start?.({ seed: n });
  try {
    const outFile = path.join(OUT, `${label}.json`);
    const baselineFile = history ? path.join(OUT, `main-${history.length}.json`) : undefined;
    const outcome = await runPipeline({ configFile: path.join(REPO, 'perfgate.yml'), outFile, baselineFile, history, confirmRef: history ? 'main' : undefined, progress: () => {} });
    // Distinct commits, so the history counts each run once; the file name is the label.
    outcome.results.meta.commit = label.padEnd(40, '0').slice(0, 40);
    writeFileSync(outFile, JSON.stringify(outcome.results));
    process.stderr.write(`history-aa: ${label} (${condition}) measured${outcome.verdict === 'fail' ? ': fail' : ''}\n`);
    const reran = (outcome.confirmation?.remeasured.length ?? 0) > 0;
    if (outcome.confirmation?.failed) throw new Error(`history-aa: the confirmation of ${label} could not run: ${outcome.confirmation.failed}`);
    return { results: outcome.results, confirmedFails: outcome.verdict === 'fail' ? outcome.reasons : [], reran };
  } finally {
    await neighbour?.stop();
  }
}

interface Judged {
  label: string;
  condition: string;
  newRuleFails: string[];
  oldRuleFails: string[];
  confirmedFails: string[];
  reran: boolean;
  cpuCaught: number;
  cpuChange: number[];
}

async function judge(history: Results[], m: Measured, label: string, condition: string): Promise<Judged> {
  const head = m.results;
  const config = await loadConfig(path.join(REPO, 'perfgate.yml'));
  const base = history.at(-1)!;
  const withHistory = compareRuns({ head, base, config, pairing: 'unpaired', history });
  const without = compareRuns({ head, base, config, pairing: 'unpaired' });
  const failing = (c: ReturnType<typeof compareRuns>) => {
    const d = decide(c, config.failOn);
    return d.verdict === 'fail' ? d.reasons : [];
  };
  const cpu = withHistory.scenarios.flatMap((s) => s.metrics.filter((x) => x.metric === 'cpuUsPerRequest'));
  return {
    label,
    condition,
    newRuleFails: failing(withHistory),
    oldRuleFails: failing(without),
    confirmedFails: m.confirmedFails,
    reran: m.reran,
    cpuCaught: cpu.filter((x) => x.verdict === 'regressed').length,
    cpuChange: cpu.map((x) => x.change),
  };
}

function pct(k: number, n: number): string {
  return n === 0 ? '—' : `${k}/${n} (${((k / n) * 100).toFixed(1)}%)`;
}

async function main(): Promise<void> {
  // The paired sign-test interval at 99% needs 8 pairs: with fewer, confirmation can never confirm.
  if (args.rounds && Number(args.rounds) < 8) process.stderr.write(`history-aa: note: --rounds ${args.rounds} < 8: the paired rerun cannot reach a 99% interval, so confirmation never confirms\n`);
  if (HISTORY < MIN_HISTORY_RUNS) process.stderr.write(`history-aa: note: ${HISTORY} history runs < ${MIN_HISTORY_RUNS}: timing never gates (the "too little history" path)\n`);
  makeRepo();
  const historyMode = args['history-neighbour'];
  const history: Results[] = [];
  for (let i = 0; i < HISTORY; i++) {
    const condition = historyMode === 'noisy' || (historyMode === 'alternate' && i % 2 === 1) ? 'noisy' : 'quiet';
    history.push((await measure(`main-${i + 1}`, 'main', condition)).results);
  }
  const cpuMain = median(history.flatMap((r) => r.scenarios.map((s) => s.load?.cpuUsPerRequest ?? NaN)).filter(Number.isFinite));
  const aa: Judged[] = [];
  for (let i = 0; i < PRS; i++) {
    const condition = i % 2 === 0 ? 'quiet' : 'noisy';
    aa.push(await judge(history, await measure(`aa-${i + 1}`, 'aa', condition, history), `aa-${i + 1}`, condition));
  }
  // +EFFECT CPU per request: the busy-wait grows by EFFECT × the whole CPU/request main measured.
  const powerSpin = SPIN_US + EFFECT * cpuMain;
  setPowerSpin(powerSpin);
  const power: Judged[] = [];
  for (let i = 0; i < POWER; i++) {
    const condition = i % 2 === 0 ? 'quiet' : 'noisy';
    power.push(await judge(history, await measure(`power-${i + 1}`, 'power', condition, history), `power-${i + 1}`, condition));
  }

  const lines = [
    `History: ${HISTORY} runs (${historyMode}), ${SCENARIOS} scenarios per run, service CPU/request on main ${cpuMain.toFixed(0)} µs; ` +
      `power: busy-wait ${SPIN_US} → ${powerSpin.toFixed(0)} µs (+${(EFFECT * 100).toFixed(0)}% CPU/request). Raw results: ${OUT}`,
    '',
    '| condition | unchanged PRs failing: old rule | history rule | history + confirmation | unchanged PRs re-measured | +effect: CPU/req caught (scenarios), history rule | +effect PRs re-measured | +effect PRs failing, history + confirmation | median measured change |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const condition of ['quiet', 'noisy', 'all']) {
    const a = aa.filter((j) => condition === 'all' || j.condition === condition);
    const p = power.filter((j) => condition === 'all' || j.condition === condition);
    const caught = p.reduce((s, j) => s + j.cpuCaught, 0);
    const changes = p.flatMap((j) => j.cpuChange);
    lines.push(
      `| ${condition} | ${pct(a.filter((j) => j.oldRuleFails.length > 0).length, a.length)} | ${pct(a.filter((j) => j.newRuleFails.length > 0).length, a.length)} | ` +
        `${pct(a.filter((j) => j.confirmedFails.length > 0).length, a.length)} | ${pct(a.filter((j) => j.reran).length, a.length)} | ` +
        `${pct(caught, p.length * SCENARIOS)} | ${pct(p.filter((j) => j.reran).length, p.length)} | ` +
        `${pct(p.filter((j) => j.confirmedFails.length > 0).length, p.length)} | ${changes.length ? `${(median(changes) * 100).toFixed(1)}%` : '—'} |`,
    );
  }
  const reasons = aa.flatMap((j) => j.newRuleFails.map((r) => `${j.label} (${j.condition}): ${r}`));
  if (reasons.length) lines.push('', 'Unchanged PRs failed by the history rule (before confirmation):', ...reasons.map((r) => `- ${r}`));
  const after = aa.flatMap((j) => j.confirmedFails.map((r) => `${j.label} (${j.condition}): ${r}`));
  if (after.length) lines.push('', 'Unchanged PRs failed after confirmation:', ...after.map((r) => `- ${r}`));
  writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify({ aa, power, cpuMain, powerSpin }, null, 2));
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
