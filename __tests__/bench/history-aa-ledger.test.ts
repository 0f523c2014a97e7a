// The tally of `bench/history-aa.ts --ledger` and the helpers it shares with bench/aa-power-ledger.ts:
// the figures docs/verdicts.md will quote against issue 16's targets come from here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from '@jest/globals';
import type { HistoryAaLine } from '../../bench/history-aa.js';
import { machineBootId, readLedger, upperBound } from '../../bench/ledger.js';
import { repoRoot, tempDir } from '../cli/helpers.js';

describe('upperBound (one-sided Clopper–Pearson)', () => {
  test('matches the closed form at k = 0 and known values', () => {
    assert.ok(Math.abs(upperBound(0, 100) - (1 - 0.05 ** (1 / 100))) < 1e-9);
    assert.ok(Math.abs(upperBound(1, 100) - 0.0466) < 0.0005, String(upperBound(1, 100)));
    assert.equal(upperBound(3, 3), 1);
    assert.equal(upperBound(0, 0), 1);
  });
});

describe('machineBootId', () => {
  test('reads the kernel boot id on Linux, the same on every read', () => {
    if (process.platform !== 'linux') {
      assert.equal(machineBootId(), undefined);
      return;
    }
    const id = machineBootId();
    assert.match(id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(machineBootId(), id);
  });
});

describe('readLedger', () => {
  test('keeps the lines with since ≤ when < until (a period such as one boot of the machine)', () => {
    const file = path.join(tempDir('ledger-'), 'l.jsonl');
    const whens = ['2026-12-06T10:07:10.241Z', '2026-12-06T10:57:00.000Z', '2026-12-06T11:06:37.302Z'];
    writeFileSync(file, whens.map((when, i) => JSON.stringify({ when, i })).join('\n') + '\n');
    const read = (since?: string, until?: string) => readLedger<{ when: string; i: number }>(file, since, until).map((l) => l.i);
    assert.deepEqual(read(), [0, 1, 2]);
    assert.deepEqual(read(undefined, '2026-12-06T10:57'), [0]);
    assert.deepEqual(read('2026-12-06T10:57'), [1, 2]);
    assert.deepEqual(read('2026-12-06T10:00', '2026-12-06T11:00'), [0, 1]);
    assert.deepEqual(readLedger(path.join(path.dirname(file), 'missing.jsonl')), []);
  });
});

const rule = (failed: boolean) => ({ failed, metrics: failed ? ['fast 1/cpuUsPerRequest'] : [], reasons: failed ? ['fast 1: CPU/req regressed +21.0% (threshold 5%)'] : [] });

function line(i: number, kind: 'aa' | 'power', failed: boolean): HistoryAaLine {
  const history = { dir: '/h', id: 'h1', runs: 10, neighbour: 'quiet', recordedThisSession: 0 };
  return {
    when: new Date(Date.UTC(2026, 11, 5) + i * 60_000).toISOString(),
    benchCommit: 'abc1234',
    kind,
    effect: kind === 'power' ? 0.2 : 0,
    label: `${kind}-${i + 1}`,
    machine: i % 2 === 0 ? 'quiet' : 'neighbour',
    neighbourSeed: i % 2 === 0 ? null : i,
    loadAverage: [1.5, 2],
    seconds: 60,
    scenarios: 3,
    settings: { scenarios: 3, spinUs: 300, rounds: null, duration: null, warmup: null, historyNeighbour: 'quiet', powerSpinUs: kind === 'power' ? 393 : null, cpuUsPerRequestMain: 467 },
    history,
    rules: { old: rule(failed), history: rule(failed), confirmed: rule(failed) },
    confirmation: { ref: 'main', remeasured: ['fast 1'], flagged: { confirmed: failed ? 1 : 0, notConfirmed: failed ? 0 : 1 }, suspects: { confirmed: 0, notConfirmed: 2 }, ran: true },
    cpu: { change: [kind === 'power' ? 0.2 : 0], regressedHistoryRule: failed ? 1 : 0, regressedConfirmed: failed ? 1 : 0 },
  };
}

function tally(lines: HistoryAaLine[]): string {
  const file = path.join(tempDir('perfgate-ledger-'), 'ledger.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return execFileSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench/history-aa-ledger.ts'), file], { cwd: repoRoot, encoding: 'utf8' });
}

