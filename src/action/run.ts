// The action's logic behind the one-line entry (src/main.ts): read inputs and the event, pick the job,
// run it, then publish in a fixed order — results written → job summary → PR comment → outputs →
// failure status last, so a failing check never loses its report. All I/O arrives through Deps.
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, PerfgateError } from '../errors.js';
import type { CompareOptions, RunOptions, RunOutcome } from '../pipeline.js';
import { readResultsFile } from '../results/io.js';
import type { Results } from '../results/types.js';
import type { ArtifactStore } from '../github/artifacts.js';
import { ArtifactTooLargeError, ArtifactUnreadableError } from '../github/bounded-unzip.js';
import { fetchBaseline, listRunArtifacts, type Repo } from '../github/baseline.js';
import { canWrite, parseCommand, refusal, reply, rerunLatest } from '../github/commands.js';
import {
  botLogin,
  composeBody,
  describeCommentFailure,
  findSticky,
  reportOf,
  upsertSticky,
  type Acceptance,
  type CommentState,
  type IssueRef,
} from '../github/comment.js';
import type { Octokit } from '../github/octokit.js';
import { BASELINE_FILE, CONFIRM_FILE, findPull, OUTCOME_FILE, readResultsArtifact, validateOutcome, type OutcomeSummary } from '../github/pr.js';
import { Outputs, RESULTS_ARTIFACT, RESULTS_FILE, SHARD_ARTIFACT_PREFIX } from './constants.js';
import { readContext, type RunContext } from './context.js';
import { decideJob, type Job } from './dispatch.js';
import { readSettings, type ActionSettings } from './inputs.js';
import { shortReason, unreadableReport } from './notice.js';
import { baselineRunsWithArtifact } from '../github/baseline.js';
import { loadHistoryQuietly, reportShifts, type HistoryDeps } from './history.js';
import type { BaselineRunsQuery } from '../github/history.js';

/** The slice of @actions/core the action uses. */
export interface ActionCore {
  getInput(name: string): string;
  info(message: string): void;
  warning(message: string): void;
  setOutput(name: string, value: string | number): void;
  setFailed(message: string): void;
  /** Appends markdown to the job summary. */
  writeSummary(markdown: string): Promise<void>;
}

export interface Deps {
  core: ActionCore;
  env: Record<string, string | undefined>;
  /** Builds the one Octokit of this run. */
  octokit: (token: string) => Octokit;
  artifacts: ArtifactStore;
  runPipeline: (options: RunOptions) => Promise<RunOutcome>;
  compareFiles: (options: CompareOptions) => Promise<RunOutcome>;
}

interface Session {
  deps: Deps;
  settings: ActionSettings;
  ctx: RunContext;
  octokit: Octokit;
  repo: Repo;
  workflowId?: Promise<number>;
}

/** Runs the action; resolves to the process exit code (also set through core.setFailed). */
export async function run(deps: Deps): Promise<number> {
  try {
    const settings = readSettings((name) => deps.core.getInput(name));
    const ctx = readContext(deps.env);
    const job = decideJob(settings, ctx.event);
    deps.core.info(`perfgate: event '${ctx.event.name}', job '${job.kind}'`);
    const session: Session = { deps, settings, ctx, octokit: deps.octokit(settings.token), repo: { owner: ctx.owner, repo: ctx.repo } };
    mkdirSync(ctx.workDir, { recursive: true });
    return await runJob(session, job);
  } catch (error) {
    return fail(deps, error);
  }
}

async function runJob(s: Session, job: Job): Promise<number> {
  switch (job.kind) {
    case 'skip':
      s.deps.core.info(`perfgate: nothing to do: ${job.reason}`);
      return ExitCode.ok;
    case 'baseline':
    case 'check':
      return measureJob(s, job.kind);
    case 'compare':
      return compareJob(s, job.acceptLabel);
    case 'report':
      return reportJob(s);
    case 'merge':
      return mergeJob(s);
    case 'command':
      return commandJob(s);
  }
}

