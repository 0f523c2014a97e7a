// Bot commands: `/perfgate accept`, `/perfgate rerun` comments and the `perfgate:accept` label.
// Acceptance is recorded in the sticky comment's hidden state (written only by the bot, so it can be
// trusted when re-read), which survives reruns and later pushes until the PR closes.
import { ACCEPT_LABEL, COMMAND_PREFIX } from '../action/constants.js';
import type { Repo } from './baseline.js';
import { httpStatus, type Octokit } from './octokit.js';

export type Command = 'accept' | 'rerun';

/** The command in a comment body: the first line that starts with `/perfgate`. */
export function parseCommand(body: string): Command | { unknown: string } | undefined {
  for (const line of body.split(/\r?\n/)) {
    const t = line.trim();
    if (!t.toLowerCase().startsWith(COMMAND_PREFIX)) continue;
    const word = t.slice(COMMAND_PREFIX.length).trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (word === 'accept' || word === 'rerun') return word;
    return { unknown: word };
  }
  return undefined;
}

export function isAcceptLabel(name: string | undefined): boolean {
  return name?.toLowerCase() === ACCEPT_LABEL;
}

const WRITERS = new Set(['admin', 'maintain', 'write']);

/** True when the user may accept regressions: write, maintain or admin on the repository. */
export async function canWrite(octokit: Octokit, repo: Repo, user: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: repo.owner, repo: repo.repo, username: user });
    return WRITERS.has(data.role_name ?? '') || WRITERS.has(data.permission);
  } catch (error) {
    // Not a collaborator at all.
    if (httpStatus(error) === 404) return false;
    throw error;
  }
}

export function refusal(user: string, command: string): string {
  return (
    `Thanks @${user}! \`${command}\` can only be used by people with write access to this repository, ` +
    `so nothing was changed. A maintainer can accept the result with \`/perfgate accept\` or the \`${ACCEPT_LABEL}\` label.`
  );
}

export async function reply(octokit: Octokit, repo: Repo, issueNumber: number, body: string): Promise<void> {
  await octokit.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: issueNumber, body });
}

/**
 * Re-runs the newest run of the workflow for the PR's head commit (the check that failed), so the
 * check turns green once acceptance is recorded. Returns the run id, or undefined when none exists.
 */
export async function rerunLatest(octokit: Octokit, repo: Repo, workflowId: number, headSha: string): Promise<number | undefined> {
  const { data } = await octokit.rest.actions.listWorkflowRuns({
    owner: repo.owner,
    repo: repo.repo,
    workflow_id: workflowId,
    head_sha: headSha,
    per_page: 20,
  });
  const run = data.workflow_runs
    .filter((r) => r.event === 'pull_request' || r.event === 'pull_request_target')
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))[0];
  if (!run) return undefined;
  await octokit.rest.actions.reRunWorkflow({ owner: repo.owner, repo: repo.repo, run_id: run.id });
  return run.id;
}
