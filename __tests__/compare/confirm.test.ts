import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { compareRuns, decide } from '../../src/compare/compare.js';
import { applyConfirmation, confirmationFailed, confirmReason, flaggedTimingScenarios, metricsToConfirm } from '../../src/compare/confirm.js';
import { renderReport } from '../../src/report/markdown.js';
import { config, mainHistory, pairedRounds, results, run, scenario, scenarioConfig } from './builders.js';

const cfg = config([scenarioConfig('books')]);
const profile = { rps: 2400, p50Us: 850, cpuUs: 310 };

/** A rerun-mode results file: head and base paired, head `slowdown` slower. */
function pairedRun(slowdown: number) {
  const { base, head } = pairedRounds(profile, { n: 20, seed: 3, slowdown, commonCv: 0.05, ownCv: 0.01 });
  return { ...results([scenario('books', head)]), base: { scenarios: [scenario('books', base)] } };
}

describe('confirmation by rerun', () => {
  const history = mainHistory(8, 0.02);
  const flagged = compareRuns({ head: run(1.4, 7, 60, { perRequest: 3 }), base: history.at(-1), config: cfg, pairing: 'unpaired', history });

  test('only cross-run comparisons with a regressed timing metric are re-measured', () => {
    assert.deepEqual(flaggedTimingScenarios(flagged), ['books']);
    const quiet = compareRuns({ head: run(1, 8, 61, { perRequest: 3 }), base: history.at(-1), config: cfg, pairing: 'unpaired', history });
    assert.deepEqual(flaggedTimingScenarios(quiet), []);
    assert.deepEqual(flaggedTimingScenarios(compareRuns({ head: pairedRun(0.4), config: cfg, pairing: 'paired' })), []);
  });

  test('a flagged regression the paired rerun does not see stops failing, and the note says both numbers', () => {
    const paired = compareRuns({ head: pairedRun(0), config: cfg, pairing: 'paired' });
    const c = applyConfirmation(flagged, paired, 'main');
    const cpu = c.scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;
    assert.notEqual(cpu.verdict, 'regressed');
    assert.match(cpu.note!, /^\+\d+\.\d% across runs, not confirmed by a paired rerun on this runner \([+-]\d+\.\d% \[/);
    assert.equal(c.totals.regressions, 0);
    assert.notEqual(decide(c, ['regression']).verdict, 'fail');
  });

  test('a flagged regression the paired rerun confirms still fails, with the paired estimate', () => {
    const paired = compareRuns({ head: pairedRun(0.4), config: cfg, pairing: 'paired' });
    const c = applyConfirmation(flagged, paired, 'main');
    const cpu = c.scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;
    assert.equal(cpu.verdict, 'regressed');
    assert.match(cpu.note!, /^confirmed by a paired rerun on this runner: \+\d+\.\d% \[/);
    assert.equal(decide(c, ['regression']).verdict, 'fail');
  });

  test('a flagged metric the rerun stopped measuring (ruled out at 95%) says why it is not confirmed', () => {
    const { base, head } = pairedRounds(profile, { n: 6, seed: 3, slowdown: 0, commonCv: 0.05, ownCv: 0.01 });
    const stop = { rounds: 6, looks: 1, maxLooks: 16, confidence: 0.999, reason: 'ruled-out' as const, ruledOut: ['CPU/req'], roundMs: 1000 };
    const headRun = { ...results([{ ...scenario('books', head), stop }]), base: { scenarios: [scenario('books', base)] } };
    const c = applyConfirmation(flagged, compareRuns({ head: headRun, config: cfg, pairing: 'paired' }), 'main');
    const cpu = c.scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;
    // 6 pairs: too few for the look's 99.9% interval, enough for a 95% one ([min, max]).
    assert.equal(cpu.verdict, 'unchanged');
    assert.match(cpu.note!, /not confirmed by a paired rerun on this runner \([+-]\d+\.\d% \[[^\]]+\], unchanged\): its 95% interval rules out a regression of the threshold, so measuring stopped waiting for it$/);
    const p50 = c.scenarios[0]!.metrics.find((m) => m.metric === 'p50')!;
    assert.equal(p50.verdict, 'inconclusive', 'only the metrics the rerun ruled out take the looser interval');
    assert.doesNotMatch(p50.note ?? '', /rules out/);
    assert.notEqual(decide(c, ['regression']).verdict, 'fail');
    // The paired comparison itself: the ruled-out metric carries the 95% level it was judged at.
    const pairedCpu = compareRuns({ head: headRun, config: cfg, pairing: 'paired' }).scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;
    assert.equal(pairedCpu.confidence, 0.95);
    // A ruled-out label whose looser interval does not rule the threshold out (a file edited by hand) changes nothing.
    const slower = pairedRounds(profile, { n: 6, seed: 3, slowdown: 0.4, commonCv: 0.05, ownCv: 0.01 });
    const forged = { ...results([{ ...scenario('books', slower.head), stop }]), base: { scenarios: [scenario('books', slower.base)] } };
    const forgedCpu = compareRuns({ head: forged, config: cfg, pairing: 'paired' }).scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;
    assert.notEqual(forgedCpu.verdict, 'unchanged');
  });

  test('when the rerun could not run, the flagged regressions stand and say why', () => {
    const c = confirmationFailed(flagged, 'base ref main~3 not found', 'main~3');
    assert.equal(c.totals.regressions, flagged.totals.regressions);
    assert.ok(c.scenarios[0]!.metrics.filter((m) => m.verdict === 'regressed').every((m) => m.note === 'could not be confirmed by a paired rerun: base ref main~3 not found'));
  });

  test('a regression whose scenario the paired results lack stands, and says so', () => {
    const other = compareRuns({ head: { ...pairedRun(0), scenarios: [] , base: { scenarios: [] } }, config: cfg, pairing: 'paired' });
    const c = applyConfirmation(flagged, other, 'main');
    assert.equal(c.totals.regressions, flagged.totals.regressions);
    const cpu = c.scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;
    assert.equal(cpu.note, 'could not be confirmed by a paired rerun: this scenario has no paired rerun results');
    assert.deepEqual(c.confirmation?.remeasured, []);
  });
});

describe('confirmation of suspects: worse than the threshold across runs, not callable by history', () => {
  // Main moves ±15% from run to run: a +20% head is beyond the 5% threshold but inside the interval.
  const wide = mainHistory(6, 0.15, 4);
  const suspect = compareRuns({ head: run(1.2, 9, 70, { perRequest: 3 }), base: wide.at(-1), config: cfg, pairing: 'unpaired', history: wide });
  const cpuOf = (c: ReturnType<typeof compareRuns>) => c.scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;

  test('an inconclusive cross-run change beyond its threshold is a suspect and is re-measured', () => {
    const cpu = cpuOf(suspect);
    assert.equal(cpu.verdict, 'inconclusive', cpu.note);
    assert.ok(cpu.change > cpu.threshold, `${cpu.change} > ${cpu.threshold}`);
    assert.equal(confirmReason(cpu), 'suspect');
    assert.deepEqual(flaggedTimingScenarios(suspect), ['books']);
    assert.notEqual(decide(suspect, ['regression']).verdict, 'fail', 'a suspect alone never fails');
  });

  test('the rerun is asked to decide exactly the flagged and suspect metrics, scenario by scenario', () => {
    const books = suspect.scenarios[0]!;
    const unchanged = (m: (typeof books.metrics)[number]) => ({ ...m, verdict: 'unchanged' as const });
    const mixed = {
      ...suspect,
      scenarios: [
        { ...books, metrics: books.metrics.map((m) => (m.metric === 'p99' ? unchanged(m) : m)) },
        { ...books, name: 'authors', metrics: books.metrics.map(unchanged) },
      ],
    };
    const expected = books.metrics.filter((m) => m.metric !== 'p99' && confirmReason(m)).map((m) => m.metric);
    assert.ok(expected.includes('cpuUsPerRequest'), expected.join());
    assert.deepEqual([...metricsToConfirm(mixed).entries()], [['books', expected]]);
    assert.deepEqual(flaggedTimingScenarios(mixed), ['books']);
    assert.deepEqual([...metricsToConfirm({ ...mixed, crossMachine: false }).keys()], []);
  });

  test('an inconclusive change within its threshold, or a better one, is not a suspect', () => {
    const within = compareRuns({ head: run(0.97, 9, 70, { perRequest: 3 }), base: wide.at(-1), config: cfg, pairing: 'unpaired', history: wide });
    const cpu = cpuOf(within);
    assert.equal(cpu.verdict, 'inconclusive', cpu.note);
    assert.ok(cpu.change < cpu.threshold);
    assert.equal(confirmReason(cpu), undefined);
    assert.deepEqual(flaggedTimingScenarios(within), []);
    // The same numbers in a paired comparison are never re-measured: they already are paired.
    assert.deepEqual(flaggedTimingScenarios({ ...suspect, crossMachine: false }), []);
  });

  test('with too little history, a cross-run regression reported as inconclusive is a suspect too', () => {
    const short = mainHistory(2, 0.02);
    const c = compareRuns({ head: run(1.4, 7, 60, { perRequest: 3 }), base: short.at(-1), config: cfg, pairing: 'unpaired', history: short });
    const cpu = cpuOf(c);
    assert.equal(cpu.verdict, 'inconclusive');
    assert.match(cpu.note!, /reported, not failing/);
    assert.equal(confirmReason(cpu), 'suspect');
  });

  test('a suspect the paired rerun confirms fails, and the note gives both numbers', () => {
    const c = applyConfirmation(suspect, compareRuns({ head: pairedRun(0.4), config: cfg, pairing: 'paired' }), 'abc');
    const cpu = cpuOf(c);
    assert.equal(cpu.verdict, 'regressed');
    assert.match(cpu.note!, /^confirmed by a paired rerun on this runner: \+\d+\.\d% \[.*\] \(\+\d+\.\d% across runs, worse than its threshold, which main's history could not tell from machine noise\)$/);
    assert.equal(decide(c, ['regression']).verdict, 'fail');
    assert.ok(c.totals.regressions >= 1);
    assert.deepEqual(c.confirmation?.remeasured, ['books']);
    assert.ok(c.confirmation!.suspects.confirmed >= 1);
    assert.deepEqual(c.confirmation!.flagged, { confirmed: 0, notConfirmed: 0 });
  });

  test('a suspect the paired rerun does not confirm takes the paired verdict and never fails', () => {
    const paired = compareRuns({ head: pairedRun(0), config: cfg, pairing: 'paired' });
    const c = applyConfirmation(suspect, paired, 'abc');
    const cpu = cpuOf(c);
    const pairedCpu = paired.scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;
    assert.notEqual(pairedCpu.verdict, 'regressed');
    assert.equal(cpu.verdict, pairedCpu.verdict);
    assert.match(cpu.note!, /^\+\d+\.\d% across runs \(worse than its threshold, .*\), not confirmed by a paired rerun on this runner \([+-]\d+\.\d% \[/);
    assert.equal(c.totals.regressions, 0);
    assert.notEqual(decide(c, ['regression']).verdict, 'fail');
    assert.equal(c.confirmation!.suspects.confirmed, 0);
    assert.ok(c.confirmation!.suspects.notConfirmed >= 1);
  });

  test('when the rerun could not run, suspects stay inconclusive and say why', () => {
    const c = confirmationFailed(suspect, 'no commit abc', 'abc');
    const cpu = cpuOf(c);
    assert.equal(cpu.verdict, 'inconclusive');
    assert.match(cpu.note!, /; could not be re-measured by a paired rerun: no commit abc$/);
    assert.equal(c.confirmation?.failed, 'no commit abc');
    assert.notEqual(decide(c, ['regression']).verdict, 'fail');
  });

  test('the report\'s footer says what was re-measured and what was confirmed, or why nothing could be', () => {
    const head = run(1.2, 9, 70, { perRequest: 3 });
    const render = (c: ReturnType<typeof compareRuns>) => renderReport(c, { head, base: wide.at(-1), mode: 'unpaired', reproduceCommand: 'x', history: wide });
    const sha = 'ab12cd3'.padEnd(40, '0');
    const done = applyConfirmation(suspect, compareRuns({ head: pairedRun(0.4), config: cfg, pairing: 'paired' }), sha);
    const n = done.confirmation!.suspects.confirmed;
    assert.match(render(done), new RegExp(`\\*\\*Confirmation by rerun:\\*\\* re-measured books paired with base ab12cd3 on this runner; ${n} of ${n + done.confirmation!.suspects.notConfirmed} suspect change\\(s\\) confirmed`));
    assert.doesNotMatch(render(done), /regression\(s\) across runs confirmed/, 'no flagged regression: none counted');
    const failed = confirmationFailed(suspect, 'fatal: not a git repository | <b>', sha);
    assert.match(render(failed), /\*\*Confirmation by rerun:\*\* could not run against base ab12cd3 \(fatal: not a git repository \\\| \\<b\\>\): regressions across runs stand, suspects stay inconclusive/);
    assert.doesNotMatch(render(suspect), /Confirmation by rerun/);
  });
});
