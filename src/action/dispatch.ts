// Which job this invocation does, decided from the event and the `mode` input alone. Pure.
import { Events } from './constants.js';
import type { ActionSettings } from './inputs.js';
import { isAcceptLabel } from '../github/commands.js';

export type Job =
  /** Push to the default branch: measure, upload the baseline, enforce budgets. */
  | { kind: 'baseline' }
  /** Measure and enforce budgets, nothing to compare with or comment on (other branches, dispatch). */
  | { kind: 'check' }
  /** Pull request: measure head, compare with the baseline, comment. */
  | { kind: 'compare'; acceptLabel: boolean }
  /** workflow_run: comment with the triggering run's results (fork PRs). */
  | { kind: 'report' }
  /** Matrix fan-in: merge shard parts into one report. */
  | { kind: 'merge' }
  /** issue_comment on a PR: bot commands. */
  | { kind: 'command' }
  | { kind: 'skip'; reason: string };

export interface EventInfo {
  name: string;
  payload: Record<string, any>;
  ref: string;
}

export function decideJob(settings: Pick<ActionSettings, 'mode'>, event: EventInfo): Job {
  const { mode } = settings;
  if (mode === 'merge') return { kind: 'merge' };
  if (mode === 'report') return { kind: 'report' };
  if (mode === 'baseline') return { kind: 'baseline' };
  const isPr = event.name === Events.PullRequest || event.name === Events.PullRequestTarget;
  if (mode === 'compare') {
    if (!isPr) return { kind: 'skip', reason: `mode 'compare' needs a pull_request event, got '${event.name}'` };
    return { kind: 'compare', acceptLabel: isAcceptLabel(event.payload.label?.name) };
  }
  switch (event.name) {
    case Events.Push: {
      const defaultBranch = event.payload.repository?.default_branch;
      return event.ref === `refs/heads/${defaultBranch}` ? { kind: 'baseline' } : { kind: 'check' };
    }
    case Events.PullRequest:
    case Events.PullRequestTarget: {
      if (event.payload.action === 'labeled' || event.payload.action === 'unlabeled') {
        // Only our own label is worth a benchmark run; any other label change is noise.
        if (!isAcceptLabel(event.payload.label?.name)) return { kind: 'skip', reason: `label '${event.payload.label?.name}' is not perfgate's` };
        if (event.payload.action === 'unlabeled') return { kind: 'skip', reason: 'acceptance stays recorded in the comment' };
        return { kind: 'compare', acceptLabel: true };
      }
      return { kind: 'compare', acceptLabel: false };
    }
    case Events.WorkflowRun:
      return { kind: 'report' };
    case Events.IssueComment:
      if (!event.payload.issue?.pull_request) return { kind: 'skip', reason: 'comment is on an issue, not a pull request' };
      return { kind: 'command' };
    default:
      return { kind: 'check' };
  }
}
