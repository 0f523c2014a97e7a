// The order in which the sides take their turn, drawn afresh each time (RMIT: randomized multiple
// interleaved trials). Any fixed order gives one side a systematic position. Measured on the example
// bookshop (five A/A sittings): with the warm-ups in a fixed order (head, then base), head had sat
// idle through base's warm-up when the first round began, and in that round it cost more CPU per
// request than base in 33 of 44 scenarios that began on a warm process (median +4.7%) and in 239 of
// 418 blocks after a restart; in the later rounds 49–53% of the time (bench/process-pairs.ts, "d > 0";
// bench/results/process-pairs-2026-12-05.md). A drawn order turns that position into noise.

/** `sides` in order or reversed, with equal chance; one side (or none) comes back as it is. */
export function inRandomOrder<T>(sides: readonly T[], random: () => number = Math.random): readonly T[] {
  return sides.length > 1 && random() < 0.5 ? [...sides].reverse() : sides;
}

/**
 * The turns of an alternating round of `turns` turns per side (baseline.turns): the drawn order, then
 * its reverse, and so on (ABBA…), so neither side's turns sit earlier on average when `turns` is even,
 * and a steady drift of the machine's speed cancels within the round.
 */
export function turnSequence<T>(order: readonly T[], turns: number): T[] {
  const reversed = [...order].reverse();
  return Array.from({ length: turns }, (_, t) => (t % 2 === 0 ? order : reversed)).flat();
}
