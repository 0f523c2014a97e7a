// Whether where the threads ran explains the A/A scatter, from a sitting run with --trace
// (bench/verdicts-aa-power.ts; bench/placement-sampler.cjs wrote the threads' CPU and run-queue waits):
//
//   node --import tsx bench/placement.ts <raw dir> [<raw dir> …] [--condition A/A] [--rounds] [--straddle]
//
// Each paired round of a scenario is one side alone with the load generator (the alternating
// schedule). For each round it sums, from the samples inside the round's window, the time the active
// side's service threads ran and waited for a CPU, the same for the load generator's main thread
// (perfgate's event loop) and for the database backends, and how much of the service's main thread's
// run time fell on the CPU the generator's main thread was on (colocated: the two then take turns on
// one core while the other holds what else runs). Per scenario it prints the mean d = ln(head / base)
// of rps beside the mean head − base difference of each of these; then, over all paired rounds and
// over scenario means, the correlation of d with each difference. A placement that carries the
// scatter shows as a strong correlation at the scenario level. --straddle adds why a round's window
// starts one sampler interval late: the gap between rounds, and the other side's service time in the
// first interval of a round after a switch against the rest of it. Traces that record the sampler's
// own CPU (since 2026-12-06) get a first line saying what the sampling cost.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RoundResult } from '../src/results/types.js';
import { median, signTestP } from '../src/compare/stats.js';
import { percentileOfSorted } from '../src/queries/db-time.js';
import { correlation, mean, readResultsFiles, signedPercent as signed } from './raw-results.js';

const { values: args, positionals } = parseArgs({
  options: { condition: { type: 'string', default: 'A/A' }, rounds: { type: 'boolean', default: false }, straddle: { type: 'boolean', default: false } },
  allowPositionals: true,
});
if (positionals.length === 0) {
  console.error('usage: node --import tsx bench/placement.ts <raw dir> [<raw dir> …] [--condition A/A] [--rounds] [--straddle]');
  process.exit(2);
}

type Role = 'generator' | 'head' | 'base' | 'postgres' | 'other';
interface Thread {
  pid: number;
  role: Role;
  comm: string;
}
/** One sample of one thread: [ms, tid, cpu, run ns, wait ns]. */
type RunSample = [number, number, number, number, number];

interface Trace {
  threads: Map<number, Thread>;
  /** In time order, as the sampler writes them. */
  samples: RunSample[];
  generatorPid: number;
  /** The sampler's interval (the median step between its sampling instants). */
  intervalMs: number;
  /** Cores the sampler itself used (its "s" line; traces before 2026-12-06 have none). */
  samplerCores?: number;
}

function readTrace(file: string): Trace {
  const threads = new Map<number, Thread>();
  const samples: RunSample[] = [];
  let generatorPid = 0;
  let samplerCores: number | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const v = JSON.parse(line) as unknown[];
    if (v[0] === 't') {
      const [, tid, pid, role, comm] = v as [string, number, number, Role, string];
      // An exiting process no longer shows its environment (older traces then said "other"): keep a known role.
      const known = threads.get(tid)?.role;
      threads.set(tid, { pid, role: known && known !== 'other' ? known : role, comm });
      if (role === 'generator') generatorPid = pid;
    } else if (v[0] === 'r') samples.push(v.slice(1) as RunSample);
    else if (v[0] === 's') {
      const [, , cpuUs, ranMs] = v as [string, number, number, number];
      samplerCores = cpuUs / 1000 / Math.max(1, ranMs);
    }
    // "c" lines (per-CPU busy and steal jiffies) are for a look by hand: this guest reports no steal.
  }
  const instants = [...new Set(samples.map((x) => x[0]))];
  const steps = instants.slice(1).map((t, i) => t - instants[i]!);
  return { threads, samples, generatorPid, intervalMs: steps.length > 0 ? median(steps) : 0, samplerCores };
}

