import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { compareRuns, decide } from '../../src/compare/compare.js';
import { applyConfirmation, confirmationFailed, flaggedTimingScenarios } from '../../src/compare/confirm.js';
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
    const c = applyConfirmation(flagged, paired);
    const cpu = c.scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;
    assert.notEqual(cpu.verdict, 'regressed');
    assert.match(cpu.note!, /^\+\d+\.\d% across runs, not confirmed by a paired rerun on this runner \([+-]\d+\.\d% \[/);
    assert.equal(c.totals.regressions, 0);
    assert.notEqual(decide(c, ['regression']).verdict, 'fail');
  });

  test('a flagged regression the paired rerun confirms still fails, with the paired estimate', () => {
    const paired = compareRuns({ head: pairedRun(0.4), config: cfg, pairing: 'paired' });
    const c = applyConfirmation(flagged, paired);
    const cpu = c.scenarios[0]!.metrics.find((m) => m.metric === 'cpuUsPerRequest')!;
    assert.equal(cpu.verdict, 'regressed');
    assert.match(cpu.note!, /^confirmed by a paired rerun on this runner: \+\d+\.\d% \[/);
    assert.equal(decide(c, ['regression']).verdict, 'fail');
  });

  test('when the rerun could not run, the flagged regressions stand and say why', () => {
    const c = confirmationFailed(flagged, 'base ref main~3 not found');
    assert.equal(c.totals.regressions, flagged.totals.regressions);
    assert.ok(c.scenarios[0]!.metrics.filter((m) => m.verdict === 'regressed').every((m) => m.note === 'could not be confirmed by a paired rerun: base ref main~3 not found'));
  });
});
