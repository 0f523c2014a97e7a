// Rounds sized to the endpoint: at least MIN_REQUESTS_PER_ROUND at the warm-up's rate, capped.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { MAX_ROUND_MS, MIN_REQUESTS_PER_ROUND, roundLength } from '../../src/load/round-length.js';

describe('roundLength', () => {
  test('a fast endpoint keeps the configured duration, with no note', () => {
    assert.deepEqual(roundLength(1000, 2500), { roundMs: 1000 });
  });

  test('without a warm-up rate (no warm-up, or nothing completed) the configured duration stands', () => {
    assert.deepEqual(roundLength(1000, undefined), { roundMs: 1000 });
    assert.deepEqual(roundLength(1000, 0), { roundMs: 1000 });
  });

  test('a slow endpoint gets rounds long enough for the minimum number of requests, and says why', () => {
    // 4 requests/s (a 2 s endpoint at 8 connections): 40 requests need 10 s.
    const r = roundLength(1000, 4);
    assert.equal(r.roundMs, 10_000);
    assert.ok(r.roundMs * 4 / 1000 >= MIN_REQUESTS_PER_ROUND);
    assert.match(r.sizing!, /^rounds of 10 s instead of 1 s: the warm-up completed 4\.0 requests\/s, so a round completes about 40 requests$/);
  });

  test('the longest round is capped, and the note says how many requests were wanted', () => {
    const r = roundLength(1000, 0.5);
    assert.equal(r.roundMs, MAX_ROUND_MS);
    assert.match(r.sizing!, /capped at 15 s; 40 wanted/);
  });
});
