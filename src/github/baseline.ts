// Where the baseline comes from: the newest successful run of this workflow on the base branch that
// holds the baseline artifact (the run of the PR's base commit when there is one), and that artifact.
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { RESULTS_FILE } from '../action/constants.js';
import type { ArtifactStore } from './artifacts.js';
import { ArtifactTooLargeError, ArtifactUnreadableError } from './bounded-unzip.js';
import { httpStatus, type Octokit } from './octokit.js';

export interface Repo {
  owner: string;
  repo: string;
}

export interface BaselineQuery extends Repo {
  workflowId: number;
  branch: string;
  /** The PR's base commit: a run of exactly that commit is preferred. */
  preferSha?: string;
  artifactName: string;
  token: string;
  /** Folder to download into. */
  dir: string;
}

export type BaselineLookup =
  | { found: true; file: string; runId: number; sha: string }
  | { found: false; reason: string };

export interface RunRef {
  id: number;
  headSha: string;
}

/** A successful run on the base branch that holds a live (unexpired) baseline artifact. */
export interface BaselineRun {
  runId: number;
  headSha: string;
  /** ISO 8601, as GitHub gives it. */
  createdAt: string;
  /** The event that started the run (`push` for the usual baseline). */
  event: string;
  artifactId: number;
  sizeBytes: number;
}

export interface BaselineRunsQuery extends Repo {
  branch: string;
  /** Runs of this workflow only; every workflow of the repository when absent. */
  workflowId?: number;
  artifactName: string;
  /** Only runs of this commit (GitHub filters them: one request). */
  headSha?: string;
  /** Stop after yielding this many runs. */
  maxRuns?: number;
  /** Stop after reading this many pages of 100 runs (default 10): the look-back is bounded. */
  maxPages?: number;
}

/**
 * Events whose runs never hold a baseline, skipped without asking for their artifacts: pull
 * requests (a fork's branch may share the base branch's name: its runs must never become our
 * baseline), and the bot commands and report runs (issue_comment, workflow_run) that a one-workflow
 * setup runs on the default branch, often more than once per push.
 */
const NO_BASELINE_EVENTS = new Set(['pull_request', 'pull_request_target', 'issue_comment', 'workflow_run']);
const RUNS_PER_PAGE = 100;
const DEFAULT_MAX_PAGES = 10;

/**
 * The successful runs on `branch` that hold a live `artifactName` artifact, newest first, own
 * repository only. Lazy: each page of runs is fetched when the previous one is used up, and each
 * candidate's artifacts are listed only when the consumer asks for the next run.
 */
export async function* baselineRunsWithArtifact(octokit: Octokit, q: BaselineRunsQuery): AsyncGenerator<BaselineRun> {
  const maxRuns = q.maxRuns ?? Infinity;
  if (maxRuns <= 0) return;
  const own = `${q.owner}/${q.repo}`.toLowerCase();
  const params = {
    owner: q.owner,
    repo: q.repo,
    branch: q.branch,
    status: 'success' as const,
    per_page: RUNS_PER_PAGE,
    ...(q.headSha ? { head_sha: q.headSha } : {}),
  };
  const pages =
    q.workflowId === undefined
      ? octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunsForRepo, params)
      : octokit.paginate.iterator(octokit.rest.actions.listWorkflowRuns, { ...params, workflow_id: q.workflowId });
  let pagesRead = 0;
  let yielded = 0;
  for await (const page of pages) {
    // GitHub lists runs newest first; sorted again so the order never rests on that.
    const runs = [...page.data]
      .filter((r) => r.head_repository?.full_name?.toLowerCase() === own && !NO_BASELINE_EVENTS.has(r.event))
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    for (const run of runs) {
      const artifact = (await listRunArtifacts(octokit, q, run.id, q.artifactName)).find((a) => a.name === q.artifactName && !a.expired);
      if (!artifact) continue;
      yield { runId: run.id, headSha: run.head_sha, createdAt: run.created_at, event: run.event, artifactId: artifact.id, sizeBytes: artifact.sizeInBytes };
      if (++yielded >= maxRuns) return;
    }
    if (++pagesRead >= (q.maxPages ?? DEFAULT_MAX_PAGES)) return;
  }
}

