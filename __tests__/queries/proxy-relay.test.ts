// The relay itself, with plain TCP peers and below any protocol: bytes arrive intact and in order in
// both directions, under backpressure, with reused read buffers and with the 'data'-event path alike;
// closes propagate.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startQueryProxy, type QueryProxy } from '../../src/queries/proxy.js';
import { RelayDirection, linkLifetimes } from '../../src/queries/relay.js';
import type { WireTapFactory } from '../../src/queries/types.js';

const passThrough: WireTapFactory = () => ({ fromClient: (c) => ({ forward: c }), fromServer: (c) => ({ forward: c }) });

async function listen(onConnection: (s: net.Socket) => void): Promise<net.Server> {
  const server = net.createServer(onConnection);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

test('a client that stops reading stalls the upstream writer, and every byte arrives once it reads again', async () => {
  const TOTAL = 64 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 7);
  let sent = 0;
  let stalled!: () => void;
  const stall = new Promise<void>((r) => (stalled = r));
  const upstream = await listen((s) => {
    const pump = (): void => {
      while (sent < TOTAL) {
        sent += chunk.length;
        if (!s.write(chunk)) {
          // Still not drained a while later: backpressure reached us through the proxy.
          const timer = setTimeout(stalled, 300);
          s.once('drain', () => (clearTimeout(timer), pump()));
          return;
        }
      }
      s.end();
      stalled(); // everything went out: no backpressure (the assertion below fails)
    };
    pump();
  });
  const proxy = await startQueryProxy({ protocol: 'postgres', upstream: { host: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port }, tapFactory: passThrough });
  try {
    const client = net.connect(proxy.port, '127.0.0.1');
    client.pause();
    await stall;
    assert.ok(sent < TOTAL, `upstream sent everything (${sent} bytes) while the client read nothing`);
    let received = 0;
    client.on('data', (d: Buffer) => (received += d.length));
    client.resume();
    await once(client, 'end');
    assert.equal(received, TOTAL);
    client.destroy();
  } finally {
    await proxy.close();
    upstream.close();
  }
});

test('the upstream closing closes the client after its last bytes are delivered', async () => {
  const upstream = await listen((s) => s.end(Buffer.from('bye')));
  const proxy = await startQueryProxy({ protocol: 'postgres', upstream: { host: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port }, tapFactory: passThrough });
  try {
    const client = net.connect(proxy.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    client.on('data', (d: Buffer) => chunks.push(d));
    await once(client, 'close');
    assert.equal(Buffer.concat(chunks).toString(), 'bye');
  } finally {
    await proxy.close();
    upstream.close();
  }
});

test('a protocol without a registered tap is an error that says what to do', async () => {
  const protocol = 'oracle' as unknown as 'postgres';
  await assert.rejects(startQueryProxy({ protocol, upstream: { host: '127.0.0.1', port: 1521 } }), /no wire tap is registered for protocol "oracle"/);
});

test('the mysql tap is found without the caller importing it', async () => {
  const proxy = await startQueryProxy({ protocol: 'mysql', upstream: { host: '127.0.0.1', port: 3306 } });
  await proxy.close();
});

/** An upstream that echoes every byte back: the client's bytes come back through both directions. */
function startEcho(): Promise<{ server: net.Server; port: number }> {
  return new Promise((resolve) => {
    const server = net.createServer((s) => {
      s.pipe(s);
      s.on('error', () => {});
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port }));
  });
}

/** Hashes every chunk at the moment the tap sees it, per direction: what a tap reads must be what was sent. */
function hashingTap(): { factory: WireTapFactory; digests: () => { fromClient: string; fromServer: string } } {
  const fromClient = createHash('sha256');
  const fromServer = createHash('sha256');
  return {
    factory: () => ({
      fromClient: (chunk) => {
        fromClient.update(chunk);
        return { forward: chunk };
      },
      fromServer: (chunk) => {
        fromServer.update(chunk);
        return { forward: chunk };
      },
    }),
    digests: () => ({ fromClient: fromClient.copy().digest('hex'), fromServer: fromServer.copy().digest('hex') }),
  };
}

/**
 * Sends `payload` in writes of varying size while reading the echo slowly (pausing every 256 KiB),
 * so the proxy's writes back to the client queue up while it keeps reading from upstream.
 */
