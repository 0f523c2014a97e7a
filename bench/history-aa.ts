// Measurement, not simulation: cross-run A/A and power of perfgate's verdicts against main's history
// (src/compare/history.ts), through the real pipeline on a real service, next to the old rule (one
// baseline run, widened thresholds).
//
//   node --import tsx bench/history-aa.ts [--history 10] [--prs 100] [--power 20] [--effect 0.2]
//        [--scenarios 3] [--spin-us 300] [--history-neighbour quiet|noisy|alternate]
//        [--rounds N] [--duration 1s] [--warmup 2s] [--out <dir>]
//        [--history-dir <dir>] [--ledger bench/results/history-aa-ledger.jsonl]
//
// 1. History: --history runs of the service recorded one after another, as main's baselines, in one
//    machine state (--history-neighbour, default quiet) — or reused from --history-dir (below).
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
//
// Over several sittings (a background process ends with the session that started it):
// --history-dir keeps main's history runs (main-<i>.json and history.json, which records the
//   settings they were measured with, when, in which machine state): a later run given the same
//   folder reuses them instead of re-recording — it records only the runs still missing, and refuses
//   a folder recorded with other settings (scenarios, spin, rounds, round length, warm-up,
//   --history-neighbour), which would make its pull requests a different experiment.
// --ledger appends one JSON line per pull request as soon as it is judged: unchanged (aa) or with
//   the effect (power), quiet or next to the neighbour (and its seed), load average at start and end,
//   each rule's verdict and the metrics that failed it, whether a confirmation rerun ran and what it
//   confirmed, seconds taken, the bench commit and the history used (folder, id, runs). Quiet and
//   neighbour alternate, and neighbour seeds are numbered, across the whole ledger, so sittings of any
//   length add up to one balanced series. `node --import tsx bench/history-aa-ledger.ts <ledger>`
//   tallies it against issue 16's targets. A pull request cut short by the end of a session is simply
//   not in the ledger.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Comparison, type ConfirmationSummary, compareRuns, decide } from '../src/compare/compare.js';
import { applyConfirmation } from '../src/compare/confirm.js';
import { MIN_HISTORY_RUNS } from '../src/compare/history.js';
import { median } from '../src/compare/stats.js';
import { loadConfig } from '../src/config/load.js';
import { runPipeline } from '../src/pipeline.js';
import { readResultsFile } from '../src/results/io.js';
import type { Results } from '../src/results/types.js';
import { appendLedger, benchCommit, readLedger } from './ledger.js';
import { type OtherCpu, sampleOtherCpu } from './other-cpu.js';

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
    'history-dir': { type: 'string' },
    ledger: { type: 'string' },
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
const HISTORY_DIR = path.resolve(args['history-dir'] ?? OUT);
mkdirSync(HISTORY_DIR, { recursive: true });
const LEDGER = args.ledger ? path.resolve(args.ledger) : undefined;
const BENCH_COMMIT = benchCommit();

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
  // Scratch: a --out reused from an earlier sitting gets a fresh one (the base commit's code is the same).
  rmSync(REPO, { recursive: true, force: true });
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

type Machine = 'quiet' | 'noisy';

interface Measured {
  results: Results;
  /** The verdict of the run itself: history rule plus confirmation by rerun. */
  confirmedFails: string[];
  /** Confirmation re-measured something (a flagged regression or a suspect). */
  reran: boolean;
  confirmation?: ConfirmationSummary;
  /** The confirmation's paired results, when it ran to the end. */
  confirmFile?: string;
  /** Wall seconds of the run, confirmation included. */
  seconds: number;
  /** 1-minute load average before and after the run. */
  loadAverage: [number, number];
  /** Cores used beside the bench during the run (bench/other-cpu.ts); null without /proc. */
  otherCpu: OtherCpu | null;
}

