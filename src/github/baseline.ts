// Where the baseline comes from: the newest successful run of this workflow on the base branch (the
// run of the PR's base commit when there is one), and its results artifact.
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { RESULTS_FILE } from '../action/constants.js';
import type { ArtifactStore } from './artifacts.js';
import { ArtifactTooLargeError } from './bounded-unzip.js';
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

/** Successful runs of the workflow on the branch, own repository only, best candidate first. */
export async function findBaselineRuns(octokit: Octokit, q: BaselineQuery, limit = 5): Promise<RunRef[]> {
  const { data } = await octokit.rest.actions.listWorkflowRuns({
    owner: q.owner,
    repo: q.repo,
    workflow_id: q.workflowId,
    branch: q.branch,
    status: 'success',
    per_page: 50,
  });
  const own = `${q.owner}/${q.repo}`.toLowerCase();
  // A fork's branch may share the base branch's name: its runs must never become our baseline.
  const runs = data.workflow_runs
    .filter((r) => r.head_repository?.full_name?.toLowerCase() === own && r.event !== 'pull_request')
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  const exact = runs.filter((r) => q.preferSha && r.head_sha === q.preferSha);
  const ordered = [...exact, ...runs.filter((r) => !exact.includes(r))];
  return ordered.slice(0, limit).map((r) => ({ id: r.id, headSha: r.head_sha }));
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

export async function fetchBaseline(octokit: Octokit, store: ArtifactStore, q: BaselineQuery): Promise<BaselineLookup> {
  const runs = await findBaselineRuns(octokit, q);
  if (runs.length === 0) {
    return { found: false, reason: `no successful run of this workflow on '${q.branch}' yet` };
  }
  let sawExpired = false;
  for (const run of runs) {
    const artifact = (await listRunArtifacts(octokit, q, run.id, q.artifactName)).find((a) => a.name === q.artifactName);
    if (!artifact) continue;
    if (artifact.expired) {
      sawExpired = true;
      continue;
    }
    const dir = path.join(q.dir, String(run.id));
    await mkdir(dir, { recursive: true });
    try {
      await store.download(artifact.id, dir, { runId: run.id, owner: q.owner, repo: q.repo, token: q.token });
    } catch (error) {
      if (isGone(error)) {
        sawExpired = true;
        continue;
      }
      if (error instanceof ArtifactTooLargeError) {
        return { found: false, reason: `artifact '${q.artifactName}' of run ${run.id} was refused: ${error.message}` };
      }
      throw error;
    }
    const file = path.join(dir, RESULTS_FILE);
    if (!(await exists(file))) {
      return { found: false, reason: `artifact '${q.artifactName}' of run ${run.id} has no ${RESULTS_FILE}` };
    }
    return { found: true, file, runId: run.id, sha: run.headSha };
  }
  return {
    found: false,
    reason: sawExpired
      ? `the baseline artifact '${q.artifactName}' on '${q.branch}' has expired or was deleted (no baseline (expired)); push to '${q.branch}' to record a new one`
      : `no run on '${q.branch}' has an artifact named '${q.artifactName}'`,
  };
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
