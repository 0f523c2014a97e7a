// The analyses of a bench sitting's raw directory (bench/placement.ts, bench/interval-dispersion.ts,
// bench/process-pairs.ts), run as a maintainer runs them, over a tiny raw directory built here whose
// answers are known by construction. The figures docs/verdicts.md quotes come from these scripts, and
// nothing else runs them: one of them once crashed in a form the docs cite, unnoticed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from '@jest/globals';
import type { RoundResult } from '../../src/results/types.js';
import { repoRoot, tempDir } from '../cli/helpers.js';

const ROUNDS = 8;
/** Two process pairs of four rounds each: the sides restart after round 4. */
const pairOf = (k: number) => (k <= 4 ? 1 : 2);
const ROUND_MS = 1000;
const GAP_MS = 100;
const SAMPLE_MS = 100;
const T0 = 1_796_500_000_000;
const SCENARIOS = ['s1', 's2'];
const TID = { generator: 100, head: 200, base: 300, postgres: 400 } as const;

/**
 * Head does 10% more of everything, and whichever side runs first in its pair is 1% faster (the order
 * alternates: head first in odd rounds). So d = ln(head / base) is ln 1.1 ± 0.02, its mean exactly
 * ln 1.1 (+9.5%), the place-in-the-pair effect +2.0%, and the switch cost +2.0% for both sides.
 */
function round(side: 'head' | 'base', k: number): RoundResult {
  const first = (k % 2 === 1) === (side === 'head');
  const work = side === 'head' ? 1.1 : 1;
  const rps = 1000 * work * Math.exp(first ? 0.01 : -0.01);
  const slower = work * Math.exp(first ? -0.01 : 0.01);
  return {
    rps,
    latencyUs: { p50: 2000 * slower, p90: 3000 * slower, p99: 5000 * slower, max: 9000 },
    requests: Math.round((rps * ROUND_MS) / 1000),
    errors: 0,
    non2xx: 0,
    durationMs: ROUND_MS,
    cpuUsPerRequest: 150 * slower,
    side,
    processPair: pairOf(k),
  };
}

/** Round k's two windows in time order, within scenario s. */
function windows(s: number, k: number): { side: 'head' | 'base'; start: number; end: number }[] {
  const pairStart = T0 + s * 100_000 + (k - 1) * 2 * (ROUND_MS + GAP_MS);
  const order: ('head' | 'base')[] = k % 2 === 1 ? ['head', 'base'] : ['base', 'head'];
  return order.map((side, i) => {
    const start = pairStart + i * (ROUND_MS + GAP_MS);
    return { side, start, end: start + ROUND_MS };
  });
}

/**
 * A raw directory of one A/A results file; with its trace and progress lines when `traced`, and the
 * sampler's own CPU at the trace's end when `samplerCpuUs` is given (over the trace's 36 s).
 */
