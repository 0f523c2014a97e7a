// The raw directory a bench/verdicts-aa-power.ts sitting writes (--raw): perfgate results files named
// `<condition slug>-<n>.json` and `conditions.json`, the display name of each slug. The analyses of a
// sitting (verdicts-measured-rules.ts, process-pairs.ts, interval-dispersion.ts) read it through here.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Results, RoundResult } from '../src/results/types.js';

export interface ConditionManifest {
  /** File-name prefix of the condition's results files. */
  slug: string;
  name: string;
}

export interface RawResultsFile {
  /** The file's name in the directory. */
  file: string;
  /** The condition's slug, the file name without `-<n>.json`. */
  slug: string;
  results: Results;
}

/** The directory's conditions.json, or none (every file then stands for itself). */
export function readManifest(dir: string): ConditionManifest[] {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'conditions.json'), 'utf8')) as ConditionManifest[];
  } catch {
    return [];
  }
}

/** The results files in name order; with a condition's display name, only that condition's. */
export function readResultsFiles(dir: string, condition?: string): RawResultsFile[] {
  let slug: string | undefined;
  if (condition !== undefined) {
    slug = readManifest(dir).find((m) => m.name === condition)?.slug;
    if (!slug) throw new Error(`no condition named ${condition} in ${dir}/conditions.json`);
  }
  return readdirSync(dir)
    .filter((f) => /-\d+\.json$/.test(f))
    .sort()
    .map((f) => ({ file: f, slug: f.replace(/-\d+\.json$/, '') }))
    .filter((f) => slug === undefined || f.slug === slug)
    .map((f) => ({ file: f.file, slug: f.slug, results: JSON.parse(readFileSync(path.join(dir, f.file), 'utf8')) as Results }));
}

/** Load time of one paired round (both turns, their drains included), in seconds. */
export const pairSeconds = (h: RoundResult, b: RoundResult) => (h.durationMs + (h.drainMs ?? 0) + b.durationMs + (b.drainMs ?? 0)) / 1000;

export const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample variance (n − 1). */
export const variance = (xs: readonly number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
};
/** Pearson's r over the pairs where both values are finite. */
export function correlation(xs: readonly number[], ys: readonly number[]): number {
  const ok = xs.map((x, i) => [x, ys[i]!]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const mx = mean(ok.map((p) => p[0]!));
  const my = mean(ok.map((p) => p[1]!));
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of ok) {
    sxy += (x! - mx) * (y! - my);
    sxx += (x! - mx) ** 2;
    syy += (y! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** A log-ratio or fraction as a signed percentage with a true minus sign: +1.2%, −0.4%. */
export const signedPercent = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)}%`;
