import net from 'node:net';

// The ports freePort handed out in this process, for services that bind them later. A service port
// is picked once per run and released at once (the service must bind it itself), so until the
// service listens, and again while it restarts between blocks, the OS may give the same port to
// anything that binds port 0 — such as the query proxy perfgate starts next. A bench sitting hit it:
// the base's boot found "port already in use": something accepted its HTTP probe and reset it, as
// the head's Postgres proxy, started in between, would (inferred from the error and the order of
// binds; a pick of one port in ~14,000 cannot be replayed on demand). perfgate's own listeners skip these ports; so does freePort,
// which would otherwise hand head and base the same one.
const handedOut = new Set<number>();

/** Tries before taking a handed-out port anyway (the OS would have to pick one of a few ports 20 times in a row). */
const MAX_TRIES = 20;

/** What listenOnFreePort needs of a server (net.Server has it). */
export type ListeningServer = Pick<net.Server, 'listen' | 'close' | 'address' | 'once' | 'off'>;

/**
 * Listens on a port the OS picks on `host`, but not on one freePort handed out for a service.
 * Rejects with the listen error, as `server.listen` would emit it.
 */
export async function listenOnFreePort(server: ListeningServer, host: string, avoid: ReadonlySet<number> = handedOut): Promise<number> {
  for (let tries = 1; ; tries++) {
    await listenOn(server, 0, host);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    if (!avoid.has(port) || tries >= MAX_TRIES) return port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** `server.listen` as a promise: resolves once listening, rejects with the listen error. */
export function listenOn(server: ListeningServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it; we release it at once).
 * `server` is for tests, where the OS's pick has to be scripted.
 */
export async function freePort(host = '127.0.0.1', server: ListeningServer & Pick<net.Server, 'unref'> = net.createServer()): Promise<number> {
  server.unref();
  const port = await listenOnFreePort(server, host);
  handedOut.add(port);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
