// The reconnecting load generator against real servers that close connections: every request the
// server answered is counted (the server's own count is the reference), none is lost silently, and
// the round has runner.ts's semantics (drain, timeouts as errors, service CPU per request).
// Rounds are short and check what is counted, never how fast anything is.
import { afterAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import http from 'node:http';
import { histogramOf, runLoad, type ResourceMeter, type RoundOptions } from '../../src/load/index.js';
import { answerOnceThenClose, GET_ROOT, httpServer, tcpServer, type TestServer } from './servers.js';

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A node:http server that counts the requests it answered and the connections it accepted. */
async function countingServer(handler: http.RequestListener, configure: (s: http.Server) => void = () => {}) {
  const seen = { requests: 0, connections: 0 };
  const server = await httpServer(
    (req, res) => {
      res.on('finish', () => seen.requests++);
      handler(req, res);
    },
    (s) => {
      s.on('connection', () => seen.connections++);
      configure(s);
    },
  );
  servers.push(server);
  return { ...server, seen };
}

function closeMode(baseUrl: string, overrides: Partial<RoundOptions> = {}): RoundOptions {
  return {
    baseUrl,
    request: GET_ROOT,
    connections: 2,
    durationMs: 500,
    pipelining: 1,
    timeoutMs: 5000,
    connectionMode: 'close',
    requestsPerConnection: 1,
    ...overrides,
  };
}

const answerClosing: http.RequestListener = (_req, res) => {
  res.setHeader('Connection', 'close');
  res.end('{"ok":true}');
};

describe('runLoad with connectionMode close', () => {
  test('a server that answers Connection: close: every request it answered is counted, none lost', async () => {
    const server = await countingServer(answerClosing);
    const round = await runLoad(closeMode(server.baseUrl));
    assert.ok(round.requests > 10, `${round.requests} requests`);
    assert.equal(round.errors, 0);
    assert.equal(round.non2xx, 0);
    assert.equal(round.requests, server.seen.requests);
    assert.equal(server.seen.connections, round.requests, 'one connection per request');
    assert.equal(round.requestsPerConnection, 1);
    assert.equal(histogramOf(round)?.totalCount, round.requests);
    assert.ok(round.latencyUs.p50 > 0);
  });

  test('a server capped at 5 requests per connection: a new connection every 5 requests, all counted', async () => {
    const server = await countingServer(
      (_req, res) => res.end('ok'),
      (s) => (s.maxRequestsPerSocket = 5),
    );
    const round = await runLoad(closeMode(server.baseUrl, { requestsPerConnection: 5 }));
    assert.equal(round.errors, 0);
    assert.equal(round.requests, server.seen.requests);
    // Each of the 2 slots opens ceil(its requests / 5) connections.
    assert.ok(server.seen.connections <= Math.ceil(round.requests / 5) + 2, `${server.seen.connections} connections`);
    assert.ok(server.seen.connections >= Math.floor(round.requests / 5), `${server.seen.connections} connections`);
    assert.equal(round.requestsPerConnection, 5);
  });

  test('a server that closes after each answer without saying so: no request is lost', async () => {
    let answered = 0;
    const server = await tcpServer((socket) => {
      socket.once('data', () => answered++);
      answerOnceThenClose(socket);
    });
    servers.push(server);
    const round = await runLoad(closeMode(server.baseUrl));
    assert.ok(round.requests > 10);
    assert.equal(round.errors, 0);
    assert.equal(round.requests, answered);
  });

  test('a keep-alive server measured in close mode gets a new connection per request (Connection: close sent)', async () => {
    const closeHeaders: string[] = [];
    const server = await countingServer((req, res) => {
      closeHeaders.push(String(req.headers.connection));
      res.end('ok');
    });
    const round = await runLoad(closeMode(server.baseUrl, { durationMs: 200 }));
    assert.equal(round.errors, 0);
    assert.equal(round.requests, server.seen.requests);
    assert.equal(server.seen.connections, round.requests);
    assert.ok(closeHeaders.every((h) => h === 'close'));
  });

  test('sends the scenario method, path, headers and body', async () => {
    const seen: string[] = [];
    const server = await countingServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['x-token']} ${req.headers.host} ${body}`);
        answerClosing(req, res);
      });
    });
    const request = { method: 'post', path: '/books?limit=5', headers: { 'x-token': 'abc' }, body: '{"a":1}' };
    const round = await runLoad(closeMode(server.baseUrl, { request, durationMs: 100, connections: 1 }));
    assert.ok(round.requests > 0);
    const host = new URL(server.baseUrl).host;
    assert.ok(seen.every((s) => s === `POST /books?limit=5 abc ${host} {"a":1}`), seen[0]);
  });

  test('a host name is resolved once (localhost), and an https base URL is refused with what to change', async () => {
    const server = await countingServer(answerClosing);
    const round = await runLoad(closeMode(server.baseUrl.replace('127.0.0.1', 'localhost'), { durationMs: 200 }));
    assert.ok(round.requests > 0);
    assert.equal(round.errors, 0);
    assert.equal(round.requests, server.seen.requests);
    await assert.rejects(runLoad(closeMode('https://127.0.0.1:1', { durationMs: 100 })), /plain HTTP only/);
  });

  test('counts non-2xx answers', async () => {
    const server = await countingServer((_req, res) => {
      res.statusCode = 503;
      answerClosing(_req, res);
    });
    const round = await runLoad(closeMode(server.baseUrl, { durationMs: 200 }));
    assert.ok(round.requests > 0);
    assert.equal(round.non2xx, round.requests);
  });

  test('requests in flight when sending stops are awaited and counted, even at 3x the round length', async () => {
    const server = await countingServer((req, res) => setTimeout(() => answerClosing(req, res), 300));
    const round = await runLoad(closeMode(server.baseUrl, { durationMs: 100 }));
    assert.equal(round.requests, 2);
    assert.equal(round.requests, server.seen.requests);
    assert.equal(round.errors, 0);
    assert.ok(round.durationMs >= 300, `round ${round.durationMs} ms`);
    assert.ok((round.drainMs ?? 0) >= 150, `drain ${round.drainMs} ms`);
    assert.ok(Math.abs(round.rps - round.requests / (round.durationMs / 1000)) < 1e-9);
  });

  test('a request that never answers times out, counted as an error, and the round ends', async () => {
    const server = await countingServer(() => {});
    const round = await runLoad(closeMode(server.baseUrl, { durationMs: 100, timeoutMs: 300, connections: 1 }));
    assert.equal(round.requests, 0);
    assert.equal(round.errors, 1);
    assert.ok(round.durationMs < 3000);
  });

  test('a server that resets connections mid-answer: each lost request is an error', async () => {
    let accepted = 0;
    const server = await tcpServer((socket) => {
      accepted++;
      socket.once('data', () => socket.destroy());
    });
    servers.push(server);
    const round = await runLoad(closeMode(server.baseUrl, { durationMs: 200 }));
    assert.equal(round.requests, 0);
    assert.ok(round.errors > 0);
    assert.equal(round.errors, accepted);
  });

  test('counts connection failures as errors', async () => {
    const server = await countingServer(answerClosing);
    const baseUrl = server.baseUrl;
    await server.close();
    const round = await runLoad(closeMode(baseUrl, { durationMs: 200 }));
    assert.equal(round.requests, 0);
    assert.ok(round.errors > 0);
  });

  test('service CPU per request is the meter\'s CPU over the requests that used it', async () => {
    const server = await countingServer(answerClosing);
    let cpu = 0;
    const meter: ResourceMeter = { readCpuUs: () => (cpu += 1000), readRssBytes: () => 1234 };
    const round = await runLoad(closeMode(server.baseUrl, { durationMs: 200, meter }));
    assert.ok(round.requests > 0);
    // Read once at the start and once at the end of the round: 1000 µs apart.
    assert.equal(round.cpuUsPerRequest, 1000 / round.requests);
    assert.equal(round.peakRssBytes, 1234);
  });

  test('stops at once when aborted, rejecting with the reason', async () => {
    const server = await countingServer(answerClosing);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 100);
    const started = Date.now();
    await assert.rejects(runLoad(closeMode(server.baseUrl, { durationMs: 5000, signal: controller.signal })), /stop now/);
    assert.ok(Date.now() - started < 2000);
  });
});
