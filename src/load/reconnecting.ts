// One measured round of closed-loop load against a server that closes connections: each of
// `connections` slots sends a request, waits for its answer, and opens a new connection whenever the
// server closes one (after every response, or every N), the way wrk and ab do. Same contract and
// semantics as runner.ts (the keep-alive rounds): the sending window is timed with hrtime, requests
// still in flight when it ends are awaited and counted, timeouts count as errors, service CPU divides
// by the requests that used it. Latency runs from the start of connecting (for a request on a new
// connection) to the last byte of the answer: connection setup is part of what is measured.
//
// Why not autocannon (9.0, lib/httpClient.js): its `reconnectRate` option resets the connection
// after the Nth response *instead of* emitting it (the `response` event is skipped), so every Nth
// request goes uncounted; and when the server closes, the request it already wrote on the closing
// socket stays in its queue: never counted, and the next response is timed from its send time
// (measured with autocannon 9 against a server that closes: half the requests vanished with 0
// errors). Nor node:http: its client cost ~1.7× the CPU per request of a raw socket here
// (http-response.ts), CPU a 2-core runner takes from the service.
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type { RequestSpec } from '../config/types.js';
import { EnvironmentError } from '../errors.js';
import type { RoundResult } from '../results/types.js';
import { ResponseFramer, type ResponseEnd } from './http-response.js';
import { requestUrl } from './request.js';
import { RoundMeter } from './round-meter.js';
import type { LoadOptions } from './runner.js';
import { RoundTally } from './tally.js';

export interface ReconnectingOptions extends LoadOptions {
  /** Requests sent on one connection before the client asks to close it (`Connection: close`); default 1. */
  requestsPerConnection?: number;
}

/** Past the per-request timeout, how long the drain may still wait before giving up on a slot. */
const DRAIN_GRACE_MS = 2000;

