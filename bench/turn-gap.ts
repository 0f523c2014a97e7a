// What a turn costs beyond its load: the time between one side's turn and the next that measures
// nothing. Through `perfgate run` itself (the built CLI, bin/perfgate.js), on a scratch repository
// whose base and head run the same tiny service: the same fixed rounds are measured with
// `baseline.turns: 1` and with `turns: N`, in alternating runs, and the extra wall time that the extra
// turns' load (their sending windows and drains) does not explain is divided by the number of extra
// turns. Also reports the load generator's own CPU per request (rounds' clientCpuUsPerRequest), which
// a change to how the generator runs must not raise.
//
//   node --import tsx bench/turn-gap.ts [--reps 3] [--rounds 20] [--turns 4] [--neighbour-seed N] [--json]
//
// --neighbour-seed runs it all beside the noisy neighbour (bench/noisy-neighbour.ts) with that seed.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startNoisyNeighbour } from './noisy-neighbour.js';
import { median } from './peers.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repoRoot, 'bin/perfgate.js');
const helloServer = path.join(repoRoot, '__tests__/cli/fixtures/hello-server.js');

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '20' },
    turns: { type: 'string', default: '4' },
    'neighbour-seed': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const reps = Number(args.reps);
const rounds = Number(args.rounds);
const turns = Number(args.turns);
if (!(turns >= 2)) throw new Error('--turns must be 2 or more (it is compared with one turn)');

function git(cwd: string, ...gitArgs: string[]): void {
  execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...gitArgs], { cwd, stdio: 'ignore' });
}

/** A repository whose base and head serve the same endpoint; only a text file differs. */
function makeRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-turn-gap-'));
  cpSync(helloServer, path.join(dir, 'server.js'));
  for (const n of [1, turns]) {
    writeFileSync(
      path.join(dir, `perfgate-${n}.yml`),
      `service:
  start: exec node server.js
  env: { PORT: "\${PERFGATE_PORT}" }
  ready: { url: "http://127.0.0.1:\${PERFGATE_PORT}/health", timeout: 10s }
defaults:
  rounds: ${rounds}
scenarios:
  - name: fast endpoint
    request: { path: /fast }
baseline: { source: rerun, ref: main, schedule: alternating, restarts: never, turns: ${n} }
failOn: []
`,
    );
  }
  writeFileSync(path.join(dir, 'README'), 'base\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  writeFileSync(path.join(dir, 'README'), 'head\n');
  git(dir, 'commit', '-q', '-am', 'head');
  return dir;
}

interface Run {
  turns: number;
  wallMs: number;
  /** Sum of both sides' round lengths (sending windows and drains). */
  loadMs: number;
  clientCpuUsPerRequest: number;
}

interface RoundLike {
  durationMs: number;
  clientCpuUsPerRequest?: number;
}

function runOnce(dir: string, n: number): Run {
  const out = path.join(dir, `out-${n}`, 'results.json');
  const started = performance.now();
  const res = spawnSync(process.execPath, [cli, 'run', '-c', path.join(dir, `perfgate-${n}.yml`), '--out', out], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_SHA: '' },
  });
  const wallMs = performance.now() - started;
  if (res.status !== 0) throw new Error(`perfgate run (turns ${n}) exited ${res.status}:\n${res.stderr.slice(-2000)}`);
  const results = JSON.parse(readFileSync(out, 'utf8'));
  const sides: { load: { rounds: RoundLike[] } }[] = [results.scenarios[0], results.base.scenarios[0]];
  const all = sides.flatMap((s) => s.load.rounds);
  if (all.length !== 2 * rounds) throw new Error(`expected ${rounds} rounds per side, got ${all.length / 2}`);
  return {
    turns: n,
    wallMs,
    loadMs: all.reduce((s, r) => s + r.durationMs, 0),
    clientCpuUsPerRequest: median(all.map((r) => r.clientCpuUsPerRequest ?? NaN).filter(Number.isFinite)),
  };
}

const dir = makeRepo();
const runs: Run[] = [];
const neighbour = args['neighbour-seed'] === undefined ? undefined : startNoisyNeighbour({ seed: Number(args['neighbour-seed']) });
try {
  for (let rep = 0; rep < reps; rep++) {
    // Alternate which goes first, so a drift in the machine's speed hits both alike.
    const order = rep % 2 === 0 ? [1, turns] : [turns, 1];
    for (const n of order) {
      const run = runOnce(dir, n);
      runs.push(run);
      process.stderr.write(`rep ${rep + 1}/${reps}, ${n} turn(s): wall ${(run.wallMs / 1000).toFixed(1)} s, load ${(run.loadMs / 1000).toFixed(1)} s\n`);
    }
  }
} finally {
  await neighbour?.stop();
  rmSync(dir, { recursive: true, force: true });
}

// Each rep pairs the two runs it made: the per-turn gap from each pair, then the median.
const extraTurns = rounds * 2 * (turns - 1);
const gaps: number[] = [];
for (let rep = 0; rep < reps; rep++) {
  const pair = runs.slice(rep * 2, rep * 2 + 2);
  const one = pair.find((r) => r.turns === 1)!;
  const many = pair.find((r) => r.turns === turns)!;
  gaps.push((many.wallMs - one.wallMs - (many.loadMs - one.loadMs)) / extraTurns);
}
const of = (n: number) => runs.filter((r) => r.turns === n);
const summary = {
  rounds,
  turns,
  reps,
  gapPerTurnMs: median(gaps),
  gapsPerTurnMs: gaps,
  wallSeconds: { one: median(of(1).map((r) => r.wallMs / 1000)), many: median(of(turns).map((r) => r.wallMs / 1000)) },
  clientCpuUsPerRequest: { one: median(of(1).map((r) => r.clientCpuUsPerRequest)), many: median(of(turns).map((r) => r.clientCpuUsPerRequest)) },
};
if (args.json) {
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} else {
  console.log(`${rounds} rounds per side, 1 turn vs ${turns} turns, ${reps} reps (medians)${neighbour ? `, beside the noisy neighbour (seed ${args['neighbour-seed']})` : ''}`);
  console.log(`time between turns that measures nothing: ${summary.gapPerTurnMs.toFixed(1)} ms per extra turn (per rep: ${gaps.map((g) => g.toFixed(1)).join(', ')})`);
  console.log(`wall: ${summary.wallSeconds.one.toFixed(1)} s with 1 turn, ${summary.wallSeconds.many.toFixed(1)} s with ${turns}`);
  console.log(`load generator CPU per request: ${summary.clientCpuUsPerRequest.one.toFixed(1)} µs with 1 turn, ${summary.clientCpuUsPerRequest.many.toFixed(1)} µs with ${turns}`);
}
