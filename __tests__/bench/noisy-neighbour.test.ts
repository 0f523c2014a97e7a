// The benches' noisy neighbour (bench/noisy-neighbour.ts): it burns CPU, pinned when asked, and stops
// with its whole process group.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from '@jest/globals';
import { startNoisyNeighbour } from '../../bench/noisy-neighbour.js';

const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
/** User + system CPU ticks of a process (/proc/<pid>/stat fields 14 and 15). */
const ticks = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const alive = (pid: number) => {
  try {
    return !/^State:\s+Z/m.test(status(pid));
  } catch {
    return false;
  }
};

describe('startNoisyNeighbour', () => {
  test('pinned to a CPU, it runs only there, burns CPU, and is gone after stop()', async () => {
    const neighbour = startNoisyNeighbour({ seed: 3, minDuty: 0.5, maxDuty: 0.5, cpu: 0 });
    const pid = neighbour.pid!;
    try {
      await sleep(600);
      assert.match(status(pid), /^Cpus_allowed_list:\s+0$/m);
      assert.ok(ticks(pid) > 5, `the neighbour used ${ticks(pid)} ticks in 0.6 s`);
    } finally {
      await neighbour.stop();
    }
    assert.equal(alive(pid), false);
  });

  test('rejects a CPU that is not a CPU number', () => {
    assert.throws(() => startNoisyNeighbour({ seed: 1, cpu: -1 }), /cpu must be a CPU number/);
  });
});
