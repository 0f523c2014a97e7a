import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ScalarError,
  parseDurationMs,
  parseDurationUs,
  parseHostPort,
  parseMinRate,
  parsePercent,
  parseSizeBytes,
} from '../../src/config/durations.js';

describe('durations', () => {
  const cases: [string, number][] = [
    ['800us', 800],
    ['800µs', 800],
    ['800μs', 800],
    ['0.5ms', 500],
    ['250ms', 250_000],
    ['1.5s', 1_500_000],
    ['0.1s', 100_000],
    ['2m', 120_000_000],
    ['10 s', 10_000_000],
    ['.5s', 500_000],
    ['0s', 0],
  ];
  for (const [text, us] of cases) {
    test(`${text} is ${us} µs`, () => {
      assert.equal(parseDurationUs(text), us);
      assert.equal(parseDurationMs(text), us / 1000);
    });
  }

  test('a bare number is milliseconds only where allowed', () => {
    assert.equal(parseDurationUs(25, 'ms'), 25_000);
    assert.equal(parseDurationUs(0.4, 'ms'), 400);
    assert.throws(() => parseDurationUs(25), /expected a duration with a unit, like 10s or 500ms \(a bare number is ambiguous here\), got 25/);
  });

  for (const bad of ['10 sec', '1h', '10S', '-5ms', 'ms', '5', '1.2.3s', '', '10  s']) {
    test(`rejects ${JSON.stringify(bad)} and quotes it`, () => {
      assert.throws(
        () => parseDurationUs(bad),
        (err: unknown) =>
          err instanceof ScalarError &&
          err.message === `expected a duration like 250ms, 1.5s or 2m (units: us, ms, s, m), got ${JSON.stringify(bad)}`,
      );
    });
  }

  test('the bare-number note appears where bare numbers are allowed', () => {
    assert.throws(() => parseDurationUs(true, 'ms'), /a bare number means milliseconds\), got true$/);
    assert.throws(() => parseDurationUs(-3, 'ms'), /got -3$/);
  });

  test('property: formatting n in a unit and parsing gives n scaled by the unit, without float noise', () => {
    const units: [string, number][] = [['us', 1], ['ms', 1e3], ['s', 1e6], ['m', 60e6]];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(...units), (int, decimals, [unit, factor]) => {
        const n = int / 10 ** decimals;
        const us = parseDurationUs(`${n}${unit}`);
        assert.ok(Math.abs(us - n * factor) <= 1e-9 * Math.max(1, n * factor));
        assert.equal(us, Number((n * factor).toPrecision(15)));
      }),
    );
  });
});

describe('sizes', () => {
  const cases: [string | number, number][] = [
    ['200MB', 200_000_000],
    ['200mb', 200_000_000],
    ['1.5GiB', 1_610_612_736],
    ['512 KiB', 524_288],
    ['1kb', 1000],
    ['100B', 100],
    [4096, 4096],
    ['0.3KiB', 307],
  ];
  for (const [input, bytes] of cases) {
    test(`${JSON.stringify(input)} is ${bytes} bytes`, () => assert.equal(parseSizeBytes(input), bytes));
  }
  for (const bad of ['200M', '12XB', 'big', -1]) {
    test(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseSizeBytes(bad), /^ScalarError: expected a size like 200MB or 1\.5GiB .*got /);
    });
  }
  test('property: binary units are powers of 1024, decimal ones of 1000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (n) => {
        assert.equal(parseSizeBytes(`${n}MiB`), n * 1024 * 1024);
        assert.equal(parseSizeBytes(`${n}MB`), n * 1_000_000);
      }),
    );
  });
});

describe('percentages', () => {
  test('a percentage becomes a fraction', () => {
    assert.equal(parsePercent('5%'), 0.05);
    assert.equal(parsePercent('12.5%'), 0.125);
    assert.equal(parsePercent('110%'), 1.1);
    assert.equal(parsePercent('0%'), 0);
  });
  test('a bare number is refused with the fix in the message', () => {
    assert.throws(() => parsePercent(5), { message: 'expected a percentage like 5% or 12.5% (write "5%" — the % sign is required), got 5' });
    assert.throws(() => parsePercent('five'), { message: 'expected a percentage like 5% or 12.5%, got "five"' });
  });
  test('property: n% parses to n/100 exactly to 15 digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (tenths) => {
        const n = tenths / 10;
        assert.equal(parsePercent(`${n}%`), Number((n / 100).toPrecision(15)));
      }),
    );
  });
});

describe('minimum rates and host:port', () => {
  test('">= N", "≥ N" and bare numbers', () => {
    assert.equal(parseMinRate('>= 1500'), 1500);
    assert.equal(parseMinRate('>=1500'), 1500);
    assert.equal(parseMinRate('≥ 12.5'), 12.5);
    assert.equal(parseMinRate(1500), 1500);
    assert.throws(() => parseMinRate('> 5'), { message: 'expected a minimum rate like ">= 1500" or 1500 (requests per second), got "> 5"' });
  });
  test('host:port, IPv6 in brackets, port range checked', () => {
    assert.deepEqual(parseHostPort('127.0.0.1:5432'), { host: '127.0.0.1', port: 5432 });
    assert.deepEqual(parseHostPort('db.internal:3306'), { host: 'db.internal', port: 3306 });
    assert.deepEqual(parseHostPort('[::1]:5432'), { host: '::1', port: 5432 });
    assert.throws(() => parseHostPort('localhost'), /expected host:port like 127\.0\.0\.1:5432 or \[::1\]:5432, got "localhost"/);
    assert.throws(() => parseHostPort('db:70000'), /expected a port between 1 and 65535, got 70000/);
    assert.throws(() => parseHostPort('::1:5432'), /expected host:port/);
  });
});
