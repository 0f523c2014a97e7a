// One readiness probe: an HTTP GET with its own timeout. A result, never a throw, so the caller can
// say what the last attempt saw when it gives up.
import http from 'node:http';
import https from 'node:https';

export type ProbeResult =
  | { kind: 'http'; status: number }
  /** Nothing accepted the connection (ECONNREFUSED): nobody listens yet. */
  | { kind: 'refused' }
  /** No HTTP response in time; `connected` says whether something accepted the TCP connection. */
  | { kind: 'timeout'; connected: boolean; timeoutMs: number }
  | { kind: 'error'; connected: boolean; message: string };

export function probe(url: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    new URL(url);
  } catch {
    return Promise.resolve({ kind: 'error', connected: false, message: `not a valid URL: ${url}` });
  }
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const client = url.startsWith('https:') ? https : http;
    // A local health check of the user's own service: a self-signed certificate must not block it.
    const options = { agent: false, rejectUnauthorized: false, headers: { 'user-agent': 'perfgate-ready-probe' } } as const;
    const request = client.get(url, options, (response) => {
      response.resume();
      finish({ kind: 'http', status: response.statusCode ?? 0 });
    });
    request.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish({ kind: 'refused' });
      else finish({ kind: 'error', connected, message: err.code ?? err.message });
    });
    const timer = setTimeout(() => finish({ kind: 'timeout', connected, timeoutMs }), timeoutMs);
  });
}

/** A configured ready.url must answer 2xx; the default one (`/`) only has to answer without a 5xx. */
export function isReady(result: ProbeResult, anyHttpStatus = false): boolean {
  if (result.kind !== 'http') return false;
  return anyHttpStatus ? result.status >= 200 && result.status < 500 : result.status >= 200 && result.status < 300;
}

/** True when some process already holds the address (it answered, or at least accepted the connection). */
export function somethingListens(result: ProbeResult): boolean {
  return result.kind === 'http' || ((result.kind === 'timeout' || result.kind === 'error') && result.connected);
}

export function describeProbe(result: ProbeResult): string {
  switch (result.kind) {
    case 'http':
      return `HTTP ${result.status}`;
    case 'refused':
      return 'connection refused';
    case 'timeout':
      return `${result.connected ? 'connected but no response' : 'no connection'} within ${result.timeoutMs} ms`;
    case 'error':
      return result.message;
  }
}
