// node:test's after() called inside a test runs once that test has ended; jest's afterAll() there is
// an error. Such cleanups are registered here instead and run after the test, in the order given;
// the first failure fails the test, as it did under node:test.
import { afterEach } from '@jest/globals';

const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  let failure: unknown;
  for (const fn of cleanups.splice(0)) {
    try {
      await fn();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
});

export function onTestFinished(fn: () => unknown): void {
  cleanups.push(fn);
}
