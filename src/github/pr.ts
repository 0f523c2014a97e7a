// Report mode (workflow_run): the triggering run's results are untrusted data from possibly forked
// code. The PR is found through the API from the run's head repository/branch/commit — never from a
// number inside the artifact — and every file is size-limited and schema-checked before use.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MAX_UNTRUSTED_RESULTS_BYTES, RESULTS_FILE } from '../action/constants.js';
import { readResultsFile } from '../results/io.js';
import { ArtifactTooLargeError, ArtifactUnreadableError } from './bounded-unzip.js';
import type { Results } from '../results/types.js';
import type { ArtifactStore } from './artifacts.js';
import { listRunArtifacts, readJsonFile, type Repo } from './baseline.js';
import type { ErrorObject } from 'ajv';
import type { Octokit } from './octokit.js';
import type { OutcomeSummary } from './outcome-schema.js';
import { validate as checkOutcome } from './outcome-validator.generated.js';

export interface TriggeringRun {
  id: number;
  headSha: string;
  headBranch: string;
  /** `owner/name` of the repository the PR's code lives in (a fork for fork PRs). */
  headRepo: string;
}

export async function findPullRequest(octokit: Octokit, repo: Repo, run: TriggeringRun): Promise<number | undefined> {
  return (await findPull(octokit, repo, run))?.number;
}

/** The open PR whose head is the run's, with the branch it targets (whose history judges it). */
export async function findPull(octokit: Octokit, repo: Repo, run: TriggeringRun): Promise<{ number: number; baseRef: string } | undefined> {
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
  return pr ? { number: pr.number, baseRef: pr.base.ref } : undefined;
}

export type { OutcomeSummary } from './outcome-schema.js';
export const OUTCOME_FILE = 'outcome.json';
export const BASELINE_FILE = 'baseline.json';
/** The paired results of a confirmation by rerun that ran to the end (src/pipeline.ts names it so). */
export const CONFIRM_FILE = 'results.confirm.json';

export function validateOutcome(data: unknown, what: string): OutcomeSummary {
  if (checkOutcome(data)) return data;
  throw new Error(`${what} is not a perfgate outcome: ${errorsText(checkOutcome.errors)}`);
}

// Worded as Ajv#errorsText words them; the validator is precompiled, so there is no Ajv instance.
function errorsText(errors: ErrorObject[] | null | undefined): string {
  return errors?.length ? errors.map((e) => `data${e.instancePath} ${e.message}`).join(', ') : 'No errors';
}

export interface UntrustedReport {
  head: Results;
  base?: Results;
  /** Why the artifact's baseline.json was left out (another schema version, not results, ...). */
  baseProblem?: string;
  /** Where the validated files are, for compareFiles. */
  dir: string;
  outcome?: OutcomeSummary;
  /** The artifact holds a valid CONFIRM_FILE (in `dir`). */
  confirm?: boolean;
  /** Why the artifact's CONFIRM_FILE was left out. */
  confirmProblem?: string;
}

/** The run left no such artifact (it failed before uploading, or it expired): nothing to report. */
export interface MissingArtifact {
  missing: string;
}

/** The artifact is there but cannot be used: it is said in the comment and the job summary. */
export interface UnreadableArtifact {
  unreadable: string;
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
): Promise<UntrustedReport | MissingArtifact | UnreadableArtifact> {
  const artifact = (await listRunArtifacts(octokit, repo, runId, name)).find((a) => a.name === name && !a.expired);
  if (!artifact) return { missing: `run ${runId} has no artifact '${name}'` };
  const unreadable = (why: string): UnreadableArtifact => ({ unreadable: `artifact '${name}' of run ${runId} is unreadable: ${why}` });
  if (artifact.sizeInBytes > MAX_UNTRUSTED_RESULTS_BYTES) {
    return unreadable(`it is ${artifact.sizeInBytes} bytes, over the ${MAX_UNTRUSTED_RESULTS_BYTES} allowed`);
  }
  try {
    await store.download(artifact.id, dir, { runId, owner: repo.owner, repo: repo.repo, token });
  } catch (error) {
    if (error instanceof ArtifactTooLargeError || error instanceof ArtifactUnreadableError) return unreadable(error.message);
    throw error;
  }
  // Messages name files by their place in the artifact, not the runner's temporary folder.
  const inArtifact = (error: unknown) => String((error as Error)?.message ?? error).replaceAll(dir + path.sep, '');
  const headFile = path.join(dir, RESULTS_FILE);
  if (!existsSync(headFile)) return unreadable(`it holds no ${RESULTS_FILE}`);
  let head: Results;
  let outcome: OutcomeSummary | undefined;
  try {
    // readResultsFile caps the size and validates the shape against the results schema.
    head = readResultsFile(headFile, MAX_UNTRUSTED_RESULTS_BYTES);
    const outcomeFile = path.join(dir, OUTCOME_FILE);
    if (existsSync(outcomeFile)) outcome = validateOutcome(await readJsonFile(outcomeFile, MAX_UNTRUSTED_RESULTS_BYTES), OUTCOME_FILE);
  } catch (error) {
    return unreadable(inArtifact(error));
  }
  // The head's results stand on their own: a baseline or confirmation that cannot be read is left
  // out and said so, as when the compare job's own baseline cannot be used.
  const report: UntrustedReport = { head, outcome, dir };
  const confirmFile = path.join(dir, CONFIRM_FILE);
  if (existsSync(confirmFile)) {
    try {
      readResultsFile(confirmFile, MAX_UNTRUSTED_RESULTS_BYTES);
      report.confirm = true;
    } catch (error) {
      report.confirmProblem = `the ${CONFIRM_FILE} in artifact '${name}' could not be used: ${inArtifact(error)}`;
    }
  }
  const baseFile = path.join(dir, BASELINE_FILE);
  if (!existsSync(baseFile)) return report;
  try {
    return { ...report, base: readResultsFile(baseFile, MAX_UNTRUSTED_RESULTS_BYTES) };
  } catch (error) {
    return { ...report, baseProblem: `the ${BASELINE_FILE} in artifact '${name}' could not be used: ${inArtifact(error)}` };
  }
}
