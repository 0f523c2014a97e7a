// Real recorded webhook payloads (@octokit/webhooks-examples) and the variants the scenarios need
// (fork PRs, a PR comment, a labeled PR, a workflow_run), built by changing only what differs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const examples: { name: string; examples: any[] }[] = require('@octokit/webhooks-examples/api.github.com/index.json');

function example(name: string, pick: (e: any) => boolean = () => true): any {
  const found = examples.find((e) => e.name === name)?.examples.find(pick);
  if (!found) throw new Error(`no ${name} example`);
  return structuredClone(found);
}

export const OWNER = 'Codertocat';
export const REPO = 'Hello-World';
export const FULL_NAME = `${OWNER}/${REPO}`;

/** A repository object as GitHub sends it (from a real payload), for this repo or a fork. */
export function repository(fullName = FULL_NAME, id = 186853002): any {
  const repo = example('pull_request', (e) => e.action === 'opened').repository;
  const [owner, name] = fullName.split('/');
  repo.id = id;
  repo.name = name;
  repo.full_name = fullName;
  repo.owner = { ...repo.owner, login: owner };
  repo.fork = fullName !== FULL_NAME;
  repo.default_branch = 'main';
  return repo;
}

export function user(login: string, id: number, type: 'User' | 'Bot' = 'User'): any {
  const sender = example('pull_request', (e) => e.action === 'opened').sender;
  // A bot's profile lives under /apps/ (its login's brackets are not valid in a URL).
  const html = type === 'Bot' ? `https://github.com/apps/${login.replace(/\[bot\]$/, '')}` : `https://github.com/${login}`;
  return { ...sender, login, id, type, node_id: `U_${id}`, html_url: html, url: `https://api.github.com/users/${encodeURIComponent(login)}` };
}

export function pushEvent(sha: string, branch = 'main'): any {
  const e = example('push');
  e.ref = `refs/heads/${branch}`;
  e.after = sha;
  e.repository.default_branch = 'main';
  e.repository.master_branch = 'main';
  return e;
}

export interface PrShape {
  number: number;
  headSha: string;
  headRef: string;
  baseSha: string;
  /** `owner/name` of the head repository: a fork when it differs from the base repository. */
  headRepo?: string;
}

export function pullRequest(pr: PrShape): any {
  const p = example('pull_request', (e) => e.action === 'opened').pull_request;
  p.number = pr.number;
  p.id = 1000 + pr.number;
  p.state = 'open';
  // Webhook payloads omit it; the REST pull-request object requires it.
  p.auto_merge ??= null;
  p.head = { ...p.head, ref: pr.headRef, sha: pr.headSha, label: `${(pr.headRepo ?? FULL_NAME).split('/')[0]}:${pr.headRef}`, repo: repository(pr.headRepo ?? FULL_NAME, pr.headRepo && pr.headRepo !== FULL_NAME ? 999 : 186853002) };
  p.base = { ...p.base, ref: 'main', sha: pr.baseSha, label: `${OWNER}:main`, repo: repository() };
  return p;
}

export function pullRequestEvent(pr: PrShape, action = 'opened', label?: string, sender = 'Codertocat'): any {
  const e = example('pull_request', (x) => x.action === (label ? 'labeled' : 'opened'));
  e.action = action;
  e.number = pr.number;
  e.pull_request = pullRequest(pr);
  e.repository = repository();
  e.sender = user(sender, 21031067);
  if (label) e.label = { ...e.label, name: label };
  return e;
}

export function issueCommentEvent(prNumber: number, body: string, login: string): any {
  const e = example('issue_comment', (x) => x.action === 'created');
  e.issue.number = prNumber;
  // The same event fires for issues; a PR's issue carries this object.
  e.issue.pull_request = {
    url: `https://api.github.com/repos/${FULL_NAME}/pulls/${prNumber}`,
    html_url: `https://github.com/${FULL_NAME}/pull/${prNumber}`,
    diff_url: `https://github.com/${FULL_NAME}/pull/${prNumber}.diff`,
    patch_url: `https://github.com/${FULL_NAME}/pull/${prNumber}.patch`,
  };
  e.comment.body = body;
  e.comment.user = user(login, 5000);
  e.sender = user(login, 5000);
  e.repository = repository();
  return e;
}

export function workflowRunEvent(run: { id: number; headSha: string; headBranch: string; headRepo: string; workflowId?: number }): any {
  const e = example('workflow_run', (x) => x.action === 'completed');
  e.workflow_run.id = run.id;
  // The workflow that measured the PR: main's history is that workflow's runs.
  if (run.workflowId !== undefined) e.workflow_run.workflow_id = run.workflowId;
  e.workflow_run.head_sha = run.headSha;
  e.workflow_run.head_branch = run.headBranch;
  e.workflow_run.event = 'pull_request';
  e.workflow_run.conclusion = 'success';
  e.workflow_run.head_repository = repository(run.headRepo, run.headRepo === FULL_NAME ? 186853002 : 999);
  e.workflow_run.repository = repository();
  e.repository = repository();
  return e;
}

/** The template a REST workflow-run object starts from. */
export function workflowRunTemplate(): any {
  return example('workflow_run', (x) => x.action === 'completed').workflow_run;
}