function fail(deps: Deps, error: unknown): number {
  if (error instanceof PerfgateError) {
    deps.core.setFailed(error.details ? `${error.message}\n${error.details}` : error.message);
    return error.exitCode;
  }
  deps.core.setFailed(`perfgate internal error: ${(error as Error)?.stack ?? String(error)}`);
  return ExitCode.environment;
}

// ---------------------------------------------------------------------------------------------
// Measuring jobs

interface Paths {
  dir: string;
  results: string;
  report: string;
  outcome: string;
  baseline: string;
  /** The confirmation's paired results (the pipeline writes them beside `results`). */
  confirm: string;
}

function outPaths(s: Session): Paths {
  const dir = path.join(s.ctx.workDir, 'out');
  mkdirSync(dir, { recursive: true });
  return {
    dir,
    results: path.join(dir, RESULTS_FILE),
    report: path.join(dir, 'report.md'),
    outcome: path.join(dir, OUTCOME_FILE),
    baseline: path.join(dir, BASELINE_FILE),
    confirm: path.join(dir, CONFIRM_FILE),
  };
}

function pipelineOptions(s: Session, paths: Paths): RunOptions {
  const { shard } = s.settings;
  return {
    configFile: s.settings.configFile,
    outFile: paths.results,
    reportFile: paths.report,
    progress: (line) => s.deps.core.info(line),
    failOn: s.settings.failOn,
    keepLogs: s.settings.keepLogs,
    // Round-robin keeps each shard's share of slow and fast scenarios even.
    scenarioFilter: shard ? (_name, index) => index % shard.total === shard.index - 1 : undefined,
  };
}

// A measuring job's GitHub calls (reading main's history, finding the baseline) start with the job:
// they mostly wait on the network. The pipeline waits for them before the first request: none of
// it runs beside a measurement.