async function roundTrip(
  port: number,
  payload: Buffer,
  { pieces = [1, 7, 512, 4096, 65_536, 300_000], readPauseEvery = 256 * 1024, pauseMs = 15 } = {},
): Promise<Buffer> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const received: Buffer[] = [];
  let got = 0;
  let sinceLastPause = 0;
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      got += chunk.length;
      sinceLastPause += chunk.length;
      if (sinceLastPause >= readPauseEvery) {
        sinceLastPause = 0;
        socket.pause();
        setTimeout(() => socket.resume(), pauseMs);
      }
      if (got >= payload.length) resolve();
    });
    socket.on('error', reject);
  });
  for (let off = 0, i = 0; off < payload.length; i++) {
    const part = payload.subarray(off, off + pieces[i % pieces.length]!);
    off += part.length;
    if (!socket.write(part)) await new Promise((r) => socket.once('drain', r));
    else if (i % 16 === 0) await new Promise((r) => setImmediate(r));
  }
  await done;
  socket.end();
  return Buffer.concat(received);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const readIntoBuffers of [true, false]) {
  describe(`relay (${readIntoBuffers ? 'reused read buffers' : "'data' events"})`, () => {
    let echo: { server: net.Server; port: number };
    let proxy: QueryProxy;
    let tap: ReturnType<typeof hashingTap>;

    beforeAll(async () => {
      echo = await startEcho();
      tap = hashingTap();
      proxy = await startQueryProxy({
        protocol: 'postgres',
        upstream: { host: '127.0.0.1', port: echo.port },
        tapFactory: tap.factory,
        readIntoBuffers,
      });
    });
    afterAll(async () => {
      await proxy?.close();
      echo?.server.close();
    });

    test('8 MiB echoed through the proxy under backpressure arrive byte for byte, and the tap saw exactly those bytes', async () => {
      const payload = randomBytes(8 * 1024 * 1024);
      const back = await roundTrip(proxy.port, payload);
      assert.equal(back.length, payload.length);
      assert.equal(sha(back), sha(payload));
      const seen = tap.digests();
      assert.equal(seen.fromClient, sha(payload), 'client → server bytes as the tap saw them');
      assert.equal(seen.fromServer, sha(payload), 'server → client bytes as the tap saw them');
    });

    test('small writes echoed to a client that stops reading for a while arrive intact (writes queue below the high-water mark)', async () => {
      const payload = randomBytes(2 * 1024 * 1024);
      const back = await roundTrip(proxy.port, payload, { pieces: [100, 2000, 700], readPauseEvery: 64 * 1024, pauseMs: 60 });
      assert.equal(sha(back), sha(payload));
    });

    test('a client that closes takes its upstream connection with it', async () => {
      const socket = net.connect({ host: '127.0.0.1', port: proxy.port });
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write('hello');
      await new Promise<void>((resolve) => socket.once('data', () => resolve()));
      assert.equal(proxy.activeConnections(), 1);
      socket.end();
      for (let i = 0; i < 100 && proxy.activeConnections() > 0; i++) await sleep(10);
      assert.equal(proxy.activeConnections(), 0);
    });
  });
}

/**
 * A socket stand-in that, like libuv with a full kernel buffer, keeps a reference to what it was
 * asked to write (no copy) until flush(), which returns the bytes as they are *then*.
 */
class HoldingSocket {
  destroyed = false;
  private held: Buffer[] = [];
  private drainListeners: (() => void)[] = [];
  resumed = 0;
  paused = 0;
  constructor(private readonly highWaterMark: number) {}
  get writableLength(): number {
    return this.held.reduce((n, b) => n + b.length, 0);
  }
  write(bytes: Buffer): boolean {
    this.held.push(bytes);
    return this.writableLength < this.highWaterMark;
  }
  once(_event: 'drain', listener: () => void): void {
    this.drainListeners.push(listener);
  }
  pause(): void {
    this.paused++;
  }
  resume(): void {
    this.resumed++;
  }
  end(): void {}
  flush(): Buffer {
    const out = Buffer.concat(this.held);
    this.held = [];
    for (const l of this.drainListeners.splice(0)) l();
    return out;
  }
}

