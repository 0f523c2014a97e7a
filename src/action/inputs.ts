// Raw action inputs → one validated settings object. Pure: the reader is passed in, so tests (and the
// runner's INPUT_* variables) feed it the same way.
import { UsageError } from '../errors.js';
import { HISTORY_RUNS_LIMIT, MAX_HISTORY_RUNS, MIN_HISTORY_RUNS } from '../compare/history.js';
import { Defaults, Inputs } from './constants.js';

export const MODES = ['auto', 'baseline', 'compare', 'report', 'merge'] as const;
export type Mode = (typeof MODES)[number];

export const COMMENT_POLICIES = ['always', 'on-change', 'never'] as const;
export type CommentPolicy = (typeof COMMENT_POLICIES)[number];

export const FAIL_ON = ['budget', 'regression'] as const;
export type FailOnKind = (typeof FAIL_ON)[number];

export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

export interface ActionSettings {
  configFile: string;
  token: string;
  mode: Mode;
  baselineArtifact: string;
  comment: CommentPolicy;
  /** Undefined: the config file's `failOn` decides (the pipeline's exit code). */
  failOn?: FailOnKind[];
  shard?: Shard;
  /** Keep the service and build logs (under $RUNNER_TEMP) when the run passes. */
  keepLogs: boolean;
  /** How many of main's newest baseline runs are read as history (0: none). */
  historyRuns: number;
  /** Re-measure cross-run timing regressions and suspects paired on this runner before they can fail. */
  confirmByRerun: boolean;
}

/** Reads one input as the runner provides it (trimmed, '' when unset). */
export type InputReader = (name: string) => string;

export function readSettings(read: InputReader): ActionSettings {
  const configFile = read(Inputs.Config) || Defaults.Config;
  const token = read(Inputs.GithubToken);
  if (!token) {
    throw new UsageError(
      `input '${Inputs.GithubToken}' is empty: pass \${{ github.token }} (the default) or a token with ` +
        `'pull-requests: write' and 'actions: read'`,
    );
  }
  return {
    configFile,
    token,
    mode: oneOf(Inputs.Mode, read(Inputs.Mode) || Defaults.Mode, MODES),
    baselineArtifact: artifactName(read(Inputs.BaselineArtifact) || Defaults.BaselineArtifact),
    comment: oneOf(Inputs.Comment, read(Inputs.Comment) || Defaults.Comment, COMMENT_POLICIES),
    failOn: parseFailOn(read(Inputs.FailOn)),
    shard: parseShard(read(Inputs.Shard)),
    keepLogs: parseBoolean(Inputs.KeepLogs, read(Inputs.KeepLogs)),
    historyRuns: parseHistoryRuns(read(Inputs.HistoryRuns)),
    confirmByRerun: parseBoolean(Inputs.ConfirmByRerun, read(Inputs.ConfirmByRerun) || 'true'),
  };
}

/**
 * 0 reads no history; otherwise at least MIN_HISTORY_RUNS, since fewer can never judge a timing
 * change (a setting that silently never gates is worse than an error), and at most
 * HISTORY_RUNS_LIMIT: each run costs an artifact listing and a download.
 */
export function parseHistoryRuns(raw: string): number {
  if (raw === '') return MAX_HISTORY_RUNS;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (n === 0 || (n >= MIN_HISTORY_RUNS && n <= HISTORY_RUNS_LIMIT)) return n;
  const hint = n > 0 && n < MIN_HISTORY_RUNS ? `: fewer than ${MIN_HISTORY_RUNS} runs can never judge a timing change (0 reads none)` : '';
  throw new UsageError(
    `input '${Inputs.HistoryRuns}' is '${raw}': expected 0 (read no history) or a whole number from ${MIN_HISTORY_RUNS} to ${HISTORY_RUNS_LIMIT}${hint}`,
  );
}

/** The spellings @actions/core's getBooleanInput accepts (YAML 1.2 core schema); empty is false. */
export function parseBoolean(input: string, raw: string): boolean {
  if (raw === '' || ['false', 'False', 'FALSE'].includes(raw)) return false;
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  throw new UsageError(`input '${input}' is '${raw}': expected true or false`);
}

function oneOf<T extends string>(input: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`input '${input}' is '${value}': expected one of ${allowed.join(', ')}`);
}

export function parseFailOn(raw: string): FailOnKind[] | undefined {
  if (!raw) return undefined;
  const parts = raw
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 1 && parts[0] === 'none') return [];
  return parts.map((p) => oneOf(Inputs.FailOn, p, FAIL_ON));
}

export function parseShard(raw: string): Shard | undefined {
  if (!raw) return undefined;
  const m = /^(\d+)\s*\/\s*(\d+)$/.exec(raw);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) {
    throw new UsageError(
      `input '${Inputs.Shard}' is '${raw}': expected 'i/n' with 1 <= i <= n, e.g. '1/3' ` +
        `(use \${{ matrix.shard }}/\${{ strategy.job-total }})`,
    );
  }
  return { index, total };
}

// Artifact names travel into URLs and file names; the artifact service rejects these characters.
function artifactName(name: string): string {
  if (/["':<>|*?\\/\r\n]/.test(name)) {
    throw new UsageError(
      `input '${Inputs.BaselineArtifact}' is '${name}': artifact names cannot contain " : < > | * ? \\ / or newlines`,
    );
  }
  return name;
}