async function measureJob(s: Session, kind: 'baseline' | 'check'): Promise<number> {
  const paths = outPaths(s);
  const branch = s.ctx.event.ref.replace(/^refs\/heads\//, '');
  const history = kind === 'baseline' && !s.settings.shard ? mainHistory(s, branch) : undefined;
  let outcome = await s.deps.runPipeline({
    ...pipelineOptions(s, paths),
    whileBooting: () => Promise.all([history]),
  });
  if (history) {
    outcome = reportShifts(historyDeps(s), outcome, await history);
    await uploadQuietly(s, s.settings.baselineArtifact, [paths.results], paths.dir);
  }
  await uploadShard(s, paths, outcome);
  return publish(s, { outcome, paths });
}

async function compareJob(s: Session, acceptLabel: boolean): Promise<number> {
  const pr = s.ctx.event.payload.pull_request;
  const issue: IssueRef = { ...s.repo, number: pr.number };
  const paths = outPaths(s);

  const lookup = findBaselineQuietly(s, pr.base.ref, pr.base.sha);
  // Main's history serves a comparison with main's baseline: without one it is not used. It is read
  // beside the lookup, not after it, so their GitHub calls overlap; the newest baseline's download
  // is the lookup's (artifacts.ts shares it).
  // Its log lines wait for the lookup: without a baseline the history is not used and not mentioned.
  const held: (() => void)[] = [];
  const reading = mainHistory(s, pr.base.ref, {
    info: (m) => held.push(() => s.deps.core.info(m)),
    warning: (m) => held.push(() => s.deps.core.warning(m)),
  });
  const history = Promise.all([lookup, reading]).then(([{ file }, runs]) => {
    if (!file) return [];
    for (const say of held) say();
    return runs;
  });
  const outcome = await s.deps.runPipeline({
    ...pipelineOptions(s, paths),
    baseline: lookup,
    whileBooting: () => Promise.all([lookup, history]),
    loadHistory: () => history,
    // Cross-run timing regressions and suspects are re-measured on this runner against the PR's base
    // commit: only what the paired rounds confirm can fail.
    confirmRef: s.settings.confirmByRerun ? pr.base.sha : undefined,
  });
  const { file } = await lookup;
  if (file) copyFileSync(file, paths.baseline);

  let accepted: Acceptance | undefined;
  if (acceptLabel) accepted = await acceptFromLabel(s, issue, pr.head.sha);
  // A shard's comment comes from the merge job, once, for the whole matrix.
  const comment = s.settings.shard ? undefined : issue;
  // The upload (for the report workflow) and the comment wait on GitHub, not on each other.
  const [, code] = await Promise.all([uploadResultsForReport(s, paths, outcome), publish(s, { outcome, paths, issue: comment, accepted })]);
  return code;
}

async function findBaselineQuietly(s: Session, branch: string, preferSha: string): Promise<{ file?: string; problem?: string }> {
  try {
    const workflowId = await currentWorkflowId(s);
    const lookup = await fetchBaseline(s.octokit, s.deps.artifacts, {
      ...s.repo,
      workflowId,
      branch,
      preferSha,
      artifactName: s.settings.baselineArtifact,
      token: s.settings.token,
      dir: path.join(s.ctx.workDir, 'baseline'),
    });
    if (lookup.found) {
      s.deps.core.info(`baseline: run ${lookup.runId} (${lookup.sha.slice(0, 7)}) on '${branch}'`);
      return { file: lookup.file };
    }
    s.deps.core.info(`no baseline: ${lookup.reason}`);
    return { problem: `No baseline: ${lookup.reason}. Only absolute budgets apply.` };
  } catch (error) {
    const message = `No baseline: looking it up failed (${(error as Error).message}). Only absolute budgets apply.`;
    s.deps.core.warning(message);
    return { problem: message };
  }
}

// One call however many lookups ask (the baseline's and the history's start together).
function currentWorkflowId(s: Session): Promise<number> {
  s.workflowId ??= s.octokit.rest.actions.getWorkflowRun({ ...s.repo, run_id: s.ctx.runId }).then(({ data }) => data.workflow_id);
  return s.workflowId;
}

function historyDeps(s: Session): HistoryDeps {
  const { token, baselineArtifact: artifactName } = s.settings;
  const baselineRuns = (q: BaselineRunsQuery) => baselineRunsWithArtifact(s.octokit, { ...s.repo, ...q });
  return { core: s.deps.core, artifacts: s.deps.artifacts, baselineRuns, ...s.repo, token, workDir: s.ctx.workDir, artifactName };
}

async function workflowIdQuietly(s: Session): Promise<number | undefined> {
  return currentWorkflowId(s).catch(() => undefined);
}

async function mainHistory(s: Session, branch: string, log?: Pick<ActionCore, 'info' | 'warning'>): Promise<Results[]> {
  const deps = historyDeps(s);
  const core = log ? { info: log.info, warning: log.warning, setOutput: deps.core.setOutput.bind(deps.core) } : deps.core;
  return loadHistoryQuietly({ ...deps, core }, branch, await workflowIdQuietly(s), s.settings.historyRuns);
}

async function acceptFromLabel(s: Session, issue: IssueRef, headSha: string): Promise<Acceptance | undefined> {
  const sender: string = s.ctx.event.payload.sender?.login ?? '';
  try {
    if (await canWrite(s.octokit, s.repo, sender)) return { by: sender, sha: headSha };
    await reply(s.octokit, s.repo, issue.number, refusal(sender, 'perfgate:accept'));
  } catch (error) {
    s.deps.core.warning(`could not check who added the label: ${(error as Error).message}`);
  }
  return undefined;
}

function outcomeSummary(outcome: RunOutcome): OutcomeSummary {
  return { verdict: outcome.verdict, regressions: outcome.regressions, violations: outcome.violations };
}

async function uploadResultsForReport(s: Session, paths: Paths, outcome: RunOutcome): Promise<void> {
  if (s.settings.shard) return uploadShard(s, paths, outcome);
  writeFileSync(paths.outcome, JSON.stringify(outcomeSummary(outcome)) + '\n');
  await uploadQuietly(s, RESULTS_ARTIFACT, artifactFiles(paths, outcome), paths.dir, 7);
}

async function uploadShard(s: Session, paths: Paths, outcome: RunOutcome): Promise<void> {
  const { shard } = s.settings;
  if (!shard) return;
  writeFileSync(paths.outcome, JSON.stringify(outcomeSummary(outcome)) + '\n');
  await uploadQuietly(s, `${SHARD_ARTIFACT_PREFIX}${shard.index}-of-${shard.total}`, artifactFiles(paths, outcome), paths.dir, 1);
}

function artifactFiles(paths: Paths, outcome: RunOutcome): string[] {
  // A confirmation cut short leaves partial results: only a finished one is judged again downstream.
  const confirm = outcome.confirmFile === paths.confirm ? [paths.confirm] : [];
  return [paths.results, paths.outcome, paths.baseline, ...confirm].filter((f) => existsSync(f));
}

async function uploadQuietly(s: Session, name: string, files: string[], rootDir: string, retentionDays?: number): Promise<void> {
  try {
    const id = await s.deps.artifacts.upload(name, files, rootDir, retentionDays);
    s.deps.core.info(`uploaded artifact '${name}'${id ? ` (id ${id})` : ''}`);
  } catch (error) {
    s.deps.core.warning(`could not upload artifact '${name}': ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Jobs that only read results: report (workflow_run) and merge (matrix fan-in)

async function reportJob(s: Session): Promise<number> {
  const wr = s.ctx.event.payload.workflow_run;
  if (!wr) return skip(s, `mode 'report' needs a workflow_run event, got '${s.ctx.event.name}'`);
  const triggering = { id: wr.id, headSha: wr.head_sha, headBranch: wr.head_branch, headRepo: wr.head_repository?.full_name ?? '' };
  const pull = await findPull(s.octokit, s.repo, triggering);
  if (pull === undefined) return skip(s, `no open pull request has head ${triggering.headRepo}:${triggering.headBranch} at ${triggering.headSha.slice(0, 7)}`);
  const dir = path.join(s.ctx.workDir, 'untrusted');
  mkdirSync(dir, { recursive: true });
  const read = await readResultsArtifact(s.octokit, s.deps.artifacts, s.repo, triggering.id, RESULTS_ARTIFACT, s.settings.token, dir);
  if ('missing' in read) return skip(s, read.missing);
  const issue = { ...s.repo, number: pull.number };
  if ('unreadable' in read) {
    // Nothing from it is kept: no half-extracted file may pass for results later.
    rmSync(dir, { recursive: true, force: true });
    return reportUnreadable(s, issue, read.unreadable);
  }
  const paths = outPaths(s);
  copyFileSync(path.join(dir, RESULTS_FILE), paths.results);
  const baseProblem = read.baseProblem ? `No baseline: ${read.baseProblem}. Only absolute budgets apply.` : undefined;
  if (read.confirmProblem) s.deps.core.warning(`perfgate: ${read.confirmProblem}: its confirmation by rerun is left out`);
  if (read.confirm) copyFileSync(path.join(dir, CONFIRM_FILE), paths.confirm);
  // Judged as the PR's own run judged it: against main's history (of the workflow that measured
  // it), with the verdicts of its confirmation by rerun.
  const workflowId: number | undefined = typeof wr.workflow_id === 'number' ? wr.workflow_id : undefined;
  const outcome = await compareStored(s, paths, read.base ? path.join(dir, BASELINE_FILE) : undefined, baseProblem, {
    loadHistory: () => loadHistoryQuietly(historyDeps(s), pull.baseRef, workflowId, s.settings.historyRuns),
    confirmFile: read.confirm ? paths.confirm : undefined,
  });
  // This workflow only reports: the PR's own check already carries the verdict.
  return publish(s, { outcome, paths, issue, reportOnly: true });
}

/** Report mode with an artifact that cannot be used: say so where the report would have been. */
async function reportUnreadable(s: Session, issue: IssueRef, reason: string): Promise<number> {
  s.deps.core.warning(`perfgate: ${shortReason(reason)}`);
  await postReport(s, { markdown: unreadableReport(reason), state: { verdict: 'unreadable', regressions: 0, violations: 0 }, issue });
  s.deps.core.setOutput(Outputs.Verdict, 'unreadable');
  // This workflow only reports: the PR's own check carries the verdict.
  return ExitCode.ok;
}

async function mergeJob(s: Session): Promise<number> {
  const parts = (await listRunArtifacts(s.octokit, s.repo, s.ctx.runId))
    .filter((a) => a.name.startsWith(SHARD_ARTIFACT_PREFIX) && !a.expired)
    .map((a) => ({ ...a, index: Number(/^perfgate-shard-(\d+)-of-\d+$/.exec(a.name)?.[1] ?? NaN) }))
    .filter((a) => Number.isFinite(a.index))
    .sort((a, b) => a.index - b.index);
  if (parts.length === 0) {
    throw new PerfgateError(`mode 'merge' found no '${SHARD_ARTIFACT_PREFIX}*' artifacts in this run: run it after the shard jobs (needs: [...])`, ExitCode.usage);
  }
  const heads: Results[] = [];
  const bases: Results[] = [];
  const confirms: Results[] = [];
  const outcomes: OutcomeSummary[] = [];
  for (const part of parts) {
    const dir = path.join(s.ctx.workDir, 'shards', String(part.index));
    await s.deps.artifacts.download(part.id, dir, { runId: s.ctx.runId, ...s.repo, token: s.settings.token }).catch((error: unknown) => {
      if (!(error instanceof ArtifactUnreadableError || error instanceof ArtifactTooLargeError)) throw error;
      throw new PerfgateError(`mode 'merge': artifact '${part.name}' is unreadable: ${error.message}`, ExitCode.environment);
    });
    heads.push(readResultsFile(path.join(dir, RESULTS_FILE)));
    if (existsSync(path.join(dir, BASELINE_FILE))) bases.push(readResultsFile(path.join(dir, BASELINE_FILE)));
    if (existsSync(path.join(dir, CONFIRM_FILE))) confirms.push(readResultsFile(path.join(dir, CONFIRM_FILE)));
    if (existsSync(path.join(dir, OUTCOME_FILE))) outcomes.push(validateOutcome(JSON.parse(await readText(path.join(dir, OUTCOME_FILE))), part.name));
  }
  s.deps.core.info(`merging ${parts.length} shard(s): ${parts.map((p) => p.name).join(', ')}`);
  // A shard whose job failed before uploading leaves its scenarios out: say so rather than report
  // (or record as the baseline) a partial run as if it were whole.
  const expected = Number(/-of-(\d+)$/.exec(parts[0]!.name)?.[1]);
  const present = new Set(parts.map((p) => p.index));
  const missing = Number.isFinite(expected) ? Array.from({ length: expected }, (_, i) => i + 1).filter((i) => !present.has(i)) : [];
  if (missing.length > 0) {
    throw new PerfgateError(
      `mode 'merge' found ${parts.length} of ${expected} shard artifacts: shard(s) ${missing.join(', ')} uploaded nothing (see those jobs' logs)`,
      ExitCode.environment,
    );
  }
  const paths = outPaths(s);
  writeFileSync(paths.results, JSON.stringify(mergeShards(heads), null, 2) + '\n');
  if (bases.length > 0) writeFileSync(paths.baseline, JSON.stringify(bases[0], null, 2) + '\n');
  // Each shard confirmed its own scenarios; together they are one paired run of all it re-measured.
  if (confirms.length > 0) writeFileSync(paths.confirm, JSON.stringify(mergeShards(confirms), null, 2) + '\n');
  const pr = s.ctx.event.payload.pull_request;
  // The shards judged cross-run timings against main's history: so does the whole.
  const outcome = await compareStored(s, paths, bases.length > 0 ? paths.baseline : undefined, undefined, {
    loadHistory: pr ? async () => loadHistoryQuietly(historyDeps(s), pr.base.ref, await workflowIdQuietly(s), s.settings.historyRuns) : undefined,
    confirmFile: confirms.length > 0 ? paths.confirm : undefined,
  });
  if (pr) await uploadResultsForReport(s, paths, outcome);
  else if (decideJob({ mode: 'auto' }, s.ctx.event).kind === 'baseline') {
    // A sharded push to the default branch: the merged results are the baseline.
    await uploadQuietly(s, s.settings.baselineArtifact, [paths.results], paths.dir);
  }
  return publish(s, { outcome, paths, issue: pr ? { ...s.repo, number: pr.number } : undefined });
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8');
}

/**
 * One results document from shard parts. Shard k measured scenarios k-1, k-1+n, … (round-robin), so
 * taking one scenario from each part in turn restores the config's order.
 */
export function mergeShards(parts: Results[]): Results {
  if (parts.length === 0) throw new Error('no shard results to merge');
  const merged: Results = { ...parts[0], scenarios: roundRobin(parts.map((p) => p.scenarios)) };
  // Rerun shards each measured their own base side beside them: keep every shard's.
  const withBase = parts.find((p) => p.base);
  if (withBase) merged.base = { ...withBase.base!, scenarios: roundRobin(parts.map((p) => p.base?.scenarios ?? [])) };
  return merged;
}

/** One item from each list in turn: [[a, d], [b], [c]] → [a, b, c, d]. */
function roundRobin<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let j = 0; j < longest; j++) for (const list of lists) if (list[j] !== undefined) out.push(list[j]!);
  return out;
}

