import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { plannedLooks } from '../../src/measure/judge.js';
import { restartDue, restartShareMs } from '../../src/measure/restarts.js';

describe('restarts between blocks of rounds', () => {
  test('a restart is due once the rounds since the last one took at least as long as it', () => {
    assert.equal(restartDue(20_000, 5_000), true, 'a 5 s restart after a 20 s block');
    assert.equal(restartDue(5_000, 5_000), true);
    assert.equal(restartDue(20_000, 30_000), false, 'a 30 s boot waits for more rounds on the same pair');
    assert.equal(restartDue(40_000, 30_000), true, '… and restarts after the second block');
  });

  test('the time restarts add per block: the whole restart when it fits a block, a part of it when it is spread over blocks', () => {
    assert.equal(restartShareMs(5_000, 20_000), 5_000);
    assert.equal(restartShareMs(20_000, 20_000), 20_000);
    assert.equal(restartShareMs(30_000, 20_000), 15_000, 'every second block');
    assert.equal(restartShareMs(50_000, 20_000), 50_000 / 3, 'every third block');
    assert.equal(restartShareMs(0, 20_000), 0);
    // Never more than the block itself: restarting cannot take more than half the time.
    for (const r of [1, 999, 20_001, 39_999, 1e6]) assert.ok(restartShareMs(r, 20_000) <= 20_000, String(r));
  });

  test('planning counts the restarts: fewer blocks fit the budget', () => {
    const block = { rounds: 10, roundMs: 1000, drainMs: 1, sidesInTurn: 2 };
    assert.equal(plannedLooks(16, block, 296_000), 14);
    assert.equal(plannedLooks(16, { ...block, restartMs: 5_000 }, 296_000), 11, '296 s / (20 s + 5 s)');
  });
});