/** Drives a direction the way net's onStreamRead does: read into the buffer, call back, ask for the next buffer. */
function reader(direction: RelayDirection): (chunks: Buffer[]) => void {
  const onread = direction.onread as unknown as { buffer: () => Buffer | undefined; callback: (n: number, b: Buffer) => boolean };
  let buffer = onread.buffer()!;
  return (chunks) => {
    for (const chunk of chunks) {
      chunk.copy(buffer);
      onread.callback(chunk.length, buffer);
      buffer = onread.buffer() ?? buffer;
    }
  };
}

describe('RelayDirection (reads into a reused buffer)', () => {
  const passThrough = (chunk: Buffer) => ({ forward: chunk });

  test('reuses its buffer while every write completes at once', () => {
    const direction = new RelayDirection(passThrough);
    const seen = new Set<ArrayBufferLike>();
    direction.from = new HoldingSocket(Infinity);
    direction.to = { destroyed: false, writableLength: 0, write: (b: Buffer) => (seen.add(b.buffer), true), once: () => {}, pause: () => {}, resume: () => {}, end: () => {} };
    reader(direction)([Buffer.from('one'), Buffer.from('two'), Buffer.from('three')]);
    assert.equal(seen.size, 1, 'all three reads landed in the same memory');
  });

  test('takes a fresh buffer when a write is still queued, so queued bytes are never overwritten', () => {
    const direction = new RelayDirection(passThrough);
    const to = new HoldingSocket(1 << 20);
    direction.from = new HoldingSocket(Infinity);
    direction.to = to;
    const chunks = [Buffer.alloc(1000, 'a'), Buffer.alloc(1000, 'b'), Buffer.alloc(600, 'c')];
    reader(direction)(chunks);
    assert.equal(to.flush().toString(), Buffer.concat(chunks).toString());
  });

  test('while writes are queued, small reads are copied instead of each taking a fresh read buffer', () => {
    const direction = new RelayDirection(passThrough);
    const to = new HoldingSocket(1 << 20);
    direction.from = new HoldingSocket(Infinity);
    direction.to = to;
    const onread = direction.onread as unknown as { buffer: () => Buffer | undefined };
    const buffers = new Set<ArrayBufferLike>();
    const original = onread.buffer;
    onread.buffer = () => {
      const b = original();
      if (b) buffers.add(b.buffer);
      return b;
    };
    const chunks = Array.from({ length: 200 }, (_, i) => Buffer.alloc(100, 97 + (i % 26)));
    reader(direction)(chunks);
    assert.ok(buffers.size <= 2, `${buffers.size} read buffers for 200 queued 100-byte reads`);
    assert.equal(to.flush().toString(), Buffer.concat(chunks).toString());
  });

  test('pauses when the peer is full and resumes on drain', () => {
    const direction = new RelayDirection(passThrough);
    const to = new HoldingSocket(1500);
    const from = new HoldingSocket(Infinity);
    direction.from = from;
    direction.to = to;
    const read = reader(direction);
    read([Buffer.alloc(1000, 'a')]);
    assert.equal(from.paused, 0);
    read([Buffer.alloc(1000, 'b')]);
    assert.equal(from.paused, 1);
    assert.equal(from.resumed, 0);
    assert.equal(to.flush().length, 2000);
    assert.equal(from.resumed, 1);
  });
});

describe('linkLifetimes', () => {
  class FakeSocket extends EventEmitter {
    destroyed = false;
    calls: string[] = [];
    end(): void {
      this.calls.push('end');
    }
    resume(): void {
      this.calls.push('resume');
    }
    destroy(): void {
      this.destroyed = true;
      this.calls.push('destroy');
    }
  }
  const linked = () => {
    const from = new FakeSocket();
    const to = new FakeSocket();
    linkLifetimes(from as unknown as net.Socket, to as unknown as net.Socket);
    return { from, to };
  };

  test('a half-close is passed on and the other side keeps its backpressure', () => {
    const { from, to } = linked();
    from.emit('end');
    assert.deepEqual(to.calls, ['end']);
  });

  test('a clean close ends the other side and resumes it, since the drain it may wait for never comes', () => {
    const { from, to } = linked();
    from.emit('close', false);
    assert.deepEqual(to.calls, ['end', 'resume']);
  });

  test('an error or reset destroys the other side', () => {
    const { from, to } = linked();
    from.emit('close', true);
    assert.deepEqual(to.calls, ['destroy']);
  });
});