/** The end time of each round, by scenario, side and round number, from the run's progress lines. */
function roundEnds(file: string): Map<string, number> {
  const ends = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [ms, text] = JSON.parse(line) as [number, string];
    const m = /^\[\d+\/\d+\] (\S+): (head|base) round (\d+)\/\d+:/.exec(text);
    if (m) ends.set(`${m[1]} ${m[2]} ${m[3]}`, ms);
  }
  return ends;
}

interface RoundFeatures {
  /** µs per request, the active side's service (all its threads). */
  serviceRun: number;
  serviceWait: number;
  /** µs per request, the load generator's main thread. */
  generatorRun: number;
  generatorWait: number;
  /** µs per request, database backends. */
  postgresRun: number;
  postgresWait: number;
  /** Share of the service main thread's run time sampled on the CPU the generator's main thread was on. */
  colocated: number;
  /** Share of the service main thread's run time on CPU 0. */
  onCpu0: number;
  /** Run time of the other side's service, µs per request (should be ≈ 0). */
  idleSideRun: number;
  /**
   * Cores used by everything else under the bench (the noisy neighbour) during the round: per second,
   * not per request, since it does no work per request — a slower round must not make it look busier.
   */
  otherCores: number;
}

/**
 * The samples taken in (fromMs, toMs]. They are in time order, so the window is found by bisection,
 * not by a pass over the whole run.
 */
function* samplesIn(trace: Trace, fromMs: number, toMs: number): Generator<RunSample> {
  const { samples } = trace;
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]![0] <= fromMs) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < samples.length && samples[i]![0] <= toMs; i++) yield samples[i]!;
}

/**
 * What the threads did in one round. A sample holds what a thread did since the one before it, so the
 * first sample inside a round also holds the time before the round — the end of the previous round
 * (rounds follow each other within ~20 ms, the sampler's interval is 100 ms), which made the other
 * side's service look busy in the first 100 ms of a round after a switch. Only samples that lie wholly
 * inside the round count, and the requests with them in proportion.
 */
function features(trace: Trace, side: 'head' | 'base', roundStartMs: number, endMs: number, roundRequests: number): RoundFeatures {
  const startMs = Math.min(endMs, roundStartMs + trace.intervalMs);
  const requests = (roundRequests * (endMs - startMs)) / Math.max(1, endMs - roundStartMs);
  const f = { serviceRun: 0, serviceWait: 0, generatorRun: 0, generatorWait: 0, postgresRun: 0, postgresWait: 0, idleSideRun: 0, otherRun: 0 };
  let mainRun = 0;
  let colocatedRun = 0;
  let cpu0Run = 0;
  // Samples of one instant, to pair the service main thread with the generator's.
  const byInstant = new Map<number, RunSample[]>();
  for (const s of samplesIn(trace, startMs, endMs)) {
    const at = byInstant.get(s[0]) ?? [];
    at.push(s);
    byInstant.set(s[0], at);
  }
  for (const at of byInstant.values()) {
    let generatorCpu: number | undefined;
    let serviceMain: RunSample | undefined;
    for (const s of at) {
      const t = trace.threads.get(s[1]);
      if (!t) continue;
      const [, tid, , run, wait] = s;
      if (t.role === side) {
        f.serviceRun += run;
        f.serviceWait += wait;
        if (tid === t.pid && t.comm === 'node') serviceMain = s;
      } else if (t.role === 'generator') {
        if (tid === trace.generatorPid) {
          f.generatorRun += run;
          f.generatorWait += wait;
          generatorCpu = s[2];
        }
      } else if (t.role === 'postgres') {
        f.postgresRun += run;
        f.postgresWait += wait;
      } else if (t.role === (side === 'head' ? 'base' : 'head')) f.idleSideRun += run;
      else if (t.role === 'other') f.otherRun += run;
    }
    if (serviceMain) {
      mainRun += serviceMain[3];
      if (serviceMain[2] === 0) cpu0Run += serviceMain[3];
      if (generatorCpu === serviceMain[2]) colocatedRun += serviceMain[3];
    }
  }
  const perRequest = (ns: number) => ns / 1000 / Math.max(1, requests);
  return {
    serviceRun: perRequest(f.serviceRun),
    serviceWait: perRequest(f.serviceWait),
    generatorRun: perRequest(f.generatorRun),
    generatorWait: perRequest(f.generatorWait),
    postgresRun: perRequest(f.postgresRun),
    postgresWait: perRequest(f.postgresWait),
    colocated: mainRun > 0 ? colocatedRun / mainRun : NaN,
    onCpu0: mainRun > 0 ? cpu0Run / mainRun : NaN,
    idleSideRun: perRequest(f.idleSideRun),
    otherCores: f.otherRun / 1e6 / Math.max(1, endMs - startMs),
  };
}

