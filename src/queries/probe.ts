// Query probes: a scenario's request sent a few times, one at a time, with the statements the
// database executed meanwhile attributed to each (or, in header mode, the count the service reports).

import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioConfig } from '../config/types.js';
import { EnvironmentError } from '../errors.js';
import { describeRequest, requestUrl } from '../load/request.js';
import type { QueryResult } from '../results/types.js';
import { attributeStatements, type ProbeWindow } from './attribution.js';
import { buildQueryResult, medianIndex } from './nplusone.js';
import { withDbTime } from './db-time.js';
import type { QueryProxy } from './proxy.js';

/**
 * Wait after each response before closing its window. A service may answer before its database
 * work completes (fire-and-forget writes, a COMMIT issued after the response is flushed); those
 * statements still belong to the request. 50 ms covers a loopback round trip many times over, with
 * room for a busy CI runner. As long again follows each window before the next request, so a
 * statement later than that shows up as background instead of in the next probe's count; a 5-probe
 * scenario spends half a second waiting.
 */
export const SETTLE_MS = 50;
/**
 * Before the probes, the database must be quiet: statements still arriving from earlier requests
 * (a slow request of perfgate's still running in the service, a job the warm-up started) would be
 * counted as the probes'. Quiet means no statement for QUIET_GAP_MS; after QUIET_LIMIT_MS perfgate
 * probes anyway and says so in the results.
 */
export const QUIET_GAP_MS = 200;
export const QUIET_LIMIT_MS = 10_000;

export interface ProbeOptions {
  baseUrl: string;
  scenario: ScenarioConfig;
  /**
   * Required unless scenario.queries.header is set. Its statement buffer is drained; recording is
   * switched on for the probes and restored after, so a proxy started with keepStatements: false
   * (cheap during load rounds) works here.
   */
  proxy?: QueryProxy;
  dialect?: 'postgres' | 'mysql';
  settleMs?: number;
  quietGapMs?: number;
  quietLimitMs?: number;
}

/** Waits until the proxy has seen no statement for `gapMs` (recording must be on), at most `limitMs`. */
async function waitForQuiet(proxy: QueryProxy, gapMs: number, limitMs: number): Promise<{ reached: boolean; statements: number }> {
  const deadline = Date.now() + limitMs;
  let statements = 0;
  for (;;) {
    await sleep(gapMs);
    const arrived = proxy.drain().length;
    if (arrived === 0) return { reached: true, statements };
    statements += arrived;
    if (Date.now() >= deadline) return { reached: false, statements };
  }
}

export async function probeQueries(opts: ProbeOptions): Promise<QueryResult> {
  return (await probeQueriesInterleaved([opts]))[0]!;
}

/**
 * Query probes of several sides (a rerun's base and head, each with its own service and proxy),
 * interleaved in time: probe i of every side is sent before probe i + 1 of any, in a random order per
 * probe. Probed one side after the other, each side's samples came from its own second or two of
 * the machine; a slow spell during one side's probes (measured: +35% over half of them, on a quiet
 * 2-core machine) then read as a database-time change the unpaired interval took for real, and an
 * unchanged pull request failed. Interleaved, a slow spell lands on both sides alike. The rank
 * interval of statement-times.ts stays valid — it is conservative when each side's sample shares
 * the other's drift — and still serves per-call samples, which cannot be paired across sides.
 * Results in the order of `sides`.
 */
export async function probeQueriesInterleaved(sides: readonly ProbeOptions[], random: () => number = Math.random): Promise<QueryResult[]> {
  const sessions: ProbeSession[] = [];
  try {
    // Warm-up and quiet for all before the first probe of any: a side's warm-up is not probing time.
    for (const opts of sides) sessions.push(await openProbeSession(opts));
    const probes = Math.max(...sides.map((o) => o.scenario.queries.probes));
    for (let i = 0; i < probes; i++) {
      const order = sessions.map((session) => ({ session, key: random() })).sort((a, b) => a.key - b.key);
      for (const { session } of order) if (i < session.opts.scenario.queries.probes) await session.probe();
    }
    return sessions.map((session) => session.finish());
  } finally {
    for (const session of sessions) session.close();
  }
}

/** One side's probing, a probe at a time: warm-up and quiet at open, the result at finish. */
interface ProbeSession {
  opts: ProbeOptions;
  probe(): Promise<void>;
  finish(): QueryResult;
  close(): void;
}