/** One run on the checked-out branch; with a history, judged as the action would (confirmRef main). */
async function measure(label: string, branch: string, condition: Machine, seed: number, history?: { runs: Results[]; baselineFile: string }): Promise<Measured> {
  git('checkout', '-q', branch);
  const loadBefore = os.loadavg()[0];
  const started = Date.now();
  const others = sampleOtherCpu();
  const start = condition === 'noisy' ? await neighbourStarter() : undefined;
  const neighbour = start?.({ seed });
  try {
    const outFile = path.join(history ? OUT : HISTORY_DIR, `${label}.json`);
    const outcome = await runPipeline({
      configFile: path.join(REPO, 'perfgate.yml'),
      outFile,
      baseline: { file: history?.baselineFile },
      history: history?.runs,
      confirmRef: history ? 'main' : undefined,
      progress: () => {},
    });
    // Distinct commits, so the history counts each run once; the file name is the label. (Padded
    // with '.', not '0': `main-1` and `main-10` padded with zeros were the same commit.)
    outcome.results.meta.commit = label.padEnd(40, '.').slice(0, 40);
    writeFileSync(outFile, JSON.stringify(outcome.results));
    process.stderr.write(`history-aa: ${label} (${condition}) measured${outcome.verdict === 'fail' ? ': fail' : ''}\n`);
    const reran = (outcome.confirmation?.remeasured.length ?? 0) > 0;
    if (outcome.confirmation?.failed) throw new Error(`history-aa: the confirmation of ${label} could not run: ${outcome.confirmation.failed}`);
    return {
      results: outcome.results,
      confirmedFails: outcome.verdict === 'fail' ? outcome.reasons : [],
      reran,
      confirmation: outcome.confirmation,
      confirmFile: outcome.confirmFile,
      seconds: Math.round((Date.now() - started) / 1000),
      loadAverage: [round2(loadBefore), round2(os.loadavg()[0])],
      otherCpu: others.stop() ?? null,
    };
  } finally {
    await neighbour?.stop();
  }
}

const round2 = (x: number) => Number(x.toFixed(2));

// ---------------------------------------------------------------------------------------------
// Main's history, kept in --history-dir across sittings.

const MANIFEST = 'history.json';

interface HistorySettings {
  scenarios: number;
  spinUs: number;
  rounds: string | null;
  duration: string | null;
  warmup: string | null;
  historyNeighbour: string;
}

interface HistoryManifest {
  /** Names this history in the ledger: two folders (or a re-recorded one) never share it. */
  id: string;
  created: string;
  settings: HistorySettings;
  runs: { file: string; condition: Machine; seed: number | null; when: string; loadAverage: [number, number]; seconds: number; benchCommit: string }[];
}

function currentSettings(): HistorySettings {
  return {
    scenarios: SCENARIOS,
    spinUs: SPIN_US,
    rounds: args.rounds ?? null,
    duration: args.duration ?? null,
    warmup: args.warmup ?? null,
    historyNeighbour: args['history-neighbour']!,
  };
}

function settingsDiffer(a: HistorySettings, b: HistorySettings): string[] {
  return (Object.keys(a) as (keyof HistorySettings)[]).filter((k) => a[k] !== b[k]).map((k) => `${k}: ${String(a[k])} there, ${String(b[k])} now`);
}

interface History {
  runs: Results[];
  baselineFile: string;
  /** As the ledger records it. */
  used: { dir: string; id: string; runs: number; neighbour: string; recordedThisSession: number };
}

