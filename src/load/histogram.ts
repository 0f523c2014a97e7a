// Latency histograms in integer microseconds. autocannon's own histogram has a lowest value of 1 ms, so
// a 0.4 ms endpoint reads p50 = 0 there; we record autocannon's fractional-ms response times here.
// Pure: no I/O. Uses hdr-histogram-js's pure-JS build (WebAssembly is opt-in and would complicate the
// bundle for ~70 ns/record we do not need to save).
import * as hdr from 'hdr-histogram-js';
import type { LatencyUs, RoundResult } from '../results/types.js';

export type LatencyHistogram = hdr.Histogram;

/** 1 µs .. 60 s at 3 significant digits (0.1% resolution): ~70 KB per histogram. */
export function createLatencyHistogram(): LatencyHistogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
    // A response slower than 60 s (a timeout far above the default) must not throw mid-run.
    autoResize: true,
    useWebAssembly: false,
  });
}

export function percentilesOf(histogram: LatencyHistogram): LatencyUs {
  if (histogram.totalCount === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
  // A percentile reads the top of its bucket (up to 0.1% above the values in it) while maxValue is
  // the largest value recorded; clamp so a report never shows p99 > max.
  const max = histogram.maxValue;
  const at = (percentile: number) => Math.min(histogram.getValueAtPercentile(percentile), max);
  return { p50: at(50), p90: at(90), p99: at(99), max };
}

/** A new histogram holding every value of the inputs; the inputs are left untouched. */
export function mergeHistograms(histograms: readonly LatencyHistogram[]): LatencyHistogram {
  const merged = createLatencyHistogram();
  for (const h of histograms) merged.add(h);
  return merged;
}

// Round results are plain data that go into results JSON; the histogram behind each one stays in
// memory beside it so aggregating rounds can merge exact distributions instead of averaging
// percentiles. A WeakMap keeps it off the serialized object and lets it go with the round.
const histogramOfRound = new WeakMap<RoundResult, LatencyHistogram>();

export function attachHistogram(round: RoundResult, histogram: LatencyHistogram): void {
  histogramOfRound.set(round, histogram);
}

/** The µs histogram a round was computed from, when this process measured it. */
export function histogramOf(round: RoundResult): LatencyHistogram | undefined {
  return histogramOfRound.get(round);
}
