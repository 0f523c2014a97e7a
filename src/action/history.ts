// Main's history in the action: read on a pull request (the noise model of cross-run verdicts) and
// on a push to the default branch (change points: the job summary, the `change-points` output and
// one warning annotation per worsening, naming the commit range). Failures here never fail a run:
// without history, cross-run timing is reported and not gated, which is the safe side.
import path from 'node:path';
import { findMainShifts } from '../compare/main-shifts.js';
import type { ArtifactStore } from '../github/artifacts.js';
import { type BaselineRuns, readMainHistory } from '../github/history.js';
import type { RunOutcome } from '../pipeline.js';
import { describeShift, renderShifts } from '../report/shifts.js';
import type { Results } from '../results/types.js';
import { Outputs } from './constants.js';

/** Reading main's history may take this long (listing + downloads); what was read by then is used. */
const HISTORY_TIME_BUDGET_MS = 60_000;
/** GitHub shows at most 10 annotations of a type per step. */
const MAX_ANNOTATIONS = 10;

export interface HistoryDeps {
  core: { info(message: string): void; warning(message: string): void; setOutput(name: string, value: string | number): void };
  artifacts: ArtifactStore;
  baselineRuns: BaselineRuns;
  owner: string;
  repo: string;
  token: string;
  workDir: string;
  artifactName: string;
}

/** Up to `maxRuns` of the branch's newest baseline runs (the `history-runs` input; 0 reads none). */
export async function loadHistoryQuietly(deps: HistoryDeps, branch: string, workflowId: number | undefined, maxRuns: number): Promise<Results[]> {
  if (maxRuns === 0) {
    deps.core.info(`history: not read (history-runs is 0): cross-run timing changes are reported, not failing`);
    return [];
  }
  const started = Date.now();
  try {
    const { runs, skipped } = await readMainHistory(deps.baselineRuns, deps.artifacts, {
      branch,
      workflowId,
      artifactName: deps.artifactName,
      maxRuns,
      owner: deps.owner,
      repo: deps.repo,
      token: deps.token,
      dir: path.join(deps.workDir, 'history'),
      timeBudgetMs: HISTORY_TIME_BUDGET_MS,
    });
    deps.core.info(`history: ${runs.length} run(s) of '${branch}' read in ${Date.now() - started} ms${skipped.length ? `; skipped ${skipped.join('; ')}` : ''}`);
    return runs;
  } catch (error) {
    deps.core.warning(`could not read the history of '${branch}' (${(error as Error).message}): cross-run timing changes are reported, not failing`);
    return [];
  }
}

/** On a push to the default branch: change points over the history and this run, added to the report. */
export function reportShifts(deps: Pick<HistoryDeps, 'core'>, outcome: RunOutcome, history: Results[]): RunOutcome {
  const runs = [...history, outcome.results];
  const shifts = findMainShifts(runs, outcome.config);
  deps.core.setOutput(Outputs.ChangePoints, JSON.stringify(shifts));
  for (const s of shifts.filter((x) => x.worse).slice(0, MAX_ANNOTATIONS)) deps.core.warning(`perfgate change point: ${describeShift(s)}`);
  deps.core.info(`change points on main: ${shifts.length}`);
  return { ...outcome, reportMarkdown: `${outcome.reportMarkdown}\n${renderShifts(shifts, runs.length)}\n` };
}
