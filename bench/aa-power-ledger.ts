// Tallies a ledger of `bench/verdicts-aa-power.ts --ledger` (one JSON line per scenario comparison,
// accumulated over as many sittings as the measurement needs) against issue 12's targets:
//   A/A: ≤ 1% "regressed" on any metric, ≤ 10% inconclusive on CPU/request;
//   +10% work: ≥ 95% regressed on CPU/request, regressed on p50 or rps in ≥ 90%;
//   dropped index: ≥ 95% regressed on p50 and rps;
//   load time per scenario (median, max) within the default budget.
// Machine states are kept apart: quiet (no neighbour) and with the seeded noisy neighbour.
//
//   node --import tsx bench/aa-power-ledger.ts bench/results/aa-power-ledger.jsonl [--since 2026-12-04] [--until 2026-12-06T10:57]
//
// --until (exclusive) sets a period apart, e.g. the sittings of one boot of the machine.
import { parseArgs } from 'node:util';
import { median } from '../src/compare/stats.js';
import { busySuffix, groupBy, ledgerHeading, markdownTable, rate, readLedger, upperBound } from './ledger.js';

interface LedgerLine {
  when: string;
  benchCommit: string;
  condition: string;
  schedule: string;
  /** The CPU-bound endpoint's own work per request (--work-us); absent for the bookshop. */
  workUs?: number;
  /** baseline.restarts; lines from before restarts existed ran every round on one process pair. */
  restarts?: 'auto' | 'never';
  neighbour: number | null;
  /** The neighbour was pinned to this CPU (--neighbour-cpu): a machine state of its own. */
  neighbourCpu?: number;
  loadAverage: [number, number];
  otherCpu?: { otherCores: number; ownCores: number } | null;
  status: string;
  failed: boolean;
  metrics: Record<string, { verdict: string; change: number }>;
  /** baseline.turns as configured (lines from 2026-12-07 13:30 UTC on). */
  turnsConfigured?: number;
  stop?: { rounds: number; reason: string; pending?: string[]; ruledOut?: string[]; processPairs?: number; restartMs?: number; turns?: number; roundSizing?: string };
  loadSeconds: number;
  /** The machine, as the results name it (lines from 2026-12-06 21:00 UTC on). */
  runner?: { os: string; cpuModel?: string };
}

