// `baseline.source: rerun` end to end, through the built CLI: a git repository whose head commit adds
// CPU to every request; perfgate checks the base commit out into a worktree, runs both services side by
// side, measures them round by round (by default one after the other in random order; or both under
// load at once, then head alone for its budgets), and compares them paired.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { helloServer, repoRoot, runCli, tempDir } from './helpers.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** A repository whose service reads its per-request CPU cost from a committed file. */
function makeRepo(baseline = '{ source: rerun, ref: main }', scenario = '{ path: /fast }', connections = 2): { dir: string; baseSha: string } {
  const dir = tempDir('perfgate-rerun-');
  cpSync(helloServer, path.join(dir, 'server.js'));
  writeFileSync(path.join(dir, 'spin-us'), '0\n');
  writeFileSync(
    path.join(dir, 'perfgate.yml'),
    `service:
  start: HELLO_SPIN_US=$(cat spin-us) exec node server.js
  env: { PORT: "\${PERFGATE_PORT}" }
  ready: { url: "http://127.0.0.1:\${PERFGATE_PORT}/health", timeout: 10s }
defaults:
  load: { connections: ${connections}, duration: 0.3s, warmup: 0.2s }
  rounds: 8
scenarios:
  - name: fast endpoint
    request: ${scenario}
baseline: ${baseline}
failOn: [regression]
`,
  );
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-q', '-m', 'base');
  const baseSha = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', '-b', 'feature');
  // 300 µs of CPU per request: far beyond any noise on a sub-millisecond endpoint.
  writeFileSync(path.join(dir, 'spin-us'), '300\n');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-q', '-am', 'slower');
  return { dir, baseSha };
}

