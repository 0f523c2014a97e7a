// perfgate's own time in an action run, beyond the service's boot: from the action process's start
// to the service's first request (other than /health), and from its last request to the process's
// exit. The e2e harness runs the built bundle as the runner does, against the fake GitHub; the
// fixture service records when its process started, when it listened, and its first and last
// request. Measured for a push (baseline upload) and a pull request (baseline download, compare,
// comment), and a bare start (the bundle loading and exiting on a missing GITHUB_REPOSITORY).
//   node --import tsx bench/action-overhead.ts [--rounds 5] [--peer /path/to/other/dist/index.js] [--cpu] [--prof DIR]
// With --peer, the other bundle runs in the same rounds, alternating, so machine noise hits both.
// With --cpu, a preload (bench/cpu-trace.cjs) samples the action's CPU time: the same two spans in
// CPU ms, which a busy machine stretches far less than wall time. With --prof DIR, each action run
// writes a V8 CPU profile there (node --cpu-prof; open in Chrome's DevTools).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../src/compare/stats.js';
import { FakeGitHub, TOKEN } from '../__tests__/github/fake-github/server.js';
import { makeWorkspace, runAction, type ActionRun } from '../__tests__/github/fake-github/harness.js';
import { pullRequestEvent, pushEvent } from '../__tests__/github/fake-github/payloads.js';
import { freePort } from '../__tests__/helpers/ports.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const ROUNDS = Number(arg('rounds') ?? 5);
const CPU = process.argv.includes('--cpu');
const PROF = arg('prof');
const bundles: Record<string, string> = { dist: path.join(root, 'dist/index.js') };
if (arg('peer')) bundles.peer = path.resolve(arg('peer')!);

interface Overhead {
  beforeFirst: number;
  afterLast: number;
  serviceBoot: number;
  /** CPU ms (all threads) before the first request and after the last one, with --cpu. */
  cpuBeforeFirst?: number;
  cpuAfterLast?: number;
}

function overhead(run: ActionRun, timesFile: string, cpuFile: string): Overhead {
  const lines = readFileSync(timesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const boot = lines.find((l) => l.listening);
  const reqs = lines.find((l) => l.firstRequest);
  if (!boot || !reqs?.firstRequest) throw new Error(`no service timestamps in ${timesFile}:\n${run.stdout.slice(-3000)}`);
  const serviceBoot = boot.listening - boot.started;
  const wall = { beforeFirst: reqs.firstRequest - run.startedAt - serviceBoot, afterLast: run.exitedAt - reqs.lastRequest, serviceBoot };
  if (!CPU) return wall;
  const samples: [number, number][] = JSON.parse(readFileSync(cpuFile, 'utf8'));
  const cpuAt = (t: number) => (samples.filter(([at]) => at <= t).pop() ?? samples[0]!)[1];
  return { ...wall, cpuBeforeFirst: cpuAt(reqs.firstRequest), cpuAfterLast: samples[samples.length - 1]![1] - cpuAt(reqs.lastRequest) };
}

/** Wall and CPU (user + system) ms of the bundle loading and exiting; CPU suffers less from a busy machine. */
function bare(bundle: string): { wall: number; cpu: number } {
  const t = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, bundle], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
  const wall = Date.now() - t;
  const [user, sys] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { wall, cpu: ((user ?? NaN) + (sys ?? NaN)) * 1000 };
}

const fake = new FakeGitHub();
await fake.start();
const workspace = await makeWorkspace(await freePort());
// The fake checks each answer against GitHub's 13 MB OpenAPI description, parsed on first use and
// compiled per operation: warm it up with the calls a PR run makes, so the fake's own start-up is
// not counted as perfgate's.
{
  const warm = fake.startRun({ event: 'push', headSha: 'f'.repeat(40), headBranch: 'main' });
  const headers = { authorization: `token ${TOKEN}` };
  for (const p of [`actions/runs/${warm.id}`, 'actions/workflows/161335/runs?status=success', `actions/runs/${warm.id}/artifacts`, 'issues/1/comments']) {
    await fetch(`${fake.url}/repos/Codertocat/Hello-World/${p}`, { headers }).then((r) => r.arrayBuffer());
  }
}
const scratch = mkdtempSync(path.join(os.tmpdir(), 'perfgate-overhead-'));
const sha = (c: string) => c.repeat(40);
const samples: Record<string, Record<string, Overhead[]>> = {};
const bareMs: Record<string, { wall: number; cpu: number }[]> = {};
let n = 0;

