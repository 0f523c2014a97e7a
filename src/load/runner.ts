// One measured round of closed-loop load with autocannon, driven in-process (not its workers mode:
// worker events are not forwarded and the bundle would have to carry worker.js).
//
// What we take from autocannon and what we do ourselves, and why:
// - Latency: autocannon's histogram floors to whole ms; we record the `response` event's fractional-ms
//   responseTime into a µs histogram.
// - The round's end: autocannon's stop() destroys its sockets with requests in flight, which the
//   service keeps running (their CPU was charged to the requests that completed, and their database
//   statements landed in whatever came next). At the end of the sending window we stop each
//   connection from sending more and wait until what it has in flight has answered or timed out
//   (counted as errors); the round lasts from the first request to the last answer. By Little's law
//   the drained tail adds about as many responses as it adds time, so rps stays the closed-loop rate.
// - Lost requests: when a server closes a keep-alive socket with a request in flight, autocannon
//   reconnects without counting anything (and times the next response from the lost request's send
//   time). We watch each connection and count those requests as errors.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type autocannon from 'autocannon';
import type { RequestSpec } from '../config/types.js';
import type { RoundResult } from '../results/types.js';
import { attachHistogram, percentilesOf } from './histogram.js';
import { RoundTally } from './tally.js';
import { requestUrl } from './request.js';

/** Reads the service's resource use (src/service implements it from /proc). */
export interface ResourceMeter {
  /** CPU time (user + system) of the service's whole process tree so far, in µs. */
  readCpuUs(): number;
  /** Resident memory of the service's process tree now, in bytes. */
  readRssBytes(): number;
}

export interface LoadOptions {
  baseUrl: string;
  request: RequestSpec;
  connections: number;
  /** How long new requests are sent; the round then waits for those in flight (drainMs). */
  durationMs: number;
  /** Requests in flight per connection; 1 = no pipelining. */
  pipelining: number;
  /** Per-request timeout; autocannon's granularity is 1 s at minimum, shorter values are raised to 1 s. */
  timeoutMs: number;
  meter?: ResourceMeter;
  /** Aborting stops the load at once; runLoad then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called about once a second with the elapsed time and responses so far, for progress lines. */
  onProgress?: (elapsedMs: number, responses: number) => void;
}

const RSS_SAMPLE_MS = 100;
/**
 * How often autocannon checks its stop flag. runLoad returns at the first check after the round ends
 * (autocannon's callback), so every round, and every turn of one (baseline.turns), waits up to this
 * long measuring nothing. Round lengths are multiples of 50 ms, as were autocannon's checks, so the
 * wait was a whole interval: 53 ms per turn at 50, 14 ms at 10 through `perfgate run`
 * (bench/turn-gap.ts, docs/benchmarks.md), with no change in the generator's CPU per request. The
 * check itself is a few histogram records.
 */
const AUTOCANNON_SAMPLE_MS = 10;

let loaded: Promise<typeof autocannon> | undefined;

/**
 * autocannon, loaded on first use: its chunk of the bundle decompresses and compiles a WebAssembly
 * histogram when it loads (~100 ms), which a run starts while the service boots (measure.ts).
 */
export function loadAutocannon(): Promise<typeof autocannon> {
  loaded ??= import('autocannon').then((m) => m.default);
  return loaded;
}

