import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { markdownTable } from 'markdown-table';
import fc from 'fast-check';
import {
  formatBytes,
  formatInterval,
  formatLatencyUs,
  formatPercent,
  formatRps,
} from '../../src/report/format.js';

describe('number formatting', () => {
  test('latency is µs below 1 ms, then ms with sensible precision', () => {
    assert.equal(formatLatencyUs(412), '412 µs');
    assert.equal(formatLatencyUs(999.4), '999 µs');
    assert.equal(formatLatencyUs(1000), '1.00 ms');
    assert.equal(formatLatencyUs(2345), '2.35 ms');
    assert.equal(formatLatencyUs(23_456), '23.5 ms');
    assert.equal(formatLatencyUs(1_234_567), '1,235 ms');
    assert.equal(formatLatencyUs(undefined), '—');
  });
  test('rps, bytes and percentages do not depend on the locale', () => {
    assert.equal(formatRps(12_345.6), '12,346');
    assert.equal(formatRps(42.25), '42.3');
    assert.equal(formatBytes(85 * 1024 * 1024), '85.0 MiB');
    assert.equal(formatBytes(2048), '2 KiB');
    assert.equal(formatPercent(0.0734), '+7.3%');
    assert.equal(formatPercent(-0.0004), '0.0%');
    assert.equal(formatInterval(0.052, 0.091), '[5.2, 9.1]');
    assert.equal(formatInterval(-0.0001, 0.02), '[0.0, 2.0]');
  });
});
