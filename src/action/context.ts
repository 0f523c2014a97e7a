// The run's environment as the runner provides it (GITHUB_* variables and the event payload file),
// read once into plain data.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { EventInfo } from './dispatch.js';

export interface RunContext {
  event: EventInfo;
  owner: string;
  repo: string;
  sha: string;
  runId: number;
  /** Scratch folder for results, reports and downloads. */
  workDir: string;
}

export function readContext(env: Record<string, string | undefined>): RunContext {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new UsageError(`GITHUB_REPOSITORY is '${repository}': perfgate's action runs inside GitHub Actions (use the perfgate CLI elsewhere)`);
  const eventPath = env.GITHUB_EVENT_PATH;
  let payload: Record<string, any> = {};
  if (eventPath) {
    try {
      payload = JSON.parse(readFileSync(eventPath, 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read the event payload ${eventPath}: ${(error as Error).message}`);
    }
  }
  return {
    event: { name: env.GITHUB_EVENT_NAME ?? '', payload, ref: env.GITHUB_REF ?? '' },
    owner,
    repo,
    sha: env.GITHUB_SHA ?? '',
    runId: Number(env.GITHUB_RUN_ID ?? 0),
    workDir: path.join(env.RUNNER_TEMP || os.tmpdir(), 'perfgate'),
  };
}