/**
 * Runs whose baseline artifact can be downloaded, best candidate first: a run of `preferSha` (the
 * PR's base commit) when one has the artifact, then the newest. Kept for callers that want ids only.
 */
export async function findBaselineRuns(octokit: Octokit, q: BaselineQuery, limit = 5): Promise<RunRef[]> {
  const found: RunRef[] = [];
  for await (const run of baselineCandidates(octokit, q)) {
    if (found.length >= limit) break;
    found.push({ id: run.runId, headSha: run.headSha });
  }
  return found;
}

export interface ArtifactRef {
  id: number;
  name: string;
  sizeInBytes: number;
  expired: boolean;
}

export async function listRunArtifacts(octokit: Octokit, repo: Repo, runId: number, name?: string): Promise<ArtifactRef[]> {
  const artifacts = await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
    owner: repo.owner,
    repo: repo.repo,
    run_id: runId,
    per_page: 100,
    ...(name ? { name } : {}),
  });
  return artifacts.map((a) => ({ id: a.id, name: a.name, sizeInBytes: a.size_in_bytes, expired: a.expired }));
}

/** How many candidate runs a lookup downloads from before giving up (each answered 404/410). */
const MAX_DOWNLOAD_ATTEMPTS = 5;

export async function fetchBaseline(octokit: Octokit, store: ArtifactStore, q: BaselineQuery): Promise<BaselineLookup> {
  let sawGone = false;
  let attempts = 0;
  for await (const run of baselineCandidates(octokit, q)) {
    if (++attempts > MAX_DOWNLOAD_ATTEMPTS) break;
    const dir = path.join(q.dir, String(run.runId));
    await mkdir(dir, { recursive: true });
    try {
      await store.download(run.artifactId, dir, { runId: run.runId, owner: q.owner, repo: q.repo, token: q.token });
    } catch (error) {
      if (isGone(error)) {
        sawGone = true;
        continue;
      }
      if (error instanceof ArtifactTooLargeError || error instanceof ArtifactUnreadableError) {
        return { found: false, reason: `artifact '${q.artifactName}' of run ${run.runId} is unreadable: ${error.message}` };
      }
      throw error;
    }
    const file = path.join(dir, RESULTS_FILE);
    if (!(await exists(file))) {
      return { found: false, reason: `artifact '${q.artifactName}' of run ${run.runId} has no ${RESULTS_FILE}` };
    }
    return { found: true, file, runId: run.runId, sha: run.headSha };
  }
  return {
    found: false,
    reason: sawGone
      ? `the baseline artifact '${q.artifactName}' on '${q.branch}' has expired or was deleted (no baseline (expired)); push to '${q.branch}' to record a new one`
      : `no run on '${q.branch}' has an artifact named '${q.artifactName}' that has not expired; push to '${q.branch}' to record one`,
  };
}

/** The run of the PR's base commit first (when it has the artifact), then the newest, each once. */
async function* baselineCandidates(octokit: Octokit, q: BaselineQuery): AsyncGenerator<BaselineRun> {
  let exact: number | undefined;
  if (q.preferSha) {
    for await (const run of baselineRunsWithArtifact(octokit, { ...q, headSha: q.preferSha, maxRuns: 1 })) {
      exact = run.runId;
      yield run;
    }
  }
  for await (const run of baselineRunsWithArtifact(octokit, q)) if (run.runId !== exact) yield run;
}

// @actions/artifact wraps the REST error; the status survives only in the message.
function isGone(error: unknown): boolean {
  const status = httpStatus(error);
  if (status === 404 || status === 410) return true;
  return /\b(404|410)\b|Not Found|Gone|expired/i.test(String((error as Error)?.message ?? error));
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export async function readJsonFile(file: string, maxBytes: number): Promise<unknown> {
  const size = (await stat(file)).size;
  if (size > maxBytes) throw new Error(`${path.basename(file)} is ${size} bytes, more than the ${maxBytes} allowed`);
  return JSON.parse(await readFile(file, 'utf8'));
}
