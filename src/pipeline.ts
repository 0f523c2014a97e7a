// The one engine behind both front doors (cli.ts and main.ts): config → service → probes → results
// (written first) → compare → report. Only orchestration lives here; each stage is its own module.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from './config/load.js';
import type { PerfgateConfig } from './config/types.js';
import { ExitCode, PerfgateError } from './errors.js';
import { compareRuns, decide, rerunBaseline } from './compare/compare.js';
import { renderReport } from './report/markdown.js';
import { readResultsFile } from './results/io.js';
import { readHistory } from './results/history-files.js';
import type { Results } from './results/types.js';
import type { MeasureOptions } from './measure.js';
import { confirmByRerun } from './confirm-rerun.js';
import type { Comparison, ConfirmationSummary } from './compare/compare.js';
import { applyConfirmation, confirmationFailed, flaggedTimingScenarios } from './compare/confirm.js';
import { defaultsConfigFor } from './config/defaults-for.js';
import { explainChangedStatements } from './queries/explain/index.js';
import { checkOutputFile } from './output-file.js';

/** Where a baseline's results are (`file`), or why there are none (`problem`). */
export interface BaselineSource {
  file?: string;
  problem?: string;
}

export interface RunOptions {
  configFile: string;
  /** Where results JSON is written — before anything that can fail afterwards. */
  outFile: string;
  /**
   * Baseline results to compare against (artifact/file mode), or why there are none (e.g. no
   * artifact on main yet: said in the report). A promise while it is still being looked up (the
   * action, on GitHub): it is awaited only after measuring.
   */
  baseline?: BaselineSource | Promise<BaselineSource>;
  /** As MeasureOptions.whileBooting: the caller's work shares the service's boot. */
  whileBooting?: () => Promise<unknown>;
  /** Markdown report destination. */
  reportFile?: string;
  /** Progress lines (stderr in the CLI, core.info in the action). */
  progress: (line: string) => void;
  /** Scenario subset, e.g. for sharding. */
  scenarioFilter?: (name: string, index: number) => boolean;
  /** Extra variables for `${VAR}` expansion and the service environment (the demo uses it). */
  env?: Record<string, string>;
  /** Overrides config.failOn (the action's `fail-on` input). */
  failOn?: PerfgateConfig['failOn'];
  /** Overrides baseline.source: 'rerun' needs a git checkout. */
  baselineRef?: string;
  signal?: AbortSignal;
  /** Command a user can paste to reproduce this run locally (report footer). */
  reproduceCommand?: string;
  /** Keep the service and build logs even when the run succeeds (`--keep-logs`). */
  keepLogs?: boolean;
  /** Main's recent results files (or folders of them): the noise model of cross-run verdicts. */
  historyFiles?: string[];
  /** The same, already read. */
  history?: Results[];
  /** Fetches the history only when a cross-run comparison needs it (the action: from GitHub). */
  loadHistory?: () => Promise<Results[]>;
  /**
   * Confirm cross-run timing regressions on this runner: the flagged scenarios are measured again
   * paired against this base ref (rerun machinery), and only confirmed regressions fail.
   */
  confirmRef?: string;
}

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface RunOutcome {
  results: Results;
  baseline?: Results;
  /** Why no baseline was used, when there is none (shown in the report). */
  baselineProblem?: string;
  reportMarkdown: string;
  exitCode: ExitCode;
  verdict: Verdict;
  regressions: number;
  violations: number;
  reasons: string[];
  /** The config the run was judged by (its regression thresholds size change points on main). */
  config?: PerfgateConfig;
  /** What confirmation by rerun did, when it had something to confirm. */
  confirmation?: ConfirmationSummary;
  /** The confirmation's paired results, when it ran to the end (written beside the results). */
  confirmFile?: string;
}