/** Run time (ms) of `side`'s service threads in the samples taken in (fromMs, toMs]. */
function serviceRunMs(trace: Trace, side: 'head' | 'base', fromMs: number, toMs: number): number {
  let ns = 0;
  for (const s of samplesIn(trace, fromMs, toMs)) if (trace.threads.get(s[1])?.role === side) ns += s[3];
  return ns / 1e6;
}

/** A round that followed one of the other side on the same process pair, for --straddle. */
interface SwitchedRound {
  /** From the end of the other side's round to the start of this one. */
  gapMs: number;
  /** The other side's service run time in this round's first sampler interval (samples taken then). */
  firstMs: number;
  /** …in the second interval, and in all of the round after the first. */
  secondMs: number;
  restMs: number;
  /** The round's length after its first interval. */
  restSpanMs: number;
}

/** Features that are fractions or cores, printed with two decimals. */
const SHARES: (keyof RoundFeatures)[] = ['colocated', 'onCpu0', 'otherCores'];
const FEATURES: (keyof RoundFeatures)[] = ['serviceRun', 'serviceWait', 'generatorRun', 'generatorWait', 'postgresRun', 'postgresWait', 'colocated', 'onCpu0', 'idleSideRun', 'otherCores'];

interface PairedRound {
  dir: string;
  file: string;
  scenario: string;
  round: number;
  processPair: number;
  /** Whether head's round ran before base's in this pair (the order is drawn per round). */
  headFirst: boolean;
  /**
   * Whether the round just before head's (and base's) round, in time, was of the same side; undefined
   * for a side's first round on a process pair.
   */
  headAfterSame?: boolean;
  baseAfterSame?: boolean;
  /** ln rps of each side's round. */
  lnRpsHead: number;
  lnRpsBase: number;
  /** ln(head / base) of rps and p50. */
  dRps: number;
  dP50: number;
  head: RoundFeatures;
  base: RoundFeatures;
}

/** What one raw directory's traced runs give: paired rounds, rounds after a switch (--straddle), and per trace its sampler. */
interface TracedDir {
  paired: PairedRound[];
  switched: SwitchedRound[];
  traces: Pick<Trace, 'intervalMs' | 'samplerCores'>[];
}

