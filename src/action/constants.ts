// Every name the action shares with action.yml and with workflows, defined once.

export const Inputs = {
  Config: 'config',
  GithubToken: 'github-token',
  Mode: 'mode',
  BaselineArtifact: 'baseline-artifact',
  Comment: 'comment',
  FailOn: 'fail-on',
  Shard: 'shard',
  KeepLogs: 'keep-logs',
  HistoryRuns: 'history-runs',
  ConfirmByRerun: 'confirm-by-rerun',
} as const;

export const Outputs = {
  Verdict: 'verdict',
  ReportPath: 'report-path',
  ResultsPath: 'results-path',
  Regressions: 'regressions',
  Violations: 'violations',
  ChangePoints: 'change-points',
} as const;

export const Defaults = {
  Config: 'perfgate.yml',
  BaselineArtifact: 'perfgate-baseline',
  Comment: 'always',
  Mode: 'auto',
} as const;

/** Artifact a pull_request run leaves for the `workflow_run` report workflow (fork PRs). */
export const RESULTS_ARTIFACT = 'perfgate-results';
/** Prefix of the per-shard artifacts a `merge` job collects: `perfgate-shard-<i>-of-<n>`. */
export const SHARD_ARTIFACT_PREFIX = 'perfgate-shard-';
/** The file inside every perfgate artifact. */
export const RESULTS_FILE = 'results.json';

export const ACCEPT_LABEL = 'perfgate:accept';
export const COMMAND_PREFIX = '/perfgate';

/** The login GITHUB_TOKEN acts as; GET /user is forbidden to that token. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

/** GitHub rejects issue comment bodies longer than this. */
export const MAX_COMMENT_CHARS = 65_536;

/** A results artifact from another (possibly forked) run is untrusted: refuse anything bigger. */
export const MAX_UNTRUSTED_RESULTS_BYTES = 10 * 1024 * 1024;

export const Events = {
  Push: 'push',
  PullRequest: 'pull_request',
  PullRequestTarget: 'pull_request_target',
  WorkflowRun: 'workflow_run',
  IssueComment: 'issue_comment',
  WorkflowDispatch: 'workflow_dispatch',
} as const;
