// Main's history from GitHub: the results of the last N successful baseline runs of the base branch
// (newest first, as the baseline lookup yields them; expired artifacts are skipped there, and an
// artifact that vanishes between listing and download is skipped here). Bounded in runs, in time
// and in bytes: each file is read through the same validation as a baseline.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { RESULTS_FILE } from '../action/constants.js';
import { readResultsFile } from '../results/io.js';
import type { Results } from '../results/types.js';
import type { ArtifactStore } from './artifacts.js';
import { httpStatus } from './octokit.js';

/** What the baseline lookup (src/github/baseline.ts `baselineRunsWithArtifact`) yields per run. */
export interface BaselineRunRef {
  runId: number;
  headSha: string;
  createdAt: string;
  artifactId: number;
  sizeBytes: number;
}

export interface BaselineRunsQuery {
  branch: string;
  workflowId?: number;
  artifactName: string;
  maxRuns?: number;
}

/** The baseline lookup with its GitHub client bound: `(q) => baselineRunsWithArtifact(gh, q)`. */
export type BaselineRuns = (q: BaselineRunsQuery) => AsyncIterable<BaselineRunRef>;

export interface HistoryQuery extends BaselineRunsQuery {
  owner: string;
  repo: string;
  token: string;
  /** Folder to download into (one subfolder per run). */
  dir: string;
  /** Give up on further runs after this long; what was read so far is used. */
  timeBudgetMs: number;
  /** Downloads in flight at once. */
  concurrency?: number;
}

export interface MainHistory {
  runs: Results[];
  /** Runs listed but not used, with why (vanished, unreadable, out of time). */
  skipped: string[];
}

/** Reads up to `maxRuns` results of main. Never throws for one bad run: it is skipped and said. */
export async function readMainHistory(baselineRuns: BaselineRuns, store: ArtifactStore, q: HistoryQuery): Promise<MainHistory> {
  const max = q.maxRuns ?? 20;
  const deadline = Date.now() + q.timeBudgetMs;
  const runs: Results[] = [];
  const skipped: string[] = [];
  const batch: BaselineRunRef[] = [];
  const drain = async () => {
    const got = await Promise.all(batch.splice(0).map((ref) => readOne(store, q, ref)));
    for (const g of got) {
      if ('results' in g) runs.push(g.results);
      else skipped.push(g.skipped);
    }
  };
  // Listing yields newest first; downloads go `concurrency` at a time. More runs are listed than
  // `max` only when some of them could not be read.
  for await (const ref of baselineRuns({ branch: q.branch, workflowId: q.workflowId, artifactName: q.artifactName })) {
    if (Date.now() > deadline) {
      skipped.push(`stopped after ${Math.round(q.timeBudgetMs / 1000)} s with ${runs.length} runs read`);
      break;
    }
    batch.push(ref);
    if (runs.length + batch.length >= max || batch.length >= (q.concurrency ?? 4)) await drain();
    if (runs.length >= max) break;
  }
  await drain();
  return { runs: runs.slice(0, max), skipped };
}

async function readOne(store: ArtifactStore, q: HistoryQuery, ref: BaselineRunRef): Promise<{ results: Results } | { skipped: string }> {
  const dir = path.join(q.dir, String(ref.runId));
  try {
    await mkdir(dir, { recursive: true });
    await store.download(ref.artifactId, dir, { runId: ref.runId, owner: q.owner, repo: q.repo, token: q.token });
    const results = readResultsFile(path.join(dir, RESULTS_FILE));
    // A results file without its own commit takes the run's, so change points can name the range.
    if (!results.meta.commit) results.meta.commit = ref.headSha;
    return { results };
  } catch (error) {
    const status = httpStatus(error);
    const why = status === 404 || status === 410 || /\b(404|410)\b|expired/i.test(String((error as Error)?.message)) ? 'expired' : (error as Error).message;
    return { skipped: `run ${ref.runId} (${ref.headSha.slice(0, 7)}): ${why}` };
  }
}
