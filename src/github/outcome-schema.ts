// The shape of outcome.json, which a compare run uploads next to its results: its own module so
// scripts/generate-validators.ts can compile it without loading the GitHub code.

/** The outcome a compare run reports next to its results (display only: it never grants anything). */
export interface OutcomeSummary {
  verdict: 'pass' | 'fail' | 'inconclusive';
  regressions: number;
  violations: number;
}

export const OutcomeSchema = {
  type: 'object',
  required: ['verdict', 'regressions', 'violations'],
  properties: {
    verdict: { enum: ['pass', 'fail', 'inconclusive'] },
    regressions: { type: 'integer', minimum: 0 },
    violations: { type: 'integer', minimum: 0 },
  },
};