/** The first HISTORY runs of --history-dir, recording (and adding to its manifest) those still missing. */
async function loadOrRecordHistory(): Promise<History> {
  const manifestFile = path.join(HISTORY_DIR, MANIFEST);
  const settings = currentSettings();
  const manifest: HistoryManifest = existsSync(manifestFile)
    ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as HistoryManifest)
    : { id: `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${process.pid}`, created: new Date().toISOString(), settings, runs: [] };
  const differ = settingsDiffer(manifest.settings, settings);
  if (differ.length) throw new Error(`history-aa: the history in ${HISTORY_DIR} was recorded with other settings (${differ.join('; ')}): give another --history-dir, or the same settings`);
  const reused = Math.min(manifest.runs.length, HISTORY);
  if (reused > 0) process.stderr.write(`history-aa: reusing ${reused} history run(s) of ${manifest.id} from ${HISTORY_DIR}\n`);
  const mode = settings.historyNeighbour;
  for (let i = manifest.runs.length; i < HISTORY; i++) {
    const condition: Machine = mode === 'noisy' || (mode === 'alternate' && i % 2 === 1) ? 'noisy' : 'quiet';
    const seed = 10_000 + i + 1;
    const m = await measure(`main-${i + 1}`, 'main', condition, seed);
    manifest.runs.push({ file: `main-${i + 1}.json`, condition, seed: condition === 'noisy' ? seed : null, when: new Date().toISOString(), loadAverage: m.loadAverage, seconds: m.seconds, benchCommit: BENCH_COMMIT });
    // After every run: a session that ends mid-history keeps what it recorded.
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  }
  const files = manifest.runs.slice(0, HISTORY).map((r) => path.join(HISTORY_DIR, r.file));
  return {
    runs: files.map((f) => readResultsFile(f)),
    baselineFile: files.at(-1)!,
    used: { dir: HISTORY_DIR, id: manifest.id, runs: files.length, neighbour: mode, recordedThisSession: HISTORY - reused },
  };
}

// ---------------------------------------------------------------------------------------------
// Judging a pull request three ways, and its ledger line.

interface RuleOutcome {
  failed: boolean;
  /** `scenario/metric` of every regressed metric (query counts: `scenario/queries`; `scenario/error` when it could not be measured). */
  metrics: string[];
  reasons: string[];
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
  rules: { old: RuleOutcome; history: RuleOutcome; confirmed: RuleOutcome };
  /** CPU/request regressed after confirmation, scenarios. */
  cpuConfirmed: number;
}

function ruleOutcome(c: Comparison, failOn: Parameters<typeof decide>[1], verdict?: 'fail' | 'pass' | 'inconclusive', reasons?: string[]): RuleOutcome {
  const d = decide(c, failOn);
  const failed = (verdict ?? d.verdict) === 'fail';
  const metrics = c.scenarios.flatMap((s) => [
    ...s.metrics.filter((m) => m.verdict === 'regressed').map((m) => `${s.name}/${m.metric}`),
    ...(s.queries?.verdict === 'regressed' ? [`${s.name}/queries`] : []),
    ...(s.status === 'error' ? [`${s.name}/error`] : []),
  ]);
  return { failed, metrics: failed ? metrics : [], reasons: failed ? (reasons ?? d.reasons) : [] };
}

async function judge(history: History, m: Measured, label: string, condition: string): Promise<Judged> {
  const head = m.results;
  const config = await loadConfig(path.join(REPO, 'perfgate.yml'));
  const base = history.runs.at(-1)!;
  const withHistory = compareRuns({ head, base, config, pairing: 'unpaired', history: history.runs });
  const without = compareRuns({ head, base, config, pairing: 'unpaired' });
  // The run's own verdict, re-derived from its paired results to name the metrics that decided it
  // (the verdict itself is the run's: outcome.verdict).
  const paired = m.confirmFile ? readResultsFile(m.confirmFile) : undefined;
  const confirmed = paired ? applyConfirmation(withHistory, compareRuns({ head: paired, config, pairing: 'paired' }), 'main') : withHistory;
  const rules = {
    old: ruleOutcome(without, config.failOn),
    history: ruleOutcome(withHistory, config.failOn),
    confirmed: ruleOutcome(confirmed, config.failOn, m.confirmedFails.length > 0 ? 'fail' : 'pass', m.confirmedFails),
  };
  const cpu = withHistory.scenarios.flatMap((s) => s.metrics.filter((x) => x.metric === 'cpuUsPerRequest'));
  const cpuAfter = confirmed.scenarios.flatMap((s) => s.metrics.filter((x) => x.metric === 'cpuUsPerRequest' && x.verdict === 'regressed'));
  return {
    label,
    condition,
    newRuleFails: rules.history.reasons,
    oldRuleFails: rules.old.reasons,
    confirmedFails: m.confirmedFails,
    reran: m.reran,
    cpuCaught: cpu.filter((x) => x.verdict === 'regressed').length,
    cpuChange: cpu.map((x) => x.change),
    rules,
    cpuConfirmed: cpuAfter.length,
  };
}

