// Ports for services are picked and released at once; perfgate's own listeners (the query proxies)
// must not take one before its service binds it.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { freePort, listenOnFreePort, type ListeningServer } from '../../src/net/free-port.js';

/** A server whose OS hands out the given ports in turn: the OS's choice cannot be forced otherwise. */
class ScriptedServer extends EventEmitter {
  listens = 0;
  closes = 0;
  private port = 0;
  constructor(private readonly ports: number[]) {
    super();
  }
  listen(_port: number, _host: string, cb: () => void): this {
    this.port = this.ports[this.listens++] ?? 0;
    setImmediate(cb);
    return this;
  }
  address(): net.AddressInfo {
    return { address: '127.0.0.1', family: 'IPv4', port: this.port };
  }
  close(cb: () => void): this {
    this.closes++;
    setImmediate(cb);
    return this;
  }
  unref(): this {
    return this;
  }
}

describe('listenOnFreePort', () => {
  test('skips ports handed out for services and listens on the next one the OS picks', async () => {
    const server = new ScriptedServer([40001, 40003, 40005]);
    const port = await listenOnFreePort(server as unknown as ListeningServer, '127.0.0.1', new Set([40001, 40003]));
    assert.equal(port, 40005);
    assert.equal(server.listens, 3);
    assert.equal(server.closes, 2);
  });

  test('takes the OS pick at once when it is not handed out', async () => {
    const server = new ScriptedServer([40007]);
    assert.equal(await listenOnFreePort(server as unknown as ListeningServer, '127.0.0.1', new Set([40001])), 40007);
    assert.equal(server.closes, 0);
  });

  test('gives up skipping after 20 tries rather than loop for ever', async () => {
    const server = new ScriptedServer(Array(25).fill(40001));
    assert.equal(await listenOnFreePort(server as unknown as ListeningServer, '127.0.0.1', new Set([40001])), 40001);
    assert.equal(server.listens, 20);
  });

  test('on a real server: listens on loopback, and a listen error rejects', async () => {
    const server = net.createServer();
    const port = await listenOnFreePort(server, '127.0.0.1', new Set());
    assert.ok(port > 0);
    const other = net.createServer();
    // An address this machine does not have.
    await assert.rejects(listenOnFreePort(other, '192.0.2.1', new Set()), /EADDRNOTAVAIL/);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('freePort', () => {
  test('skips a port it handed out before, when the OS picks that port again', async () => {
    // Ports below 1024: the OS never picks them for port 0, so no other test's pick is among them.
    const server = new ScriptedServer([1001, 1001, 1003]);
    const first = await freePort('127.0.0.1', server as unknown as net.Server);
    const second = await freePort('127.0.0.1', server as unknown as net.Server);
    assert.deepEqual([first, second], [1001, 1003]);
    assert.equal(server.listens, 3, 'the repeated pick was released and the OS asked again');
  });

  test('on the real OS: 50 picks, no port twice', async () => {
    const ports = [];
    for (let i = 0; i < 50; i++) ports.push(await freePort());
    assert.equal(new Set(ports).size, ports.length);
  });
});
