// When rerun mode restarts base and head between blocks of rounds (baseline.restarts: auto).
//
// Paired rounds replicate within one process pair: every round of a scenario ran on the same head
// process and the same base process, so the interval narrows around that pair's difference, not the
// code's. Measured (docs/verdicts.md, "What the rounds replicate"): unchanged code read CPU/request
// changes that cluster per pair, run medians spread ±1.3% while scenarios within a run spread ±0.9%,
// and the inconclusive A/A comparisons sat in the pairs that differed most. A new pair per block
// turns the pair's difference into noise the rounds average out, as the repetition at the level of
// process executions in Kalibera & Jones, "Rigorous benchmarking in reasonable time" (ISMM 2013).
//
// A restart (stop, boot, warm-up) buys nothing the verdict uses until rounds have run on the pair, so
// the rule spends at most as much time restarting as measuring: a restart is due once the rounds since
// the last one took at least as long as that restart. A service that boots in a second restarts
// before every block; one that takes longer than a block restarts every few blocks. The rule reads
// only clock time, never a measured metric, so it cannot steer a verdict.

/** Whether both sides restart before the next block of rounds. */
export function restartDue(roundsSinceRestartMs: number, restartMs: number): boolean {
  return roundsSinceRestartMs >= restartMs;
}

/**
 * The time restarts add to one block on average, for planning how many blocks fit the budget: a
 * restart every ceil(restart / block) blocks, as restartDue spaces them.
 */
export function restartShareMs(restartMs: number, blockMs: number): number {
  if (restartMs <= 0 || blockMs <= 0) return 0;
  return restartMs / Math.ceil(restartMs / blockMs);
}