async function measure(name: string, bundle: string, kind: 'push' | 'pr'): Promise<void> {
  const timesFile = path.join(scratch, `times-${++n}`);
  const cpuFile = path.join(scratch, `cpu-${n}`);
  const prof = PROF ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(PROF), '--cpu-prof-name', `${name}-${kind}-${n}.cpuprofile`] : [];
  const entry = [...prof, ...(CPU ? ['--require', path.join(root, 'bench/cpu-trace.cjs')] : []), bundle];
  const common = { fake, workspace, token: TOKEN, entry, env: { PERFGATE_E2E_TIMES: timesFile, PERFGATE_BENCH_CPU_TRACE: cpuFile } };
  let r: ActionRun;
  if (kind === 'push') {
    const run = fake.startRun({ event: 'push', headSha: sha('a'), headBranch: 'main' });
    r = await runAction({ ...common, eventName: 'push', payload: pushEvent(sha('a')), sha: sha('a'), ref: 'refs/heads/main', runId: run.id });
    fake.completeRun(run.id, r.code === 0 ? 'success' : 'failure');
  } else {
    const shape = { number: 100 + n, headSha: sha('b'), headRef: `b${n}`, baseSha: sha('a') };
    fake.addPull(shape);
    const run = fake.startRun({ event: 'pull_request', headSha: shape.headSha, headBranch: shape.headRef });
    r = await runAction({ ...common, eventName: 'pull_request', payload: pullRequestEvent(shape), sha: sha('9'), ref: `refs/pull/${shape.number}/merge`, runId: run.id });
    fake.completeRun(run.id, r.code === 0 ? 'success' : 'failure');
  }
  if (r.code !== 0) throw new Error(`${name} ${kind} exited ${r.code}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
  ((samples[name] ??= {})[kind] ??= []).push(overhead(r, timesFile, cpuFile));
}

for (let round = 0; round < ROUNDS; round++) {
  const order = Object.keys(bundles).sort(() => Math.random() - 0.5);
  for (const name of order) {
    await measure(name, bundles[name]!, 'push');
    await measure(name, bundles[name]!, 'pr');
    (bareMs[name] ??= []).push(bare(bundles[name]!));
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}
await fake.stop();
rmSync(scratch, { recursive: true, force: true });

const ms = (xs: number[]) => `${Math.round(median(xs))}`.padStart(6);
console.log(`medians of ${ROUNDS} rounds, ms (start→first request beyond the service's boot; last request→exit)`);
console.log(`bundle  job   start→first  last→exit   total  service boot   bare start+exit (CPU)${CPU ? '   CPU: start→first  last→exit  total' : ''}`);
for (const [name, byKind] of Object.entries(samples)) {
  for (const [kind, xs] of Object.entries(byKind)) {
    const total = xs.map((x) => x.beforeFirst + x.afterLast);
    const cpu = CPU
      ? `      ${ms(xs.map((x) => x.cpuBeforeFirst!))}       ${ms(xs.map((x) => x.cpuAfterLast!))}  ${ms(xs.map((x) => x.cpuBeforeFirst! + x.cpuAfterLast!))}`
      : '';
    console.log(
      `${name.padEnd(7)} ${kind.padEnd(4)} ${ms(xs.map((x) => x.beforeFirst))}       ${ms(xs.map((x) => x.afterLast))}    ${ms(total)}  ${ms(xs.map((x) => x.serviceBoot))}        ${ms(bareMs[name]!.map((b) => b.wall))} (${ms(bareMs[name]!.map((b) => b.cpu)).trim()})${cpu}`,
    );
  }
}