describe('bench/history-aa-ledger.ts', () => {
  test('100 unchanged PRs with one failure meet the A/A target; 20 +20% PRs with 18 caught meet the power target', () => {
    const aa = Array.from({ length: 100 }, (_, i) => line(i, 'aa', i === 41));
    const power = Array.from({ length: 20 }, (_, i) => line(100 + i, 'power', i >= 2));
    const out = tally([...aa, ...power]);
    assert.match(out, /^120 pull requests, /);
    assert.match(out, /\| unchanged pull requests failing ≤ 1\.0%, over ≥ 100 \| 1\/100 \(1\.0%\) \| ≤ 4\.\d% \| met \|/);
    assert.match(out, /\| \+20% CPU\/request caught ≥ 90\.0% \| 18\/20 \(90\.0%\) \| ≥ \d+\.\d% \| met \|/);
    // Machine states apart, then all of them; the failing PR is named.
    assert.match(out, /\| unchanged \| quiet \| 50 \|/);
    assert.match(out, /\| unchanged \| neighbour \| 50 \|/);
    assert.match(out, /\| unchanged \| \*\*all\*\* \| 100 \| 1\/100 \(1\.0%\) \|/);
    assert.match(out, /- aa-42 \(neighbour, .*\): fast 1: CPU\/req regressed/);
  });

  test('two failures in 100 are not met, and fewer than 100 are not yet', () => {
    const two = tally(Array.from({ length: 100 }, (_, i) => line(i, 'aa', i < 2)));
    assert.match(two, /\| 2\/100 \(2\.0%\) \| ≤ \d+\.\d% \| \*\*not met\*\* \|/);
    const few = tally(Array.from({ length: 30 }, (_, i) => line(i, 'aa', false)));
    assert.match(few, /not yet: 30 of the 100 comparisons/);
    assert.match(few, /\| \+20% CPU\/request caught ≥ 90\.0% \| 0\/0 \(–%\) \| – \| not yet: 0 of the 20 comparisons \|/);
  });
});

/** One line of a bench/verdicts-aa-power.ts ledger: a quiet A/A comparison, with `extra` over it. */
function aaPowerLine(extra: object): string {
  return JSON.stringify({
    when: '2026-12-06T21:00:00.000Z',
    benchCommit: 'abc1234',
    condition: 'A/A',
    schedule: 'alternating',
    restarts: 'auto',
    neighbour: null,
    loadAverage: [0.5, 0.6],
    otherCpu: { otherCores: 0.01, ownCores: 1.6 },
    status: 'compared',
    failed: false,
    metrics: {},
    stop: { rounds: 40, reason: 'ruled-out', processPairs: 4, restartMs: 20000 },
    loadSeconds: 90,
    runner: { os: 'linux 6.18', cpuModel: 'Intel(R) Xeon(R) Processor' },
    ...extra,
  });
}

