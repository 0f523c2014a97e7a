// The TCP proxy between the service and its database: accepts connections, opens one upstream
// connection per client, and relays bytes both ways (src/queries/relay.ts) through a protocol tap
// (src/queries/types.ts), which reports executed statements. Thin I/O only; all protocol knowledge
// lives in the taps.

import net from 'node:net';
import { EnvironmentError } from '../errors.js';
import { listenOn, listenOnFreePort } from '../net/free-port.js';
import { createPostgresTap } from './postgres/tap.js';
import { RelayDirection, adoptReading, linkLifetimes } from './relay.js';
import type { ExecutedStatement, TapDecision, WireTap, WireTapFactory } from './types.js';

export type ProxyProtocol = 'postgres' | 'mysql';

const factories = new Map<ProxyProtocol, WireTapFactory>([['postgres', createPostgresTap]]);

/** Lets a protocol module (e.g. src/queries/mysql/) plug its tap in without the proxy importing it. */
export function registerTapFactory(protocol: ProxyProtocol, factory: WireTapFactory): void {
  factories.set(protocol, factory);
}

export interface QueryProxyOptions {
  protocol: ProxyProtocol;
  upstream: { host: string; port: number };
  listenHost?: '127.0.0.1';
  /** 0 or omitted: a free port. */
  listenPort?: number;
  tapFactory?: WireTapFactory;
  onStatement?: (s: ExecutedStatement) => void;
  /**
   * Keep statements for statements()/drain(). Default true. Turn it off for load rounds and
   * long-running inspectors (memory would grow per statement); setRecording() switches it later.
   */
  keepStatements?: boolean;
  /**
   * Read into reused buffers (net's `onread`, src/queries/relay.ts). Default true; false relays with
   * 'data' events, which the tests use to check both paths give the same bytes.
   */
  readIntoBuffers?: boolean;
}

export interface QueryProxy {
  host: string;
  port: number;
  /** Every statement seen so far, in completion order. */
  statements(): ExecutedStatement[];
  /** Statements seen since the last drain, emptying the buffer (keeps memory flat across scenarios). */
  drain(): ExecutedStatement[];
  /** Starts/stops keeping statements (onStatement is called either way). Returns the previous state. */
  setRecording(on: boolean): boolean;
  activeConnections(): number;
  close(): Promise<void>;
}

/** Protocol modules load lazily so a Postgres-only run never pays for the others. */
async function loadFactory(protocol: ProxyProtocol): Promise<WireTapFactory | undefined> {
  if (!factories.has(protocol) && protocol === 'mysql') {
    try {
      await import('./mysql/index.js'); // registers itself
    } catch {
      // Reported below as "no wire tap registered".
    }
  }
  return factories.get(protocol);
}

export async function startQueryProxy(opts: QueryProxyOptions): Promise<QueryProxy> {
  const factory = opts.tapFactory ?? (await loadFactory(opts.protocol));
  if (factory === undefined) {
    throw new EnvironmentError(
      `no wire tap is registered for protocol "${opts.protocol}"; import its module (src/queries/${opts.protocol}/) ` +
        `or pass tapFactory to startQueryProxy`,
    );
  }
  let keep = opts.keepStatements ?? true;
  let seen: ExecutedStatement[] = [];
  const listener = (s: ExecutedStatement): void => {
    if (keep) seen.push(s);
    opts.onStatement?.(s);
  };
  const sockets = new Set<net.Socket>();
  let nextId = 1;
  let active = 0;

  // pauseOnConnect: nothing is read before the relay takes the socket over (src/queries/relay.ts).
  const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (accepted) => {
    const id = nextId++;
    active++;
    let tap: WireTap | undefined;
    try {
      tap = factory(id, listener);
    } catch {
      tap = undefined; // relay uncounted rather than refuse the connection
    }
    const decide = (fromClient: boolean, chunk: Buffer): TapDecision => {
      if (tap === undefined) return { forward: chunk };
      try {
        return fromClient ? tap.fromClient(chunk) : tap.fromServer(chunk);
      } catch {
        // Taps must not throw; if one does, stop counting on this connection and keep relaying.
        tap = undefined;
        return { forward: chunk };
      }
    };
    const up = new RelayDirection((chunk) => decide(true, chunk));
    const down = new RelayDirection((chunk) => decide(false, chunk));
    const adopted = opts.readIntoBuffers === false ? undefined : adoptReading(accepted, up.onread);
    const client = adopted ?? accepted;
    const upstream = net.connect({
      host: opts.upstream.host,
      port: opts.upstream.port,
      noDelay: true,
      ...(adopted ? { onread: down.onread } : {}),
    });
    up.from = down.to = client;
    up.to = down.from = upstream;
    if (!adopted) {
      client.setNoDelay(true);
      client.on('data', (chunk: Buffer) => up.deliver(chunk));
      upstream.on('data', (chunk: Buffer) => down.deliver(chunk));
      client.resume();
    }
    linkLifetimes(client, upstream);
    linkLifetimes(upstream, client);
    sockets.add(client);
    sockets.add(upstream);
    let closed = false;
    for (const s of [client, upstream]) {
      s.on('close', () => {
        sockets.delete(s);
        if (!closed && !sockets.has(client) && !sockets.has(upstream)) {
          closed = true;
          active--;
        }
      });
    }
  });
  server.on('error', () => {
    // Accept errors (e.g. EMFILE) must not crash the process; the affected client sees a reset.
  });

  const host = opts.listenHost ?? '127.0.0.1';
  // A port of the OS's choosing must not be one a service of this run is about to bind (free-port.ts).
  await (opts.listenPort === undefined ? listenOnFreePort(server, host) : listenOn(server, opts.listenPort, host)).catch((err: NodeJS.ErrnoException) => {
    throw new EnvironmentError(
      `could not listen on ${opts.listenHost ?? '127.0.0.1'}:${opts.listenPort ?? 0} for the ${opts.protocol} proxy: ${err.message}`,
    );
  });
  const address = server.address() as net.AddressInfo;

  return {
    host: address.address,
    port: address.port,
    statements: () => seen.slice(),
    drain: () => {
      const out = seen;
      seen = [];
      return out;
    },
    setRecording: (on) => {
      const was = keep;
      keep = on;
      return was;
    },
    activeConnections: () => active,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
