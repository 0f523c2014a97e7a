// The TCP proxy between the service and its database: relays bytes both ways with backpressure and
// shows every chunk to a protocol tap (src/queries/types.ts), which reports executed statements.
// Thin I/O only; all protocol knowledge lives in the taps.

import net from 'node:net';
import { EnvironmentError } from '../errors.js';
import { createPostgresTap } from './postgres/tap.js';
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

  const server = net.createServer({ noDelay: true }, (client) => {
    const id = nextId++;
    active++;
    const upstream = net.connect({ host: opts.upstream.host, port: opts.upstream.port, noDelay: true });
    client.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    let tap: WireTap | undefined;
    try {
      tap = factory(id, listener);
    } catch {
      tap = undefined; // relay uncounted rather than refuse the connection
    }
    let closed = false;
    const finish = (): void => {
      if (closed) return;
      closed = true;
      active--;
    };
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
    relay(client, upstream, (chunk) => decide(true, chunk));
    relay(upstream, client, (chunk) => decide(false, chunk));
    for (const s of [client, upstream]) {
      s.on('close', () => {
        sockets.delete(s);
        if (!sockets.has(client) && !sockets.has(upstream)) finish();
      });
    }
  });
  server.on('error', () => {
    // Accept errors (e.g. EMFILE) must not crash the process; the affected client sees a reset.
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.listenPort ?? 0, opts.listenHost ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: NodeJS.ErrnoException) => {
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

/**
 * Relays `from` → `to` through `decide`. Replies go back on `from`. Backpressure: `from` pauses
 * while `to`'s buffer is full. An end on one side ends the other once written; an error or reset
 * destroys both, so a dead database or client never leaves a half-open pair behind.
 */
function relay(from: net.Socket, to: net.Socket, decide: (chunk: Buffer) => TapDecision): void {
  let waiting = false;
  const resume = (): void => {
    waiting = false;
    from.resume();
  };
  from.on('data', (chunk: Buffer) => {
    const d = decide(chunk);
    if (d.reply !== undefined) from.write(d.reply);
    if (d.forward !== undefined && d.forward.length > 0 && !to.destroyed) {
      if (!to.write(d.forward) && !waiting) {
        waiting = true;
        from.pause();
        to.once('drain', resume);
      }
    }
    if (d.close !== undefined) {
      from.end();
      to.end();
    }
  });
  from.on('end', () => {
    if (!to.destroyed) to.end();
  });
  from.on('error', () => {
    to.destroy();
  });
  from.on('close', (hadError) => {
    if (hadError) to.destroy();
    else if (!to.destroyed) to.end();
  });
}