async function compareStored(
  s: Session,
  paths: Paths,
  baseFile: string | undefined,
  baselineProblem?: string,
  judging: Pick<CompareOptions, 'loadHistory' | 'confirmFile'> = {},
): Promise<RunOutcome> {
  return s.deps.compareFiles({
    ...judging,
    headFile: paths.results,
    // A missing baseline is a message in the report, not an error.
    baseFile,
    baselineProblem: baseFile ? undefined : (baselineProblem ?? 'No baseline results were found for this run. Only absolute budgets apply.'),
    configFile: existsSync(s.settings.configFile) ? s.settings.configFile : undefined,
    reportFile: paths.report,
    failOn: s.settings.failOn,
    progress: (line) => s.deps.core.info(line),
  });
}

// ---------------------------------------------------------------------------------------------
// Bot commands (issue_comment on a pull request)

async function commandJob(s: Session): Promise<number> {
  const { comment, issue } = s.ctx.event.payload;
  if (comment?.user?.type === 'Bot') return skip(s, 'comment written by a bot');
  const command = parseCommand(comment?.body ?? '');
  if (command === undefined) return skip(s, 'no /perfgate command in the comment');
  const user: string = comment.user.login;
  if (typeof command !== 'string') {
    await reply(s.octokit, s.repo, issue.number, `Sorry @${user}, I don't know \`/perfgate ${command.unknown}\`. I understand \`/perfgate accept\` and \`/perfgate rerun\`.`);
    return ExitCode.ok;
  }
  if (!(await canWrite(s.octokit, s.repo, user))) {
    await reply(s.octokit, s.repo, issue.number, refusal(user, `/perfgate ${command}`));
    s.deps.core.info(`refused '/perfgate ${command}' from ${user}: no write permission`);
    return ExitCode.ok;
  }
  const { data: pr } = await s.octokit.rest.pulls.get({ ...s.repo, pull_number: issue.number });
  if (command === 'accept') await recordAcceptance(s, { ...s.repo, number: issue.number }, { by: user, sha: pr.head.sha });
  try {
    const rerun = await rerunLatest(s.octokit, s.repo, await currentWorkflowId(s), pr.head.sha);
    s.deps.core.info(rerun ? `re-running workflow run ${rerun}` : `no perfgate run for ${pr.head.sha.slice(0, 7)} to re-run`);
  } catch (error) {
    s.deps.core.warning(`could not re-run the PR's perfgate run (the token needs 'actions: write'): ${(error as Error).message}`);
  }
  s.deps.core.setOutput(Outputs.Verdict, command === 'accept' ? 'accepted' : 'rerun');
  return ExitCode.ok;
}

