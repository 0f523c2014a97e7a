// Builders of realistic, deterministic Results/config objects for compare and report tests.
// Noise comes from a seeded PRNG so every fixture (and every snapshot) is reproducible.
import type { PerfgateConfig, ScenarioConfig } from '../../src/config/types.js';
import type { QueryResult, Results, RoundResult, ScenarioResult } from '../../src/results/types.js';
import { DEFAULT_REGRESSION } from '../../src/compare/metrics.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box–Muller from a uniform source. */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export interface Profile {
  rps: number;
  p50Us: number;
  cpuUs?: number;
  rssBytes?: number;
  errors?: number;
  non2xx?: number;
}

/** One round whose numbers hang together: latency tail shape, requests = rps × duration. */
export function round(p: Profile, factor = 1, durationMs = 5000): RoundResult {
  const p50 = Math.round(p.p50Us * factor);
  const rps = p.rps / factor;
  return {
    rps: Math.round(rps * 10) / 10,
    latencyUs: { p50, p90: Math.round(p50 * 1.6), p99: Math.round(p50 * 3.1), max: Math.round(p50 * 7.4) },
    requests: Math.round((rps * durationMs) / 1000),
    errors: p.errors ?? 0,
    non2xx: p.non2xx ?? 0,
    durationMs,
    cpuUsPerRequest: p.cpuUs === undefined ? undefined : Math.round(p.cpuUs * factor * 10) / 10,
    peakRssBytes: p.rssBytes,
  };
}

export interface PairOptions {
  n: number;
  seed: number;
  /** Slowdown of head: 0.2 = latency and CPU +20%, rps ÷ 1.2. */
  slowdown?: number;
  /** Noise shared by the two rounds of a pair (same moment on the same runner). */
  commonCv?: number;
  /** Noise of each side on its own. */
  ownCv?: number;
}

/** Interleaved base/head rounds as rerun mode produces them. */
export function pairedRounds(p: Profile, o: PairOptions): { base: RoundResult[]; head: RoundResult[] } {
  const rand = mulberry32(o.seed);
  const base: RoundResult[] = [];
  const head: RoundResult[] = [];
  for (let i = 0; i < o.n; i++) {
    const common = Math.exp((o.commonCv ?? 0.05) * gaussian(rand));
    const b = common * Math.exp((o.ownCv ?? 0.01) * gaussian(rand));
    const h = common * Math.exp((o.ownCv ?? 0.01) * gaussian(rand)) * (1 + (o.slowdown ?? 0));
    base.push(round(p, b));
    head.push(round(p, h));
  }
  return { base, head };
}

export function scenario(
  name: string,
  rounds: RoundResult[],
  extra: { queries?: QueryResult; path?: string; error?: string; warnings?: string[] } = {},
): ScenarioResult {
  const sum = (f: (r: RoundResult) => number) => rounds.reduce((a, r) => a + f(r), 0);
  const med = (f: (r: RoundResult) => number) => {
    const s = rounds.map(f).sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
  };
  const requests = sum((r) => r.requests);
  const seconds = sum((r) => r.durationMs) / 1000;
  const result: ScenarioResult = {
    name,
    request: { method: 'GET', path: extra.path ?? `/${name.replace(/\s+/g, '-')}` },
  };
  if (extra.error) {
    result.error = extra.error;
    return result;
  }
  result.load = {
    rounds,
    rps: Math.round((requests / seconds) * 10) / 10,
    latencyUs: { p50: med((r) => r.latencyUs.p50), p90: med((r) => r.latencyUs.p90), p99: med((r) => r.latencyUs.p99), max: Math.max(...rounds.map((r) => r.latencyUs.max)) },
    requests,
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    cpuUsPerRequest: rounds[0]?.cpuUsPerRequest === undefined ? undefined : med((r) => r.cpuUsPerRequest ?? 0),
    peakRssBytes: rounds[0]?.peakRssBytes === undefined ? undefined : Math.max(...rounds.map((r) => r.peakRssBytes ?? 0)),
    warnings: extra.warnings,
  };
  if (extra.queries) result.queries = extra.queries;
  return result;
}