/** One measured round with a new connection per request (or per `requestsPerConnection`). */
export async function runReconnectingLoad(opts: ReconnectingOptions): Promise<RoundResult> {
  opts.signal?.throwIfAborted();
  const url = requestUrl(opts.baseUrl, opts.request);
  if (url.protocol !== 'http:') {
    throw new EnvironmentError(
      `${url.origin} closes connections, and perfgate measures servers that close connections over plain HTTP ` +
        'only: point service.baseUrl at the service\'s http:// port, or enable keep-alive in it.',
    );
  }
  const port = Number(url.port || 80);
  const host = await reachableAddress(url.hostname.replace(/^\[|\]$/g, ''), port);
  const perConnection = Math.max(1, Math.floor(opts.requestsPerConnection ?? 1));
  const bytes = { keepOpen: requestBytes(url, opts.request, false), closing: requestBytes(url, opts.request, true) };
  const headRequest = opts.request.method.toUpperCase() === 'HEAD';
  const timeoutNs = BigInt(Math.round(opts.timeoutMs * 1e6));
  const tally = new RoundTally();
  const roundMeter = new RoundMeter(opts.meter, () => endRound());

  let sending = true;
  let inFlight = 0;
  let resolveRound!: () => void;
  const roundEnded = new Promise<void>((resolve) => (resolveRound = resolve));

  /**
   * One closed-loop "user": at most one request in flight, on its current connection. Its socket
   * object is reused for every connection it opens (net.Socket#connect after 'close'): allocating a
   * new socket and its listeners per request cost twice the client CPU per request here.
   */
  interface Slot {
    socket: net.Socket;
    framer: ResponseFramer;
    /** A connection is open or being opened (false once its 'close' has been emitted). */
    open: boolean;
    /** Requests written on the current connection. */
    used: number;
    /** hrtime when the request in flight started (undefined: none in flight). */
    startedNs?: bigint;
  }

  /** Counts the request in flight as answered (or failed, without a response). */
  const settle = (slot: Slot, response: ResponseEnd | undefined) => {
    const elapsedNs = process.hrtime.bigint() - slot.startedNs!;
    slot.startedNs = undefined;
    inFlight--;
    if (response) tally.onResponse(undefined, response.status, 0, Number(elapsedNs) / 1e6);
    else tally.onErrors(1);
  };

  /** A failed request: counted, and its connection closed (the slot goes on once 'close' is emitted). */
  const fail = (slot: Slot) => {
    if (slot.startedNs !== undefined) settle(slot, undefined);
    slot.socket.destroy();
  };

  const makeSlot = (): Slot => {
    const slot: Slot = { socket: new net.Socket(), framer: new ResponseFramer(headRequest), open: false, used: 0 };
    const { socket } = slot;
    socket.on('data', (chunk: Buffer) => {
      if (slot.startedNs === undefined) return;
      let ended: ResponseEnd[];
      try {
        ended = slot.framer.push(chunk);
      } catch {
        fail(slot); // a malformed response is a failed request
        return;
      }
      // One request is in flight per slot, so at most one response ends here.
      const response = ended[0];
      if (!response) return;
      settle(slot, response);
      if (response.close || slot.used >= perConnection) socket.destroy();
      else next(slot);
    });
    // 'close' follows 'end', 'error' and destroy(): a body delimited by the close ends here;
    // otherwise a request still in flight was lost (refused, reset, or closed without an answer).
    socket.on('close', () => {
      slot.open = false;
      if (slot.startedNs !== undefined) {
        const response = slot.framer.end();
        settle(slot, response ? { ...response, close: true } : undefined);
      }
      next(slot);
    });
    socket.on('error', () => {});
    return slot;
  };
  const slots: Slot[] = Array.from({ length: Math.max(1, opts.connections) }, makeSlot);

  const next = (slot: Slot) => {
    if (!sending || !tally.open) {
      if (slot.open) slot.socket.destroy();
      if (inFlight === 0) endRound();
      return;
    }
    slot.startedNs = process.hrtime.bigint();
    inFlight++;
    if (!slot.open) {
      slot.open = true;
      slot.used = 0;
      slot.framer = new ResponseFramer(headRequest);
      slot.socket.connect({ port, host });
    }
    slot.used++;
    slot.socket.write(slot.used >= perConnection ? bytes.closing : bytes.keepOpen);
  };

  let drainTimer: NodeJS.Timeout | undefined;
  function endRound(): void {
    if (!tally.open) return;
    // What is still in flight when the drain bound is hit never answered: count it as failed.
    tally.onErrors(inFlight);
    tally.close();
    roundMeter.end();
    for (const slot of slots) if (slot.open) slot.socket.destroy();
    resolveRound();
  }
  const stopSending = () => {
    if (!sending || !tally.open) return;
    sending = false;
    roundMeter.stopSending();
    if (inFlight === 0) endRound();
    else drainTimer = setTimeout(endRound, opts.timeoutMs + DRAIN_GRACE_MS);
  };
  // Per-request timeouts by sweeping the slots a few times a second rather than a timer per request.
  const sweep = () => {
    const now = process.hrtime.bigint();
    for (const slot of slots) {
      if (slot.startedNs !== undefined && now - slot.startedNs > timeoutNs) fail(slot);
    }
  };

  const sweepTimer = setInterval(sweep, Math.max(10, Math.min(100, opts.timeoutMs / 10)));
  const windowTimer = setTimeout(stopSending, opts.durationMs);
  const progressTimer = opts.onProgress
    ? setInterval(() => opts.onProgress!(roundMeter.elapsedMs(), tally.responses), 1000)
    : undefined;
  const onAbort = () => endRound();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    for (const slot of slots) next(slot);
    await roundEnded;
  } finally {
    endRound();
    clearTimeout(windowTimer);
    if (drainTimer) clearTimeout(drainTimer);
    clearInterval(sweepTimer);
    clearInterval(progressTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  opts.signal?.throwIfAborted();
  if (roundMeter.error !== undefined) throw roundMeter.error;
  return roundMeter.resultOf(tally, { requestsPerConnection: perConnection });
}

/**
 * The address to connect to, resolved once: a name would otherwise be looked up for every
 * connection. `localhost` may resolve to ::1 and 127.0.0.1 while the service listens on one of them,
 * so the first address that accepts a connection is taken.
 */
async function reachableAddress(name: string, port: number): Promise<string> {
  if (net.isIP(name)) return name;
  const addresses = await lookup(name, { all: true });
  for (const { address } of addresses) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: address, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (accepted) return address;
  }
  // None accepts: the round counts the refused connections as errors.
  return addresses[0]?.address ?? name;
}

/** The request as bytes, written once per round and reused for every request. */
export function requestBytes(url: URL, request: RequestSpec, closing: boolean): Buffer {
  const lines = [`${request.method.toUpperCase()} ${url.pathname}${url.search} HTTP/1.1`];
  const own = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);
  const headers = Object.entries(request.headers);
  if (!headers.some(([name]) => name.toLowerCase() === 'host')) lines.push(`Host: ${url.host}`);
  for (const [name, value] of headers) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(String(value))) {
      throw new Error(`request header ${JSON.stringify(name)} contains a line break`);
    }
    if (!own.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  }
  const body = request.body === null ? undefined : Buffer.from(request.body, 'utf8');
  if (body || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method.toUpperCase())) {
    lines.push(`Content-Length: ${body?.length ?? 0}`);
  }
  if (closing) lines.push('Connection: close');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}