describe('perfgate run with baseline.source: rerun', () => {
  test('measures base and head side by side in simultaneous rounds, then head alone, and flags the slowdown', async () => {
    const { dir, baseSha } = makeRepo('{ source: rerun, ref: main, schedule: simultaneous }');
    const out = path.join(dir, 'out', 'results.json');
    const res = await runCli(['run', '-c', path.join(dir, 'perfgate.yml'), '--out', out], { cwd: dir, env: { GITHUB_SHA: '' } });
    assert.equal(res.code, 1, `a 300 µs/request slowdown must fail the run\n${res.stderr}`);
    assert.match(res.stderr, /base: starting/);
    assert.match(res.stderr, /head: starting/);

    const results = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(results.meta.mode, 'rerun');
    assert.equal(results.meta.schedule, 'simultaneous');
    assert.match(res.stderr, /warm-up 0.2s \(base and head at once\)/);
    assert.equal(results.base.commit, baseSha, 'the base side is the merge-base with the configured ref');
    const headRounds = results.scenarios[0].load.rounds;
    const baseRounds = results.base.scenarios[0].load.rounds;
    assert.equal(headRounds.length, 8);
    assert.equal(baseRounds.length, 8);
    assert.ok(headRounds.every((r: { side: string }) => r.side === 'head'));
    assert.ok(baseRounds.every((r: { side: string }) => r.side === 'base'));
    // CPU per request is the service's own: head pays the 300 µs spin, base does not.
    assert.ok(results.scenarios[0].load.cpuUsPerRequest > results.base.scenarios[0].load.cpuUsPerRequest + 200);
    // Rounds of head alone (a quarter of the rounds, at least 3) carry its absolute numbers.
    const solo = results.scenarios[0].solo;
    assert.equal(solo.rounds.length, 3);
    assert.match(res.stderr, /head alone 3\/3 \(budgets\)/);
    assert.ok(solo.cpuUsPerRequest > 300, `head alone still pays its spin: ${solo.cpuUsPerRequest} µs/request`);
    assert.equal(results.base.scenarios[0].solo, undefined, 'the base is only measured paired');

    assert.match(res.stdout, /regressed|❌/);
    assert.match(res.stdout, /paired/i, 'the report says how it was measured');
    // The worktree is removed afterwards: only the main checkout is left.
    assert.equal(git(dir, 'worktree', 'list').split('\n').length, 1);
  });

  test('the default schedule, alternating, runs the sides one after the other and keeps no solo rounds', async () => {
    const { dir } = makeRepo();
    const out = path.join(dir, 'out', 'results.json');
    const res = await runCli(['run', '-c', path.join(dir, 'perfgate.yml'), '--out', out], { cwd: dir, env: { GITHUB_SHA: '' } });
    assert.equal(res.code, 1, `a 300 µs/request slowdown must fail the run\n${res.stderr}`);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(results.meta.schedule, 'alternating');
    assert.equal(results.scenarios[0].solo, undefined);
    assert.match(res.stderr, /head warm-up 0.2s/);
    assert.match(res.stderr, /base warm-up 0.2s/);
    // baseline.turns defaults to 4: each side's round is four turns, ABBA…, merged.
    assert.match(res.stdout, /one after the other, 4 turns each per round \(ABBA… from a random start\)/);
    // 8 fixed rounds (rounds written without maxRounds), and the results say so.
    assert.deepEqual(
      { rounds: results.scenarios[0].stop.rounds, reason: results.scenarios[0].stop.reason, looks: results.scenarios[0].stop.looks, turns: results.scenarios[0].stop.turns },
      { rounds: 8, reason: 'fixed', looks: 1, turns: 4 },
    );
    for (const side of [results.scenarios[0], results.base.scenarios[0]]) {
      for (const round of side.load.rounds) assert.equal(round.turns, 4, JSON.stringify(round));
    }
    assert.match(res.stderr, /measured 8 alternating rounds of 4 turns \(fixed\)/);
  });

  test('adaptive rounds: with maxRounds, blocks of rounds run until the verdicts are conclusive or maxRounds is reached', async () => {
    const { dir } = makeRepo('{ source: rerun, ref: main }');
    const config = path.join(dir, 'perfgate.yml');
    // A second scenario, measured on the process pair the first one's last restart left running.
    writeFileSync(
      config,
      readFileSync(config, 'utf8')
        .replace('  rounds: 8\n', '  rounds: 6\n  maxRounds: 18\n')
        .replace('    request: { path: /fast }\n', '    request: { path: /fast }\n  - name: fast again\n    request: { path: /fast }\n'),
    );
    const out = path.join(dir, 'out', 'results.json');
    const res = await runCli(['run', '-c', config, '--out', out, '--keep-logs'], { cwd: dir, env: { GITHUB_SHA: '' } });
    assert.equal(res.code, 1, res.stderr);
    const stop = JSON.parse(readFileSync(out, 'utf8')).scenarios[0].stop;
    assert.equal(stop.schedule, 'alternating');
    assert.equal(stop.maxLooks, 3);
    assert.equal(stop.rounds, stop.looks * 6, `rounds come in blocks of 6: ${JSON.stringify(stop)}`);
    // The 300 µs spin fails the check: measuring ends at the look that found it and its effect on
    // rps and p50, or at maxRounds; either way the results and the progress say what regressed.
    assert.ok(['regressed', 'max-rounds'].includes(stop.reason), JSON.stringify(stop));
    assert.ok(stop.regressed.includes('CPU/req'), JSON.stringify(stop));
    assert.match(res.stderr, /(regression found|maxRounds reached) after \d+ alternating rounds of 4 turns(?: from \d+ process pairs)?(?: \(\d+ looks\))?: [^\n]*CPU\/req[^\n]* regressed/);
    assert.ok(stop.confidence > 0.99, 'each look is stricter than a single look would be');
    // 6 pairs cannot give a 99% interval: the first look is inconclusive, so a second block runs.
    assert.ok(stop.looks >= 2, JSON.stringify(stop));
    assert.match(res.stderr, /inconclusive after 6 rounds: measuring 6 more/);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(results.scenarios[0].load.rounds.length, stop.rounds);
    assert.equal(results.base.scenarios[0].load.rounds.length, stop.rounds);

    // baseline.restarts (default auto): this service boots and warms up in well under a block's
    // time, so both sides restart before every block, and each block's rounds name their pair.
    assert.equal(stop.processPairs, stop.looks, JSON.stringify(stop));
    assert.ok(stop.restartMs > 0, JSON.stringify(stop));
    for (const side of [results.scenarios[0], results.base.scenarios[0]]) {
      assert.deepEqual(
        side.load.rounds.map((r: { processPair: number }) => r.processPair),
        side.load.rounds.map((_: unknown, i: number) => Math.floor(i / 6) + 1),
      );
    }
    assert.match(res.stderr, /restarted head and base for the next block \(process pair 2\): [\d.]+ s with the warm-up/);
    assert.match(res.stdout, new RegExp(`both restarted between blocks of rounds \\(up to ${stop.processPairs} process pairs per scenario\\)`));
    assert.match(res.stderr, new RegExp(`after ${stop.rounds} alternating rounds of ${stop.turns} turns from ${stop.processPairs} process pairs`));
    // Real restarts: each side's log holds one start per pair, and the run's passes list only the
    // first boot of each side.
    const logDir = /service and build logs kept in (\S+)/.exec(res.stderr)?.[1];
    assert.ok(logDir, res.stderr);
    // The second scenario ran on the sides the first one restarted: its first block needed no boot.
    const second = results.scenarios[1];
    assert.equal(second.error, undefined, JSON.stringify(second));
    assert.ok(second.stop.processPairs >= 1 && second.load.rounds.length === second.stop.rounds, JSON.stringify(second.stop));
    for (const side of ['head', 'base']) {
      const starts: string[] = readFileSync(path.join(logDir, `${side}-service.log`), 'utf8').match(/hello-server listening on/g) ?? [];
      assert.equal(starts.length, stop.processPairs + second.stop.processPairs - 1, `${side} log`);
    }
    assert.equal(results.meta.passes.length, 2, JSON.stringify(results.meta.passes));
  });

  test('baseline.turns: each side takes its turns in ABBA order within a round, merged into one round per side', async () => {
    const { dir } = makeRepo('{ source: rerun, ref: main, turns: 3 }');
    const out = path.join(dir, 'out', 'results.json');
    const res = await runCli(['run', '-c', path.join(dir, 'perfgate.yml'), '--out', out], { cwd: dir, env: { GITHUB_SHA: '' } });
    assert.equal(res.code, 1, `a 300 µs/request slowdown must fail the run\n${res.stderr}`);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    const [head, base] = [results.scenarios[0], results.base.scenarios[0]];
    assert.equal(head.stop.turns, 3);
    assert.equal(head.load.rounds.length, 8);
    for (const side of [head, base]) {
      for (const round of side.load.rounds) {
        assert.equal(round.turns, 3, JSON.stringify(round));
        // Three turns of 0.1 s each, every one drained: the round lasts a little over 0.3 s.
        assert.ok(round.durationMs >= 300 && round.durationMs < 600, JSON.stringify(round));
      }
    }
    assert.match(res.stderr, /measured 8 alternating rounds of 3 turns \(fixed\)/);
    assert.match(res.stdout, /one after the other, 3 turns each per round \(ABBA… from a random start\)/);
    // The merged rounds still carry the change: head's CPU per request is above base's in every round.
    const cpu = (side: { load: { rounds: { cpuUsPerRequest: number }[] } }) => side.load.rounds.map((r) => r.cpuUsPerRequest);
    assert.ok(cpu(head).every((c: number, i: number) => c > cpu(base)[i]!), JSON.stringify([cpu(head), cpu(base)]));
  });

  test('baseline.turns on an endpoint too slow for them: fewer turns, and the progress output and report say why', async () => {
    // One connection to a 5 ms endpoint completes at most 200 requests/s: a 0.3 s round holds at most
    // 60, too few for two turns of 40, so the four configured become one.
    const { dir } = makeRepo('{ source: rerun, ref: main, turns: 4 }', '{ path: /slow }', 1);
    const out = path.join(dir, 'out', 'results.json');
    const res = await runCli(['run', '-c', path.join(dir, 'perfgate.yml'), '--out', out], { cwd: dir, env: { GITHUB_SHA: '' } });
    assert.ok(res.code === 0 || res.code === 1, res.stderr);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    const [head, base] = [results.scenarios[0], results.base.scenarios[0]];
    assert.equal(head.stop.turns, undefined, JSON.stringify(head.stop));
    assert.match(head.stop.roundSizing, /^1 turn per side and round instead of 4: a round completes about \d+ requests at the warm-up's \d+ requests\/s, and a turn should complete 40$/);
    assert.equal(head.load.rounds.length, 8);
    for (const side of [head, base]) {
      for (const round of side.load.rounds) assert.equal(round.turns, undefined, JSON.stringify(round));
    }
    assert.match(res.stderr, /1 turn per side and round instead of 4/);
    assert.match(res.stderr, /measured 8 alternating rounds \(fixed\)/);
    assert.match(res.stdout, /1 turn per side and round instead of 4/);
  });

  test('baseline.restarts: never keeps one process pair for every block', async () => {
    const { dir } = makeRepo('{ source: rerun, ref: main, restarts: never }');
    const config = path.join(dir, 'perfgate.yml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('  rounds: 8\n', '  rounds: 6\n  maxRounds: 18\n'));
    const out = path.join(dir, 'out', 'results.json');
    const res = await runCli(['run', '-c', config, '--out', out], { cwd: dir, env: { GITHUB_SHA: '' } });
    assert.equal(res.code, 1, res.stderr);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    const stop = results.scenarios[0].stop;
    assert.ok(stop.looks >= 2, JSON.stringify(stop));
    assert.equal(stop.processPairs, 1, JSON.stringify(stop));
    assert.equal(stop.restartMs, undefined);
    assert.ok(results.scenarios[0].load.rounds.every((r: { processPair: number }) => r.processPair === 1));
    assert.doesNotMatch(res.stderr, /restarted head and base/);
    assert.doesNotMatch(res.stdout, /restarted between blocks/);
  });

  test('a ref that does not exist is an environment error (exit 3) that says how to fix it', async () => {
    const { dir } = makeRepo();
    const config = path.join(dir, 'perfgate.yml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('ref: main', 'ref: no-such-branch'));
    const out = path.join(dir, 'results.json');
    const res = await runCli(['run', '-c', config, '--out', out], { cwd: dir });
    assert.equal(res.code, 3, res.stderr);
    assert.match(res.stderr, /no-such-branch/);
    assert.match(res.stderr, /fetch-depth: 0|baseline\.ref/);
    assert.ok(!existsSync(path.join(dir, '.git', 'worktrees')) || git(dir, 'worktree', 'list').split('\n').length === 1);
  });

  test('SIGTERM while both sides run removes the base worktree too', async () => {
    const { dir } = makeRepo();
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/perfgate.js'), 'run', '-c', path.join(dir, 'perfgate.yml'), '--out', path.join(dir, 'r.json')], {
      cwd: dir,
      env: { ...process.env, GITHUB_SHA: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/base: ready in [\d.]+ s at/.test(stderr) && child.exitCode === null && !child.killed) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 143, stderr);
    const checkout = /base: checking out \S+ \(\w+\) into (\S+)/.exec(stderr)?.[1];
    assert.ok(checkout, stderr);
    assert.equal(existsSync(checkout), false, 'the checkout is gone');
    assert.equal(git(dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length, 1, 'only the main worktree is left');
  });
});
