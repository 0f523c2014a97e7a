// How a scenario's load uses connections, decided from what the probe saw and `load.connection`.
// Pure: no I/O.
//
// autocannon keeps connections open; against a server that closes them it silently loses requests,
// so such servers are loaded by the reconnecting client (reconnecting.ts says how autocannon loses
// them), which opens a new connection per request, or per N requests when the server allows N, the
// way wrk and ab do.
// Many real deployments close: gunicorn's default sync worker, uWSGI without http-keepalive, PHP's
// built-in server, Python's http.server and wsgiref, proxies that close upstream connections.
import { ScenarioError } from './errors.js';

/** `load.connection` in perfgate.yml. */
export type ConnectionSetting = 'auto' | 'keep-alive' | 'close';

/** Which load generator runs a round. */
export type ConnectionMode = 'keep-alive' | 'close';

/** What the load options need to know about connections (spread into LoadOptions). */
export interface ConnectionPlan {
  connectionMode: ConnectionMode;
  /** close mode: requests sent on one connection before it is closed (1 = a new connection per request). */
  requestsPerConnection?: number;
}

/** What the probe saw of the server's keep-alive behaviour. */
export interface ObservedConnection {
  /**
   * Requests the server answered on one connection before closing it: 1 when it closes after every
   * response, N when it caps requests per connection. Undefined when it kept the connection open
   * through every probe request.
   */
  closesAfter?: number;
  /** True when the server said so with `Connection: close` (false: it just closed the socket). */
  announced: boolean;
}

/** How a Python (or any) user can give the server keep-alive, for messages. */
export const KEEP_ALIVE_ADVICE =
  'To measure with persistent connections, enable HTTP keep-alive in the service: gunicorn\'s default sync worker ' +
  'closes every connection, run it with `--worker-class gthread --keep-alive 10` (or uvicorn/gevent workers); ' +
  'uWSGI needs `--http-keepalive`; nginx and Node: raise keepalive_requests / maxRequestsPerSocket.';

/**
 * The plan for a scenario's rounds. Throws ScenarioError for what cannot be measured honestly:
 * keep-alive forced against a server that closes, and pipelining on connections that close.
 */
export function planConnections(
  setting: ConnectionSetting,
  observed: ObservedConnection,
  options: { what: string; pipelining: number },
): ConnectionPlan {
  const closes = observed.closesAfter !== undefined;
  if (setting === 'close') return { connectionMode: 'close', requestsPerConnection: 1 };
  if (!closes) return { connectionMode: 'keep-alive' };
  const closesAfter = observed.closesAfter!;
  const saw = observed.announced
    ? `answered "Connection: close" after ${closesAfter} request(s) on a connection`
    : `closed the keep-alive connection after ${closesAfter} request(s)`;
  const reason = observed.announced ? 'connection-close' : 'socket-closed';
  if (setting === 'keep-alive') {
    throw new ScenarioError(
      reason,
      `probe ${options.what}: the server ${saw}, and load.connection is keep-alive. The keep-alive load generator ` +
        'would silently lose requests on connections the server closes. Set load.connection: auto (or close) to ' +
        `measure with a new connection per request, connection setup included. ${KEEP_ALIVE_ADVICE}`,
    );
  }
  if (options.pipelining > 1) {
    throw new ScenarioError(
      reason,
      `probe ${options.what}: the server ${saw}, and load.pipelining is ${options.pipelining}: pipelined requests ` +
        'behind a closed connection are never answered. Set load.pipelining: 1 to measure with a new connection ' +
        `per request. ${KEEP_ALIVE_ADVICE}`,
    );
  }
  return { connectionMode: 'close', requestsPerConnection: closesAfter };
}

/** "new connection per request" / "new connection every 5 requests", for reports and progress lines. */
export function describeConnections(requestsPerConnection: number): string {
  return requestsPerConnection <= 1 ? 'new connection per request' : `new connection every ${requestsPerConnection} requests`;
}
