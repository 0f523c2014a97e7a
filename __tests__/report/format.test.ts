import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { markdownTable } from 'markdown-table';
import fc from 'fast-check';
import {
  codeBlock,
  escapeCell,
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

describe('escaping', () => {
  test('a cell with pipes and backticks stays one cell', () => {
    const sql = 'select `a` || b from t where x = `y` | z';
    const md = markdownTable([
      ['name', 'sql', 'n'],
      ['q', escapeCell(sql), '1'],
    ]);
    const row = md.split('\n')[2];
    // Unescaped pipes delimit cells: exactly 4 for 3 cells.
    assert.equal(row.replace(/\\\|/g, '').split('|').length - 1, 4);
    assert.doesNotMatch(row.replace(/\\`/g, ''), /`/);
  });
  test('HTML and newlines cannot break out of a cell', () => {
    assert.equal(escapeCell('<b>x</b>\ny'), '&lt;b&gt;x&lt;/b&gt; y');
  });
  test('code fences are longer than any backtick run inside', () => {
    fc.assert(
      fc.property(fc.string(), (code) => {
        const block = codeBlock(code, 'sql');
        const fence = block.match(/^`+/)![0];
        assert.ok(fence.length >= 3);
        assert.ok(!code.includes(fence), 'the fence never occurs inside the code');
        assert.ok(block.endsWith(`\n${fence}`));
      }),
    );
  });
});
