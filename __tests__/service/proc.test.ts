// The pure parts of the service module: /proc parsers, tree selection, CPU bookkeeping, log tails.
import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import fc from 'fast-check';
import { TreeCpuLedger, type ProcessCpuSample } from '../../src/service/cpu-ledger.js';
import { formatMs } from '../../src/service/format.js';
import { lastLines } from '../../src/service/log.js';
import { environHas, parseProcStat, parseSchedstat, parseStatmRssBytes, parseStatusRssBytes, selectTree, type ProcStat } from '../../src/service/proc.js';

// Recorded on Linux 6.18 from a busy `node` process.
const NODE_STAT =
  '7230 (node) R 7227 7227 2789 0 -1 4194304 2873 0 0 0 34 5 2 1 20 0 7 0 778130 948363264 11895 18446744073709551615 11988992 39846385 140731430371664 0 0 0 0 16781312 17922 0 0 0 17 1 0 0 0 0 0 90418888 90555584 92786688 140731430373732 140731430374129 140731430374129 140731430375402 0\n';

describe('parseProcStat', () => {
  test('reads the fields the service module needs', () => {
    const stat = parseProcStat(NODE_STAT);
    assert.deepEqual(stat, {
      pid: 7230, comm: 'node', state: 'R', ppid: 7227, pgrp: 7227, session: 2789,
      utimeTicks: 34, stimeTicks: 5, cutimeTicks: 2, cstimeTicks: 1, numThreads: 7, startTime: 778130, rssPages: 11895,
    });
  });

  test('a command name with spaces and parentheses does not shift the fields', () => {
    const stat = parseProcStat(NODE_STAT.replace('(node)', '(my (weird) app)'));
    assert.equal(stat.comm, 'my (weird) app');
    assert.equal(stat.ppid, 7227);
    assert.equal(stat.startTime, 778130);
  });

  test('rejects text that is not a stat line', () => {
    assert.throws(() => parseProcStat('garbage'), /unrecognised/);
    assert.throws(() => parseProcStat('12 (x) S 1'), /field/);
  });
});

describe('small /proc files', () => {
  test('schedstat: first field is ns on CPU', () => {
    assert.equal(parseSchedstat('345348197 167258 10\n'), 345348197);
    assert.throws(() => parseSchedstat(''), /unrecognised/);
  });
  test('status: VmRSS in bytes, undefined for a zombie', () => {
    assert.equal(parseStatusRssBytes('Name:\tsleep\nVmHWM:\t    1812 kB\nVmRSS:\t    1812 kB\nRssAnon:\t 112 kB\n'), 1812 * 1024);
    assert.equal(parseStatusRssBytes('Name:\tsleep\nState:\tZ (zombie)\n'), undefined);
  });
  test('statm: resident pages times page size', () => {
    assert.equal(parseStatmRssBytes('730 453 400 5 0 56 0\n', 4096), 453 * 4096);
  });
  test('environ: exact NAME=value match only', () => {
    const environ = 'PATH=/bin\0PERFGATE_SERVICE_ID=12-ab\0X=1\0';
    assert.ok(environHas(environ, 'PERFGATE_SERVICE_ID', '12-ab'));
    assert.ok(!environHas(environ, 'PERFGATE_SERVICE_ID', '12-a'));
    assert.ok(!environHas('OTHER_PERFGATE_SERVICE_ID=12-ab', 'PERFGATE_SERVICE_ID', '12-ab'));
  });
});

function proc(pid: number, ppid: number, startTime = pid): ProcStat {
  return { pid, ppid, startTime, comm: 'x', state: 'S', pgrp: pid, session: pid, utimeTicks: 0, stimeTicks: 0, cutimeTicks: 0, cstimeTicks: 0, numThreads: 1, rssPages: 0 };
}

describe('selectTree', () => {
  const procs = [proc(1, 0), proc(10, 1), proc(11, 10), proc(12, 11), proc(20, 1), proc(21, 20), proc(30, 1)];
  test('a root and all its descendants, not its siblings', () => {
    assert.deepEqual(selectTree(procs, [{ pid: 10, startTime: 10 }]).map((p) => p.pid).sort(), [10, 11, 12]);
  });
  test('several roots (a reparented daemon known from earlier scans)', () => {
    const pids = selectTree(procs, [{ pid: 10, startTime: 10 }, { pid: 30, startTime: 30 }]).map((p) => p.pid).sort();
    assert.deepEqual(pids, [10, 11, 12, 30]);
  });
  test('a recycled pid (different start time) is not adopted', () => {
    assert.deepEqual(selectTree(procs, [{ pid: 20, startTime: 999 }]), []);
  });
});