async function recordAcceptance(s: Session, issue: IssueRef, accepted: Acceptance): Promise<void> {
  const login = await botLogin(s.octokit);
  const existing = await findSticky(s.octokit, issue, s.settings.configFile, login);
  const state: CommentState = { ...(existing?.state ?? { verdict: 'pending', regressions: 0, violations: 0 }), accepted };
  const report = existing ? reportOf(existing.body) : 'perfgate will report on the next run.';
  const body = composeBody(s.settings.configFile, state, report);
  if (existing) await s.octokit.rest.issues.updateComment({ ...s.repo, comment_id: existing.id, body });
  else await s.octokit.rest.issues.createComment({ ...s.repo, issue_number: issue.number, body });
  s.deps.core.info(`acceptance by ${accepted.by} recorded in the perfgate comment`);
}

function skip(s: Session, reason: string): number {
  s.deps.core.info(`perfgate: nothing to do: ${reason}`);
  return ExitCode.ok;
}

// ---------------------------------------------------------------------------------------------
// Publishing: summary → comment → outputs → status, in that order.

interface Publication {
  outcome: RunOutcome;
  paths: Paths;
  issue?: IssueRef;
  /** Accepted through a label in this very run. */
  accepted?: Acceptance;
  /** Never fail the step (the report workflow). */
  reportOnly?: boolean;
}