function rawDir(traced: boolean, { processPairs = true, samplerCpuUs }: { processPairs?: boolean; samplerCpuUs?: number } = {}): string {
  const dir = tempDir('perfgate-raw-');
  writeFileSync(path.join(dir, 'conditions.json'), JSON.stringify([{ slug: 'A-A', name: 'A/A' }]));
  const rounds = (side: 'head' | 'base') =>
    Array.from({ length: ROUNDS }, (_, i) => {
      const r = round(side, i + 1);
      if (!processPairs) delete r.processPair;
      return r;
    });
  const scenario = (name: string, side: 'head' | 'base') => ({ name, load: { rounds: rounds(side) }, stop: { looks: 2, processPairs: 2, restartMs: 1000 } });
  const results = { scenarios: SCENARIOS.map((n) => scenario(n, 'head')), base: { scenarios: SCENARIOS.map((n) => scenario(n, 'base')) } };
  writeFileSync(path.join(dir, 'A-A-0.json'), JSON.stringify(results));
  if (!traced) return dir;

  const progress: [number, string][] = [];
  const samples: [string, number, number, number, number, number][] = [];
  const threads = [
    ['t', TID.generator, TID.generator, 'generator', 'node'],
    ['t', TID.head, TID.head, 'head', 'node'],
    ['t', TID.base, TID.base, 'base', 'node'],
    ['t', TID.postgres, TID.postgres, 'postgres', 'postgres'],
  ];
  SCENARIOS.forEach((name, s) => {
    let previous: 'head' | 'base' | undefined;
    for (let k = 1; k <= ROUNDS; k++) {
      for (const w of windows(s, k)) {
        // The sample that straddles the start of a round holds the end of the round before: after a
        // switch, the other side's service looks busy in it. placement.ts must leave it out.
        if (previous && previous !== w.side) samples.push(['r', w.start + SAMPLE_MS / 2, TID[previous], 1, 30e6, 0]);
        previous = w.side;
        const r = round(w.side, k);
        progress.push([w.end, `[${s + 1}/${SCENARIOS.length}] ${name}: ${w.side} round ${k}/${ROUNDS}: ${Math.round(r.rps)} req/s`]);
        // The generator always on CPU 0; head's service beside it, base's on the other CPU.
        for (let at = w.start + SAMPLE_MS; at <= w.end; at += SAMPLE_MS) {
          samples.push(['r', at, TID.generator, 0, 40e6, 1e6]);
          samples.push(['r', at, TID[w.side], w.side === 'head' ? 0 : 1, 50e6, 2e6]);
          samples.push(['r', at, TID.postgres, 1, 10e6, 0]);
        }
      }
    }
  });
  progress.sort((a, b) => a[0] - b[0]);
  // As the sampler writes them: threads when first seen, samples in time order.
  samples.sort((a, b) => a[1] - b[1]);
  const trace: unknown[] = [...threads, ...samples];
  if (samplerCpuUs !== undefined) trace.push(['s', T0 + 136_000, samplerCpuUs, 36_000]);
  writeFileSync(path.join(dir, 'A-A-0.progress.jsonl'), progress.map((p) => JSON.stringify(p)).join('\n') + '\n');
  writeFileSync(path.join(dir, 'A-A-0.trace.jsonl'), trace.map((t) => JSON.stringify(t)).join('\n') + '\n');
  return dir;
}