function sample(pid: number, ppid: number, threads: Record<number, number> | undefined, reapedUs = 0, ownTicksUs = 0): ProcessCpuSample {
  return { pid, ppid, startTime: pid, threadNs: threads && new Map(Object.entries(threads).map(([t, ns]) => [Number(t), ns])), ownTicksUs, reapedUs };
}

describe('TreeCpuLedger', () => {
  test('sums schedstat ns over threads and processes, in µs', () => {
    const ledger = new TreeCpuLedger();
    assert.equal(ledger.observe([sample(1, 0, { 1: 2_000_000, 2: 500_000 }), sample(2, 1, { 2: 1_000_000 })]), 3500);
  });

  test('a thread that exits keeps its CPU', () => {
    const ledger = new TreeCpuLedger();
    ledger.observe([sample(1, 0, { 1: 1_000_000, 5: 4_000_000 })]);
    assert.equal(ledger.observe([sample(1, 0, { 1: 2_000_000 })]), 6000);
  });

  test('threads that lived and died between two reads still count, through utime+stime', () => {
    const ledger = new TreeCpuLedger();
    ledger.observe([sample(1, 0, { 1: 100_000_000 }, 0, 100_000)]);
    // A worker thread burned 500 ms and exited before the next read: only the process times show it.
    assert.equal(ledger.observe([sample(1, 0, { 1: 200_000_000 }, 0, 700_000)]), 700_000);
  });

  test('threads gone before the first read do not turn later readings into clock ticks', () => {
    const ledger = new TreeCpuLedger();
    // 300 ms of startup threads already gone; schedstat shows 100 ms of the live one.
    ledger.observe([sample(1, 0, { 1: 100_000_000 }, 0, 400_000)]);
    // 1.234 ms more on the live thread; ticks did not move (below their 10 ms resolution).
    assert.equal(ledger.observe([sample(1, 0, { 1: 101_234_000 }, 0, 400_000)]), 101_234);
  });

  test('a child that exits and is reaped is counted once, not again via the parent cutime', () => {
    const ledger = new TreeCpuLedger();
    ledger.observe([sample(1, 0, { 1: 1_000_000 }), sample(2, 1, { 2: 30_000_000 })]);
    // child gone; the parent reaped it: cutime shows its 30 ms (plus 10 ms of what it ran after our read)
    assert.equal(ledger.observe([sample(1, 0, { 1: 1_000_000 }, 40_000)]), 1000 + 40_000);
  });

  test('children that lived and died between two reads still count, through cutime', () => {
    const ledger = new TreeCpuLedger();
    ledger.observe([sample(1, 0, { 1: 1_000_000 })]);
    assert.equal(ledger.observe([sample(1, 0, { 1: 1_000_000 }, 20_000)]), 21_000);
  });

  test('a whole subtree exiting at once: nothing lost, nothing doubled', () => {
    const ledger = new TreeCpuLedger();
    ledger.observe([sample(1, 0, { 1: 1_000_000 }), sample(2, 1, { 2: 10_000_000 }), sample(3, 2, { 3: 20_000_000 })]);
    // 3 was reaped by 2 (2's cutime = 20 ms), then 2 exited and was reaped by 1 (1's cutime = 10 + 20 ms)
    assert.equal(ledger.observe([sample(1, 0, { 1: 1_000_000 }, 30_000)]), 31_000);
  });

  test('falls back to tick counts without schedstat', () => {
    const ledger = new TreeCpuLedger();
    assert.equal(ledger.observe([sample(1, 0, undefined, 10_000, 50_000)]), 60_000);
  });

  test('property: the total never decreases, whatever the sequence of samples', () => {
    const snapshot = fc.array(
      fc.record({ pid: fc.integer({ min: 1, max: 6 }), ns: fc.nat(1e9), reaped: fc.nat(1e6), schedstat: fc.boolean() }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(fc.array(snapshot, { maxLength: 12 }), (snapshots) => {
        const ledger = new TreeCpuLedger();
        let last = 0;
        for (const snap of snapshots) {
          const unique = [...new Map(snap.map((s) => [s.pid, s])).values()];
          const total = ledger.observe(unique.map((s) => sample(s.pid, s.pid - 1, s.schedstat ? { [s.pid]: s.ns } : undefined, s.reaped, s.ns / 1000)));
          if (total < last) return false;
          last = total;
        }
        return true;
      }),
    );
  });
});

describe('formatting', () => {
  test('lastLines keeps the tail and ignores a final newline', () => {
    assert.equal(lastLines('a\nb\nc\n', 2), 'b\nc');
    assert.equal(lastLines('a', 40), 'a');
    assert.equal(lastLines('', 40), '');
  });
  test('formatMs reads like a config duration', () => {
    assert.equal(formatMs(60_000), '60s');
    assert.equal(formatMs(1500), '1.5s');
    assert.equal(formatMs(250), '250ms');
  });
});
