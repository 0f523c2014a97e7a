import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  aggregateRounds,
  clientCpuShare,
  createLatencyHistogram,
  histogramOf,
  mergeHistograms,
  mergeTurns,
  percentilesOf,
} from '../../src/load/index.js';
import { attachHistogram } from '../../src/load/histogram.js';
import type { RoundResult } from '../../src/results/types.js';

function round(fields: Partial<RoundResult> & Pick<RoundResult, 'requests' | 'durationMs'>): RoundResult {
  return {
    rps: fields.requests / (fields.durationMs / 1000),
    latencyUs: { p50: 100, p90: 200, p99: 300, max: 400 },
    errors: 0,
    non2xx: 0,
    ...fields,
  };
}

function histogramOfValues(values: number[]) {
  const h = createLatencyHistogram();
  for (const v of values) h.recordValue(v);
  return h;
}

describe('mergeTurns', () => {
  test("one side's turns become one round: requests, time, drain and CPU summed, latency from the merged histograms, and a histogram to aggregate it further", () => {
    const a = round({ requests: 300, durationMs: 250, drainMs: 2, cpuUsPerRequest: 100, peakRssBytes: 5e6, clientLoopDelayUs: 900, errors: 1 });
    const b = round({ requests: 100, durationMs: 250, drainMs: 3, cpuUsPerRequest: 140, peakRssBytes: 6e6, clientLoopDelayUs: 700, non2xx: 2 });
    attachHistogram(a, histogramOfValues([100, 100, 100]));
    attachHistogram(b, histogramOfValues([9000]));
    const merged = mergeTurns([a, b]);
    assert.deepEqual(
      { ...merged },
      {
        rps: 400 / 0.5,
        latencyUs: { p50: 100, p90: 9000, p99: 9000, max: 9000 },
        requests: 400,
        errors: 1,
        non2xx: 2,
        durationMs: 500,
        drainMs: 5,
        cpuUsPerRequest: (300 * 100 + 100 * 140) / 400,
        peakRssBytes: 6e6,
        clientLoopDelayUs: 900,
        turns: 2,
      },
    );
    assert.equal(histogramOf(merged)?.totalCount, 4);
    // The scenario's aggregate over merged rounds reads the merged histograms, not median percentiles.
    assert.deepEqual(aggregateRounds([merged]).latencyUs, merged.latencyUs);
  });

  test('one turn is its own round, histogram and all (baseline.turns: 1, or the simultaneous schedule)', () => {
    const a = round({ requests: 10, durationMs: 100, cpuUsPerRequest: 50 });
    attachHistogram(a, histogramOfValues([100]));
    const merged = mergeTurns([a]);
    assert.equal(merged, a);
    assert.equal(merged.turns, undefined);
    assert.equal(histogramOf(merged)?.totalCount, 1);
  });

  test('a turn without a histogram (read back from JSON) leaves the merged round without one', () => {
    const a = round({ requests: 10, durationMs: 100 });
    attachHistogram(a, histogramOfValues([100]));
    const merged = mergeTurns([a, round({ requests: 10, durationMs: 100 })]);
    assert.equal(histogramOf(merged), undefined);
    assert.equal(merged.drainMs, undefined);
    assert.equal(merged.cpuUsPerRequest, undefined);
  });
});