function readTracedDir(dir: string): TracedDir {
  const paired: PairedRound[] = [];
  const switched: SwitchedRound[] = [];
  const traces: TracedDir['traces'] = [];
  for (const { file, results } of readResultsFiles(dir, args.condition)) {
    const stem = path.join(dir, file.replace(/\.json$/, ''));
    if (!existsSync(`${stem}.trace.jsonl`) || !existsSync(`${stem}.progress.jsonl`)) continue;
    const trace = readTrace(`${stem}.trace.jsonl`);
    traces.push({ intervalMs: trace.intervalMs, samplerCores: trace.samplerCores });
    const ends = roundEnds(`${stem}.progress.jsonl`);
    for (const head of results.scenarios) {
      const h = head.load?.rounds ?? [];
      const b = results.base?.scenarios.find((x) => x.name === head.name)?.load?.rounds ?? [];
      const endOf = (side: 'head' | 'base', k: number) => ends.get(`${head.name} ${side} ${k}`) ?? NaN;
      const window = (side: 'head' | 'base', k: number, r: RoundResult) => {
        const end = endOf(side, k);
        return Number.isNaN(end) ? undefined : features(trace, side, end - r.durationMs, end, r.requests);
      };
      // Every round of the scenario in time order, to know what ran just before each one.
      const sequence = [...h.map((r, i) => ({ side: 'head', k: i + 1, pair: r.processPair })), ...b.map((r, i) => ({ side: 'base', k: i + 1, pair: r.processPair }))]
        .map((x) => ({ ...x, end: endOf(x.side as 'head' | 'base', x.k) }))
        .filter((x) => Number.isFinite(x.end))
        .sort((x, y) => x.end - y.end);
      const placeInSequence = new Map(sequence.map((x, at) => [`${x.side} ${x.k}`, at]));
      if (args.straddle) {
        sequence.forEach((x, at) => {
          const before = sequence[at - 1];
          if (!before || before.side === x.side || before.pair !== x.pair) return;
          const side = x.side as 'head' | 'base';
          const other = side === 'head' ? 'base' : 'head';
          const start = x.end - ((side === 'head' ? h : b)[x.k - 1]?.durationMs ?? NaN);
          const step = trace.intervalMs;
          if (!Number.isFinite(start) || x.end - start <= 2 * step) return;
          switched.push({
            gapMs: start - before.end,
            firstMs: serviceRunMs(trace, other, start, start + step),
            secondMs: serviceRunMs(trace, other, start + step, start + 2 * step),
            restMs: serviceRunMs(trace, other, start + step, x.end),
            restSpanMs: x.end - start - step,
          });
        });
      }
      const afterSame = (side: 'head' | 'base', k: number): boolean | undefined => {
        // A side's first round on a pair is still settling (1.2–1.4× the CPU after a restart): left out.
        const own = side === 'head' ? h : b;
        if (k === 1 || own[k - 2]?.processPair !== own[k - 1]?.processPair) return undefined;
        const at = placeInSequence.get(`${side} ${k}`) ?? -1;
        const before = at > 0 ? sequence[at - 1]! : undefined;
        return before && before.pair === sequence[at]!.pair ? before.side === side : undefined;
      };
      h.forEach((hr, i) => {
        const br = b[i];
        if (!br) return;
        const hf = window('head', i + 1, hr);
        const bf = window('base', i + 1, br);
        if (!hf || !bf) return;
        const lnRpsHead = Math.log(hr.rps);
        const lnRpsBase = Math.log(br.rps);
        paired.push({
          dir: path.basename(dir),
          file,
          scenario: head.name,
          round: i + 1,
          processPair: hr.processPair ?? 0,
          headFirst: endOf('head', i + 1) < endOf('base', i + 1),
          headAfterSame: afterSame('head', i + 1),
          baseAfterSame: afterSame('base', i + 1),
          lnRpsHead,
          lnRpsBase,
          dRps: lnRpsHead - lnRpsBase,
          dP50: Math.log(hr.latencyUs.p50 / br.latencyUs.p50),
          head: hf,
          base: bf,
        });
      });
    }
  }
  return { paired, switched, traces };
}

const traced = positionals.map(readTracedDir);
const rounds = traced.flatMap((t) => t.paired);
const switchedRounds = traced.flatMap((t) => t.switched);
const traces = traced.flatMap((t) => t.traces);
if (rounds.length === 0) {
  console.error('no traced rounds: run bench/verdicts-aa-power.ts with --trace and --raw');
  process.exit(1);
}
const delta = (r: PairedRound, k: keyof RoundFeatures) => r.head[k] - r.base[k];
/** The mean of the finite values (a round whose service main thread was not sampled has no shares). */
const finiteMean = (xs: number[]) => mean(xs.filter(Number.isFinite));
const num = (v: number, digits = 1) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}` : '–');

// The sampling is not free: it reads /proc for every thread ten times a second, on the same two cores.
const samplerCosts = traces.flatMap((t) => (t.samplerCores === undefined ? [] : [t.samplerCores]));
if (samplerCosts.length > 0) {
  console.log(
    `Sampler's own CPU: median ${(median(samplerCosts) * 100).toFixed(1)}% of a core (max ${(Math.max(...samplerCosts) * 100).toFixed(1)}%) over ${samplerCosts.length} of ${traces.length} traced runs.`,
  );
  console.log('');
}

