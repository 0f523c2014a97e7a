// Types of bench/proc-tree.cjs for the TypeScript benches.
export interface ProcSample {
  ppid: number;
  /** utime + stime, in USER_HZ ticks. */
  ticks: number;
}
export function statFields(text: string): string[];
export function readProcesses(): Map<number, ProcSample>;
export function descendsFrom(pid: number, root: number, procs: ReadonlyMap<number, ProcSample>): boolean;
