// node:assert/strict for tests under jest (jest.config.js maps the import here): the same module,
// except that deep equality does not tell the realms apart. Jest's vm context has Array, Object, Map…
// of its own, while node:fs, fetch() and the other built-ins return values of Node's realm; strict
// deep equality compares prototypes, so `readdirSync(dir)` would never equal `[]` (see realm.js).
// Both sides are first copied into this realm (Node's intrinsics only: class instances, and
// everything else the comparison looks at, stay as they are), then compared by Node's own assert.
import nodeAssert from 'node:assert';
import vm from 'node:vm';

const strict = nodeAssert.strict;
const outer = vm.runInThisContext(
  '({ Array, Object, Map, Set, Date, RegExp, Error, Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array })',
);
const here = {
  Array, Object, Map, Set, Date, RegExp, Error, Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};
const foreignProtos = new Map(Object.keys(outer).filter((k) => outer[k] !== here[k]).map((k) => [outer[k].prototype, k]));
const errorProtos = new Map(
  ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError'].map((k) => [
    vm.runInThisContext(k).prototype,
    globalThis[k].prototype,
  ]),
);

function copyProps(from, to, seen) {
  for (const key of Reflect.ownKeys(from)) {
    const d = Object.getOwnPropertyDescriptor(from, key);
    if ('value' in d) d.value = adopt(d.value, seen);
    Object.defineProperty(to, key, d);
  }
  return to;
}

/** `value` with every object made by Node's realm's intrinsics remade by this realm's. */
export function adopt(value, seen = new Map()) {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  if (seen.has(value)) return seen.get(value);
  const proto = Object.getPrototypeOf(value);
  const kind = foreignProtos.get(proto);
  let copy;
  if (kind === 'Array' || proto === Array.prototype) {
    copy = new Array(value.length);
    seen.set(value, copy);
    return copyProps(value, copy, seen);
  }
  if (kind === 'Object' || proto === Object.prototype || proto === null) {
    copy = Object.create(proto === null ? null : Object.prototype);
    seen.set(value, copy);
    return copyProps(value, copy, seen);
  }
  if (kind === 'Map' || proto === Map.prototype) {
    copy = new Map();
    seen.set(value, copy);
    for (const [k, v] of value) copy.set(adopt(k, seen), adopt(v, seen));
    return copy;
  }
  if (kind === 'Set' || proto === Set.prototype) {
    copy = new Set();
    seen.set(value, copy);
    for (const v of value) copy.add(adopt(v, seen));
    return copy;
  }
  if (kind === 'Date') return new Date(value.getTime());
  if (kind === 'RegExp') {
    copy = new RegExp(value.source, value.flags);
    copy.lastIndex = value.lastIndex;
    return copy;
  }
  if (kind && kind.endsWith('Array')) return new here[kind](value);
  if (errorProtos.has(proto)) {
    copy = Object.create(errorProtos.get(proto));
    seen.set(value, copy);
    return copyProps(value, copy, seen);
  }
  return value;
}

function deepStrictEqual(actual, expected, message) {
  try {
    strict.deepStrictEqual(actual, expected, message);
  } catch (err) {
    if (!(err instanceof strict.AssertionError)) throw err;
    const a = adopt(actual);
    const e = adopt(expected);
    if (a === actual && e === expected) throw err;
    strict.deepStrictEqual(a, e, message);
  }
}

function notDeepStrictEqual(actual, expected, message) {
  strict.notDeepStrictEqual(adopt(actual), adopt(expected), message);
}

function assert(...args) {
  return strict(...args);
}
Object.assign(assert, strict, {
  deepEqual: deepStrictEqual,
  deepStrictEqual,
  notDeepEqual: notDeepStrictEqual,
  notDeepStrictEqual,
});
assert.strict = assert;

export default assert;
export const {
  AssertionError, ok, equal, notEqual, strictEqual, notStrictEqual, throws, doesNotThrow, rejects, doesNotReject, match,
  doesNotMatch, fail, ifError,
} = strict;
export { deepStrictEqual as deepEqual, deepStrictEqual, notDeepStrictEqual as notDeepEqual, notDeepStrictEqual };
export { assert as strict };
