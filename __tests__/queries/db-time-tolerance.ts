// The tolerance between a statement's time on the wire and the database server's own, call by call
// (the PostgreSQL and MariaDB checks use the same; the reasoning is in db-time-server.test.ts).
import assert from 'node:assert/strict';
import { median } from '../../src/compare/stats.js';

/** The least delayed call may exceed the server's time by at most this (ms). */
export const MIN_EXCESS_MS = 1.5;
/** The server's timer may run on after the reply went out: at most this much (ms) + SERVER_AFTER_REPLY_SHARE of its time, in the median. */
export const SERVER_AFTER_REPLY_MS = 0.5;
export const SERVER_AFTER_REPLY_SHARE = 0.02;

/** `wire` and `server`: the same calls' durations in ms, in execution order. */
export function assertWithinTolerance(sql: string, wire: readonly number[], server: readonly number[]): void {
  assert.equal(wire.length, server.length, `${sql}: as many calls on the wire as the server saw`);
  const excess = wire.map((w, i) => w - server[i]!);
  const serverMedian = median(server);
  process.stderr.write(
    `# ${sql}: server median ${serverMedian.toFixed(3)} ms; wire − server per call: min ${Math.min(...excess).toFixed(3)}, median ${median(excess).toFixed(3)}, max ${Math.max(...excess).toFixed(3)} ms\n`,
  );
  const floor = -(SERVER_AFTER_REPLY_MS + SERVER_AFTER_REPLY_SHARE * serverMedian);
  assert.ok(median(excess) >= floor, `${sql}: the wire is shorter than the server's own time by more than ${-floor} ms in the median: ${excess.join(', ')}`);
  assert.ok(Math.min(...excess) <= MIN_EXCESS_MS, `${sql}: every call exceeds the server's time by more than ${MIN_EXCESS_MS} ms: ${excess.join(', ')}`);
}