if (args.rounds) {
  console.log(`| file | scenario | round | pair | d rps | ${FEATURES.map((k) => `Δ ${k}`).join(' | ')} |`);
  console.log(`| :--- | :--- | ---: | ---: | ---: | ${FEATURES.map(() => '---:').join(' | ')} |`);
  for (const r of rounds) {
    console.log(`| ${r.file} | ${r.scenario} | ${r.round} | ${r.processPair} | ${signed(r.dRps)} | ${FEATURES.map((k) => num(delta(r, k), SHARES.includes(k) ? 2 : 1)).join(' | ')} |`);
  }
  console.log('');
}

const scenarios = new Map<string, PairedRound[]>();
for (const r of rounds) {
  const key = `${r.dir} ${r.file} ${r.scenario}`;
  scenarios.set(key, [...(scenarios.get(key) ?? []), r]);
}
console.log(`Condition ${args.condition}: per scenario, mean d = ln(head / base) of rps and p50, and the mean head − base difference per round (µs per request; shares as fractions; otherCores in cores).`);
console.log('');
console.log(`| scenario | rounds | d rps | d p50 | ${FEATURES.map((k) => `Δ ${k}`).join(' | ')} | head ${'colocated'} | base colocated |`);
console.log(`| :--- | ---: | ---: | ---: | ${FEATURES.map(() => '---:').join(' | ')} | ---: | ---: |`);
for (const [key, rs] of scenarios) {
  const cells = FEATURES.map((k) => num(finiteMean(rs.map((r) => delta(r, k))), SHARES.includes(k) ? 2 : 1));
  console.log(
    `| ${key} | ${rs.length} | ${signed(mean(rs.map((r) => r.dRps)))} | ${signed(mean(rs.map((r) => r.dP50)))} | ${cells.join(' | ')} | ${finiteMean(rs.map((r) => r.head.colocated)).toFixed(2)} | ${finiteMean(rs.map((r) => r.base.colocated)).toFixed(2)} |`,
  );
}
console.log('');
console.log('Correlation of d rps with each head − base difference:');
console.log('');
console.log(`| over | n | ${FEATURES.map((k) => `Δ ${k}`).join(' | ')} |`);
console.log(`| :--- | ---: | ${FEATURES.map(() => '---:').join(' | ')} |`);
const groups = [...scenarios.values()];
console.log(`| paired rounds | ${rounds.length} | ${FEATURES.map((k) => correlation(rounds.map((r) => delta(r, k)), rounds.map((r) => r.dRps)).toFixed(2)).join(' | ')} |`);
console.log(
  `| scenario means | ${groups.length} | ${FEATURES.map((k) =>
    correlation(
      groups.map((rs) => finiteMean(rs.map((r) => delta(r, k)))),
      groups.map((rs) => mean(rs.map((r) => r.dRps))),
    ).toFixed(2),
  ).join(' | ')} |`,
);

// The order of the sides is drawn per round, so a side's place in its pair is noise — unless the
// place itself costs something (the second round meeting what the first left behind), which shows as
// d higher when head ran first. Per scenario: half the difference of the two means, the place effect.
console.log('');
console.log('Place in the pair: mean d rps when head ran first and when base ran first; effect = half their difference (> 0: the side that runs first is faster).');
console.log('');
console.log('| scenario | head first | d rps | base first | d rps | effect |');
console.log('| :--- | ---: | ---: | ---: | ---: | ---: |');
const effects: number[] = [];
for (const [key, rs] of scenarios) {
  const hf = rs.filter((r) => r.headFirst).map((r) => r.dRps);
  const bf = rs.filter((r) => !r.headFirst).map((r) => r.dRps);
  if (hf.length === 0 || bf.length === 0) continue;
  const effect = (mean(hf) - mean(bf)) / 2;
  effects.push(effect);
  console.log(`| ${key} | ${hf.length} | ${signed(mean(hf))} | ${bf.length} | ${signed(mean(bf))} | ${signed(effect)} |`);
}
const positive = effects.filter((e) => e > 0).length;
console.log('');
console.log(
  `Effect > 0 in ${positive} of ${effects.length} scenarios (sign test p = ${signTestP(effects).toPrecision(2)}), median ${signed(median(effects))}.`,
);