async function publish(s: Session, p: Publication): Promise<number> {
  const { core } = s.deps;
  const { outcome } = p;
  const markdown = outcome.reportMarkdown;
  writeFileSync(p.paths.report, markdown);
  const accepted = await postReport(s, { markdown, state: outcomeSummary(outcome), issue: p.issue, accepted: p.accepted });

  core.setOutput(Outputs.Verdict, outcome.verdict);
  core.setOutput(Outputs.ReportPath, p.paths.report);
  core.setOutput(Outputs.ResultsPath, p.paths.results);
  core.setOutput(Outputs.Regressions, outcome.regressions);
  core.setOutput(Outputs.Violations, outcome.violations);

  if (p.reportOnly || outcome.exitCode === ExitCode.ok) return ExitCode.ok;
  if (accepted) {
    core.info(`perfgate: ${outcome.verdict}, accepted by @${accepted.by}: not failing the check`);
    return ExitCode.ok;
  }
  const reasons = outcome.reasons.length > 0 ? outcome.reasons.join('; ') : `verdict ${outcome.verdict}`;
  core.setFailed(`perfgate: ${reasons}`);
  return outcome.exitCode;
}

interface Post {
  markdown: string;
  state: CommentState;
  issue?: IssueRef;
  /** Accepted through a label in this very run. */
  accepted?: Acceptance;
}

