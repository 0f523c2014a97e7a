// The benches' view of /proc (Linux): bench/proc-tree.cjs (the process tree and CPU ticks),
// bench/other-cpu.ts (cores used by the bench and beside it, in every ledger line) and
// bench/placement-sampler.cjs (which threads ran where, for bench/placement.ts), run against
// processes started here and read from this machine's real /proc.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from '@jest/globals';
import { sampleOtherCpu } from '../../bench/other-cpu.js';
import { descendsFrom, readProcesses, statFields } from '../../bench/proc-tree.cjs';
import { repoRoot, tempDir } from '../cli/helpers.js';

/** Works ~5 ms of every 20 ms for `ms`, then exits: CPU the samplers must see, without taking a core. */
const WORKER = (ms: number) =>
  `const end = Date.now() + ${ms}; const t = setInterval(() => { const s = Date.now(); while (Date.now() - s < 5); if (Date.now() > end) clearInterval(t); }, 20);`;

const started: ChildProcess[] = [];
const start = (args: string[], env: NodeJS.ProcessEnv = process.env, stdio: StdioOptions = 'ignore') => {
  const child = spawn(process.execPath, args, { env, stdio });
  started.push(child);
  return child;
};
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('bench/proc-tree.cjs', () => {
  test('reads the fields after a command name that holds spaces and parentheses', () => {
    const fields = statFields('4242 (node (x) y) S 17 4242 4242 0 -1 4194304 100 0 0 0 250 30 0');
    assert.equal(fields[0], 'S');
    assert.equal(fields[1], '17');
    assert.equal(Number(fields[11]) + Number(fields[12]), 280);
  });

  test('sees this process, its parent and a child it started, and who descends from whom', async () => {
    const child = start(['-e', 'setTimeout(() => {}, 10000)']);
    await new Promise((r) => child.once('spawn', r));
    const procs = readProcesses();
    assert.equal(procs.get(process.pid)?.ppid, process.ppid);
    assert.ok((procs.get(process.pid)?.ticks ?? -1) >= 0);
    assert.equal(procs.get(child.pid!)?.ppid, process.pid);
    assert.equal(descendsFrom(child.pid!, process.pid, procs), true);
    assert.equal(descendsFrom(process.pid, process.pid, procs), true);
    assert.equal(descendsFrom(process.pid, child.pid!, procs), false);
    assert.equal(descendsFrom(1, process.pid, procs), false);
  });
});

describe('bench/other-cpu.ts', () => {
  test("charges a child's CPU to the bench, not to the machine beside it", async () => {
    const sampler = sampleOtherCpu(100);
    const before = readProcesses().get(process.pid)!.ticks;
    // The child reports the CPU it used as it exits, so the test knows what "ours" must hold.
    const report = "process.on('exit', () => { const u = process.cpuUsage(); process.stdout.write(String(u.user + u.system)); });";
    const child = start(['-e', `${WORKER(1500)} ${report}`], process.env, ['ignore', 'pipe', 'ignore']);
    let childOutput = '';
    child.stdout!.on('data', (chunk: Buffer) => (childOutput += chunk));
    // 'close', not 'exit': the child's last write may still be in the pipe when it has exited.
    await new Promise((resolve) => child.once('close', resolve));
    const cpu = sampler.stop();
    assert.ok(cpu, 'no /proc: this bench tooling is Linux only');
    assert.ok(cpu.seconds >= 1.4, JSON.stringify(cpu));
    const ownTicks = readProcesses().get(process.pid)!.ticks - before;
    const childTicks = Number(childOutput) / 10_000;
    assert.ok(childTicks >= 20, `the child used only ${childTicks} ticks: too little to tell`);
    // "Ours" holds this process's ticks and the child's, less the child's last 100 ms interval (at
    // most 10 ticks), the rounding of ownCores and seconds (under 3 ticks here) and /proc's whole
    // ticks (1); charging the child to "other" would leave it short by all the child's (≥ 20).
    const ownSeen = cpu.ownCores * cpu.seconds * 100;
    assert.ok(ownSeen >= ownTicks + childTicks - 14, `${JSON.stringify(cpu)}: ${ownSeen.toFixed(1)} ticks seen, this process used ${ownTicks}, the child ${childTicks}`);
  });
});

describe('bench/placement-sampler.cjs', () => {
  test('writes the threads of the tree it watches, their runs, the CPUs and its own cost, and stops with the root', async () => {
    // A root (the bench's place) starting a service that says it is head, as perfgate's sides do.
    const root = start([
      '-e',
      `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(WORKER(2500))}], { env: { ...process.env, PERFGATE_SIDE: 'head' }, stdio: 'ignore' }); c.on('exit', () => process.exit(0));`,
    ]);
    await new Promise((r) => root.once('spawn', r));
    const out = path.join(tempDir('perfgate-trace-'), 'trace.jsonl');
    const sampler = start([path.join(repoRoot, 'bench', 'placement-sampler.cjs'), String(root.pid), out, '50']);
    const timeout = setTimeout(() => sampler.kill('SIGKILL'), 15_000);
    const code = await exited(sampler);
    clearTimeout(timeout);
    assert.equal(code, 0, 'the sampler did not stop on its own once the root was gone');

    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown[]);
    const threads = lines.filter((l) => l[0] === 't') as [string, number, number, string, string][];
    assert.ok(threads.some(([, tid, pid, role]) => tid === root.pid && pid === root.pid && role === 'generator'), JSON.stringify(threads));
    const head = threads.filter(([, , pid, role]) => role === 'head' && pid !== root.pid);
    assert.ok(head.length > 0, JSON.stringify(threads));
    const headTids = new Set(head.map(([, tid]) => tid));
    const runs = lines.filter((l) => l[0] === 'r' && headTids.has(l[2] as number)) as [string, number, number, number, number, number][];
    assert.ok(runs.length > 0, 'no samples of the head service');
    for (const [, ms, , cpu, run, wait] of runs) {
      assert.ok(ms > 0 && cpu >= 0 && run > 0 && wait >= 0, JSON.stringify(runs));
    }
    assert.ok(lines.some((l) => l[0] === 'c' && Array.isArray(l[2])), 'no per-CPU lines');
    const own = lines.at(-1)!;
    assert.equal(own[0], 's', 'the last line is the sampler\'s own cost');
    assert.ok((own[2] as number) > 0 && (own[3] as number) > 0, JSON.stringify(own));
  });
});
