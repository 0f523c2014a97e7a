// `--history` through the built bundle, as a user runs it: main's recent results decide whether a
// cross-run timing change can fail.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from '@jest/globals';
import type { Results } from '../../src/results/types.js';
import { mainHistory, pairedRounds, results, run, scenario } from '../compare/builders.js';
import { runCli, tempDir } from './helpers.js';

function write(dir: string, name: string, r: Results): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(r));
  return file;
}

function historyDir(runs: Results[]): string {
  const dir = path.join(tempDir(), 'history');
  mkdirSync(dir);
  runs.forEach((r, i) => write(dir, `run-${i}.json`, r));
  return dir;
}

describe('perfgate compare --history', () => {
  test('a slow runner fails against one baseline but passes against a history that moved as much', async () => {
    const history = mainHistory(8, 0.15);
    const dir = tempDir();
    const base = write(dir, 'base.json', run(0.8, 5, 50, { perRequest: 3 }));
    const head = write(dir, 'head.json', run(1.15, 6, 51, { perRequest: 3 }));
    const single = await runCli(['compare', base, head], {});
    assert.equal(single.code, 1, single.stderr);
    const res = await runCli(['compare', base, head, '--history', historyDir(history)], {});
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /#### Main's recent history/);
    assert.match(res.stdout, /judged against how much main moved over its last 9 runs/);
    assert.match(res.stdout, /- books · p50 `[▁▂▃▄▅▆▇█]{9}` → `[▁▂▃▄▅▆▇█]` \*\*/);
  });

  test('a real slowdown fails against a steady history (repeatable --history files)', async () => {
    const history = mainHistory(6, 0.03);
    const dir = tempDir();
    const files = history.map((r, i) => write(dir, `h${i}.json`, r));
    const head = write(dir, 'head.json', run(1.4, 7, 60, { perRequest: 3 }));
    const res = await runCli(['compare', files.at(-1)!, head, ...files.flatMap((f) => ['--history', f])], {});
    assert.equal(res.code, 1, res.stderr + res.stdout);
    assert.match(res.stderr, /books: CPU\/req regressed \+\d+\.\d% \(threshold 5%\)/);
  });

  test('too little history: the regression is reported, not failing, and the report says how to gate', async () => {
    const dir = tempDir();
    const base = write(dir, 'base.json', mainHistory(1, 0.03)[0]!);
    const head = write(dir, 'head.json', run(1.4, 7, 60, { perRequest: 3 }));
    const res = await runCli(['compare', base, head, '--history', historyDir([])], {});
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /Main's history has 1 run of the 5 needed/);
    assert.match(res.stdout, /reported, not failing/);
    assert.match(res.stdout, /source: rerun/);
  });

  test('a history file that is not results is an error naming it (exit 2)', async () => {
    const dir = historyDir(mainHistory(2, 0.03));
    writeFileSync(path.join(dir, 'notes.json'), '{"hello": 1}');
    const files = tempDir();
    const base = write(files, 'base.json', run(1, 1, 0));
    const res = await runCli(['compare', base, base, '--history', dir], {});
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /notes\.json is not a perfgate results file/);
  });
});

describe('perfgate run --history', () => {
  test('a real run against a baseline and a one-run history reports timing changes without gating on them', async () => {
    const { writeHelloConfig } = await import('./helpers.js');
    const dir = tempDir();
    const config = writeHelloConfig(dir);
    const main = path.join(dir, 'main.json');
    const first = await runCli(['run', '-c', config, '--out', main, '--no-print'], {});
    assert.equal(first.code, 0, first.stderr);
    const res = await runCli(['run', '-c', config, '--out', path.join(dir, 'head.json'), '--baseline', main, '--history', main], {});
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /Main's history has 1 run of the 5 needed/);
  });

  test('a bad --history fails before measuring (exit 2, no results written)', async () => {
    const { writeHelloConfig } = await import('./helpers.js');
    const dir = tempDir();
    const config = writeHelloConfig(dir);
    const out = path.join(dir, 'head.json');
    const res = await runCli(['run', '-c', config, '--out', out, '--history', path.join(dir, 'missing')], {});
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /--history .*missing: no such file or folder/);
    assert.doesNotMatch(res.stderr, /round 1/);
  });
});

/** A confirmation's results file (`results.confirm.json`): base and head of `books` paired, head `slowdown` slower. */
function confirmation(slowdown: number): Results {
  const { base, head } = pairedRounds({ rps: 2400, p50Us: 850, cpuUs: 310 }, { n: 20, seed: 3, slowdown, commonCv: 0.05, ownCv: 0.01 });
  return { ...results([scenario('books', head)]), base: { commit: 'b'.repeat(40), scenarios: [scenario('books', base)] } };
}

describe('perfgate compare --confirm', () => {
  // Main's steady history and a head 40% slower across runs: the history rule flags it.
  const history = mainHistory(8, 0.02);
  const flaggedHead = run(1.4, 7, 60, { perRequest: 3 });

  test('a regression flagged across runs that the stored paired rerun did not see stops failing; one it confirmed fails', async () => {
    const dir = tempDir();
    const hist = historyDir(history);
    const base = write(dir, 'base.json', history.at(-1)!);
    const head = write(dir, 'results.json', flaggedHead);
    const without = await runCli(['compare', base, head, '--history', hist], {});
    assert.equal(without.code, 1, without.stderr + without.stdout);
    assert.doesNotMatch(without.stdout, /Confirmation by rerun/);

    const unchanged = write(dir, 'results.confirm.json', confirmation(0));
    const res = await runCli(['compare', base, head, '--history', hist, '--confirm', unchanged], {});
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /across runs, not confirmed by a paired rerun on this runner/);
    assert.match(res.stdout, /\*\*Confirmation by rerun:\*\* re-measured books paired with base bbbbbbb/);
    assert.doesNotMatch(res.stdout, /❌ regressed/);

    const slower = write(dir, 'slower.confirm.json', confirmation(0.4));
    const confirmed = await runCli(['compare', base, head, '--history', hist, '--confirm', slower], {});
    assert.equal(confirmed.code, 1, confirmed.stderr + confirmed.stdout);
    assert.match(confirmed.stdout, /confirmed by a paired rerun on this runner: \+\d+\.\d%/);
    assert.match(confirmed.stderr, /books: CPU\/req regressed/);
  });

  test('a --confirm file that does not exist is a usage error (exit 2), not a confirmation silently left out', async () => {
    const dir = tempDir();
    const base = write(dir, 'base.json', history.at(-1)!);
    const head = write(dir, 'results.json', flaggedHead);
    const res = await runCli(['compare', base, head, '--confirm', path.join(dir, 'nope.confirm.json')], {});
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /--confirm .*nope\.confirm\.json: no such file/);
  });

  test('the help lists it', async () => {
    const res = await runCli(['compare', '--help'], {});
    assert.match(res.stdout, /--confirm <file>/);
  });
});
