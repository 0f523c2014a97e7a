// The response framer must find the same responses however TCP splits the bytes. The bytes are
// recorded from real node:http servers (Content-Length, chunked, 204, Connection: close) plus the
// HTTP/1.0 shape of Python's http.server, whose body ends with the connection.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { ResponseFramer, type ResponseEnd } from '../../src/load/http-response.js';

let server: http.Server;
let port = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/chunked') {
      res.write('{"books":[');
      res.write('1,2,3]}');
      res.end();
    } else if (req.url === '/empty') {
      res.statusCode = 204;
      res.end();
    } else if (req.url === '/close') {
      res.setHeader('Connection', 'close');
      res.end('bye');
    } else {
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end('x'.repeat(3000));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw requests on one connection and returns every byte the server sent until it closed. */
function record(requests: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.end(requests));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

const get = (path: string, method = 'GET') => `${method} ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

/** Feeds `bytes` cut at the given fractions; returns the responses and what end() adds. */
function frame(bytes: Buffer, cuts: number[], headRequest = false): { responses: ResponseEnd[]; cutOff: boolean } {
  const framer = new ResponseFramer(headRequest);
  const points = [...new Set(cuts.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const responses: ResponseEnd[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) responses.push(...framer.push(bytes.subarray(from, p)));
    from = Math.max(from, p);
  }
  const last = framer.end();
  if (last) responses.push(last);
  return { responses, cutOff: framer.inResponse };
}

describe('ResponseFramer', () => {
  test('finds Content-Length, chunked, 204 and Connection: close responses of a real server, however the bytes are split', async () => {
    const bytes = await record(get('/len') + get('/chunked') + get('/empty') + get('/missing') + get('/close'));
    const expected = [
      { status: 200, close: false },
      { status: 200, close: false },
      { status: 204, close: false },
      { status: 404, close: false },
      { status: 200, close: true },
    ];
    assert.deepEqual(frame(bytes, []).responses, expected);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (cuts) => {
        const { responses, cutOff } = frame(bytes, cuts);
        assert.deepEqual(responses, expected);
        assert.equal(cutOff, false);
      }),
      { numRuns: 300 },
    );
  });

  test('splitting at every single byte gives the same responses', async () => {
    const bytes = await record(get('/chunked') + get('/close'));
    const framer = new ResponseFramer();
    const responses: ResponseEnd[] = [];
    for (let i = 0; i < bytes.length; i++) responses.push(...framer.push(bytes.subarray(i, i + 1)));
    assert.deepEqual(responses, [
      { status: 200, close: false },
      { status: 200, close: true },
    ]);
  });

  test('an HTTP/1.0 response without a length (Python http.server) ends with the connection', () => {
    const bytes = Buffer.from(
      'HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\nContent-type: application/json\r\n\r\n{"ok": true}',
    );
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), (cuts) => {
        const framer = new ResponseFramer();
        const points = [...cuts.map((f) => Math.floor(f * bytes.length)), bytes.length].sort((a, b) => a - b);
        let from = 0;
        for (const p of points) {
          assert.deepEqual(framer.push(bytes.subarray(from, Math.max(from, p))), []);
          from = Math.max(from, p);
        }
        assert.deepEqual(framer.end(), { status: 200, close: true });
        assert.equal(framer.inResponse, false);
      }),
    );
  });

  test('a response cut off by the close is not a response', async () => {
    const bytes = await record(get('/len'));
    const framer = new ResponseFramer();
    assert.deepEqual(framer.push(bytes.subarray(0, bytes.length - 10)), []);
    assert.equal(framer.end(), undefined);
    assert.equal(framer.inResponse, true);
  });

  test('a HEAD response has no body whatever its Content-Length says', async () => {
    const bytes = await record(get('/len', 'HEAD') + get('/len', 'HEAD'));
    assert.deepEqual(frame(bytes, [0.3], true).responses, [
      { status: 200, close: false },
      { status: 200, close: false },
    ]);
  });

  test('100 Continue is skipped; the final response counts', () => {
    const bytes = Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok');
    assert.deepEqual(frame(bytes, [0.1, 0.5]).responses, [{ status: 201, close: false }]);
  });

  test('malformed responses throw: a bad status line, a bad Content-Length, a bad chunk size', () => {
    assert.throws(() => new ResponseFramer().push(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), /bad status line/);
    assert.throws(() => new ResponseFramer().push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n')), /Content-Length/);
    assert.throws(
      () => new ResponseFramer().push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')),
      /chunk size/,
    );
  });
});
