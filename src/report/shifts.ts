// How lasting shifts on main read in the job summary and as annotations. Pure.
import type { MainShift } from '../compare/main-shifts.js';
import { inlineText } from './escape.js';
import { formatPercent, formatValue } from './format.js';

function sha(commit?: string): string {
  return commit ? commit.slice(0, 7) : '?';
}

/** `abc1234..def5678`: the commits between the last run before the shift and the first after it. */
export function commitRange(s: MainShift): string {
  return `${sha(s.from.commit)}..${sha(s.to.commit)}`;
}

/** One line, for an annotation or a log: what moved, by how much, where. `name` escapes the scenario's name for markdown. */
export function describeShift(s: MainShift, name: (scenario: string) => string = (x) => x): string {
  const p = s.p < 0.001 ? 'p<0.001' : `p=${s.p.toFixed(3)}`;
  return (
    `${name(s.scenario)}: ${s.label} ${s.worse ? 'worsened' : 'improved'} ${formatPercent(s.change)} ` +
    `(${formatValue(s.unit, s.before)} → ${formatValue(s.unit, s.after)}, ${p}) between ${commitRange(s)}`
  );
}

/** The job summary section on a push to the default branch. */
export function renderShifts(shifts: readonly MainShift[], runs: number): string {
  const head = `#### Change points on main (last ${runs} runs)`;
  if (shifts.length === 0) {
    return `${head}\n\nNo lasting shift in any scenario's p50, p99, CPU/request or rps (E-divisive means, Student t, p < 0.0001, at least the regression threshold).`;
  }
  const lines = shifts.map((s) => `- ${s.worse ? '❌' : '✅'} ${describeShift(s, (text) => inlineText(text))}`);
  return `${head}\n\n${lines.join('\n')}\n\nThe shift started in the commits of that range (\`git log ${commitRange(shifts[0]!)}\`).`;
}
