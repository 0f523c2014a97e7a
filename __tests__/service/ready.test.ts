// One readiness probe against real sockets: what it reports for each way a service can be not ready.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, test } from '@jest/globals';
import { describeProbe, isReady, probe, somethingListens } from '../../src/service/ready.js';
import { freePort } from './helpers.js';

async function listening(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

describe('probe', () => {
  test('2xx is ready; other statuses are answers but not ready', async () => {
    let status = 204;
    const server = http.createServer((_req, res) => res.writeHead(status).end());
    const port = await listening(server);
    try {
      const ok = await probe(`http://127.0.0.1:${port}/health`, 1000);
      assert.ok(isReady(ok));
      status = 503;
      const starting = await probe(`http://127.0.0.1:${port}/health`, 1000);
      assert.equal(isReady(starting), false);
      assert.equal(describeProbe(starting), 'HTTP 503');
      assert.ok(somethingListens(starting));
    } finally {
      server.close();
    }
  });

  test('without a configured ready.url (anyHttpStatus) a 404 on / is ready, a 5xx is not', async () => {
    let status = 404;
    const server = http.createServer((_req, res) => res.writeHead(status).end());
    const port = await listening(server);
    try {
      const notFound = await probe(`http://127.0.0.1:${port}/`, 1000);
      assert.equal(isReady(notFound), false, 'a configured ready.url must answer 2xx');
      assert.equal(isReady(notFound, true), true);
      status = 502;
      assert.equal(isReady(await probe(`http://127.0.0.1:${port}/`, 1000), true), false);
    } finally {
      server.close();
    }
  });

  test('nobody listening → connection refused, and the port counts as free', async () => {
    const result = await probe(`http://127.0.0.1:${await freePort()}/`, 1000);
    assert.equal(describeProbe(result), 'connection refused');
    assert.equal(somethingListens(result), false);
  });

  test('a listener that never answers → timeout, but the port counts as taken', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => sockets.push(s));
    const port = await listening(server);
    try {
      const result = await probe(`http://127.0.0.1:${port}/`, 200);
      assert.equal(describeProbe(result), 'connected but no response within 200 ms');
      assert.ok(somethingListens(result));
    } finally {
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });

  test('an invalid ready URL is a result, not a crash', async () => {
    assert.equal(describeProbe(await probe('127.0.0.1:3000/health', 100)), 'not a valid URL: 127.0.0.1:3000/health');
  });
});
