// Jest runs each test file in a vm context of its own: its Error, Array and Object are not the ones
// Node's built-in modules create their values with. An ENOENT from node:fs is then no `instanceof
// Error` to the code under test, and an array from readdirSync() or a body from fetch() is no
// deepStrictEqual to an array literal. Under node:test there was one realm and neither happened.
// Here `instanceof` on the context's Error classes (and Array, Object) also accepts the values of
// Node's realm; subclasses (`class EnvironmentError extends Error`) keep the plain check.
// scripts/jest/assert-strict.js does the same for node:assert/strict's deep equality.
import vm from 'node:vm';

const outer = vm.runInThisContext(
  '({ Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError, Array, Object })',
);
const ordinary = Function.prototype[Symbol.hasInstance];

for (const [name, outerClass] of Object.entries(outer)) {
  const local = globalThis[name];
  if (!local || local === outerClass) continue;
  Object.defineProperty(local, Symbol.hasInstance, {
    configurable: true,
    value: function hasInstance(value) {
      return ordinary.call(this, value) || (this === local && ordinary.call(outerClass, value));
    },
  });
}