describe('bench/aa-power-ledger.ts', () => {
  test('counts CPU/request left unchanged by the 95% bound apart, and keeps machines apart', () => {
    const file = path.join(tempDir('ledger-'), 'aa.jsonl');
    const line = (cpu: string, extra: object) => aaPowerLine({ metrics: { cpuUsPerRequest: { verdict: cpu, change: 0.01 }, rps: { verdict: 'unchanged', change: -0.005 }, p50: { verdict: 'unchanged', change: 0.004 } }, ...extra });
    const ruledOut = { stop: { rounds: 40, reason: 'ruled-out', ruledOut: ['CPU/req'], processPairs: 4, restartMs: 20000 } };
    writeFileSync(
      file,
      [
        line('unchanged', ruledOut),
        line('unchanged', {}), // decided at the look's own level
        line('inconclusive', { stop: { rounds: 110, reason: 'time-budget', pending: ['CPU/req'], processPairs: 11, restartMs: 70000 } }),
        line('unchanged', { ...ruledOut, runner: { os: 'linux 6.18', cpuModel: 'AMD EPYC' } }),
      ].join('\n') + '\n',
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench', 'aa-power-ledger.ts'), file], { cwd: repoRoot, encoding: 'utf8' });
    const table = out.split('\n').filter((l) => l.startsWith('| '));
    const header = table[0]!.split('|').map((c) => c.trim());
    const rowOf = (machine: string) => table.find((l) => l.includes(machine))?.split('|').map((c) => c.trim());
    const xeon = rowOf('quiet, Intel(R) Xeon(R) Processor')!;
    const epyc = rowOf('quiet, AMD EPYC')!;
    assert.ok(xeon && epyc, out);
    const cell = (row: string[], name: string) => row[header.indexOf(name)];
    assert.equal(cell(xeon, 'comparisons'), '3');
    assert.equal(cell(xeon, 'CPU/req inconclusive'), '1/3 (33.3%)');
    assert.equal(cell(xeon, 'CPU/req unchanged at 95% (ruled out)'), '1/3 (33.3%)');
    assert.equal(cell(epyc, 'CPU/req unchanged at 95% (ruled out)'), '1/1 (100.0%)');
    assert.equal(cell(xeon, 'p50 / rps change, median'), '0.4% / -0.5%');
    // No p50 or rps moved 5% in these lines.
    assert.equal(cell(xeon, 'of those with p50 or rps moved ≥ 5%: caught'), '0/0 (–%)');
    assert.equal(cell(epyc, 'of those with p50 or rps moved ≥ 5%: caught'), '0/0 (–%)');
  });

  test('counts +10% comparisons users felt (p50 or rps moved 5%) and how many of those were caught; a run without metrics moves no median', () => {
    const file = path.join(tempDir('ledger-'), 'power.jsonl');
    const m = (verdict: string, change: number) => ({ verdict, change });
    const power = (cpu: number, p50: [string, number], rps: [string, number]) =>
      aaPowerLine({ condition: '+10% CPU (+12 µs)', failed: true, metrics: { cpuUsPerRequest: m('regressed', cpu), p50: m(...p50), rps: m(...rps) } });
    writeFileSync(
      file,
      [
        power(0.12, ['regressed', 0.07], ['inconclusive', -0.04]), // felt and caught
        power(0.1, ['inconclusive', 0.06], ['inconclusive', -0.02]), // felt, missed
        power(0.09, ['inconclusive', 0.03], ['regressed', -0.06]), // felt (rps) and caught
        power(0.08, ['unchanged', 0.02], ['unchanged', -0.01]), // not felt: not counted
        aaPowerLine({ condition: '+10% CPU (+12 µs)', status: 'error', failed: true, metrics: {} }),
        // Rounds of several turns per side (baseline.turns) are a rule of their own: a row apart.
        aaPowerLine({ stop: { rounds: 40, reason: 'ruled-out', processPairs: 4, restartMs: 20000, turns: 4 }, metrics: { cpuUsPerRequest: m('unchanged', 0.01) } }),
      ].join('\n') + '\n',
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench', 'aa-power-ledger.ts'), file], { cwd: repoRoot, encoding: 'utf8' });
    const table = out.split('\n').filter((l) => l.startsWith('| '));
    const header = table[0]!.split('|').map((c) => c.trim());
    const row = table.find((l) => l.includes('+10% CPU'))?.split('|').map((c) => c.trim());
    assert.ok(row, out);
    const cell = (name: string) => row[header.indexOf(name)];
    assert.equal(cell('comparisons'), '5');
    assert.equal(cell('of those with p50 or rps moved ≥ 5%: caught'), '2/3 (66.7%)');
    assert.equal(cell('p50 or rps regressed'), '2/5 (40.0%)');
    // Medians over the four comparisons that measured: the failed run is not a change of 0.
    assert.equal(cell('CPU/req change, median'), '9.5%');
    assert.equal(cell('p50 / rps change, median'), '4.5% / -3.0%');
    const turns = table.find((l) => l.startsWith('| A/A, a process pair per block, 4 turns per round | quiet'))?.split('|').map((c) => c.trim());
    assert.ok(turns, out);
    assert.equal(turns[header.indexOf('comparisons')], '1');
    // The per-run A/A table says which runs had four turns.
    assert.match(out, /^\| 2026-12-06T21:00 \| abc1234 \| quiet, 4 turns \| 1 \| \+1\.0% \|/m);
  });
});

describe('bench/aa-power-ledger.ts, pooled', () => {
  test('sums rows per rule, condition and machine state across seeds, hosts and endpoints, with every state together', () => {
    const file = path.join(tempDir('ledger-'), 'pooled.jsonl');
    const m = (verdict: string, change: number) => ({ verdict, change });
    const aa = (extra: object) => aaPowerLine({ turnsConfigured: 4, metrics: { cpuUsPerRequest: m('unchanged', 0.01), p50: m('unchanged', 0.01), rps: m('unchanged', 0) }, ...extra });
    const power = (extra: object, p50: [string, number]) =>
      aaPowerLine({ turnsConfigured: 4, failed: true, condition: '+10% CPU (+11 µs)', metrics: { cpuUsPerRequest: m('regressed', 0.1), p50: m(...p50), rps: m('unchanged', -0.02) }, ...extra });
    writeFileSync(
      file,
      [
        aa({}),
        aa({ runner: { os: 'linux 6.18', cpuModel: 'AMD EPYC' } }), // another host: another row above, one pool
        aa({ condition: 'A/A, CPU-bound 5000 µs', workUs: 5000 }), // another endpoint: the same
        aa({ neighbour: 3 }),
        aa({ neighbour: 4, failed: true, metrics: { cpuUsPerRequest: m('inconclusive', 0.03), p50: m('regressed', 0.08), rps: m('unchanged', 0) } }),
        aa({ turnsConfigured: 1 }), // one turn per round: a rule of its own
        power({}, ['regressed', 0.06]),
        power({}, ['inconclusive', 0.04]),
        power({ condition: '+10% CPU (+547 µs), CPU-bound 5000 µs', workUs: 5000 }, ['regressed', 0.1]),
      ].join('\n') + '\n',
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench', 'aa-power-ledger.ts'), file], { cwd: repoRoot, encoding: 'utf8' });
    const pooled = out.slice(out.indexOf('### Pooled by condition and machine state')).split('\n').filter((l) => l.startsWith('| '));
    assert.ok(pooled.length > 2, out);
    const header = pooled[0]!.split('|').map((c) => c.trim());
    const row = (key: string) => {
      const cells = pooled.find((l) => l.startsWith(`| ${key} |`))?.split('|').map((c) => c.trim());
      assert.ok(cells, `no row "${key}" in\n${out}`);
      return (name: string) => cells[header.indexOf(name)];
    };
    const rule = 'a process pair per block, 4 turns per round';
    const quietAA = row(`${rule} | A/A | quiet`);
    assert.equal(quietAA('comparisons'), '3');
    assert.equal(quietAA('its 95% bound'), '≤ 63.2%');
    const neighbourAA = row(`${rule} | A/A | neighbour`);
    assert.equal(neighbourAA('comparisons'), '2');
    assert.equal(neighbourAA('the check fails (any metric)'), '1/2 (50.0%)');
    assert.equal(neighbourAA('CPU/req inconclusive'), '1/2 (50.0%)');
    const allAA = row(`${rule} | A/A | all states`);
    assert.equal(allAA('comparisons'), '5');
    assert.equal(allAA('the check fails (any metric)'), '1/5 (20.0%)');
    assert.equal(row('a process pair per block | A/A | quiet')('comparisons'), '1');
    const dbBound = row(`${rule} | +10% work, database-bound endpoint | quiet`);
    assert.equal(dbBound('comparisons'), '2');
    assert.equal(dbBound('CPU/req regressed'), '2/2 (100.0%)');
    assert.equal(dbBound('p50 or rps regressed'), '1/2 (50.0%)');
    assert.equal(dbBound('of those with p50 or rps moved ≥ 5%: caught'), '1/1 (100.0%)');
    assert.equal(dbBound('its 95% bound'), '≥ 22.4%');
    assert.equal(row(`${rule} | +10% work, CPU-bound endpoint | all states`)('p50 or rps regressed'), '1/1 (100.0%)');
  });
});

describe('bench/aa-power-ledger-md.ts', () => {
  test("reruns each section's tally with the period its heading names, and keeps the text above them", () => {
    const dir = tempDir('ledger-md-');
    const ledger = path.join(dir, 'aa.jsonl');
    const line = (when: string, verdict: string) => aaPowerLine({ when, metrics: { cpuUsPerRequest: { verdict, change: 0.01 } }, stop: { rounds: 40, reason: 'conclusive' }, runner: undefined });
    writeFileSync(ledger, [line('2026-12-06T09:00:00.000Z', 'inconclusive'), line('2026-12-06T12:00:00.000Z', 'unchanged')].join('\n') + '\n');
    const md = path.join(dir, 'tally.md');
    const marker = '<!-- the tables below are regenerated by bench/aa-power-ledger-md.ts; the text above them is kept -->';
    // A section's sittings are written above its marker; a section without one has no text of its own.
    writeFileSync(md, `# Tally\n\nWritten by hand.\n\n## Everything\n\nstale\n\n## Before (\`--until 2026-12-06T10:57\`)\n\nThe sitting at 09:00.\n\n${marker}\n\nstale\n\n## Since (\`--since 2026-12-06T10:57\`)\n\nstale\n`);
    const run = () => execFileSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench', 'aa-power-ledger-md.ts'), md, ledger], { cwd: repoRoot, encoding: 'utf8' });
    run();
    const text = readFileSync(md, 'utf8');
    assert.ok(text.startsWith(`# Tally\n\nWritten by hand.\n\n## Everything\n\n${marker}\n\n2 comparisons`), text);
    assert.ok(!text.includes('stale'), text);
    const section = (name: string) => text.split(/^## /m).find((s) => s.startsWith(name))!;
    assert.match(section('Everything'), /\| 1\/2 \(50\.0%\) \|/);
    assert.match(section('Before'), new RegExp(`^Before[^\n]*\n\nThe sitting at 09:00\.\n\n${marker}\n\n1 comparisons, 2026-12-06T09:00`));
    assert.match(section('Before'), /\| 1\/1 \(100\.0%\) \|/);
    assert.match(section('Since'), /\| 0\/1 \(0\.0%\) \|/);
    // Run again: the same file, so the kept text is not repeated or lost.
    run();
    assert.equal(readFileSync(md, 'utf8'), text);
  });
});
