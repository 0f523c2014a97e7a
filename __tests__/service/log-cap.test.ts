// Service and build logs are capped while the service runs: the head and the tail stay, and the log
// says how much was cut between them. A real chatty service writes straight into the file (no pipe).
import assert from 'node:assert/strict';
import { openSync, closeSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, test } from '@jest/globals';
import { spawnGroup } from '../../src/service/group.js';
import { cutMarker, headEnd, LogCap, planCut, type LogCapLimits } from '../../src/service/log-cap.js';
import { openLog } from '../../src/service/log.js';
import { fixtures, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const LINES = 200_000;
const lineText = (i: number) => `line ${String(i).padStart(7, '0')} ${'x'.repeat(80)}\n`;
const serviceBytes = LINES * lineText(0).length + 'done\n'.length;
const limits: LogCapLimits = { headBytes: 64 * 1024, tailBytes: 256 * 1024 };
const blockSize = statfsSync(dir).bsize;
const markerLength = cutMarker(0, limits).length;
const MARKER = /\n--- perfgate: log capped: +(\d+) bytes cut here \(kept: the first 65536 and the last 262144 bytes\) ---\n/g;

describe('planCut', () => {
  test('leaves a log alone until it outgrows the cap by a quarter of the tail', () => {
    const end = headEnd(limits, 4096);
    assert.equal(end % 4096, 0);
    assert.ok(end >= limits.headBytes + markerLength);
    assert.equal(planCut(end + limits.tailBytes + limits.tailBytes / 4, limits, 4096), undefined);
    assert.ok(planCut(end + limits.tailBytes + limits.tailBytes / 4 + 1, limits, 4096));
  });
  test('cuts a block-aligned range right after the head and keeps at least the tail', () => {
    const size = 10_000_123;
    const cut = planCut(size, limits, 4096)!;
    assert.equal(cut.offset, headEnd(limits, 4096));
    assert.equal(cut.length % 4096, 0);
    const kept = size - cut.offset - cut.length;
    assert.ok(kept >= limits.tailBytes && kept < limits.tailBytes + 4096, `tail kept: ${kept}`);
  });
});

interface Capped {
  text: string;
  header: string;
  cut: number;
  maxSeen: number;
}

/** Runs the chatty service into `logFile` while `start` caps it; watches how large the file gets. */
async function runChatty(logFile: string, start: () => { exited: Promise<unknown>; finish: () => Promise<void> }): Promise<Capped> {
  let maxSeen = 0;
  const watch = setInterval(() => (maxSeen = Math.max(maxSeen, statSync(logFile).size)), 5);
  const run = start();
  await run.exited;
  clearInterval(watch);
  await run.finish();
  const text = readFileSync(logFile, 'latin1');
  const markers = [...text.matchAll(MARKER)];
  assert.equal(markers.length, 1, 'one cut marker');
  const header = text.slice(0, text.indexOf('\n') + 1);
  assert.match(header, /^--- perfgate .*: node chatty\.mjs\n$/);
  return { text, header, cut: Number(markers[0]![1]), maxSeen };
}

function assertHead(c: Capped): void {
  const head = c.text.slice(c.header.length).split(MARKER)[0]!;
  const headLines = head.split('\n').slice(0, -1); // the last one is cut short
  assert.ok(headLines.length > 600);
  headLines.forEach((line, i) => assert.equal(line + '\n', lineText(i)));
}

/** The tail's whole lines (the first is cut short), with `done` last. */
function tailLines(c: Capped): string[] {
  assert.ok(c.text.endsWith('\ndone\n'), `the log ends with: ${JSON.stringify(c.text.slice(-200))}`);
  const lines = c.text.slice(c.text.lastIndexOf(' ---\n') + 5).split('\n').slice(1, -2);
  assert.ok(lines.length > 2000, `${lines.length} tail lines`);
  return lines;
}

test('a chatty service\'s log is capped while it runs: head, tail and the count of what was cut', async () => {
  const logFile = join(dir, 'chatty-service.log');
  let group: ReturnType<typeof spawnGroup> | undefined;
  const capped = await runChatty(logFile, () => {
    group = spawnGroup({ command: 'node chatty.mjs', cwd: fixtures, env: { ...process.env, CHATTY_LINES: String(LINES) }, logFile, stopTimeoutMs: 500, scanIntervalMs: 20, logCap: limits });
    return { exited: group.exited, finish: () => group!.stop() };
  });
  const size = Buffer.byteLength(capped.text, 'latin1');
  assert.ok(size <= headEnd(limits, blockSize) + limits.tailBytes + Math.max(blockSize, limits.tailBytes / 4), `capped size ${size}`);
  // Capped while it ran, not once at the end (that would reach all of it). A half, not less: on a busy
  // runner the 20 ms scan falls behind a service writing this fast (26% was seen).
  assert.ok(capped.maxSeen < serviceBytes / 2, `the file reached ${capped.maxSeen} of ${serviceBytes} bytes while the service wrote`);
  // Nothing lost, nothing counted twice: what is in the file plus what was cut is what the service wrote.
  assert.equal(size - markerLength + capped.cut, capped.header.length + serviceBytes);
  assertHead(capped);
  const tail = tailLines(capped);
  const first = LINES - tail.length;
  tail.forEach((line, i) => assert.equal(line + '\n', lineText(first + i)));
});

test('where the filesystem cannot collapse a range, the log is rewritten: still capped, the count never too high', async () => {
  const logFile = join(dir, 'chatty-rewrite.log');
  const cap = new LogCap(logFile, limits, { collapse: false });
  const capped = await runChatty(logFile, () => {
    const fd = openLog(logFile, 'node chatty.mjs');
    const env = { ...process.env, CHATTY_LINES: String(LINES), CHATTY_PAUSE_MS: '300' };
    const child = spawn(process.execPath, ['chatty.mjs'], { cwd: fixtures, env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const checks = setInterval(() => void cap.check(), 20);
    const exited = new Promise((resolve) => child.once('exit', resolve)).finally(() => clearInterval(checks));
    return { exited, finish: () => cap.settle() };
  });
  assert.equal(cap.mode, 'rewrite');
  const size = Buffer.byteLength(capped.text, 'latin1');
  assert.ok(size <= headEnd(limits, blockSize) + limits.tailBytes + Math.max(blockSize, limits.tailBytes / 4), `capped size ${size}`);
  // Capped while it ran, not once at the end (that would reach all of it). A half, not less: on a busy
  // runner the 20 ms scan falls behind a service writing this fast (26% was seen).
  assert.ok(capped.maxSeen < serviceBytes / 2, `the file reached ${capped.maxSeen} of ${serviceBytes} bytes while the service wrote`);
  // A line written during a cut may be lost here (log-cap.ts): the count may only fall short.
  assert.ok(size - markerLength + capped.cut <= capped.header.length + serviceBytes);
  assertHead(capped);
  // What this mode promises of the tail: nothing twice, and its end. A burst written during a cut may be
  // lost, or land before the tail copied back (log-cap.ts), and either may split a line there; a
  // handful of such seams at most, so neither the last burst nor the order is promised. `done` comes
  // after a pause, with no cut under way, so it is last: the end of the log is kept.
  const tail = tailLines(capped);
  const numbers = tail.map((line) => /^line (\d{7}) x{80}$/.exec(line)?.[1]).filter((n) => n !== undefined).map(Number);
  assert.ok(tail.length - numbers.length <= 10, `${tail.length - numbers.length} split lines among ${tail.length}`);
  assert.ok(numbers.every((n) => n < LINES));
  assert.equal(new Set(numbers).size, numbers.length, 'no line twice');
});
