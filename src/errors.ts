// Errors a user can act on. Every module throws one of these; only the entry points (cli.ts, main.ts)
// map them to exit codes and `core.setFailed`.

export const ExitCode = {
  ok: 0,
  /** A budget was violated, or a regression where failOn says so. */
  violation: 1,
  /** Bad usage or bad config. */
  usage: 2,
  /** The service or the environment failed: would not start, crashed, DB unreachable. */
  environment: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class PerfgateError extends Error {
  readonly exitCode: ExitCode;
  /** Extra lines shown under the message (e.g. the service's last log lines). */
  readonly details?: string;
  constructor(message: string, exitCode: ExitCode, details?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** Bad command-line usage. */
export class UsageError extends PerfgateError {
  constructor(message: string, details?: string) {
    super(message, ExitCode.usage, details);
  }
}

/** A config file problem: names the file, the line, the key path and what was expected. */
export class ConfigError extends PerfgateError {
  readonly file: string;
  readonly issues: ConfigIssue[];
  constructor(file: string, issues: ConfigIssue[]) {
    super(
      `invalid config ${file}:\n` + issues.map((i) => `  ${formatIssue(file, i)}`).join('\n'),
      ExitCode.usage,
    );
    this.file = file;
    this.issues = issues;
  }
}

export interface ConfigIssue {
  /** Dotted key path, e.g. `scenarios[0].budgets.p99`. Empty for the document root. */
  path: string;
  /** 1-based line in the file, when known. */
  line?: number;
  column?: number;
  message: string;
}

function formatIssue(file: string, issue: ConfigIssue): string {
  const where = issue.line ? `${file}:${issue.line}${issue.column ? `:${issue.column}` : ''}` : file;
  return `${where}: ${issue.path || '(root)'}: ${issue.message}`;
}

/** The service or environment failed (start, readiness, crash, database unreachable). */
export class EnvironmentError extends PerfgateError {
  constructor(message: string, details?: string) {
    super(message, ExitCode.environment, details);
  }
}