/** One line of --ledger (read back by bench/history-aa-ledger.ts). */
export interface HistoryAaLine {
  when: string;
  benchCommit: string;
  kind: 'aa' | 'power';
  /** The CPU/request change injected (0 for unchanged pull requests). */
  effect: number;
  label: string;
  machine: 'quiet' | 'neighbour';
  neighbourSeed: number | null;
  loadAverage: [number, number];
  otherCpu?: OtherCpu | null;
  seconds: number;
  scenarios: number;
  settings: HistorySettings & { powerSpinUs: number | null; cpuUsPerRequestMain: number };
  history: History['used'];
  rules: Judged['rules'];
  confirmation: (ConfirmationSummary & { ran: boolean }) | null;
  cpu: { change: number[]; regressedHistoryRule: number; regressedConfirmed: number };
}

function ledgerLine(kind: 'aa' | 'power', j: Judged, m: Measured, seed: number, history: History, cpuMain: number, powerSpin: number): HistoryAaLine {
  return {
    when: new Date().toISOString(),
    benchCommit: BENCH_COMMIT,
    kind,
    effect: kind === 'power' ? EFFECT : 0,
    label: j.label,
    machine: j.condition === 'noisy' ? 'neighbour' : 'quiet',
    neighbourSeed: j.condition === 'noisy' ? seed : null,
    loadAverage: m.loadAverage,
    otherCpu: m.otherCpu,
    seconds: m.seconds,
    scenarios: SCENARIOS,
    settings: { ...currentSettings(), powerSpinUs: kind === 'power' ? Math.round(powerSpin) : null, cpuUsPerRequestMain: Math.round(cpuMain) },
    history: history.used,
    rules: j.rules,
    confirmation: m.confirmation ? { ...m.confirmation, ran: m.reran } : null,
    cpu: { change: j.cpuChange.map((c) => Number(c.toFixed(4))), regressedHistoryRule: j.cpuCaught, regressedConfirmed: j.cpuConfirmed },
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
  const history = await loadOrRecordHistory();
  const cpuMain = median(history.runs.flatMap((r) => r.scenarios.map((s) => s.load?.cpuUsPerRequest ?? NaN)).filter(Number.isFinite));
  // +EFFECT CPU per request: the busy-wait grows by EFFECT × the whole CPU/request main measured.
  const powerSpin = SPIN_US + EFFECT * cpuMain;
  // Across sittings the ledger continues one series: alternation, labels and seeds go on from it.
  const prior = LEDGER ? readLedger<HistoryAaLine>(LEDGER) : [];
  let seedNo = prior.length;
  const runPrs = async (kind: 'aa' | 'power', count: number, branch: string): Promise<Judged[]> => {
    const before = prior.filter((l) => l.kind === kind).length;
    const judged: Judged[] = [];
    for (let i = before; i < before + count; i++) {
      const condition: Machine = i % 2 === 0 ? 'quiet' : 'noisy';
      const seed = ++seedNo;
      const label = `${kind}-${i + 1}`;
      const m = await measure(label, branch, condition, seed, history);
      const j = await judge(history, m, label, condition);
      if (LEDGER) appendLedger(LEDGER, [ledgerLine(kind, j, m, seed, history, cpuMain, powerSpin)]);
      judged.push(j);
    }
    return judged;
  };
  const aa = await runPrs('aa', PRS, 'aa');
  setPowerSpin(powerSpin);
  const power = await runPrs('power', POWER, 'power');

  const lines = [
    `History: ${HISTORY} runs (${historyMode}; ${history.used.id} in ${HISTORY_DIR}, ${history.used.recordedThisSession} recorded now), ${SCENARIOS} scenarios per run, service CPU/request on main ${cpuMain.toFixed(0)} µs; ` +
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
