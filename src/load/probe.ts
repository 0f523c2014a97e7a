// The probe sends a scenario's request a few times over one keep-alive connection before any load,
// and watches what the server does with the connection. autocannon loses requests silently when a
// server answers `Connection: close` or caps requests per connection (src/load/connection.ts says how), so the probe's
// finding decides how the rounds connect (connection.ts): keep-alive when the connection stayed open,
// otherwise a new connection per request (or per N) through the reconnecting client.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { RequestSpec } from '../config/types.js';
import { planConnections, type ConnectionPlan, type ConnectionSetting, type ObservedConnection } from './connection.js';
import { ScenarioError } from './errors.js';
import { describeRequest, requestUrl } from './request.js';

export interface ProbeOptions {
  /** Requests sent one after another, on one connection while the server keeps it; at least 2. */
  count?: number;
  timeoutMs?: number;
  /** `load.connection`: how the rounds may connect (default auto: as the server allows). */
  connection?: ConnectionSetting;
  /** `load.pipelining`: pipelining cannot be measured on connections the server closes. */
  pipelining?: number;
}

export interface ProbeResult {
  /** Status of the last probe response. */
  status: number;
  /** Body bytes of the last probe response. */
  bodyBytes: number;
  requests: number;
  /** Latency of each probe request (the first includes connecting). */
  latencyUs: number[];
  /**
   * Requests the server answered on one connection before closing it: 1 when it closes after every
   * response (gunicorn's sync worker), N when it caps requests per connection. Undefined when the
   * connection stayed open through every probe request.
   */
  closesAfter?: number;
  /** How the rounds connect: spread it into the load options (`connectionMode`, `requestsPerConnection`). */
  plan: ConnectionPlan;
}

const BODY_EXCERPT_CHARS = 200;

interface ProbeResponse {
  status: number;
  body: Buffer;
  connectionHeader: string;
  keepAliveHeader: string;
  socket: Socket;
  reusedSocket: boolean;
  latencyUs: number;
}

/**
 * Sends `request` `count` times (default 3), reusing the connection while the server keeps it, and
 * checks that each answer is 2xx. Throws ScenarioError when the request fails, and when the server's
 * connection handling cannot be measured as configured (planConnections).
 */
export async function probeRequest(
  baseUrl: string,
  request: RequestSpec,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const count = Math.max(2, options.count ?? 3);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const what = describeRequest(baseUrl, request);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencyUs: number[] = [];
  let previous: Socket | undefined;
  let last: ProbeResponse | undefined;
  let observed: ObservedConnection | undefined;
  /** Requests answered on the current connection, and whether the last one announced its close. */
  let onSocket = 0;
  let announced = false;
  /** `Keep-Alive: max=N` on a connection's first response: the server's cap, announced (Node, Apache). */
  let advertisedMax: number | undefined;
  const connectionEnded = () => {
    observed ??= { closesAfter: onSocket, announced };
    onSocket = 0;
    announced = false;
  };
  try {
    for (let i = 0; i < count; i++) {
      let res: ProbeResponse;
      try {
        res = await send(agent, baseUrl, request, timeoutMs);
      } catch (err) {
        const reused = (err as { reusedSocket?: boolean }).reusedSocket === true;
        if (i > 0 && reused && previous !== undefined) {
          // The server closed the connection silently as the request went out: try it once more
          // on a new connection (which is not reused, so this cannot repeat).
          connectionEnded();
          previous = undefined;
          i--;
          continue;
        }
        throw new ScenarioError(
          'connect',
          `probe ${what} failed: ${(err as Error).message}. Is the service listening there? ` +
            'Check service.ready.url (the base URL comes from its origin) and the request path.',
        );
      }
      latencyUs.push(res.latencyUs);
      if (res.status < 200 || res.status > 299) {
        const excerpt = res.body.toString('utf8', 0, Math.min(res.body.length, BODY_EXCERPT_CHARS * 4));
        throw new ScenarioError(
          'status',
          `probe ${what} answered HTTP ${res.status}; load is only sent to a request that answers 2xx. ` +
            'Check the scenario request (method, path, headers, body) and the service log.',
          { status: res.status, details: `response body: ${excerpt.slice(0, BODY_EXCERPT_CHARS)}` },
        );
      }
      if (previous !== undefined && (res.socket !== previous || !res.reusedSocket)) connectionEnded();
      const max = /\bmax=(\d+)/i.exec(res.keepAliveHeader);
      if (onSocket === 0 && max && Number(max[1]) > 0) advertisedMax ??= Number(max[1]);
      onSocket++;
      announced = /\bclose\b/i.test(res.connectionHeader);
      previous = res.socket;
      last = res;
    }
  } finally {
    agent.destroy();
  }
  if (observed === undefined && announced) observed = { closesAfter: onSocket, announced };
  // A cap larger than the probe's requests is only seen in the header; without it keep-alive rounds
  // would lose a request every N (counted as errors, but lost all the same).
  if (observed === undefined && advertisedMax !== undefined) observed = { closesAfter: advertisedMax, announced: true };
  const plan = planConnections(options.connection ?? 'auto', observed ?? { announced: false }, {
    what,
    pipelining: options.pipelining ?? 1,
  });
  return {
    status: last!.status,
    bodyBytes: last!.body.length,
    requests: count,
    latencyUs,
    ...(observed ? { closesAfter: observed.closesAfter } : {}),
    plan,
  };
}

function send(agent: http.Agent, baseUrl: string, request: RequestSpec, timeoutMs: number): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(requestUrl(baseUrl, request), {
      agent,
      method: request.method.toUpperCase(),
      headers: request.headers,
      timeout: timeoutMs,
    });
    let socket: Socket | undefined;
    req.on('socket', (s) => (socket = s as Socket));
    req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks),
          connectionHeader: String(res.headers.connection ?? ''),
          keepAliveHeader: String(res.headers['keep-alive'] ?? ''),
          socket: socket!,
          reusedSocket: req.reusedSocket,
          latencyUs: Math.round(Number(process.hrtime.bigint() - started) / 1000),
        });
      });
    });
    req.end(request.body ?? undefined);
  });
}
