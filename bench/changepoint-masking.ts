// When does one stray newest run hide a real, earlier step from main's change points?
//
// The split search (src/compare/changepoint.ts) takes the best E-divisive split first; a newest run
// far off the rest can own that split, and when its t-test is not significant the search stops
// (Hunter's rule), so the step before it is never tested. This scans the newest run's factor over
// 10⁻⁴…10⁴ for the history shape of __tests__/github/history-e2e.test.ts — `before` runs at
// `level` × today's speed (±10%), the step's run at today's speed, `after` more runs at it (±10%)
// — in whole µs as p50s are, and prints the factors that mask the step (or add a spurious
// one among the seeded runs).
//
//   node --import tsx bench/changepoint-masking.ts [--base-us 55] [--levels 0.4,0.3,0.2] [--after 3,7,11] [--before 8]
import { parseArgs } from 'node:util';
import { detectChangePoints } from '../src/compare/changepoint.js';
import { DEFAULT_REGRESSION } from '../src/compare/metrics.js';

const { values: args } = parseArgs({
  options: {
    'base-us': { type: 'string', default: '55' },
    levels: { type: 'string', default: '0.4,0.3,0.2' },
    after: { type: 'string', default: '3,7,11' },
    before: { type: 'string', default: '8' },
  },
});
const baseUs = Number(args['base-us']);
const before = Number(args.before);
const list = (s: string) => s.split(',').map(Number);

/** Contiguous runs of masking factors, as "3.5–13× slow" / "2.5–11× fast". */
function ranges(grid: readonly number[], masks: readonly boolean[]): string {
  const fmt = (x: number) => Number((x >= 1 ? x : 1 / x).toPrecision(2));
  const parts: string[] = [];
  for (let i = 0; i < grid.length; i++) {
    if (!masks[i] || masks[i - 1]) continue;
    let j = i;
    while (masks[j + 1]) j++;
    const [from, to] = [grid[i]!, grid[j]!];
    parts.push(to <= 1 ? `${fmt(to)}–${fmt(from)}× fast` : from >= 1 ? `${fmt(from)}–${fmt(to)}× slow` : `${fmt(from)}× fast – ${fmt(to)}× slow`);
  }
  return parts.length ? parts.join(', ') : 'none';
}

const grid: number[] = [];
for (let e = -4; e <= 4 + 1e-9; e += 0.05) grid.push(10 ** e);

console.log(`newest run scaled 10⁻⁴…10⁴ (${grid.length} factors); runs at ${baseUs} µs × factor, whole µs; ${before} runs before the step`);
console.log('');
console.log('| before the step | runs after it | factors of the newest run that mask it |');
console.log('| ---: | ---: | :--- |');
for (const level of list(args.levels)) {
  for (const after of list(args.after)) {
    const seeded: number[] = [];
    for (let i = 0; i < before; i++) seeded.push(Math.round(baseUs * level * (1 + 0.1 * Math.sin(1.7 * i))));
    seeded.push(baseUs); // the step's run: the test's first real push
    for (let i = 0; i < after; i++) seeded.push(Math.round(baseUs * (1 + 0.1 * Math.cos(1.7 * i))));
    const masks = grid.map((stray) => {
      const v = [...seeded, Math.max(1, Math.round(baseUs * stray))];
      // The p50 threshold as main-shifts.ts applies it; the stray run's own split is allowed.
      const found = detectChangePoints(v, { minMagnitude: DEFAULT_REGRESSION.p50 });
      return !found.some((c) => c.index === before) || found.some((c) => c.index !== before && c.index !== v.length - 1);
    });
    console.log(`| ${level}× | ${after} | ${ranges(grid, masks)} |`);
  }
}
