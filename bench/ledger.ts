// What the benches' ledgers share: one JSON line per comparison, appended as soon as it is judged,
// so a measurement that takes more hours than one sitting accumulates over several; and what their
// tally scripts share (bench/aa-power-ledger.ts, bench/history-aa-ledger.ts).
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The bench's own commit (short), recorded in every ledger line; `-dirty` when src/ or bench/ have
 * uncommitted changes. Not bench/results/: the ledgers live there, and a sitting chained after
 * another would otherwise call itself dirty for the lines the first one appended.
 */
export function benchCommit(): string {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench', ':(exclude)bench/results'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
  return dirty ? `${commit}-dirty` : commit;
}

/**
 * Which boot of the machine ran a sitting, recorded in ledger lines so sittings can be grouped by
 * it: the sittings of one boot of a cloud VM can share a noise level another boot does not (after
 * the reboot of 2026-12-06, with the same code, CPU/request was left undecided far more often —
 * docs/verdicts.md). Linux only; undefined where there is none.
 */
export function machineBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The lines of a ledger (none when it does not exist yet), optionally only those with since ≤ `when`
 * < until. `when` is an ISO time in UTC, so a prefix such as 2026-12-06T10:57 compares as a string.
 */
export function readLedger<T extends { when: string }>(file: string, since?: string, until?: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T)
    .filter((l) => (!since || l.when >= since) && (!until || l.when < until));
}

export function appendLedger(file: string, lines: readonly object[]): void {
  if (lines.length > 0) appendFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

/**
 * Other work on the machine makes a machine state of its own, not "quiet" or "the neighbour".
 * Ledger lines since 2026-12-05 carry `otherCpu` (bench/other-cpu.ts): the cores processes outside
 * the bench used during the run; 0.25 or more (a quarter of a core, all run long) is other jobs.
 * Older lines only have the load average, which also counts the bench's own processes: the bench
 * keeps about 2–3 runnable (load generator, services, the database's backends) and the neighbour one
 * more, so other jobs there means a load average of 4 or more at the start of the run (5 with the
 * neighbour: a database-backed A/A sitting beside it stayed at 4.0–4.5 with nothing else running,
 * 2026-12-05 00:07 UTC). Only the start counts: the end also holds the condition's own load (a dropped
 * index keeps the database busy: 2.8 at the start of such a run, 5.7 at its end, nothing else running),
 * and the 1-minute average carries it into the next run's start — which the CPU sample does not.
 */
export const BUSY_LOAD_AVERAGE = 4;
export const BUSY_OTHER_CORES = 0.25;

export interface MachineLoad {
  loadAverage: readonly number[];
  otherCpu?: { otherCores: number } | null;
}

export function busySuffix(line: MachineLoad, neighbour = false): string {
  if (line.otherCpu) return line.otherCpu.otherCores >= BUSY_OTHER_CORES ? ` + other jobs (≥ ${BUSY_OTHER_CORES} core beside the bench)` : '';
  const busy = BUSY_LOAD_AVERAGE + (neighbour ? 1 : 0);
  return line.loadAverage[0]! >= busy ? ` + other jobs (load average ≥ ${busy} at the start)` : '';
}

export const rate = (k: number, n: number) => `${k}/${n} (${n === 0 ? '–' : ((100 * k) / n).toFixed(1)}%)`;

/** "N comparisons, first … last, bench commits a, b": the line above a tally. */
export function ledgerHeading(lines: readonly { when: string; benchCommit: string }[], what = 'comparisons'): string {
  return `${lines.length} ${what}, ${lines[0]?.when ?? '–'} … ${lines.at(-1)?.when ?? '–'}, bench commits ${[...new Set(lines.map((l) => l.benchCommit))].join(', ')}`;
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const t of items) groups.set(key(t), [...(groups.get(key(t)) ?? []), t]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** A markdown table; `align` per column: 'l' or 'r'. */
export function markdownTable(header: readonly string[], align: string, rows: readonly (readonly (string | number)[])[]): string {
  const sep = [...align].map((a) => (a === 'r' ? '---:' : ':---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/**
 * One-sided upper confidence bound of a binomial rate (Clopper–Pearson): the largest p with
 * P(X ≤ k | n, p) ≥ 1 − confidence. 0 of 100 is still "up to 3.0%" at 95%.
 */
export function upperBound(k: number, n: number, confidence = 0.95): number {
  if (n === 0) return 1;
  if (k >= n) return 1;
  const cdf = (p: number) => {
    // P(X ≤ k), summed in log space for large n.
    let sum = 0;
    let logTerm = n * Math.log1p(-p); // i = 0
    for (let i = 0; i <= k; i++) {
      sum += Math.exp(logTerm);
      logTerm += Math.log((n - i) / (i + 1)) + Math.log(p) - Math.log1p(-p);
    }
    return sum;
  };
  let lo = k / n;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) >= 1 - confidence) lo = mid;
    else hi = mid;
  }
  return lo;
}