async function openProbeSession(opts: ProbeOptions): Promise<ProbeSession> {
  const { scenario } = opts;
  const settleMs = opts.settleMs ?? SETTLE_MS;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let restore: (() => void) | undefined;
  const close = () => {
    restore?.();
    restore = undefined;
    agent.destroy();
  };
  try {
    for (let i = 0; i < scenario.queries.warmupRequests; i++) await send(opts.baseUrl, scenario, agent);
    const header = scenario.queries.header;
    if (header !== undefined) {
      // The service counts its own statements: no proxy, no windows, no database time.
      const counts: number[] = [];
      return {
        opts,
        probe: async () => {
          counts.push(countFromHeader(opts, await send(opts.baseUrl, scenario, agent), header));
        },
        finish: () => headerResult(counts),
        close,
      };
    }
    const proxy = opts.proxy;
    if (proxy === undefined) {
      throw new EnvironmentError(
        `scenario "${scenario.name}": query counting needs either a database proxy (database: in perfgate.yml) or queries.header`,
      );
    }
    const wasRecording = proxy.setRecording(true);
    restore = () => {
      proxy.drain(); // after a failed probe: no stale statement for the next scenario's quiet wait
      proxy.setRecording(wasRecording);
    };
    // Warm-up statements are not part of the measurement, nor anything else still arriving.
    const quiet = await waitForQuiet(proxy, opts.quietGapMs ?? QUIET_GAP_MS, opts.quietLimitMs ?? QUIET_LIMIT_MS);
    const windows: ProbeWindow[] = [];
    const latenciesUs: number[] = [];
    // The proxy keeps every statement since recording began; each window is matched at the end.
    // Another side's probes fall between this side's windows and reach another proxy.
    return {
      opts,
      probe: async () => {
        const sentAt = process.hrtime.bigint();
        await send(opts.baseUrl, scenario, agent);
        latenciesUs.push(Number(process.hrtime.bigint() - sentAt) / 1000);
        await sleep(settleMs);
        windows.push({ sentAt, endAt: process.hrtime.bigint() });
        // A quiet gap before the next window (and before draining, after the last): a statement
        // later than the settle time is reported as background, not added to the next request.
        await sleep(settleMs);
      },
      finish: () => {
        const probingEnded = process.hrtime.bigint();
        const statements = proxy.drain();
        close();
        const { perWindow, background } = attributeStatements(statements, windows, probingEnded);
        const counted = buildQueryResult(perWindow, {
          dialect: opts.dialect ?? 'postgres',
          nPlusOneThreshold: scenario.queries.nPlusOneThreshold,
          background: background.length,
        });
        if (!quiet.reached) {
          counted.notes = [
            `the database was not quiet before probing: ${quiet.statements} statements arrived in the ${QUIET_LIMIT_MS / 1000} s perfgate waited ` +
              '(a background job, or requests still running); probe counts may include some of them',
          ];
        }
        return withDbTime(counted, perWindow, latenciesUs, opts.dialect ?? 'postgres');
      },
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

function countFromHeader(opts: ProbeOptions, res: ProbeResponse, header: string): number {
  const value = res.headers[header.toLowerCase()];
  const count = parseQueryCountHeader(header, Array.isArray(value) ? value.join(', ') : value);
  if (count === undefined) {
    throw new EnvironmentError(
      `scenario "${opts.scenario.name}": response to ${opts.scenario.request.method} ${opts.scenario.request.shownPath ?? opts.scenario.request.path} has no usable ` +
        `${header} header (got ${value === undefined ? 'none' : JSON.stringify(value)}); expected e.g. "${header}: 7"` +
        (header.toLowerCase() === 'server-timing' ? ' or Server-Timing: db;desc="7"' : ''),
    );
  }
  return count;
}

function headerResult(counts: number[]): QueryResult {
  return {
    source: 'header',
    perRequest: counts.length === 0 ? 0 : counts[medianIndex(counts)]!,
    stable: counts.every((c) => c === counts[0]),
    probes: counts.length,
    perProbe: counts,
    statements: [],
    nPlusOne: [],
    duplicates: [],
  };
}

/**
 * The query count a service reports about itself. Any header: a plain non-negative integer.
 * Server-Timing: the metric named `db` or `queries`, its count in `desc` (`db;desc="7"`, a leading
 * integer such as `desc="7 queries"` works too), or for `queries` in `dur` (`queries;dur=7`).
 */
export function parseQueryCountHeader(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (name.toLowerCase() !== 'server-timing') {
    const m = /^\s*(\d+)\s*$/.exec(value);
    return m ? Number(m[1]) : undefined;
  }
  for (const metric of value.split(',')) {
    const [rawName, ...params] = metric.split(';').map((p) => p.trim());
    const metricName = (rawName ?? '').toLowerCase();
    if (metricName !== 'db' && metricName !== 'queries') continue;
    const param = (key: string): string | undefined => {
      for (const p of params) {
        const eq = p.indexOf('=');
        if (eq !== -1 && p.slice(0, eq).trim().toLowerCase() === key) return p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      }
      return undefined;
    };
    const desc = /^\s*(\d+)\b/.exec(param('desc') ?? '');
    if (desc) return Number(desc[1]);
    const dur = param('dur');
    if (metricName === 'queries' && dur !== undefined && /^\d+(\.0*)?$/.test(dur)) return Number.parseInt(dur, 10);
  }
  return undefined;
}

interface ProbeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
}

function send(baseUrl: string, scenario: ScenarioConfig, agent: http.Agent): Promise<ProbeResponse> {
  const url = requestUrl(baseUrl, scenario.request); // keeps a baseUrl path prefix (http://host/api)
  const { method, headers, body } = scenario.request;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent, timeout: scenario.load.timeoutMs }, (res) => {
      res.resume(); // the body is not needed, only its end
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no response within ${scenario.load.timeoutMs} ms`)));
    req.on('error', (err) =>
      reject(new EnvironmentError(`scenario "${scenario.name}": query probe ${describeRequest(baseUrl, scenario.request)} failed: ${err.message}`)),
    );
    req.end(body ?? undefined);
  });
}
