// The sticky PR comment: one per PR per config, found by its hidden first-line marker and the bot's
// login, created once and then edited in place. Carries a small hidden state line so later runs know
// what the previous comment said (for `comment: on-change`) and who accepted a regression.
import { ACTIONS_BOT_LOGIN, MAX_COMMENT_CHARS } from '../action/constants.js';
import type { CommentPolicy } from '../action/inputs.js';
import { httpStatus, type Octokit } from './octokit.js';

export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
}

export interface Acceptance {
  by: string;
  /** Head commit the acceptance was given on. */
  sha?: string;
}

/** What the previous run concluded; stored as JSON inside an HTML comment. */
export interface CommentState {
  verdict: string;
  regressions: number;
  violations: number;
  accepted?: Acceptance;
}

export interface StickyComment {
  id: number;
  body: string;
  state?: CommentState;
}

export function marker(configFile: string): string {
  return `<!-- perfgate:${configFile} -->`;
}

const STATE_RE = /^<!-- perfgate-state: (\{.*\}) -->$/;

export function parseState(body: string): CommentState | undefined {
  // Only line 2 is ours: the report below may quote untrusted text (scenario names from a fork).
  const m = STATE_RE.exec(body.split('\n', 2)[1] ?? '');
  if (!m) return undefined;
  try {
    const s = JSON.parse(m[1]) as CommentState;
    return typeof s.verdict === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Marker on line 1, state on line 2, then the report — truncated to GitHub's limit. */
export function composeBody(configFile: string, state: CommentState, markdown: string): string {
  const head = `${marker(configFile)}\n<!-- perfgate-state: ${JSON.stringify(state)} -->\n`;
  let accepted = '';
  if (state.accepted) {
    accepted = `> [!NOTE]\n> Accepted by @${state.accepted.by}${state.accepted.sha ? ` on ${state.accepted.sha.slice(0, 7)}` : ''}: regressions and budget violations do not fail the check.\n\n`;
  }
  const body = head + accepted + markdown;
  if (body.length <= MAX_COMMENT_CHARS) return body;
  const note = '\n\n…report truncated to fit a GitHub comment; the full report is in the job summary and the results artifact.';
  return body.slice(0, MAX_COMMENT_CHARS - note.length) + note;
}

/** The login comments are posted as: GET /user, or the Actions bot when the token may not ask. */
export async function botLogin(octokit: Octokit): Promise<string> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return data.login;
  } catch (error) {
    const status = httpStatus(error);
    if (status === 403 || status === 401 || status === 404) return ACTIONS_BOT_LOGIN;
    throw error;
  }
}

export async function findSticky(octokit: Octokit, issue: IssueRef, configFile: string, login: string): Promise<StickyComment | undefined> {
  const first = marker(configFile);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: issue.owner,
    repo: issue.repo,
    issue_number: issue.number,
    per_page: 100,
  });
  const mine = comments.filter((c) => c.user?.login === login && (c.body ?? '').split('\n', 1)[0] === first);
  const c = mine[0];
  return c ? { id: c.id, body: c.body ?? '', state: parseState(c.body ?? '') } : undefined;
}

export type CommentResult =
  | { action: 'created' | 'updated'; id: number; url: string }
  | { action: 'unchanged' | 'skipped'; id?: number; reason: string }
  | { action: 'failed'; reason: string };

export interface UpsertRequest {
  issue: IssueRef;
  configFile: string;
  state: CommentState;
  markdown: string;
  policy: CommentPolicy;
  login: string;
  /** Already looked up by the caller (it also reads the acceptance from it). */
  existing?: StickyComment;
}

/** `on-change`: stay quiet on a clean pass that says what the last comment said (or nothing yet). */
export function shouldComment(policy: CommentPolicy, state: CommentState, previous?: CommentState): boolean {
  if (policy === 'never') return false;
  if (policy === 'always') return true;
  if (state.verdict !== 'pass') return true;
  if (!previous) return false;
  return JSON.stringify(previous) !== JSON.stringify(state);
}

export async function upsertSticky(octokit: Octokit, req: UpsertRequest): Promise<CommentResult> {
  const { issue, existing } = req;
  if (!shouldComment(req.policy, req.state, existing?.state)) {
    return { action: 'skipped', id: existing?.id, reason: `comment: ${req.policy}` };
  }
  const body = composeBody(req.configFile, req.state, req.markdown);
  try {
    if (existing) {
      if (existing.body === body) return { action: 'unchanged', id: existing.id, reason: 'same body' };
      const { data } = await octokit.rest.issues.updateComment({ owner: issue.owner, repo: issue.repo, comment_id: existing.id, body });
      return { action: 'updated', id: data.id, url: data.html_url };
    }
    const { data } = await octokit.rest.issues.createComment({ owner: issue.owner, repo: issue.repo, issue_number: issue.number, body });
    return { action: 'created', id: data.id, url: data.html_url };
  } catch (error) {
    return { action: 'failed', reason: describeCommentFailure(error) };
  }
}

export function describeCommentFailure(error: unknown): string {
  const status = httpStatus(error);
  if (status === 403) {
    return 'the token may not write PR comments (403) — on pull requests from forks it is read-only; use the workflow_run report workflow (see README) to comment';
  }
  if (status !== undefined && status >= 500) return `GitHub kept failing (${status}) after retries`;
  return `commenting failed: ${(error as Error)?.message ?? String(error)}`;
}

/** The report part of a sticky comment body (without marker, state and acceptance note). */
export function reportOf(body: string): string {
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && lines[i].startsWith('<!-- perfgate')) i++;
  if (lines[i] === '> [!NOTE]') {
    while (i < lines.length && lines[i].startsWith('>')) i++;
    if (lines[i] === '') i++;
  }
  return lines.slice(i).join('\n');
}
