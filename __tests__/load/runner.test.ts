// Rounds here are short (0.5–1 s, 2 connections) against real servers in this process: they check
// what is counted and at what resolution, never how fast anything is.
import { afterAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  aggregateRounds,
  histogramOf,
  mergeHistograms,
  runLoad,
  runWarmup,
  type LoadOptions,
  type ResourceMeter,
} from '../../src/load/index.js';
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

function options(baseUrl: string, overrides: Partial<LoadOptions> = {}): LoadOptions {
  return { baseUrl, request: GET_ROOT, connections: 2, durationMs: 500, pipelining: 1, timeoutMs: 5000, ...overrides };
}

/** The service is this process here, so its own counters are a real meter of it. */
const thisProcess: ResourceMeter = {
  readCpuUs: () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  },
  readRssBytes: () => process.memoryUsage.rss(),
};

describe('runLoad', () => {
  test('a sub-millisecond endpoint gets its latencies in µs, not floored to whole milliseconds', async () => {
    const server = await track(httpServer((_req, res) => res.end('ok')));
    const round = await runLoad(options(server.baseUrl));
    assert.ok(round.requests > 0);
    assert.ok(round.latencyUs.p50 > 0, `p50 ${round.latencyUs.p50}`);
    // Not "< 1000 µs": a busy machine can make this endpoint slower than 1 ms; whole ms it never is.
    const { p50, p90, p99 } = round.latencyUs;
    assert.ok([p50, p90, p99].some((us) => us % 1000 !== 0), `whole milliseconds only: ${p50}, ${p90}, ${p99} µs`);
    assert.ok(Number.isInteger(round.latencyUs.p50));
    assert.ok(round.latencyUs.p50 <= round.latencyUs.p90);
    assert.ok(round.latencyUs.p90 <= round.latencyUs.p99);
    assert.ok(round.latencyUs.p99 <= round.latencyUs.max);
    assert.equal(round.errors, 0);
    assert.equal(round.non2xx, 0);
  });

  test('rps is completed requests divided by the measured window, and every response is in the histogram', async () => {
    const server = await track(httpServer((_req, res) => res.end('ok')));
    const round = await runLoad(options(server.baseUrl));
    assert.ok(round.durationMs >= 500, `window ${round.durationMs} ms`);
    assert.ok(Math.abs(round.rps - round.requests / (round.durationMs / 1000)) < 1e-9);
    assert.equal(histogramOf(round)?.totalCount, round.requests);
  });

  test('a server that sleeps 20 ms gets a p50 near 20 ms', async () => {
    const server = await track(httpServer((_req, res) => setTimeout(() => res.end('ok'), 20)));
    const progress: number[] = [];
    const round = await runLoad(options(server.baseUrl, { durationMs: 1100, onProgress: (ms) => progress.push(ms) }));
    assert.ok(round.latencyUs.p50 >= 19_000 && round.latencyUs.p50 < 60_000, `p50 ${round.latencyUs.p50}`);
    // 2 connections × ~1 request per 20 ms.
    assert.ok(round.requests >= 20 && round.requests <= 2 * 56, `requests ${round.requests}`);
    assert.ok(progress.length >= 1, 'progress reported about once a second');
  });

  test('counts non-2xx responses', async () => {
    let n = 0;
    const server = await track(
      httpServer((_req, res) => {
        res.statusCode = n++ % 2 === 0 ? 200 : 503;
        res.end('x');
      }),
    );
    const round = await runLoad(options(server.baseUrl));
    assert.ok(round.non2xx > 0);
    assert.ok(round.non2xx < round.requests);
    assert.ok(Math.abs(round.non2xx - round.requests / 2) <= 4, `${round.non2xx} of ${round.requests}`);
    assert.equal(round.errors, 0);
  });

  test('counts requests lost to a server that destroys sockets mid-run', async () => {
    let n = 0;
    const server = await track(
      httpServer((req, res) => {
        if (++n % 10 === 0) req.socket.destroy();
        else res.end('ok');
      }),
    );
    const round = await runLoad(options(server.baseUrl));
    assert.ok(round.requests > 0);
    assert.ok(round.errors > 0, 'destroyed requests are errors');
    // Every 10th request is dropped; allow for the ones in flight at the window's edges.
    const share = round.errors / (round.errors + round.requests);
    assert.ok(share > 0.05 && share < 0.15, `error share ${share}`);
  });

  test('counts the requests autocannon would silently lose to a server that closes each connection', async () => {
    const server = await track(tcpServer(answerOnceThenClose));
    const round = await runLoad(options(server.baseUrl));
    assert.ok(round.requests > 0);
    assert.ok(round.errors > 0);
  });

  test('a timeout with pipelining counts the requests it lost, not their square', async () => {
    // Never answers: every 1 s the client's 4 pipelined requests time out together.
    const server = await track(httpServer(() => {}));
    const round = await runLoad(options(server.baseUrl, { connections: 1, pipelining: 4, durationMs: 2500, timeoutMs: 1000 }));
    assert.equal(round.requests, 0);
    // Two timeouts fit in the window: 8 requests lost (autocannon's reqError events alone say 32).
    assert.ok(round.errors >= 4 && round.errors <= 12, `errors ${round.errors}`);
  });

  test('counts connection failures as errors', async () => {
    const server = await track(httpServer((_req, res) => res.end('ok')));
    await server.close();
    const round = await runLoad(options(server.baseUrl));
    assert.equal(round.requests, 0);
    assert.ok(round.errors > 0);
    assert.equal(round.rps, 0);
  });

  test('reads service CPU and peak RSS from the meter', async () => {
    const server = await track(httpServer((_req, res) => res.end('ok')));
    const round = await runLoad(options(server.baseUrl, { meter: thisProcess }));
    assert.ok(round.cpuUsPerRequest! > 0);
    assert.ok(round.peakRssBytes! >= 10 * 1024 * 1024);
    assert.ok(round.clientCpuUsPerRequest! > 0);
  });

  test('rejects with the meter\'s error when the service cannot be read any more', async () => {
    const server = await track(httpServer((_req, res) => res.end('ok')));
    let reads = 0;
    const vanishing: ResourceMeter = {
      readCpuUs: () => 0,
      readRssBytes: () => {
        if (++reads > 2) throw new Error('ENOENT: /proc/4242/status (service exited)');
        return 1;
      },
    };
    await assert.rejects(runLoad(options(server.baseUrl, { durationMs: 5000, meter: vanishing })), /service exited/);
  });

  test('stops at once when aborted, rejecting with the reason', async () => {
    const server = await track(httpServer((_req, res) => res.end('ok')));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted by SIGINT')), 200);
    const started = Date.now();
    await assert.rejects(runLoad(options(server.baseUrl, { durationMs: 30_000, signal: controller.signal })), /SIGINT/);
    // A generous bound: the round asked for 30 s.
    assert.ok(Date.now() - started < 10_000);
  });

  test('a round waits for the requests in flight when sending stops: none is dropped, even at 3x the round length', async () => {
    let received = 0;
    let answered = 0;
    const server = await track(
      httpServer((_req, res) => {
        received++;
        setTimeout(() => {
          answered++;
          res.end('ok');
        }, 300);
      }),
    );
    const round = await runLoad(options(server.baseUrl, { connections: 4, durationMs: 100 }));
    // Every request the server got was answered and counted: the 4 sent at the start at least.
    assert.ok(round.requests >= 4, `requests ${round.requests}`);
    assert.equal(round.errors, 0);
    assert.equal(received, round.requests, `server received ${received}, round counted ${round.requests}`);
    assert.equal(answered, received);
    assert.ok(round.durationMs >= 300, `round ${round.durationMs} ms`);
    assert.ok((round.drainMs ?? 0) > 100, `drain ${round.drainMs} ms`);
    assert.ok(Math.abs(round.rps - round.requests / (round.durationMs / 1000)) < 1e-9);
  });

  test('a request that never answers ends the drain at its timeout, counted as an error', async () => {
    let n = 0;
    const server = await track(
      httpServer((_req, res) => {
        // The third request hangs; the others answer at once.
        if (++n !== 3) res.end('ok');
      }),
    );
    const round = await runLoad(options(server.baseUrl, { connections: 1, durationMs: 200, timeoutMs: 1000 }));
    assert.equal(round.requests, 2);
    assert.equal(round.errors, 1);
    assert.ok(round.durationMs >= 1000 && round.durationMs < 4000, `round ${round.durationMs} ms`);
  });

  test('with pipelining, every pipelined request in flight is answered before the round ends', async () => {
    let received = 0;
    const server = await track(
      httpServer((_req, res) => {
        received++;
        setTimeout(() => res.end('ok'), 50);
      }),
    );
    const round = await runLoad(options(server.baseUrl, { connections: 2, pipelining: 3, durationMs: 300 }));
    assert.equal(round.errors, 0);
    assert.equal(received, round.requests);
  });

  test('rounds aggregate with latency from their merged histograms', async () => {
    const fast = await track(httpServer((_req, res) => res.end('ok')));
    const slow = await track(httpServer((_req, res) => setTimeout(() => res.end('ok'), 20)));
    const warm = await runWarmup(options(fast.baseUrl, { durationMs: 200 }));
    assert.ok(warm.requests > 0);
    const a = await runLoad(options(fast.baseUrl));
    const b = await runLoad(options(slow.baseUrl));
    const load = aggregateRounds([a, b]);
    assert.equal(load.requests, a.requests + b.requests);
    const merged = mergeHistograms([histogramOf(a)!, histogramOf(b)!]);
    assert.equal(merged.totalCount, load.requests);
    assert.equal(load.latencyUs.p99, merged.getValueAtPercentile(99));
    // The fast round has far more requests, so the merged p50 is the fast round's, not a midpoint.
    // A midpoint would be near 10 ms; the slow round alone is ≥ 19 ms.
    assert.ok(load.latencyUs.p50 < 5_000, `p50 ${load.latencyUs.p50}`);
    assert.ok(load.latencyUs.max >= 19_000);
  });
});
