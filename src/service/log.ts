// The service's stdout/stderr go straight to a file descriptor (no pipe through perfgate), so a chatty
// service can never block on a full pipe and its output survives perfgate crashing.
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** How much of the end of a log file tailLog reads; 40 lines of even very long lines fit. */
const TAIL_BYTES = 256 * 1024;

/** Opens logFile for appending (creating its folder) and writes a header naming the command. */
export function openLog(logFile: string, header: string): number {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  writeSync(fd, `--- perfgate ${new Date().toISOString()}: ${header}\n`);
  return fd;
}

/** The last `count` lines of a text, without a trailing empty line. */
export function lastLines(text: string, count: number): string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(Math.max(0, lines.length - count)).join('\n');
}

export function tailLog(logFile: string, count = 40): string {
  let fd: number;
  try {
    fd = openSync(logFile, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return lastLines(buffer.toString('utf8'), count);
  } finally {
    closeSync(fd);
  }
}

/** The details block an EnvironmentError shows under its message. */
export function logDetails(logFile: string, count = 40): string {
  const tail = tailLog(logFile, count);
  return tail ? `last ${count} lines of ${logFile}:\n${tail}` : `(${logFile} is empty)`;
}