/** One measured round. The result's µs histogram is available through `histogramOf(result)`. */
export async function runLoad(opts: LoadOptions): Promise<RoundResult> {
  const autocannon = await loadAutocannon();
  opts.signal?.throwIfAborted();
  const tally = new RoundTally();

  const meter = opts.meter;
  let peakRss = meter ? meter.readRssBytes() : 0;
  // A meter read fails when the service is gone (/proc entries vanish). Timers must not throw, so
  // the first failure is kept, the load stopped, and the failure rethrown from runLoad.
  let meterError: unknown;
  const sampleRss = () => {
    try {
      const rss = meter!.readRssBytes();
      if (rss > peakRss) peakRss = rss;
    } catch (err) {
      meterError ??= err;
      endRound();
    }
  };
  const rssTimer = meter ? setInterval(sampleRss, RSS_SAMPLE_MS) : undefined;

  const serviceCpuStart = meter ? meter.readCpuUs() : 0;
  const clientCpuStart = process.cpuUsage();
  // Whether perfgate's own thread kept up: its event-loop delay over the round.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const start = process.hrtime.bigint();
  const clients: ClientInternals[] = [];

  let instance: autocannon.Instance;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    try {
      instance = autocannon(
        {
          url: requestUrl(opts.baseUrl, opts.request).href,
          method: opts.request.method.toUpperCase() as autocannon.Request['method'],
          headers: opts.request.headers,
          body: opts.request.body ?? undefined,
          connections: opts.connections,
          pipelining: opts.pipelining,
          timeout: Math.max(1, opts.timeoutMs / 1000),
          // We stop it ourselves; this is only a backstop should our timers never fire.
          duration: (opts.durationMs + opts.timeoutMs) / 1000 + 30,
          sampleInt: AUTOCANNON_SAMPLE_MS,
          // Its summary (percentiles of its own histograms) is never read: the round is tallied above.
          skipAggregateResult: true,
          setupClient: (client) => {
            clients.push(client as unknown as ClientInternals);
            countLostRequests(client, tally.onErrors);
          },
        },
        (err, result) => (err ? reject(err) : resolve(result)),
      );
    } catch (err) {
      reject(err);
    }
  });
  instance!.on('response', tally.onResponse);
  // Failed requests are counted per client in countLostRequests, not from 'reqError': with
  // pipelining P a timeout makes autocannon emit reqError P times for each of its P lost requests.

  let sendingNs: bigint | undefined;
  let roundNs = 0n;
  let serviceCpuUs = 0;
  let clientCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  let drainTimer: NodeJS.Timeout | undefined;
  const endRound = () => {
    if (!tally.open) return;
    if (drainTimer) clearTimeout(drainTimer);
    // Whatever is still queued when the drain bound is hit never answered: count it as failed.
    for (const c of clients) {
      const left = c.destroyed ? 0 : c.pipelinedRequests?.size() ?? 0;
      if (left > 0) tally.onErrors(left);
    }
    tally.close();
    roundNs = process.hrtime.bigint() - start;
    sendingNs ??= roundNs;
    clientCpu = process.cpuUsage(clientCpuStart);
    loopDelay.disable();
    instance?.stop?.();
    if (meter) {
      try {
        serviceCpuUs = meter.readCpuUs() - serviceCpuStart;
      } catch (err) {
        meterError ??= err;
      }
      sampleRss();
    }
  };
  const stopSending = () => {
    if (sendingNs !== undefined || !tally.open) return;
    sendingNs = process.hrtime.bigint() - start;
    if (!drainClients(clients, endRound)) {
      endRound();
      return;
    }
    // autocannon times out each request itself (counted as errors); this bound only guards against
    // a connection that neither answers nor times out.
    drainTimer = setTimeout(endRound, opts.timeoutMs + DRAIN_GRACE_MS);
  };
  const windowTimer = setTimeout(stopSending, opts.durationMs);
  const progressTimer = opts.onProgress
    ? setInterval(() => opts.onProgress!(Number(process.hrtime.bigint() - start) / 1e6, tally.responses), 1000)
    : undefined;
  const onAbort = () => endRound();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    await finished;
  } finally {
    // autocannon ends early only on error (or abort); make sure our round is closed either way.
    endRound();
    clearTimeout(windowTimer);
    if (drainTimer) clearTimeout(drainTimer);
    clearInterval(rssTimer);
    clearInterval(progressTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  opts.signal?.throwIfAborted();
  if (meterError !== undefined) throw meterError;

  const durationMs = Number(roundNs) / 1e6;
  const { responses, errors, non2xx, histogram } = tally;
  const round: RoundResult = {
    rps: durationMs > 0 ? responses / (durationMs / 1000) : 0,
    latencyUs: percentilesOf(histogram),
    requests: responses,
    errors,
    non2xx,
    durationMs,
    drainMs: Number(roundNs - (sendingNs ?? roundNs)) / 1e6,
  };
  // The histogram's floor is its resolution (10 ms): below that it only says "on time".
  if (loopDelay.count > 0) round.clientLoopDelayUs = Math.round(loopDelay.percentile(99) / 1000);
  // Per-request figures are left out, not NaN, when nothing completed.
  if (responses > 0) round.clientCpuUsPerRequest = (clientCpu.user + clientCpu.system) / responses;
  if (meter) {
    if (responses > 0) round.cpuUsPerRequest = serviceCpuUs / responses;
    round.peakRssBytes = peakRss;
  }
  attachHistogram(round, histogram);
  return round;
}

/** Past the per-request timeout, how long a drain may still wait before giving up on a connection. */
const DRAIN_GRACE_MS = 2000;

/**
 * Stops every client from sending new requests; each destroys itself once its last in-flight request
 * has answered (or timed out: autocannon then reconnects and asks for new requests, which a draining
 * client does not send). Calls `onDrained` when the last one is done. Returns false when the client
 * internals this relies on are missing (then the round ends at once, as autocannon's stop() would).
 */
function drainClients(clients: ClientInternals[], onDrained: () => void): boolean {
  if (clients.length === 0 || clients.some((c) => !c.pipelinedRequests || typeof c.destroy !== 'function')) return false;
  let open = clients.length;
  const finish = (c: ClientInternals) => {
    if (c.draining === 'done') return;
    c.draining = 'done';
    c.destroy!();
    if (--open === 0) onDrained();
  };
  for (const c of clients) {
    if (c.destroyed) {
      c.draining = 'done';
      if (--open === 0) onDrained();
      continue;
    }
    c.draining = 'waiting';
    // autocannon calls _doRequest after each response (and after reconnecting): instead of a new
    // request, a draining client checks whether anything is still in flight.
    // Checked on the next turn: after a timeout autocannon reconnects (calling this) before it emits
    // the 'timeout' events that count the lost requests, which must land in this round.
    c._doRequest = () => {
      setImmediate(() => {
        if (c.pipelinedRequests!.size() === 0) finish(c);
      });
    };
    if (c.pipelinedRequests!.size() === 0) finish(c);
  }
  return true;
}

/**
 * Warm-up as its own short run, so nothing of it reaches the measured numbers. Returns the round
 * anyway: errors during warm-up are worth a warning.
 */
export function runWarmup(opts: Omit<LoadOptions, 'meter'>): Promise<RoundResult> {
  return runLoad({ ...opts, meter: undefined });
}

// autocannon 9's Client internals we rely on (lib/httpClient.js). If they change, we fall back to
// autocannon's own (incomplete) error counting rather than failing the run.
interface ClientInternals {
  conn?: NodeJS.EventEmitter;
  destroyed: boolean;
  pipelinedRequests?: { size(): number; clear(): void };
  _connect?: () => void;
  _doRequest?: () => void;
  destroy?: () => void;
  /** Ours: set once the round stops sending on this client. */
  draining?: 'waiting' | 'done';
}

function countLostRequests(client: unknown, onLost: (requests: number) => void): void {
  const c = client as ClientInternals;
  // One 'timeout' per request that timed out.
  (client as { on(event: 'timeout', listener: () => void): void }).on('timeout', () => onLost(1));
  const connect = c._connect;
  if (typeof connect !== 'function' || !c.pipelinedRequests) return;
  c._connect = function (this: ClientInternals) {
    connect.call(this);
    const conn = this.conn;
    const queue = this.pipelinedRequests;
    if (!conn || !queue) return;
    // Prepended so they run before autocannon's own handlers, which reconnect and queue new requests.
    conn.prependListener('end', () => {
      const lost = queue.size();
      if (this.destroyed || lost === 0) return;
      queue.clear();
      onLost(lost);
    });
    // A socket error loses what was in flight on it; clearing the queue also keeps the next
    // response's latency from being timed from the failed request's send time.
    conn.prependListener('error', () => {
      const lost = queue.size();
      queue.clear();
      if (lost > 0) onLost(lost);
    });
  };
}
