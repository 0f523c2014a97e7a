// Rounds sized to the endpoint: at least MIN_REQUESTS_PER_ROUND at the warm-up's rate, capped.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { MAX_ROUND_MS, MIN_REQUESTS_PER_ROUND, MIN_REQUESTS_PER_TURN, roundLength, turnsFor } from '../../src/load/round-length.js';

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

describe('turnsFor', () => {
  test('an endpoint fast enough for every turn keeps the configured turns, with no note', () => {
    // 1 s rounds at 5000 requests/s: 1250 a turn.
    assert.deepEqual(turnsFor(4, 1000, 5000), { turns: 4 });
    // Exactly the minimum in each turn is enough.
    assert.deepEqual(turnsFor(4, 1000, 4 * MIN_REQUESTS_PER_TURN), { turns: 4 });
  });

  test('one turn, or no warm-up rate, is left as it is', () => {
    assert.deepEqual(turnsFor(1, 1000, 3), { turns: 1 });
    assert.deepEqual(turnsFor(4, 1000, undefined), { turns: 4 });
    assert.deepEqual(turnsFor(4, 1000, 0), { turns: 4 });
  });

  test('a slower endpoint gets as many turns as complete the minimum each, and the note says why', () => {
    // 1 s rounds at 100 requests/s: 100 a round, two turns of 50.
    const r = turnsFor(4, 1000, 100);
    assert.equal(r.turns, 2);
    assert.match(r.note!, /^2 turns per side and round instead of 4: a round completes about 100 requests at the warm-up's 100 requests\/s, and a turn should complete 40$/);
    // Just short of the minimum for four: three.
    assert.equal(turnsFor(4, 1000, 4 * MIN_REQUESTS_PER_TURN - 1).turns, 3);
  });

  test('an endpoint whose round was sized up to the minimum gets one turn', () => {
    // roundLength's slow case: 4 requests/s in 10 s rounds, 40 a round.
    const { roundMs } = roundLength(1000, 4);
    const r = turnsFor(4, roundMs, 4);
    assert.equal(r.turns, 1);
    assert.match(r.note!, /^1 turn per side and round instead of 4: a round completes about 40 requests at the warm-up's 4\.0 requests\/s/);
  });
});
