// The artifact's bytes from blob storage: retried like an API call, bounded in bytes and time, and
// the signed URL never in a message. Against a real local HTTP server.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadBlob } from '../../src/github/blob-download.js';
import { ArtifactTooLargeError } from '../../src/github/zip-reader.js';

describe('downloadBlob', () => {
  const answers: ((res: http.ServerResponse) => void)[] = [];
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    (answers.shift() ?? ((r) => r.end('ok')))(res);
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob/artifact.zip?sig=SECRET-SIGNATURE`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('5xx and 429 are retried, then the bytes arrive', async () => {
    hits = 0;
    answers.push((r) => r.writeHead(503).end(), (r) => r.writeHead(429).end(), (r) => r.end(Buffer.from('PK-bytes')));
    const log: string[] = [];
    const bytes = await downloadBlob(url, { maxBytes: 100, retryAfterBaseValue: 1, log: (m) => log.push(m) });
    assert.equal(bytes.toString(), 'PK-bytes');
    assert.equal(hits, 3);
    assert.equal(log.length, 2);
  });

  test('a server that never finishes answering is given up on at the deadline, and the signature stays out', async () => {
    answers.push((r) => r.writeHead(200, { 'content-length': '50' }).write('partial'));
    const started = Date.now();
    await assert.rejects(downloadBlob(url, { maxBytes: 100, timeoutMs: 300, retries: 0 }), (error: Error) => {
      assert.match(error.message, /no complete answer in 300 ms/);
      assert.doesNotMatch(error.message, /SECRET/);
      return true;
    });
    assert.ok(Date.now() - started < 5000);
  });

  test('more bytes than allowed stop the download with ArtifactTooLargeError, not retried', async () => {
    hits = 0;
    answers.push((r) => r.end(Buffer.alloc(1000)));
    await assert.rejects(downloadBlob(url, { maxBytes: 100, retryAfterBaseValue: 1 }), ArtifactTooLargeError);
    answers.push((r) => {
      r.writeHead(200);
      r.write(Buffer.alloc(80));
      r.end(Buffer.alloc(80));
    });
    await assert.rejects(downloadBlob(url, { maxBytes: 100, retryAfterBaseValue: 1 }), ArtifactTooLargeError);
    assert.equal(hits, 2);
  });

  test('a 403 from storage is not retried', async () => {
    hits = 0;
    answers.push((r) => r.writeHead(403).end());
    await assert.rejects(downloadBlob(url, { maxBytes: 100, retryAfterBaseValue: 1 }), /blob storage answered 403/);
    assert.equal(hits, 1);
  });
});
