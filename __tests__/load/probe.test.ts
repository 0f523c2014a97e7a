import { afterAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import net from 'node:net';
import { probeRequest, ScenarioError, type ProbeOptions } from '../../src/load/index.js';
import { ExitCode } from '../../src/errors.js';
import { answerOnceThenClose, GET_ROOT, httpServer, tcpServer, type TestServer } from './servers.js';

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function track(server: Promise<TestServer>): Promise<TestServer> {
  const s = await server;
  servers.push(s);
  return s;
}

async function probeFailure(baseUrl: string, request = GET_ROOT, options: ProbeOptions = {}): Promise<ScenarioError> {
  try {
    await probeRequest(baseUrl, request, options);
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected ScenarioError, got ${err}`);
    return err;
  }
  assert.fail('the probe accepted a scenario it should refuse');
}

describe('probeRequest', () => {
  test('accepts a keep-alive 2xx endpoint and reports status and body bytes', async () => {
    const server = await track(httpServer((_req, res) => res.end('{"books":[]}')));
    const { baseUrl } = server;
    const result = await probeRequest(baseUrl, { method: 'post', path: '/books', headers: { 'x-a': '1' }, body: '{}' });
    assert.equal(result.status, 200);
    assert.equal(result.bodyBytes, '{"books":[]}'.length);
    assert.equal(result.requests, 3);
    assert.equal(result.latencyUs.length, 3);
    assert.ok(result.latencyUs.every((us) => Number.isInteger(us) && us > 0));
  });

  test('sends every probe over one socket, with the scenario method, path, headers and body', async () => {
    const seen: string[] = [];
    const ports = new Set<number>();
    const server = await track(
      httpServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          seen.push(`${req.method} ${req.url} ${req.headers['x-tenant']} ${body}`);
          ports.add(req.socket.remotePort!);
          res.end('ok');
        });
      }),
    );
    await probeRequest(server.baseUrl, { method: 'PUT', path: '/a?b=1', headers: { 'X-Tenant': 't1' }, body: 'hi' });
    assert.deepEqual(seen, ['PUT /a?b=1 t1 hi', 'PUT /a?b=1 t1 hi', 'PUT /a?b=1 t1 hi']);
    assert.equal(ports.size, 1);
  });

  test('refuses a non-2xx answer, naming the status and the first 200 characters of the body', async () => {
    const body = 'E'.repeat(200) + 'TAIL';
    const server = await track(
      httpServer((_req, res) => {
        res.statusCode = 404;
        res.end(body);
      }),
    );
    const err = await probeFailure(server.baseUrl);
    assert.equal(err.reason, 'status');
    assert.equal(err.status, 404);
    assert.equal(err.exitCode, ExitCode.environment);
    assert.match(err.message, /HTTP 404/);
    assert.match(err.message, /GET http:\/\/127\.0\.0\.1:\d+\//);
    assert.ok(err.details?.includes('E'.repeat(200)));
    assert.ok(!err.details?.includes('TAIL'));
  });

  test('a keep-alive server: keep-alive rounds, no close observed', async () => {
    const server = await track(httpServer((_req, res) => res.end('ok')));
    const result = await probeRequest(server.baseUrl, GET_ROOT);
    assert.equal(result.closesAfter, undefined);
    assert.deepEqual(result.plan, { connectionMode: 'keep-alive' });
  });

  test('a server that answers Connection: close (gunicorn sync): a new connection per request, every probe answered', async () => {
    let requests = 0;
    const server = await track(
      httpServer((_req, res) => {
        requests++;
        res.setHeader('Connection', 'close');
        res.end('ok');
      }),
    );
    const result = await probeRequest(server.baseUrl, GET_ROOT);
    assert.equal(requests, 3);
    assert.equal(result.requests, 3);
    assert.equal(result.closesAfter, 1);
    assert.deepEqual(result.plan, { connectionMode: 'close', requestsPerConnection: 1 });
  });

  test('a server that closes the socket after one request without saying so: closesAfter 1', async () => {
    const server = await track(tcpServer(answerOnceThenClose));
    const result = await probeRequest(server.baseUrl, GET_ROOT);
    assert.equal(result.closesAfter, 1);
    assert.deepEqual(result.plan, { connectionMode: 'close', requestsPerConnection: 1 });
  });

  test('a node:http server capped at 2 requests per socket: a new connection every 2 requests', async () => {
    const server = await track(
      httpServer(
        (_req, res) => res.end('ok'),
        (s) => (s.maxRequestsPerSocket = 2),
      ),
    );
    const result = await probeRequest(server.baseUrl, GET_ROOT, { count: 5 });
    assert.equal(result.closesAfter, 2);
    assert.deepEqual(result.plan, { connectionMode: 'close', requestsPerConnection: 2 });
  });

  test('a cap above the probe\'s requests, announced in Keep-Alive: max=N (node:http, Apache), is taken from the header', async () => {
    const server = await track(
      httpServer(
        (_req, res) => res.end('ok'),
        (s) => (s.maxRequestsPerSocket = 50),
      ),
    );
    const result = await probeRequest(server.baseUrl, GET_ROOT);
    assert.equal(result.closesAfter, 50);
    assert.deepEqual(result.plan, { connectionMode: 'close', requestsPerConnection: 50 });
  });

  test('load.connection: keep-alive refuses a server that closes, with advice a gunicorn or uWSGI user can act on', async () => {
    const server = await track(
      httpServer((_req, res) => {
        res.setHeader('Connection', 'close');
        res.end('ok');
      }),
    );
    const err = await probeFailure(server.baseUrl, GET_ROOT, { connection: 'keep-alive' });
    assert.equal(err.reason, 'connection-close');
    assert.equal(err.exitCode, ExitCode.environment);
    assert.match(err.message, /Connection: close/);
    assert.match(err.message, /load\.connection: auto/);
    assert.match(err.message, /--worker-class gthread --keep-alive/);
    assert.match(err.message, /--http-keepalive/);
  });

  test('pipelining against a server that closes is refused: it cannot be measured', async () => {
    const server = await track(tcpServer(answerOnceThenClose));
    const err = await probeFailure(server.baseUrl, GET_ROOT, { pipelining: 4 });
    assert.equal(err.reason, 'socket-closed');
    assert.match(err.message, /load\.pipelining: 1/);
  });

  test('load.connection: close measures a keep-alive server with a new connection per request', async () => {
    const server = await track(httpServer((_req, res) => res.end('ok')));
    const result = await probeRequest(server.baseUrl, GET_ROOT, { connection: 'close' });
    assert.equal(result.closesAfter, undefined);
    assert.deepEqual(result.plan, { connectionMode: 'close', requestsPerConnection: 1 });
  });

  test('reports a connection failure with where it tried', async () => {
    const port = await freePort();
    const err = await probeFailure(`http://127.0.0.1:${port}`);
    assert.equal(err.reason, 'connect');
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(err.message, /ECONNREFUSED/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
