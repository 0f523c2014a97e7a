// The probe sends a scenario's request a few times over one keep-alive socket before any load.
// autocannon reconnects silently when a server closes the connection, so a server that answers
// `Connection: close` or caps requests per socket loses about half the requests with 0 errors
// reported (DESIGN.md). We refuse such scenarios here, with a message saying what to change.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { RequestSpec } from '../config/types.js';
import { ScenarioError } from './errors.js';
import { describeRequest, requestUrl } from './request.js';

export interface ProbeOptions {
  /** Requests sent one after another on the same socket; at least 2 to see the socket survive. */
  count?: number;
  timeoutMs?: number;
}

export interface ProbeResult {
  /** Status of the last probe response. */
  status: number;
  /** Body bytes of the last probe response. */
  bodyBytes: number;
  requests: number;
  /** Latency of each probe request (the first includes connecting). */
  latencyUs: number[];
}

const BODY_EXCERPT_CHARS = 200;

interface ProbeResponse {
  status: number;
  body: Buffer;
  connectionHeader: string;
  socket: Socket;
  reusedSocket: boolean;
  latencyUs: number;
}

/**
 * Sends `request` `count` times (default 3) over ONE keep-alive socket and checks that each answer
 * is 2xx and keeps the connection open. Throws ScenarioError otherwise.
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
  try {
    for (let i = 0; i < count; i++) {
      let res: ProbeResponse;
      try {
        res = await send(agent, baseUrl, request, timeoutMs);
      } catch (err) {
        const reused = (err as { reusedSocket?: boolean }).reusedSocket === true;
        if (i > 0 && reused) throw socketClosed(what, i);
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
      if (/\bclose\b/i.test(res.connectionHeader)) {
        throw new ScenarioError(
          'connection-close',
          `probe ${what} answered "Connection: close". The load generator keeps connections open, ` +
            'and against a server that closes them it silently loses requests. Enable HTTP keep-alive in the service ' +
            '(and remove any "Connection: close" response header).',
          { status: res.status },
        );
      }
      if (previous !== undefined && (res.socket !== previous || !res.reusedSocket)) throw socketClosed(what, i);
      previous = res.socket;
      last = res;
    }
  } finally {
    agent.destroy();
  }
  return { status: last!.status, bodyBytes: last!.body.length, requests: count, latencyUs };
}

function socketClosed(what: string, answered: number): ScenarioError {
  return new ScenarioError(
    'socket-closed',
    `probe ${what}: the server closed the keep-alive connection after ${answered} request(s). ` +
      'The load generator reuses connections, and against a server that caps requests per connection it silently ' +
      'loses requests. Raise or remove the per-connection request limit (e.g. keepalive_requests, ' +
      'maxRequestsPerSocket) and make the keep-alive timeout longer than the scenario duration.',
  );
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
          socket: socket!,
          reusedSocket: req.reusedSocket,
          latencyUs: Math.round(Number(process.hrtime.bigint() - started) / 1000),
        });
      });
    });
    req.end(request.body ?? undefined);
  });
}