const { values: args, positionals } = parseArgs({ options: { since: { type: 'string' }, until: { type: 'string' } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error('usage: node --import tsx bench/aa-power-ledger.ts <ledger.jsonl> [--since YYYY-MM-DD[Thh:mm]] [--until YYYY-MM-DD[Thh:mm]]');
  process.exit(2);
}
const lines = readLedger<LedgerLine>(positionals[0], args.since, args.until);

// Neighbour seeds are one machine state: each sitting takes another seed, so the tally spans several.
const pairsLabel = (l: LedgerLine) => (l.restarts === 'auto' ? ', a process pair per block' : '');
/**
 * baseline.turns as configured: rounds of several turns per side are a rule of their own, whether a
 * sitting set them (`--turns`, `--aa-turns`: "A/A, 4 turns") or they were perfgate's default, so the
 * row is named by the rule, not by the condition's name. A slow endpoint takes fewer turns than
 * configured (`stop.turns`), so the line's `turnsConfigured` decides; lines written before it was
 * recorded say "instead of N" in `stop.roundSizing` when they took fewer (turnsFor's wording then).
 */
const configuredTurns = (l: LedgerLine) => l.turnsConfigured ?? Number(/ instead of (\d+):/.exec(l.stop?.roundSizing ?? '')?.[1] ?? l.stop?.turns ?? 1);
const turnsLabel = (l: LedgerLine) => (configuredTurns(l) > 1 ? `, ${configuredTurns(l)} turns per round` : '');
const conditionName = (l: LedgerLine) => l.condition.replace(/, \d+ turns?$/, '');
const pinned = (l: LedgerLine) => (l.neighbourCpu === undefined ? '' : ` pinned to CPU ${l.neighbourCpu}`);
/** The row's first two cells; the seeds, when given, name the sittings the row pools. */
const rowLabel = (l: LedgerLine, seeds: readonly number[] = []) => {
  const seedList = seeds.length > 0 ? ` (seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')})` : '';
  // A reboot can bring another kind of host (AMD EPYC to Intel Xeon on 2026-12-06), with its own noise.
  const host = l.runner?.cpuModel ? `, ${l.runner.cpuModel}` : '';
  return `${conditionName(l)}${pairsLabel(l)}${turnsLabel(l)} | ${l.neighbour === null ? 'quiet' : `neighbour${seedList}${pinned(l)}`}${busySuffix(l, l.neighbour !== null)}${host}`;
};
const groups = groupBy(lines, (l) => rowLabel(l));
const seedsOf = (ls: LedgerLine[]) => [...new Set(ls.flatMap((l) => (l.neighbour === null ? [] : [l.neighbour])))].sort((a, b) => a - b);

const verdictIs = (l: LedgerLine, metric: string, v: string) => l.metrics[metric]?.verdict === v;
// "A/A, restarts never" and "A/A, 4 turns": A/A under a rule the sitting paired with its own.
const isAA = (l: LedgerLine) => l.condition === 'A/A' || l.condition.startsWith('A/A, ');

/**
 * A rate of a few dozen comparisons says little on its own: 1 failed in 100 is "≤ 1%" by its point,
 * but the one-sided 95% Clopper–Pearson bound is 4.7%. A/A rows bound the false-alarm rate from
 * above; rows with a real change bound the rate of catching it from below.
 */
function boundColumn(ls: LedgerLine[], failed: number): string {
  const n = ls.length;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return isAA(ls[0]!) ? `≤ ${pct(upperBound(failed, n))}` : `≥ ${pct(1 - upperBound(n - failed, n))}`;
}

/** Time spent restarting both sides between blocks (warm-ups included), which the scenario's budget also pays. */
function restartColumn(ls: LedgerLine[]): string {
  if (!ls.some((l) => l.restarts === 'auto')) return '–';
  return medianMax(ls.map((l) => (l.stop?.restartMs ?? 0) / 1000), 0);
}

/** `median / max`, as the tables show rounds and seconds. */
const medianMax = (xs: number[], digits?: number) => [median(xs), Math.max(...xs)].map((x) => (digits === undefined ? String(x) : x.toFixed(digits))).join(' / ');

/** The cells both tables count the same way for a set of comparisons. */
function counts(ls: LedgerLine[]) {
  const n = ls.length;
  const failed = ls.filter((l) => l.failed).length;
  const share = (pick: (l: LedgerLine) => boolean) => rate(ls.filter(pick).length, n);
  return {
    n,
    checkFails: rate(failed, n),
    bound: boundColumn(ls, failed),
    cpuRegressed: share((l) => verdictIs(l, 'cpuUsPerRequest', 'regressed')),
    cpuInconclusive: share((l) => verdictIs(l, 'cpuUsPerRequest', 'inconclusive')),
    p50OrRps: share((l) => verdictIs(l, 'p50', 'regressed') || verdictIs(l, 'rps', 'regressed')),
    p50AndRps: share((l) => verdictIs(l, 'p50', 'regressed') && verdictIs(l, 'rps', 'regressed')),
    // Of the comparisons whose p50 or rps moved by their default 5% threshold or more, how many were
    // caught on one of them: "regressed" needs the estimate at the threshold, so a change users felt
    // less than that is not a miss of the rule.
    feltCaught: feltCaught(ls),
    loadSeconds: medianMax(ls.map((l) => l.loadSeconds), 0),
  };
}

const rows = groups.map(([, ls]) => {
  const c = counts(ls);
  const reasons = new Map<string, number>();
  for (const l of ls) reasons.set(l.stop?.reason ?? '?', (reasons.get(l.stop?.reason ?? '?') ?? 0) + 1);
  const load = ls.map((l) => l.loadAverage[0]);
  return [
    rowLabel(ls[0]!, seedsOf(ls)),
    c.n,
    c.checkFails,
    c.bound,
    // The injected µs are sized from one calibration of the service's CPU/request; the change they
    // really caused (median over the comparisons) says what a "+10%" condition measured.
    medianChange(ls, 'cpuUsPerRequest'),
    // What of that change users felt: the service's CPU is only part of a request's path, so p50 and
    // rps move by a fraction of it, and how large a fraction decides whether they reach their thresholds.
    ['p50', 'rps'].map((k) => medianChange(ls, k)).join(' / '),
    c.cpuRegressed,
    c.cpuInconclusive,
    // Unchanged because a 95% interval ruled its regression out and measuring stopped waiting for it
    // (the futility bound, src/measure/judge.ts), not because the look's strict interval did.
    rate(ls.filter((l) => verdictIs(l, 'cpuUsPerRequest', 'unchanged') && l.stop?.ruledOut?.includes('CPU/req')).length, c.n),
    c.p50OrRps,
    c.p50AndRps,
    c.feltCaught,
    medianMax(ls.map((l) => l.stop?.rounds ?? 0)),
    c.loadSeconds,
    restartColumn(ls),
    [...reasons.entries()].map(([r, k]) => `${r} ${k}`).join(', '),
    `${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`,
  ].join(' | ');
});

/** The median change of a metric over the comparisons that measured it (a run that failed has none). */
function medianChange(ls: LedgerLine[], metric: string): string {
  const changes = ls.flatMap((l) => (l.metrics[metric] ? [l.metrics[metric].change] : []));
  return changes.length === 0 ? '–' : `${(median(changes) * 100).toFixed(1)}%`;
}

function feltCaught(ls: LedgerLine[]): string {
  const felt = ls.filter((l) => (l.metrics.p50?.change ?? 0) >= 0.05 || (l.metrics.rps?.change ?? 0) <= -0.05);
  return rate(felt.filter((l) => verdictIs(l, 'p50', 'regressed') || verdictIs(l, 'rps', 'regressed')).length, felt.length);
}

// One `perfgate run` measures several scenarios with the same two service processes. If the A/A
// changes of a run cluster around a value of their own, that value belongs to the process pair (the
// heap, the memory layout, what the JIT chose), which paired rounds cannot see: rounds replicate
// within a pair, not across pairs. Per run: the A/A CPU/request changes, their median, and the
// spread of the run medians against the spread within runs.
const pct1 = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const sd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
};
/**
 * Per run: the A/A CPU/request changes, their median, and the spread of the run medians against the
 * spread within runs. With restarts between blocks no two scenarios share a pair, so if pairs were
 * what set the run medians apart, those medians now spread no more than the scenarios within a run
 * allow (their sd / √scenarios).
 */
function perRunTable(title: string, aa: LedgerLine[]): string[] {
  // A sitting can pair rules run by run (--aa-turns): each run says its own.
  const turns = (l: LedgerLine) => (configuredTurns(l) > 1 ? `, ${configuredTurns(l)} turns` : '');
  const aaRuns = groupBy(aa, (l) => `${l.when.slice(0, 16)} | ${l.benchCommit} | ${l.neighbour === null ? 'quiet' : `neighbour (seed ${l.neighbour})${pinned(l)}`}${turns(l)}`);
  if (aaRuns.length === 0) return [];
  const runs = aaRuns.map(([, ls]) => ls);
  const runMedians = runs.map((ls) => median(ls.map((l) => l.metrics.cpuUsPerRequest!.change)));
  const several = runs.filter((ls) => ls.length > 1);
  const withinSd = Math.sqrt(several.map((ls) => sd(ls.map((l) => l.metrics.cpuUsPerRequest!.change)) ** 2).reduce((a, b) => a + b, 0) / Math.max(1, several.length));
  return [
    '',
    `### ${title}`,
    '',
    '| run ended | bench commit | machine | scenarios | CPU/req changes | median | inconclusive |',
    '| :--- | :--- | :--- | ---: | :--- | ---: | ---: |',
    ...aaRuns.map(([key, ls]) => {
      const changes = ls.map((l) => l.metrics.cpuUsPerRequest!.change);
      return `| ${key} | ${ls.length} | ${changes.map(pct1).join(', ')} | ${pct1(median(changes))} | ${ls.filter((l) => verdictIs(l, 'cpuUsPerRequest', 'inconclusive')).length} |`;
    }),
    '',
    `Run medians spread ±${(sd(runMedians) * 100).toFixed(1)}% (sd over ${runMedians.length} runs, ${pct1(Math.min(...runMedians))} … ${pct1(Math.max(...runMedians))}); ` +
      `scenarios within a run spread ±${(withinSd * 100).toFixed(1)}% (pooled sd).`,
    '',
  ];
}

/**
 * What issue 12 asks is counted per condition and machine state, over as many sittings, seeds,
 * hosts and endpoints as it takes; the rows above keep those apart. This table sums them, under one
 * rule at a time (the turns and restarts the rows name), so the totals and bounds docs/verdicts.md
 * quotes come from a command, not from adding rows by hand. A +10% on the CPU-bound endpoint and one
 * on the database-bound bookshop stay apart: the same CPU change moves their p50 and rps by very
 * different fractions (docs/verdicts.md).
 */
function conditionKind(l: LedgerLine): string {
  if (isAA(l)) return 'A/A';
  if (l.condition.startsWith('+10%')) return l.workUs ? '+10% work, CPU-bound endpoint' : '+10% work, database-bound endpoint';
  return conditionName(l).replace(/ \(.*\)$/, '');
}
function pooledTable(ls: readonly LedgerLine[]): string[] {
  const rule = (l: LedgerLine) => `${pairsLabel(l)}${turnsLabel(l)}`.replace(/^, /, '') || 'one process pair per run';
  const state = (l: LedgerLine) => `${l.neighbour === null ? 'quiet' : 'neighbour'}${busySuffix(l, l.neighbour !== null) ? ' + other jobs' : ''}`;
  const groupsByState = groupBy(ls, (l) => `${rule(l)} | ${conditionKind(l)} | ${state(l)}`);
  // Every state together too: the false-alarm rate the issue bounds is one number, and so is each target.
  const allStates = groupBy(ls, (l) => `${rule(l)} | ${conditionKind(l)} | all states`);
  const pooled = [...groupsByState, ...allStates].sort(([a], [b]) => a.localeCompare(b));
  if (pooled.length === 0) return [];
  return [
    '',
    '### Pooled by condition and machine state',
    '',
    markdownTable(
      ['rule', 'condition', 'machine', 'comparisons', 'the check fails (any metric)', 'its 95% bound', 'CPU/req regressed', 'CPU/req inconclusive', 'p50 or rps regressed', 'of those with p50 or rps moved ≥ 5%: caught', 'p50 and rps regressed', 'load s median / max'],
      'lllrrrrrrrrr',
      pooled.map(([key, g]) => {
        const c = counts(g);
        return [key, c.n, c.checkFails, c.bound, c.cpuRegressed, c.cpuInconclusive, c.p50OrRps, c.feltCaught, c.p50AndRps, c.loadSeconds];
      }),
    ),
  ];
}

const aaLines = lines.filter((l) => isAA(l) && l.metrics.cpuUsPerRequest);
const perRun = [
  ...perRunTable('A/A CPU/request change per run (one process pair per run)', aaLines.filter((l) => l.restarts !== 'auto')),
  ...perRunTable('A/A CPU/request change per run (restarts: auto, a process pair per block)', aaLines.filter((l) => l.restarts === 'auto')),
];

process.stdout.write(
  [
    ledgerHeading(lines),
    '',
    '| condition | machine | comparisons | the check fails (any metric) | its 95% bound | CPU/req change, median | p50 / rps change, median | CPU/req regressed | CPU/req inconclusive | CPU/req unchanged at 95% (ruled out) | p50 or rps regressed | p50 and rps regressed | of those with p50 or rps moved ≥ 5%: caught | paired rounds median / max | load s median / max | restarts s median / max | why measuring stopped | load average at start |',
    '| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- | ---: |',
    ...rows.map((r) => `| ${r} |`),
    ...pooledTable(lines),
    ...perRun,
    '',
  ].join('\n'),
);
