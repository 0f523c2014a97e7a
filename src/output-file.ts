// Output paths (`--out`, `--report`, `schema --out`) are checked before any work: a typo'd or
// unwritable path found after a ten-minute benchmark would cost the whole run. The check writes
// and removes a probe file beside the target, the only test that also holds for root (whom
// permission bits do not stop) and for read-only mounts.
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

/** Throws a UsageError naming `file` (and the option it came from) unless it can be written. */
export function checkOutputFile(file: string, option: string): void {
  const target = path.resolve(file);
  let isDirectory = false;
  try {
    isDirectory = statSync(target).isDirectory();
  } catch {
    // does not exist yet: fine
  }
  if (isDirectory) throw new UsageError(`${option} ${file} is a directory: expected a file path, like ${path.join(file, 'results.json')}`);
  const probe = `${target}.tmp-${process.pid}`;
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    closeSync(openSync(probe, 'w'));
  } catch (error) {
    throw new UsageError(`${option} ${file} cannot be written: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // ENOTDIR: the probe was never created
    }
  }
}
