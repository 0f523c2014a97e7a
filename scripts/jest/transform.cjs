// The TypeScript transform for jest (see jest.config.js), plus one line in front of each module.
//
// Jest runs each test file in a vm context, and on Node 20 every read of a global inside one (Math,
// Number, Array…) goes through the context's interceptors: 25–100× slower than in a plain module. The
// numeric tests (sequential bounds, the simulations, fast-check properties over the statistics)
// spend nearly all their time in such reads and ran 30-60× slower than under node:test. The line
// binds the built-ins the module uses to module-scope constants, so reads are plain variable reads.
// They are the context's own built-ins, the ones a global read returns: nothing changes but speed.
// Globals that tests may replace (fetch, timers, Date) are left as globals.
const BUILTINS = [
  'Math', 'Number', 'Array', 'Object', 'String', 'Boolean', 'Symbol', 'BigInt', 'Map', 'Set', 'WeakMap', 'WeakSet',
  'JSON', 'Reflect', 'Promise', 'Error', 'TypeError', 'RangeError', 'RegExp', 'ArrayBuffer', 'DataView',
  'Float64Array', 'Float32Array', 'Int32Array', 'Uint32Array', 'Int16Array', 'Uint16Array', 'Int8Array',
  'Uint8Array', 'BigInt64Array', 'BigUint64Array', 'Buffer', 'isFinite', 'isNaN', 'parseInt', 'parseFloat',
  'Infinity', 'NaN',
];
// The cache key covers this file too: a change to the prelude must not reuse modules transformed before it.
const SELF = require('node:crypto').createHash('sha256').update(require('node:fs').readFileSync(__filename)).digest('hex').slice(0, 16);

const swc = require('@swc/core');

/** The names a module declares in its own top scope (var in blocks included), or undefined if unparsable. */
function topLevelNames(code, isModule) {
  let program;
  try {
    program = swc.parseSync(code, { syntax: 'ecmascript', target: 'es2022', isModule });
  } catch {
    return undefined;
  }
  const names = new Set();
  const pattern = (p) => {
    if (!p) return;
    if (p.type === 'Identifier') names.add(p.value);
    else if (p.type === 'ArrayPattern') p.elements.forEach((e) => pattern(e && (e.type === 'RestElement' ? e.argument : e)));
    else if (p.type === 'ObjectPattern') {
      for (const prop of p.properties) {
        if (prop.type === 'AssignmentPatternProperty') names.add(prop.key.value);
        else if (prop.type === 'KeyValuePatternProperty') pattern(prop.value);
        else if (prop.type === 'RestElement') pattern(prop.argument);
      }
    } else if (p.type === 'AssignmentPattern') pattern(p.left);
    else if (p.type === 'RestElement') pattern(p.argument);
  };
  const statement = (st, top) => {
    if (!st || typeof st !== 'object') return;
    switch (st.type) {
      case 'VariableDeclaration':
        if (top || st.kind === 'var') st.declarations.forEach((d) => pattern(d.id));
        return;
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
        if (top) names.add(st.identifier.value);
        return;
      case 'ImportDeclaration':
        st.specifiers.forEach((sp) => names.add(sp.local.value));
        return;
      case 'ExportDeclaration':
        statement(st.declaration, top);
        return;
      case 'BlockStatement':
        st.stmts.forEach((x) => statement(x, false));
        return;
      case 'IfStatement':
        statement(st.consequent, false);
        statement(st.alternate, false);
        return;
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
        statement(st.init ?? st.left, false);
        statement(st.body, false);
        return;
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'LabeledStatement':
      case 'WithStatement':
        statement(st.body, false);
        return;
      case 'TryStatement':
        statement(st.block, false);
        if (st.handler) statement(st.handler.body, false);
        statement(st.finalizer, false);
        return;
      case 'SwitchStatement':
        st.cases.forEach((c) => c.consequent.forEach((x) => statement(x, false)));
        return;
      default:
    }
  };
  program.body.forEach((st) => statement(st, true));
  return names;
}

function prelude(code, isModule) {
  const used = BUILTINS.filter((name) => new RegExp(`\\b${name}\\b`).test(code));
  if (used.length === 0) return '';
  const declared = topLevelNames(code, isModule);
  if (!declared) return ''; // not parsed here: left as it is, only slower
  const names = used.filter((name) => !declared.has(name));
  return names.length === 0 ? '' : `const { ${names.join(', ')} } = globalThis;`;
}

function withPrelude(out, isModule) {
  const result = typeof out === 'string' ? { code: out } : out;
  const line = prelude(result.code, isModule);
  if (!line) return result;
  const code = result.code;
  // On the first line, after a hashbang, leading comments and a 'use strict' directive (which must
  // stay first to count), so that line numbers (and source maps) stay true.
  const head = /^(#![^\n]*\n)?(?:\s|\/\/[^\n]*|\/\*(?:(?!\*\/)[^\n])*\*\/)*(?:(['"])use strict\2;?)?/.exec(code)[0];
  const directiveEnd = /use strict['"]$/.test(head) ? ';' : '';
  return { ...result, code: head + directiveEnd + line + code.slice(head.length) };
}

function wrap(inner) {
  const wrapped = {
    process: (source, file, options) => withPrelude(inner.process(source, file, options), options.supportsStaticESM),
    getCacheKey: (source, file, options) => `${inner.getCacheKey(source, file, options)}:${SELF}`,
  };
  if (inner.processAsync) {
    wrapped.processAsync = async (source, file, options) => withPrelude(await inner.processAsync(source, file, options), options.supportsStaticESM);
  }
  if (inner.getCacheKeyAsync) {
    wrapped.getCacheKeyAsync = async (source, file, options) =>
      `${await inner.getCacheKeyAsync(source, file, options)}:${SELF}`;
  }
  return wrapped;
}

// For the packages (autocannon, pg, fast-check…) nothing is compiled: only the line is added.
const preludeOnly = {
  process: (source, _file, options) => withPrelude(source, options.supportsStaticESM),
  getCacheKey: (source, file) => require('node:crypto').createHash('sha256').update(`${SELF}\0${file}\0${source}`).digest('hex'),
};

module.exports = {
  createTransformer({ transformer, options } = {}) {
    if (!transformer) return preludeOnly;
    const mod = require(transformer);
    const factory = mod.createTransformer ? mod : mod.default;
    return wrap(factory.createTransformer(options));
  },
};