const script = (name: string) => path.join(repoRoot, 'bench', name);
const run = (name: string, ...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', script(name), ...args], { cwd: repoRoot, encoding: 'utf8' });
const fail = (name: string, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', script(name), ...args], { cwd: repoRoot, encoding: 'utf8' });
/** The cells of the first table row whose first cell is `first`. */
const row = (out: string, first: string) =>
  out
    .split('\n')
    .find((l) => l.startsWith(`| ${first} |`))
    ?.split('|')
    .slice(1, -1)
    .map((c) => c.trim());

/** A getter for the cells of one table row by column name: the header row starts with `first`, the row with `rowFirst`. */
function cellsOf(out: string, first: string, rowFirst: string): (name: string) => string | undefined {
  const header = row(out, first);
  const cells = row(out, rowFirst);
  assert.ok(header && cells, out);
  return (name) => cells[header.indexOf(name)];
}

describe('bench/placement.ts', () => {
  test('pairs each round with its trace window: d, the colocated share, the place in the pair and the switch cost', () => {
    const dir = rawDir(true);
    const out = run('placement.ts', dir);
    const cell = cellsOf(out, 'scenario', `${path.basename(dir)} A-A-0.json s1`);
    assert.equal(cell('rounds'), '8');
    assert.equal(cell('d rps'), '+9.5%');
    // Head's service shares CPU 0 with the generator, base's never does.
    assert.equal(cell('Δ colocated'), '+1.00');
    assert.equal(cell('Δ onCpu0'), '+1.00');
    assert.equal(cell('head colocated'), '1.00');
    assert.equal(cell('base colocated'), '0.00');
    // The other side's service never ran inside a round (only in the sample straddling its start),
    // and there is no neighbour.
    assert.equal(cell('Δ idleSideRun'), '+0.0');
    assert.equal(cell('Δ otherCores'), '+0.00');
    assert.match(out, /Effect > 0 in 2 of 2 scenarios .* median \+2\.0%/);
    assert.match(out, /rps higher in 4 of 4 side-scenarios .* median \+2\.0%/);
    // The same service time spread over more requests after its own side: less per request, in all 4.
    const serviceRun = row(out, 'serviceRun')!;
    assert.equal(serviceRun[1], '4');
    assert.match(serviceRun[2]!, /^−\d/);
    assert.equal(serviceRun[3], '0');
    assert.deepEqual(row(out, 'idleSideRun')?.slice(1, 4), ['4', '+0.0', '0']);
    // A trace from before the sampler recorded its own CPU says nothing of it.
    assert.doesNotMatch(out, /Sampler's own CPU/);
  });

  test('prints what the sampler itself cost when the trace records it', () => {
    // 1.44 s of CPU over the 36 s it ran: 4% of a core.
    const out = run('placement.ts', rawDir(true, { samplerCpuUs: 1_440_000 }));
    assert.match(out, /^Sampler's own CPU: median 4\.0% of a core \(max 4\.0%\) over 1 of 1 traced runs\.$/m);
    // …and then the same analysis.
    assert.match(out, /^Condition A\/A: per scenario/m);
  });

  test('--straddle: the gap between rounds, and the other side\'s service time early in a round after a switch', () => {
    const out = run('placement.ts', rawDir(true), '--straddle');
    // Per scenario and process pair the order runs H B B H H B B H: four switches, 16 in all.
    assert.match(out, /^Straddle: 16 rounds after a round of the other side on the same process pair \(sampler interval 100 ms\)\.$/m);
    assert.match(out, /^Gap from the end of the other side's round to the start of this one: median 100 ms \(p10–p90 100–100 ms\)\.$/m);
    // The straddling sample (30 ms of the other side's service) is in the first interval, and only there.
    assert.match(out, /first interval: 30\.00 ms; in the second: 0\.00 ms; after the first, all of it: 0\.00 ms over 900 ms\.$/m);
    assert.doesNotMatch(run('placement.ts', rawDir(true)), /Straddle/);
  });

  test('says what is missing when the sitting was not traced', () => {
    const r = fail('placement.ts', rawDir(false));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no traced rounds: run bench\/verdicts-aa-power\.ts with --trace/);
  });
});

describe('bench/interval-dispersion.ts', () => {
  test('z per scenario, per metric and per process pair', () => {
    const dir = rawDir(false);
    // d = ln 1.1 ± 0.02 over 8 rounds: z = ln 1.1 / (sd / √8).
    const d = Array.from({ length: ROUNDS }, (_, i) => Math.log(1.1) + (i % 2 === 0 ? 0.02 : -0.02));
    const m = d.reduce((a, b) => a + b) / d.length;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (d.length - 1));
    const z = m / (sd / Math.sqrt(d.length));

    const summary = run('interval-dispersion.ts', dir);
    const rps = summary.split('\n').find((l) => l.includes('| rps |'))!;
    const cells = rps.split('|').map((c) => c.trim());
    assert.equal(cells[3], '2', rps); // scenarios
    assert.equal(cells[4], (z * z).toFixed(2), rps); // mean z², rounds as units
    assert.equal(cells[6], '2 (0.02)', rps); // both beyond the 99% interval
    assert.equal(cells[9], '0.0%', rps); // the two scenarios agree exactly

    const scenarios = run('interval-dispersion.ts', dir, '--scenarios');
    const s2 = row(scenarios, path.basename(dir))!;
    assert.deepEqual(s2.slice(1, 5), ['A-A-0.json', 's1', '8', '2']);
    assert.ok(s2.slice(5).every((c) => c === `+9.5% (${z.toFixed(1)})`), scenarios);

    const pairs = run('interval-dispersion.ts', dir, '--pairs', 'A-A-0.json:s2');
    assert.deepEqual(row(pairs, '1'), ['1', '4', '+9.5%', '+9.5%', '+9.5%', '+9.5%']);
    assert.deepEqual(row(pairs, '2'), ['2', '4', '+9.5%', '+9.5%', '+9.5%', '+9.5%']);
  });

  test('names the file or scenario it cannot find', () => {
    const dir = rawDir(false);
    assert.match(fail('interval-dispersion.ts', dir, '--pairs', 'A-A-9.json:s1').stderr, /no results file A-A-9\.json/);
    assert.match(fail('interval-dispersion.ts', dir, '--pairs', 'A-A-0.json:nope').stderr, /no scenario nope in A-A-0\.json/);
    assert.match(fail('interval-dispersion.ts', dir, '--condition', 'B/B').stderr, /no condition named B\/B/);
  });
});

describe('bench/round-noise.ts', () => {
  test('how requests and service CPU vary per turn, and what the paired rounds see', () => {
    const dir = rawDir(false);
    const out = run('round-noise.ts', dir);
    const cell = cellsOf(out, 'raw dir', path.basename(dir));
    assert.equal(cell('scenarios'), '2');
    // Each side serves 1000·work·e^±0.01 requests a turn at 150·work·e^∓0.01 µs each: the same CPU
    // every turn whatever it served, so the slope of CPU on requests is 0 (requests are rounded to
    // whole numbers, hence not exactly), and CPU/request moves exactly against rps: d = ln 1.1 ∓ 0.02.
    assert.equal(cell('sd ln requests per turn'), '1.2%'); // ±0.01 within pairs of 4 turns: 0.01·√(4/3)
    assert.equal(cell('sd ln service CPU per turn'), '0.0%');
    assert.ok(Math.abs(Number(cell('slope, CPU on requests'))) <= 0.01, out);
    assert.equal(cell('sd of d, CPU/request'), '2.1%'); // 0.02·√(16/14): ±0.02 about each scenario's mean
    assert.equal(cell('corr(d CPU/request, d rps)'), '-1.00');
    // Each pair's mean d is exactly ln 1.1; from the rounds alone it would scatter √(σ²/4), σ² = 0.0004·8/6.
    assert.equal(cell('sd of pair means (from the rounds alone)'), '0.0% (1.2%)');
    assert.equal(cell('machine'), '–');
    assert.equal(cell('base CPU/request, median'), '–');
  });
});

describe('bench/futility-replay.ts', () => {
  /** A round whose every metric is `base` × e^d (rps inversely), CPU/request × e^cpuD. */
  const turn = (d: number, cpuD = d): RoundResult => ({
    rps: 1000 * Math.exp(-d),
    latencyUs: { p50: 2000 * Math.exp(d), p90: 3000 * Math.exp(d), p99: 5000 * Math.exp(d), max: 9000 },
    requests: 1000,
    errors: 0,
    non2xx: 0,
    durationMs: 1000,
    cpuUsPerRequest: 150 * Math.exp(cpuD),
    peakRssBytes: 50e6 * Math.exp(d),
  });
  /**
   * Two A/A scenarios recorded without the bound, a 4-look plan the budget cut (block 10):
   * - "quiet": every d ±0.001. The look's strict level has no finite interval at 10 rounds and decides
   *   all at 20 ("conclusive"); a 95% interval rules every regression out at 10.
   * - "cpu": CPU/request d cycles +0.06, −0.03, +0.02 (13, 13 and 14 of 40). At 40 rounds the strict
   *   interval's upper end is d(29) = +0.06, over ln 1.05, so it ends at the budget inconclusive;
   *   the 95% one's is d(27) = +0.02, while at 10, 20 and 30 rounds it is still +0.06.
   */
  function recordedDir(): string {
    const dir = tempDir('perfgate-futility-');
    writeFileSync(path.join(dir, 'conditions.json'), JSON.stringify([{ slug: 'A-A', name: 'A/A' }]));
    const tiny = (i: number) => (i % 2 === 0 ? 0.001 : -0.001);
    const cycle = [0.06, -0.03, 0.02];
    const quietHead = Array.from({ length: 20 }, (_, i) => turn(tiny(i)));
    const cpuHead = Array.from({ length: 40 }, (_, i) => turn(tiny(i), i === 39 ? 0.02 : cycle[i % 3]!));
    const base = (n: number) => Array.from({ length: n }, () => turn(0));
    const stop = (rounds: number, reason: string) => ({ rounds, looks: rounds / 10, maxLooks: 4, confidence: 0.999, reason, roundMs: 1000, schedule: 'alternating' });
    const scenario = (name: string, rounds: RoundResult[], s?: object) => ({ name, request: { method: 'GET', path: '/' }, load: { rounds, rps: 1000, latencyUs: rounds[0]!.latencyUs, requests: 1000, errors: 0, non2xx: 0 }, ...(s ? { stop: s } : {}) });
    const results = {
      schema: 'perfgate/results@1',
      tool: { name: 'perfgate', version: '0' },
      meta: { timestamp: '2026-12-06T21:00:00.000Z', runner: { os: 'linux', cpus: 2, node: 'v20' } },
      scenarios: [scenario('quiet', quietHead, stop(20, 'conclusive')), scenario('cpu', cpuHead, stop(40, 'time-budget'))],
      base: { scenarios: [scenario('quiet', base(20)), scenario('cpu', base(40))] },
    };
    writeFileSync(path.join(dir, 'A-A-0.json'), JSON.stringify(results));
    return dir;
  }

  test('replays the recorded stops without the bound, and shows where the bound stops and what it decides', () => {
    const dir = recordedDir();
    const out = run('futility-replay.ts', dir);
    const cell = cellsOf(out, 'raw dir', path.basename(dir));
    assert.equal(cell('scenarios'), '2');
    assert.equal(cell('recorded stop reproduced'), '2');
    assert.equal(cell('check failed, without / with'), '0 / 0');
    assert.equal(cell('CPU/req inconclusive, without / with'), '1 / 0');
    assert.equal(cell('rps inconclusive'), '0 / 0');
    // quiet: 20 rounds without the bound, 10 with; cpu: 40 either way.
    assert.equal(cell('paired rounds median, without / with'), '30 / 25');
    assert.equal(cell('load s, without / with'), '120 / 100');
  });
});

describe('bench/process-pairs.ts', () => {
  test('variance within and between pairs, costs, and rounds by place in the block', () => {
    const out = run('process-pairs.ts', rawDir(false));
    assert.match(out, /^2 scenarios with rounds from two or more process pairs/);
    // Within a pair d alternates ±0.02 around the same mean: sd 0.02 · √(4/3); the pairs agree exactly.
    assert.match(out, new RegExp(`within a pair \\(round to round\\): sd ${(0.02 * Math.sqrt(4 / 3) * 100).toFixed(2)}%`));
    assert.match(out, /between pairs .*: sd 0\.00% \(estimate ≤ 0: no pair effect seen\)/);
    assert.match(out, /a restart 1\.0 s \(median, warm-ups included\), a paired round 2\.00 s/);
    // Blocks of 4: each scenario's first block, then one after the restart, at each of its 4 places.
    assert.deepEqual(row(out, 'first block of the run')?.slice(1, 3), ['1', '1']);
    assert.deepEqual(row(out, 'warm process, next scenario')?.slice(1, 3), ['1', '1']);
    const afterRestart = out.split('\n').filter((l) => l.startsWith('| after a restart |'));
    assert.deepEqual(
      afterRestart.map((l) => l.split('|').map((c) => c.trim()).slice(2, 4)),
      [['1', '2'], ['2', '2'], ['3', '2'], ['4', '2']],
    );
    // Centred per pair, the side that runs first is 1% faster: within a round head and base move
    // apart, a round later (the order flipped) together, and d flips sign every round.
    assert.match(out, /head and base, same round: r = -1\.00/);
    assert.match(out, /head and base, base a round later: r = 1\.00/);
    assert.match(out, /d and the next round's d: r = -1\.00/);
    // Two rounds merged hold one round of each order: the order effect cancels, d no longer varies.
    assert.match(out, new RegExp(`k = 1: sd of d ${(0.02 * Math.sqrt(4 / 3) * 100).toFixed(2)}%, a merged round 2\\.00 s`));
    assert.match(out, /k = 2: sd of d 0\.00%, a merged round 4\.00 s \(4 df\)/);
    assert.doesNotMatch(out, /k = 4:/, 'one merged round per pair leaves no variance to read');
  });

  test('--metric reads another metric the same way; latency has no merged rounds', () => {
    const rps = run('process-pairs.ts', rawDir(false), '--metric', 'rps');
    assert.match(rps, /^rps, d = ln\(head \/ base\) per paired round:$/m);
    // rps moves with the order as CPU/request does (±1% per side), so the same spread within a pair.
    assert.match(rps, new RegExp(`within a pair \\(round to round\\): sd ${(0.02 * Math.sqrt(4 / 3) * 100).toFixed(2)}%`));
    assert.match(rps, /k = 2: sd of d 0\.00%/);
    const p50 = run('process-pairs.ts', rawDir(false), '--metric', 'p50');
    assert.match(p50, /^p50, d = ln\(head \/ base\) per paired round:$/m);
    assert.match(p50, /No rounds merged k at a time: p50's percentiles cannot be merged/);
    assert.doesNotMatch(p50, /k = 1:/);
    const bad = fail('process-pairs.ts', rawDir(false), '--metric', 'p75');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--metric cpu\|rps\|p50\|p90\|p99/);
  });

  test('says so when no round names its process pair', () => {
    const r = fail('process-pairs.ts', rawDir(false, { processPairs: false }));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /has paired rounds tagged with their process pair/);
  });
});
