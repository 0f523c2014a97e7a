// Main's history from disk: `--history` takes results files or folders of them (every *.json
// directly inside). Each file is validated like a baseline; a bad one is an error that names it,
// since a history the user pointed at silently shrinking would change the verdict unseen.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { MAX_HISTORY_RUNS, orderHistory } from '../compare/history.js';
import { ResultsFileError, readResultsFile } from './io.js';
import type { Results } from './types.js';

export function readHistory(paths: readonly string[]): Results[] {
  const files: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new ResultsFileError(`--history ${p}: no such file or folder`);
    }
    if (!isDir) {
      files.push(p);
      continue;
    }
    const inside = readdirSync(p)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => path.join(p, f));
    files.push(...inside);
  }
  // The newest MAX_HISTORY_RUNS, as the action reads by default.
  return orderHistory(files.map((f) => readResultsFile(f)), MAX_HISTORY_RUNS);
}
