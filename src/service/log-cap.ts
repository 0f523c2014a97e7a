// Caps a log file that a service appends to directly (its stdout and stderr are the file, log.ts):
// once it outgrows the cap, the middle is cut and the head and tail are kept, with a line in the file
// saying how many bytes were cut there. A chatty service logged 200 MB into the temp folder before.
//
// How: the file cannot be swapped under the service (it holds the descriptor), so it is cut in place.
// `fallocate --collapse-range` removes a block-aligned range atomically with respect to the service's
// appends (ext4, XFS — GitHub's runners): nothing is lost. Where the filesystem cannot do that
// (tmpfs), the tail is copied, the file truncated after the head and the tail appended again: what
// the service writes in the microseconds between the last read and the truncation is lost (and not
// counted), and what it writes between the truncation and the append lands before the tail. A cut
// after the service has stopped loses nothing either way.
import { execFile } from 'node:child_process';
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, statfsSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export interface LogCapLimits {
  /** Bytes kept from the start of the log (plus up to a filesystem block, for alignment). */
  headBytes: number;
  /** Bytes kept from the end. */
  tailBytes: number;
}

/** 1 MiB of start-up and 4 MiB of the end: what a failure report or a reader needs, 5 MiB per log. */
export const DEFAULT_LOG_CAP: LogCapLimits = { headBytes: 1 << 20, tailBytes: 4 << 20 };

/** The line that replaces the cut part; fixed width, so a later cut rewrites it in place. */
export function cutMarker(cutBytes: number, limits: LogCapLimits): string {
  return `\n--- perfgate: log capped: ${String(cutBytes).padStart(15)} bytes cut here (kept: the first ${limits.headBytes} and the last ${limits.tailBytes} bytes) ---\n`;
}

/** Where the kept head ends, the marker being its last bytes: block-aligned, as collapse-range needs. */
export function headEnd(limits: LogCapLimits, blockSize: number): number {
  return roundUp(limits.headBytes + cutMarker(0, limits).length, blockSize);
}

/**
 * The range to cut from a file of `size` bytes, or undefined while it is within the cap. It waits for a
 * quarter of the tail (at least a block) beyond the cap, so a steady writer is not cut on every check.
 */
export function planCut(size: number, limits: LogCapLimits, blockSize: number): { offset: number; length: number } | undefined {
  const offset = headEnd(limits, blockSize);
  const slack = Math.max(blockSize, Math.floor(limits.tailBytes / 4));
  if (size <= offset + limits.tailBytes + slack) return undefined;
  const length = roundDown(size - limits.tailBytes - offset, blockSize);
  return length > 0 ? { offset, length } : undefined;
}

const runFile = promisify(execFile);

export class LogCap {
  /** 'collapse' until the filesystem (or a missing `fallocate`) says no. */
  mode: 'collapse' | 'rewrite';
  /** Bytes of the service's output cut so far (the marker's count). */
  cutBytes = 0;
  private readonly blockSize: number;
  private running: Promise<void> | undefined;

  constructor(
    readonly file: string,
    readonly limits: LogCapLimits = DEFAULT_LOG_CAP,
    opts: { collapse?: boolean } = {},
  ) {
    this.mode = opts.collapse === false ? 'rewrite' : 'collapse';
    let blockSize = 4096;
    try {
      blockSize = statfsSync(path.dirname(file)).bsize || blockSize;
    } catch {
      // keep the common block size
    }
    this.blockSize = blockSize;
  }

  /** Cuts the middle if the file has outgrown the cap. One cut at a time; never throws. */
  check(): Promise<void> {
    this.running ??= this.cutIfNeeded()
      .catch(() => {
        // a log that cannot be capped is still a log: never fail the run over it
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** After the writers have stopped: waits for a cut in progress, then cuts to the cap. */
  async settle(): Promise<void> {
    await this.running;
    await this.check();
  }

  private async cutIfNeeded(): Promise<void> {
    const plan = planCut(statSync(this.file).size, this.limits, this.blockSize);
    if (!plan) return;
    const first = this.cutBytes === 0;
    let removed: number;
    if (this.mode === 'collapse') {
      try {
        await runFile('fallocate', ['--collapse-range', '--offset', String(plan.offset), '--length', String(plan.length), this.file]);
        removed = plan.length;
      } catch {
        this.mode = 'rewrite'; // tmpfs, an old kernel, or no util-linux
        removed = this.rewrite(plan.offset);
      }
    } else {
      removed = this.rewrite(plan.offset);
    }
    // The first cut also overwrites the head's last bytes with the marker: those count as cut too.
    const marker = cutMarker(0, this.limits).length;
    this.cutBytes += removed + (first ? marker : 0);
    const fd = openSync(this.file, 'r+');
    try {
      writeSync(fd, cutMarker(this.cutBytes, this.limits), plan.offset - marker);
    } finally {
      closeSync(fd);
    }
  }

  /** Copy the tail, truncate after the head, append the tail: returns the bytes removed. */
  private rewrite(offset: number): number {
    const fd = openSync(this.file, 'r+');
    let tail: Buffer;
    let size: number;
    try {
      size = fstatSync(fd).size;
      const start = Math.max(offset, size - this.limits.tailBytes);
      tail = readRange(fd, start, size);
      // Whatever arrived while reading belongs to the tail too (a few rounds: a writer may never pause).
      for (let round = 0, grown = fstatSync(fd).size; round < 3 && grown > size; round++, grown = fstatSync(fd).size) {
        tail = Buffer.concat([tail, readRange(fd, size, grown)]);
        size = grown;
      }
      ftruncateSync(fd, offset);
    } finally {
      closeSync(fd);
    }
    const append = openSync(this.file, 'a'); // O_APPEND: lands after anything written meanwhile
    try {
      writeSync(append, tail);
    } finally {
      closeSync(append);
    }
    return size - offset - tail.length;
  }
}

function readRange(fd: number, start: number, end: number): Buffer {
  const buffer = Buffer.alloc(end - start);
  let done = 0;
  while (done < buffer.length) {
    const n = readSync(fd, buffer, done, buffer.length - done, start + done);
    if (n === 0) break;
    done += n;
  }
  return buffer.subarray(0, done);
}

function roundUp(n: number, block: number): number {
  return Math.ceil(n / block) * block;
}

function roundDown(n: number, block: number): number {
  return Math.floor(n / block) * block;
}
