// The relay itself, with plain TCP peers: backpressure and close propagation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { startQueryProxy } from '../../src/queries/proxy.js';
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
