import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import type { StopInfo } from '../../src/results/types.js';
import { describeStop } from '../../src/report/stop.js';

const stop = (s: Partial<StopInfo>): StopInfo => ({ rounds: 80, looks: 8, maxLooks: 16, confidence: 0.9999, reason: 'conclusive', roundMs: 1000, schedule: 'alternating', ...s });

describe('describeStop', () => {
  test('a regression found: what regressed, and what was left unmeasured', () => {
    assert.equal(
      describeStop(stop({ reason: 'regressed', regressed: ['p50', 'CPU/req'], pending: ['p99'] })),
      'regression found after 80 alternating rounds (8 looks): p50, CPU/req regressed; p99 not measured further',
    );
    assert.equal(describeStop(stop({ reason: 'regressed', regressed: ['rps'] })), 'regression found after 80 alternating rounds (8 looks): rps regressed');
  });

  test('the budget ran out with a regression already found: both are said', () => {
    assert.equal(
      describeStop(stop({ reason: 'time-budget', rounds: 140, looks: 14, regressed: ['CPU/req'], pending: ['rps', 'p50'] })),
      'time budget reached after 140 alternating rounds: CPU/req regressed; rps, p50 still inconclusive',
    );
    assert.equal(describeStop(stop({ reason: 'max-rounds', rounds: 160, pending: ['p99'] })), 'maxRounds reached after 160 alternating rounds: p99 still inconclusive');
  });

  test('a confirmation whose metrics were ruled out: which, and at what confidence', () => {
    assert.equal(
      describeStop(stop({ reason: 'ruled-out', rounds: 30, looks: 3, ruledOut: ['p99', 'rps'] })),
      'stopped after 30 alternating rounds (3 looks): p99, rps with a regression of the threshold ruled out by a 95% interval',
    );
    assert.equal(
      describeStop(stop({ reason: 'time-budget', rounds: 140, looks: 14, pending: ['p50'], ruledOut: ['p99'] })),
      'time budget reached after 140 alternating rounds: p50 still inconclusive; p99 with a regression of the threshold ruled out by a 95% interval',
    );
  });

  test('rounds from more than one process pair say how many (baseline.restarts)', () => {
    assert.equal(describeStop(stop({ reason: 'conclusive', rounds: 60, looks: 6, processPairs: 6 })), 'conclusive after 60 alternating rounds from 6 process pairs (6 looks)');
    assert.equal(
      describeStop(stop({ reason: 'time-budget', rounds: 120, looks: 12, processPairs: 12, pending: ['CPU/req'] })),
      'time budget reached after 120 alternating rounds from 12 process pairs: CPU/req still inconclusive',
    );
    assert.equal(describeStop(stop({ reason: 'conclusive', rounds: 10, looks: 1, processPairs: 1 })), 'conclusive after 10 alternating rounds', 'one pair is not worth a word');
  });

  test('rounds of several turns per side say so (baseline.turns)', () => {
    assert.equal(
      describeStop(stop({ reason: 'conclusive', rounds: 60, looks: 6, processPairs: 6, turns: 4 })),
      'conclusive after 60 alternating rounds of 4 turns from 6 process pairs (6 looks)',
    );
    assert.equal(describeStop(stop({ reason: 'conclusive', rounds: 60, looks: 6, turns: 1 })), 'conclusive after 60 alternating rounds (6 looks)');
  });

  test('conclusive and fixed plans', () => {
    assert.equal(describeStop(stop({ reason: 'conclusive', rounds: 40, looks: 4 })), 'conclusive after 40 alternating rounds (4 looks)');
    assert.equal(describeStop(stop({ reason: 'fixed', rounds: 20, looks: 1, schedule: undefined })), 'measured 20 rounds (fixed)');
    assert.equal(describeStop(stop({ reason: 'conclusive', rounds: 1, looks: 1, schedule: undefined })), 'conclusive after 1 round');
  });
});