// Why the first place is faster: the second round of a pair always follows the other side, the first
// follows its own side half the time. Per side and scenario, ln rps of the rounds that followed a
// round of the same side minus those that followed the other side (the switch cost; each side's first
// round on a process pair left out).
const switchCosts: number[] = [];
/** Per feature, per side-scenario: mean after its own side − mean after the other side. */
const switchFeatures = new Map<keyof RoundFeatures, number[]>(FEATURES.map((k) => [k, []]));
for (const rs of scenarios.values()) {
  for (const side of ['head', 'base'] as const) {
    const same: PairedRound[] = [];
    const switched: PairedRound[] = [];
    for (const r of rs) {
      const after = side === 'head' ? r.headAfterSame : r.baseAfterSame;
      if (after === undefined) continue;
      (after ? same : switched).push(r);
    }
    if (same.length === 0 || switched.length === 0) continue;
    const lnRps = (r: PairedRound) => (side === 'head' ? r.lnRpsHead : r.lnRpsBase);
    switchCosts.push(mean(same.map(lnRps)) - mean(switched.map(lnRps)));
    for (const k of FEATURES) {
      const value = (r: PairedRound) => r[side][k];
      const diff = finiteMean(same.map(value)) - finiteMean(switched.map(value));
      if (Number.isFinite(diff)) switchFeatures.get(k)!.push(diff);
    }
  }
}
console.log('');
console.log(
  `Switch cost: a round after one of its own side against one after the other side, rps higher in ${switchCosts.filter((c) => c > 0).length} of ${switchCosts.length} side-scenarios (sign test p = ${signTestP(switchCosts).toPrecision(2)}), median ${signed(median(switchCosts))}.`,
);

// What a switch changes in the trace: the same comparison for each traced quantity of the round's
// own side. A switch that costs CPU per request (caches the other side cooled) shows in serviceRun or
// postgresRun; one that costs waiting (the other side's leftover work competing) in the waits and in
// idleSideRun, the other side's service running during this round.
console.log('');
console.log('What the switch changes: per side-scenario, mean after its own side − mean after the other side (µs per request; shares as fractions; otherCores in cores).');
console.log('');
console.log('| quantity | side-scenarios | median difference | > 0 | sign test p |');
console.log('| :--- | ---: | ---: | ---: | ---: |');
for (const [k, diffs] of switchFeatures) {
  if (diffs.length === 0) continue;
  console.log(`| ${k} | ${diffs.length} | ${num(median(diffs), SHARES.includes(k) ? 2 : 1)} | ${diffs.filter((d) => d > 0).length} | ${signTestP(diffs).toPrecision(2)} |`);
}

if (args.straddle) {
  // A sample taken early in a round holds what ran since the sample before it, which, with rounds this
  // close together, is the end of the other side's round: hence the window's late start (features()).
  const gaps = switchedRounds.map((r) => r.gapMs).sort((a, c) => a - c);
  const interval = median(traces.map((t) => t.intervalMs));
  const perRound = (k: 'firstMs' | 'secondMs' | 'restMs') => mean(switchedRounds.map((r) => r[k]));
  console.log('');
  console.log(`Straddle: ${switchedRounds.length} rounds after a round of the other side on the same process pair (sampler interval ${interval.toFixed(0)} ms).`);
  console.log(`Gap from the end of the other side's round to the start of this one: median ${median(gaps).toFixed(0)} ms (p10–p90 ${percentileOfSorted(gaps, 10).toFixed(0)}–${percentileOfSorted(gaps, 90).toFixed(0)} ms).`);
  console.log(
    `The other side's service run time per round, from the samples taken in its first interval: ${perRound('firstMs').toFixed(2)} ms; in the second: ${perRound('secondMs').toFixed(2)} ms; after the first, all of it: ${perRound('restMs').toFixed(2)} ms over ${mean(switchedRounds.map((r) => r.restSpanMs)).toFixed(0)} ms.`,
  );
}
