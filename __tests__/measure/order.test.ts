import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { inRandomOrder, turnSequence } from '../../src/measure/order.js';

describe('the order of the sides', () => {
  // A fixed sequence of draws: the helper must follow the draw, not a position of its own.
  const draws = (...values: number[]) => () => values.shift()!;

  test('the draw decides: below one half reversed, otherwise as given', () => {
    const sides = ['head', 'base'] as const;
    assert.deepEqual(inRandomOrder(sides, draws(0.2)), ['base', 'head']);
    assert.deepEqual(inRandomOrder(sides, draws(0.7)), ['head', 'base']);
    assert.deepEqual(sides, ['head', 'base'], 'the given list is left as it was');
  });

  test('over many draws each side goes first about half the time', () => {
    let seed = 12345;
    const lcg = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let headFirst = 0;
    for (let i = 0; i < 1000; i++) if (inRandomOrder(['head', 'base'], lcg)[0] === 'head') headFirst++;
    assert.ok(headFirst > 450 && headFirst < 550, `head first in ${headFirst} of 1000`);
  });

  test('one side, or none, has no order to draw', () => {
    const never = () => assert.fail('no draw for a single side');
    assert.deepEqual(inRandomOrder(['head'], never), ['head']);
    assert.deepEqual(inRandomOrder([], never), []);
  });

  test('turns within a round: the drawn order, then its reverse (ABBA…), each side as often first as last', () => {
    assert.deepEqual(turnSequence(['base', 'head'], 4), ['base', 'head', 'head', 'base', 'base', 'head', 'head', 'base']);
    assert.deepEqual(turnSequence(['head', 'base'], 1), ['head', 'base']);
    assert.deepEqual(turnSequence(['head', 'base'], 3), ['head', 'base', 'base', 'head', 'head', 'base']);
    // With an even count the mean position of each side's turns is the same.
    const seq = turnSequence(['a', 'b'], 6);
    const meanAt = (x: string) => seq.reduce((sum, s, i) => sum + (s === x ? i : 0), 0) / 6;
    assert.equal(meanAt('a'), meanAt('b'));
  });
});
