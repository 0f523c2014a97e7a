// Confirmation by rerun, the I/O half: when a cross-run comparison flags timing regressions or
// suspects (compare/confirm.ts), measure just those scenarios again with the base commit checked out beside the head on this runner
// (the `rerun` machinery: paired rounds), and let the paired verdicts decide (compare/confirm.ts).
import { compareRuns, type Comparison } from './compare/compare.js';
import { applyConfirmation, confirmationFailed, confirmReason, metricsToConfirm } from './compare/confirm.js';
import { FUTILITY_CONFIDENCE, formatConfidence } from './compare/verdict.js';
import type { PerfgateConfig } from './config/types.js';
import type { MeasureOptions } from './measure.js';
import type { Results } from './results/types.js';

export interface ConfirmInput {
  /** The cross-run comparison as it stands. */
  comparison: Comparison;
  config: PerfgateConfig;
  measureOptions: MeasureOptions;
  /** The base commit (or a ref resolving to it) to build and run beside the head. */
  ref: string;
  /** Where the confirmation's own results are written (before anything that can fail). */
  write: (results: Results) => void;
  progress: (line: string) => void;
}

export async function confirmByRerun(input: ConfirmInput): Promise<Comparison> {
  // Only the flagged and suspect metrics take the paired verdict (applyConfirmation), so a scenario's
  // rounds stop once those are decided, not when every metric is: confirmation costs runner time on
  // every pull request it runs for.
  const flagged = metricsToConfirm(input.comparison);
  if (flagged.size === 0) return input.comparison;
  const reasons = input.comparison.scenarios.flatMap((s) => s.metrics.map(confirmReason));
  const count = (r: string) => reasons.filter((x) => x === r).length;
  input.progress(
    `confirming ${flagged.size} flagged scenario(s) on this runner: base ${input.ref} and head, paired rounds ` +
      `(${count('flagged')} regressed, ${count('suspect')} suspect metric(s) across runs; each stops once confirmed, ` +
      `decided, or ruled out by a ${formatConfidence(FUTILITY_CONFIDENCE)} interval)`,
  );
  const outer = input.measureOptions.scenarioFilter;
  try {
    // Loaded here, not at start: a static import would pull the load generator into the bundle's
    // first chunk, which every action job and CLI command loads (pipeline.ts imports this module).
    const { measure } = await import('./measure.js');
    const results = await measure(
      {
        ...input.measureOptions,
        config: { ...input.config, baseline: { ...input.config.baseline, source: 'rerun' } },
        baselineRef: input.ref,
        scenarioFilter: (name, index) => flagged.has(name) && (outer ? outer(name, index) : true),
        decideOnly: (name) => flagged.get(name),
      },
      input.write,
    );
    input.write(results);
    const paired = compareRuns({ head: results, config: input.config, pairing: 'paired' });
    return applyConfirmation(input.comparison, paired, input.ref);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    input.progress(`confirmation by rerun failed: ${reason}`);
    return confirmationFailed(input.comparison, reason, input.ref);
  }
}