export function queries(q: Partial<QueryResult> & { perRequest: number }): QueryResult {
  return {
    source: 'proxy',
    stable: true,
    probes: 5,
    perProbe: [q.perRequest, q.perRequest, q.perRequest, q.perRequest, q.perRequest],
    statements: [],
    nPlusOne: [],
    duplicates: [],
    ...q,
  };
}

export function results(scenarios: ScenarioResult[], meta: Partial<Results['meta']> = {}): Results {
  return {
    schema: 'perfgate/results@1',
    tool: { name: 'perfgate', version: '0.1.0' },
    meta: {
      commit: 'a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0',
      ref: 'refs/pull/42/merge',
      timestamp: '2026-11-22T12:00:00.000Z',
      runner: { os: 'linux', cpus: 2, cpuModel: 'AMD EPYC 7763', node: 'v20.19.0' },
      ...meta,
    },
    scenarios,
  };
}

export function scenarioConfig(name: string, extra: Partial<ScenarioConfig> = {}): ScenarioConfig {
  return {
    name,
    request: { method: 'GET', path: `/${name}`, headers: {}, body: null },
    load: { connections: 8, durationMs: 5000, warmupMs: 1000, pipelining: 1, timeoutMs: 10000 },
    rounds: 10,
    maxRounds: 10,
    timeBudgetMs: 180_000,
    budgets: {},
    regression: { ...DEFAULT_REGRESSION },
    queries: { probes: 5, warmupRequests: 3, nPlusOneThreshold: 3 },
    ...extra,
  };
}

export function config(scenarios: ScenarioConfig[], extra: Partial<PerfgateConfig> = {}): PerfgateConfig {
  return {
    file: '/repo/perfgate.yml',
    service: {
      start: 'node server.js',
      cwd: '/repo',
      env: {},
      ready: { url: 'http://127.0.0.1:3000/health', timeoutMs: 60000, intervalMs: 200 },
      baseUrl: 'http://127.0.0.1:3000',
      stopTimeoutMs: 5000,
    },
    scenarios,
    baseline: { source: 'rerun', artifact: 'perfgate-baseline', schedule: 'simultaneous', restarts: 'auto', turns: 1, timeBudgetMs: 1_200_000 },
    failOn: ['budget', 'regression'],
    ...extra,
  };
}

const historyProfile = { rps: 2400, p50Us: 850, cpuUs: 310 };

/** One run of a 'books' scenario (main or a PR) on a machine `factor` slower than nominal, rounds with 2% own noise. */
export function run(factor: number, seed: number, i: number, extra: { perRequest?: number } = {}): Results {
  const rand = mulberry32(seed);
  const rounds = Array.from({ length: 10 }, () => round(historyProfile, factor * Math.exp(0.02 * gaussian(rand))));
  const q = extra.perRequest === undefined ? undefined : queries({ perRequest: extra.perRequest });
  return results([scenario('books', rounds, { queries: q })], {
    commit: `c${String(i).padStart(39, '0')}`,
    timestamp: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString(),
  });
}

/** Main's last n runs, each on a machine whose speed varies ±cv (log-normal) from run to run. */
export function mainHistory(n: number, cv: number, seed = 1): Results[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => run(Math.exp(cv * gaussian(rand)), seed * 1000 + i, i, { perRequest: 3 }));
}

/** The same run on a machine `factor` slower: latency and CPU × factor, rps ÷ factor. */
export function onMachine(r: Results, factor: number, commit: string, timestamp: string): Results {
  const copy: Results = JSON.parse(JSON.stringify(r));
  copy.meta.commit = commit;
  copy.meta.timestamp = timestamp;
  for (const s of copy.scenarios) {
    for (const round of s.load?.rounds ?? []) {
      round.rps /= factor;
      for (const k of ['p50', 'p90', 'p99', 'max'] as const) round.latencyUs[k] = Math.round(round.latencyUs[k] * factor);
      if (round.cpuUsPerRequest !== undefined) round.cpuUsPerRequest *= factor;
    }
  }
  return copy;
}