describe('aggregateRounds', () => {
  test('rps is total requests over total measured seconds, not the mean of round rps', () => {
    const load = aggregateRounds([round({ requests: 1000, durationMs: 1000 }), round({ requests: 3000, durationMs: 2000 })]);
    assert.equal(load.requests, 4000);
    assert.equal(load.rps, 4000 / 3);
    assert.notEqual(load.rps, (1000 + 1500) / 2);
  });

  test('CPU per request is total CPU over total requests; peak RSS is the maximum; errors add up', () => {
    const load = aggregateRounds([
      round({ requests: 100, durationMs: 1000, cpuUsPerRequest: 10, peakRssBytes: 5e6, errors: 1, non2xx: 2 }),
      round({ requests: 300, durationMs: 1000, cpuUsPerRequest: 30, peakRssBytes: 7e6, errors: 3, non2xx: 0 }),
    ]);
    assert.equal(load.cpuUsPerRequest, (100 * 10 + 300 * 30) / 400);
    assert.equal(load.peakRssBytes, 7e6);
    assert.equal(load.errors, 4);
    assert.equal(load.non2xx, 2);
    assert.equal(load.rounds.length, 2);
  });

  test('leaves service metrics out when no round measured them', () => {
    const load = aggregateRounds([round({ requests: 10, durationMs: 100 })]);
    assert.equal(load.cpuUsPerRequest, undefined);
    assert.equal(load.peakRssBytes, undefined);
    assert.equal(load.warnings, undefined);
  });

  test('merges the histograms of all rounds for latency', () => {
    const a = round({ requests: 3, durationMs: 1000 });
    const b = round({ requests: 1, durationMs: 1000 });
    const load = aggregateRounds([a, b], [histogramOfValues([100, 100, 100]), histogramOfValues([9000])]);
    assert.deepEqual(load.latencyUs, { p50: 100, p90: 9000, p99: 9000, max: 9000 });
  });

  test('without histograms (rounds read back from JSON) takes per-percentile medians and the true max', () => {
    const load = aggregateRounds([
      round({ requests: 1, durationMs: 1, latencyUs: { p50: 10, p90: 20, p99: 30, max: 40 } }),
      round({ requests: 1, durationMs: 1, latencyUs: { p50: 12, p90: 22, p99: 32, max: 900 } }),
      round({ requests: 1, durationMs: 1, latencyUs: { p50: 50, p90: 60, p99: 70, max: 80 } }),
    ]);
    assert.deepEqual(load.latencyUs, { p50: 12, p90: 22, p99: 32, max: 900 });
  });

  test('warns when the load generator used most of a core', () => {
    // 1000 requests × 900 µs of client CPU in 1 s = 90% of a core.
    const busy = round({ requests: 1000, durationMs: 1000, clientCpuUsPerRequest: 900 });
    assert.equal(clientCpuShare(busy), 0.9);
    const load = aggregateRounds([busy]);
    assert.match(load.warnings?.join('\n') ?? '', /load generator used 90% of a CPU core/);
    const idle = aggregateRounds([round({ requests: 1000, durationMs: 1000, clientCpuUsPerRequest: 100 })]);
    assert.equal(idle.warnings, undefined);
  });

  test('warns when requests failed', () => {
    const load = aggregateRounds([round({ requests: 98, durationMs: 1000, errors: 2, non2xx: 3 })]);
    assert.match(load.warnings?.join('\n') ?? '', /5 of 100 requests failed/);
  });

  test('no rounds give zeros, not NaN', () => {
    const load = aggregateRounds([]);
    assert.equal(load.rps, 0);
    assert.deepEqual(load.latencyUs, { p50: 0, p90: 0, p99: 0, max: 0 });
  });
});

describe('latency histograms', () => {
  test('keep microsecond resolution below 1 ms', () => {
    assert.deepEqual(percentilesOf(histogramOfValues([37, 37, 412, 999])), { p50: 37, p90: 999, p99: 999, max: 999 });
  });

  test('merging equals recording every value into one histogram', () => {
    const latency = fc.integer({ min: 1, max: 60_000_000 });
    fc.assert(
      fc.property(fc.array(fc.array(latency, { maxLength: 50 }), { minLength: 1, maxLength: 5 }), (rounds) => {
        const merged = mergeHistograms(rounds.map(histogramOfValues));
        const together = histogramOfValues(rounds.flat());
        assert.equal(merged.totalCount, together.totalCount);
        assert.deepEqual(percentilesOf(merged), percentilesOf(together));
      }),
      { numRuns: 50 },
    );
  });

  test('merging leaves the inputs untouched', () => {
    const a = histogramOfValues([10]);
    mergeHistograms([a, histogramOfValues([20])]);
    assert.equal(a.totalCount, 1);
  });
});
