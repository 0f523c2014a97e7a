// Report mode (workflow_run): the triggering run's results are untrusted data from possibly forked
// code. The PR is found through the API from the run's head repository/branch/commit — never from a
// number inside the artifact — and every file is size-limited and schema-checked before use.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { MAX_UNTRUSTED_RESULTS_BYTES, RESULTS_FILE } from '../action/constants.js';
import { readResultsFile } from '../results/io.js';
import { ArtifactTooLargeError } from './bounded-unzip.js';
import type { Results } from '../results/types.js';
import type { ArtifactStore } from './artifacts.js';
import { listRunArtifacts, readJsonFile, type Repo } from './baseline.js';
import type { Octokit } from './octokit.js';

export interface TriggeringRun {
  id: number;
  headSha: string;
  headBranch: string;
  /** `owner/name` of the repository the PR's code lives in (a fork for fork PRs). */
  headRepo: string;
}

export async function findPullRequest(octokit: Octokit, repo: Repo, run: TriggeringRun): Promise<number | undefined> {
  const headOwner = run.headRepo.split('/')[0];
  const pulls = await octokit.paginate(octokit.rest.pulls.list, {
    owner: repo.owner,
    repo: repo.repo,
    state: 'open',
    head: `${headOwner}:${run.headBranch}`,
    per_page: 100,
  });
  const pr = pulls.find(
    (p) => p.head.sha === run.headSha && p.head.repo?.full_name?.toLowerCase() === run.headRepo.toLowerCase(),
  );
  return pr?.number;
}

/** The outcome a compare run reports next to its results (display only: it never grants anything). */
export interface OutcomeSummary {
  verdict: 'pass' | 'fail' | 'inconclusive';
  regressions: number;
  violations: number;
}

export const OUTCOME_FILE = 'outcome.json';
export const BASELINE_FILE = 'baseline.json';

const ajv = new Ajv({ allErrors: true });
const outcomeShape = {
  type: 'object',
  required: ['verdict', 'regressions', 'violations'],
  properties: {
    verdict: { enum: ['pass', 'fail', 'inconclusive'] },
    regressions: { type: 'integer', minimum: 0 },
    violations: { type: 'integer', minimum: 0 },
  },
};
const checkOutcome = ajv.compile<OutcomeSummary>(outcomeShape);

export function validateOutcome(data: unknown, what: string): OutcomeSummary {
  if (checkOutcome(data)) return data;
  throw new Error(`${what} is not a perfgate outcome: ${ajv.errorsText(checkOutcome.errors)}`);
}

export interface UntrustedReport {
  head: Results;
  base?: Results;
  /** Where the validated files are, for compareFiles. */
  dir: string;
  outcome?: OutcomeSummary;
}

/** Downloads one run's results artifact and validates every file in it. */
export async function readResultsArtifact(
  octokit: Octokit,
  store: ArtifactStore,
  repo: Repo,
  runId: number,
  name: string,
  token: string,
  dir: string,
): Promise<UntrustedReport | { missing: string }> {
  const artifact = (await listRunArtifacts(octokit, repo, runId, name)).find((a) => a.name === name && !a.expired);
  if (!artifact) return { missing: `run ${runId} has no artifact '${name}'` };
  if (artifact.sizeInBytes > MAX_UNTRUSTED_RESULTS_BYTES) {
    return { missing: `artifact '${name}' is ${artifact.sizeInBytes} bytes, over the ${MAX_UNTRUSTED_RESULTS_BYTES} allowed` };
  }
  try {
    await store.download(artifact.id, dir, { runId, owner: repo.owner, repo: repo.repo, token });
  } catch (error) {
    if (error instanceof ArtifactTooLargeError) return { missing: `artifact '${name}' of run ${runId}: ${error.message}` };
    throw error;
  }
  const read = async (file: string) => readJsonFile(path.join(dir, file), MAX_UNTRUSTED_RESULTS_BYTES);
  // readResultsFile caps the size and validates the shape against the results schema.
  const head = readResultsFile(path.join(dir, RESULTS_FILE), MAX_UNTRUSTED_RESULTS_BYTES);
  const baseFile = path.join(dir, BASELINE_FILE);
  const base = existsSync(baseFile) ? readResultsFile(baseFile, MAX_UNTRUSTED_RESULTS_BYTES) : undefined;
  const outcome = await read(OUTCOME_FILE).then(
    (d) => validateOutcome(d, `${name}/${OUTCOME_FILE}`),
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    },
  );
  return { head, base, outcome, dir };
}