/** `perfgate run`: measure the service described by the config, then compare and report. */
export async function runPipeline(options: RunOptions): Promise<RunOutcome> {
  const config = await loadConfig(options.configFile, { env: { ...process.env, ...options.env } });
  if (options.failOn) config.failOn = options.failOn;
  checkOutputFile(options.outFile, '--out');
  if (options.reportFile) checkOutputFile(options.reportFile, '--report');
  // Read before measuring: a bad history file should cost seconds, not a whole run.
  const history = historyOf(options);
  const measureOptions: MeasureOptions = {
    config,
    progress: options.progress,
    scenarioFilter: options.scenarioFilter,
    env: options.env ?? {},
    signal: options.signal,
    baselineRef: options.baselineRef,
    keepLogs: options.keepLogs,
    whileBooting: options.whileBooting,
  };
  // Loaded here, not at start: `compare` and the action's report jobs never load the load generator.
  const { measure } = await import('./measure.js');
  const results = await measure(measureOptions, (partial) => writeResults(options.outFile, partial));
  writeResults(options.outFile, results);
  options.progress(`results written to ${options.outFile}`);

  const lookup: BaselineSource = (await options.baseline) ?? {};
  let baseline: Results | undefined;
  let baselineProblem = lookup.problem;
  if (results.base) {
    baseline = rerunBaseline(results);
  } else if (lookup.file) {
    ({ results: baseline, problem: baselineProblem } = readBaseline(lookup.file));
  } else if (config.baseline.source === 'file' && config.baseline.file) {
    ({ results: baseline, problem: baselineProblem } = readBaseline(path.resolve(path.dirname(config.file), config.baseline.file)));
  }
  // Plans of new and slower statements join the results already written (rewritten once).
  const explained = await explainChangedStatements({ config, head: results, base: baseline, progress: options.progress }).catch((error: unknown) => {
    options.progress(`EXPLAIN skipped: ${(error as Error).message}`);
    return false;
  });
  if (explained) writeResults(options.outFile, results);
  const baselineWanted = results.base !== undefined || baseline !== undefined || baselineProblem !== undefined;
  const crossRunHistory = history ?? (!results.base && baseline && options.loadHistory ? await options.loadHistory() : undefined);
  const confirmRef = options.confirmRef;
  // A rerun costs a base build and paired rounds; when regressions cannot fail the check, its answer
  // could not change the verdict.
  const confirm =
    confirmRef && !results.base && baseline && config.failOn.includes('regression')
      ? (comparison: Comparison) =>
          confirmByRerun({
            comparison,
            config,
            measureOptions,
            ref: confirmRef,
            write: (r) => writeResults(confirmFileFor(options.outFile), r),
            progress: options.progress,
          })
      : undefined;
  const outcome = await finish({
    config,
    head: results,
    baseline,
    baselineProblem,
    mode: results.base ? 'paired' : baselineWanted ? 'unpaired' : 'head-only',
    reportFile: options.reportFile,
    reproduceCommand: options.reproduceCommand ?? reproduceFor(config),
    progress: options.progress,
    history: crossRunHistory,
    confirm,
  });
  // A rerun that failed part-way leaves partial results behind: only a finished one may be judged again.
  const finished = outcome.confirmation && outcome.confirmation.failed === undefined;
  return finished ? { ...outcome, confirmFile: confirmFileFor(options.outFile) } : outcome;
}

export interface CompareOptions {
  /** Absent when no baseline exists: then `baselineProblem` says why, and only budgets apply. */
  baseFile?: string;
  baselineProblem?: string;
  headFile: string;
  configFile?: string;
  reportFile?: string;
  failOn?: PerfgateConfig['failOn'];
  progress: (line: string) => void;
  historyFiles?: string[];
  history?: Results[];
  /** Fetches main's history only when the comparison crosses runs (the action: from GitHub). */
  loadHistory?: () => Promise<Results[]>;
  /**
   * The paired results of a confirmation by rerun that ran with the head (`results.confirm.json`):
   * its verdicts replace the cross-run ones for the metrics it re-measured, as in the run itself.
   */
  confirmFile?: string;
}

/** `perfgate compare`: the same verdict logic over two stored results files. */
export async function compareFiles(options: CompareOptions): Promise<RunOutcome> {
  if (options.reportFile) checkOutputFile(options.reportFile, '--report');
  const head = readResultsFile(options.headFile);
  const history = historyOf(options);
  // A rerun results file carries its own base, measured beside it: compare those pairs. (Its head's
  // `solo` rounds against the base's shared ones would not be like with like.)
  const ownBase = options.baseFile ? undefined : rerunBaseline(head);
  const { results: baseline, problem } = options.baseFile
    ? readBaseline(options.baseFile)
    : ownBase
      ? { results: ownBase, problem: undefined }
      : { results: undefined, problem: options.baselineProblem ?? 'no baseline results were given' };
  const config = options.configFile
    ? await loadConfig(options.configFile, { env: { ...process.env } })
    : defaultsConfigFor(head, options.headFile);
  if (options.failOn) config.failOn = options.failOn;
  const crossRun = !ownBase && baseline !== undefined;
  const crossRunHistory = history ?? (crossRun && options.loadHistory ? await options.loadHistory() : undefined);
  const confirmFile = crossRun ? options.confirmFile : undefined;
  const outcome = await finish({
    config,
    head,
    baseline,
    baselineProblem: problem,
    history: crossRunHistory,
    confirm: confirmFile ? async (c) => storedConfirmation(c, confirmFile, config) : undefined,
    mode: ownBase ? 'paired' : 'unpaired',
    reportFile: options.reportFile,
    reproduceCommand: `perfgate compare ${options.baseFile ?? '<base.json>'} ${options.headFile}${options.configFile ? ` -c ${options.configFile}` : ''}`,
    progress: options.progress,
  });
  return confirmFile && outcome.confirmation && outcome.confirmation.failed === undefined ? { ...outcome, confirmFile } : outcome;
}