/** Job summary, then the sticky comment; resolves to the acceptance in force (this run's or recorded). */
async function postReport(s: Session, p: Post): Promise<Acceptance | undefined> {
  const { core } = s.deps;
  const { markdown } = p;
  let accepted = p.accepted;
  let commentNote: string | undefined;
  let sticky: Awaited<ReturnType<typeof findSticky>>;
  let login: string | undefined;
  if (p.issue && s.settings.comment !== 'never') {
    try {
      login = await botLogin(s.octokit);
      sticky = await findSticky(s.octokit, p.issue, s.settings.configFile, login);
      accepted ??= sticky?.state?.accepted;
    } catch (error) {
      commentNote = describeCommentFailure(error);
    }
  }
  const state: CommentState = { ...p.state, ...(accepted ? { accepted } : {}) };
  try {
    await core.writeSummary(composeBody(s.settings.configFile, state, markdown));
  } catch (error) {
    // The comment and the outputs still follow: a summary file that cannot be written must not cost them.
    core.warning(`perfgate could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (p.issue && login && !commentNote) {
    const result = await upsertSticky(s.octokit, { issue: p.issue, configFile: s.settings.configFile, state, markdown, policy: s.settings.comment, login, existing: sticky });
    if (result.action === 'failed') commentNote = result.reason;
    else core.info(`PR comment: ${result.action}${'url' in result ? ` ${result.url}` : ''}`);
  }
  if (commentNote) {
    core.warning(`perfgate could not comment on the pull request: ${commentNote}. The report is in this job summary.`);
    await core.writeSummary(`\n> [!WARNING]\n> The PR comment could not be posted: ${commentNote}\n`);
  }
  return accepted;
}