/** A stored confirmation judged again: the same verdicts the run reached, from its paired results. */
function storedConfirmation(c: Comparison, file: string, config: PerfgateConfig): Comparison {
  if (flaggedTimingScenarios(c).length === 0) return c;
  let paired: Results;
  try {
    paired = readResultsFile(file);
  } catch (error) {
    return confirmationFailed(c, `its results could not be used: ${(error as Error).message.split('\n')[0]}`, 'the base');
  }
  if (!paired.base) return confirmationFailed(c, `${path.basename(file)} holds no paired base`, 'the base');
  return applyConfirmation(c, compareRuns({ head: paired, config, pairing: 'paired' }), paired.base.commit ?? paired.base.ref ?? 'the base');
}

interface FinishInput {
  config: PerfgateConfig;
  head: Results;
  baseline?: Results;
  baselineProblem?: string;
  mode: 'paired' | 'unpaired' | 'head-only';
  reportFile?: string;
  reproduceCommand: string;
  progress: (line: string) => void;
  history?: Results[];
  /** Re-judges flagged cross-run regressions (confirmation by rerun). */
  confirm?: (comparison: Comparison) => Promise<Comparison>;
}

async function finish(input: FinishInput): Promise<RunOutcome> {
  const pairing = input.mode === 'paired' ? 'paired' : 'unpaired';
  const compared = compareRuns({ head: input.head, base: input.baseline, config: input.config, pairing, history: input.history });
  const comparison = input.confirm ? await input.confirm(compared) : compared;
  const decision = decide(comparison, input.config.failOn);
  const reportMarkdown = renderReport(comparison, {
    head: input.head,
    base: input.baseline,
    baselineProblem: input.baselineProblem,
    configName: path.basename(input.config.file),
    reproduceCommand: input.reproduceCommand,
    mode: input.mode,
    failOn: input.config.failOn,
    decision,
    history: input.history,
  });
  if (input.reportFile) {
    mkdirSync(path.dirname(path.resolve(input.reportFile)), { recursive: true });
    writeFileSync(input.reportFile, reportMarkdown);
    input.progress(`report written to ${input.reportFile}`);
  }
  return {
    results: input.head,
    baseline: input.baseline,
    baselineProblem: input.baselineProblem,
    reportMarkdown,
    exitCode: decision.exitCode,
    verdict: decision.verdict,
    regressions: comparison.totals.regressions,
    violations: comparison.totals.violations,
    reasons: decision.reasons,
    config: input.config,
    confirmation: comparison.confirmation,
  };
}

/** `results.json` → `results.confirm.json`, beside it. */
function confirmFileFor(outFile: string): string {
  const ext = path.extname(outFile);
  return `${outFile.slice(0, outFile.length - ext.length)}.confirm${ext || '.json'}`;
}

function historyOf(options: { history?: Results[]; historyFiles?: string[] }): Results[] | undefined {
  if (options.history) return options.history;
  return options.historyFiles && options.historyFiles.length > 0 ? readHistory(options.historyFiles) : undefined;
}

/** A missing or unreadable baseline is a message in the report, never a crash. */
function readBaseline(file: string): { results?: Results; problem?: string } {
  try {
    return { results: readResultsFile(file) };
  } catch (error) {
    const message = error instanceof PerfgateError || error instanceof Error ? error.message : String(error);
    return { problem: `baseline ${file} could not be used: ${message}` };
  }
}

export function writeResults(file: string, results: Results): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, JSON.stringify(results, null, 2) + '\n');
    // rename is atomic: a reader (or a crash) never sees half a results file
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

function reproduceFor(config: PerfgateConfig): string {
  const rel = path.relative(process.cwd(), config.file) || config.file;
  return `npx perfgate run -c ${rel}`;
}
