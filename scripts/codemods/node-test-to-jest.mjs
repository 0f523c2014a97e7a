#!/usr/bin/env node
// Moves test files from node:test to jest (issue 15), in place:
//   node scripts/codemods/node-test-to-jest.mjs [files or directories...]   (default: __tests__)
// A file that no longer imports node:test is left as it is, so the codemod can be run again over the
// whole tree after test files written for node:test are merged. What it rewrites:
// - `import { after, before, describe, test } from 'node:test'` → the same names from '@jest/globals',
//   with before/after renamed to beforeAll/afterAll at every reference to the imported binding (found
//   by the TypeScript language service, so a local variable that happens to be called `after`, common
//   in a before/after comparison tool, is left alone);
// - `describe(name, { concurrency: false }, fn)` → `describe(name, fn)`: jest runs a file's tests one
//   at a time anyway; `test(name, { timeout: N }, fn)` → `test(name, fn, N)`;
// - a test or hook callback's unused context parameter is dropped: jest reads a declared parameter as
//   a `done` callback and would wait for it;
// - `after(fn)` called inside a test (or a helper a test calls) ran fn when that test ended; jest has
//   no such hook, so it becomes onTestFinished(fn) from __tests__/helpers/on-test-finished.ts.
// Anything it cannot carry over with the same meaning (skip, todo, only, mock, a context that is used)
// stops it with the file and line, before any file is written.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const RENAMES = { before: 'beforeAll', after: 'afterAll', suite: 'describe', it: 'test' };
const KEPT = new Set(['beforeEach', 'afterEach', 'describe', 'test']);
const CALLS_WITH_OPTIONS = new Set(['describe', 'test']);
const HOOKS = new Set(['beforeAll', 'afterAll', 'beforeEach', 'afterEach']);

function collect(target) {
  if (statSync(target).isDirectory()) {
    return readdirSync(target).flatMap((name) => (name === 'node_modules' ? [] : collect(path.join(target, name))));
  }
  return /\.(test\.)?[cm]?[jt]s$/.test(target) ? [target] : [];
}

function testsRoot(fileName) {
  for (let dir = path.dirname(path.resolve(fileName)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (path.basename(dir) === '__tests__') return dir;
  }
  throw new Error(`${fileName}: not under a __tests__ directory`);
}

function fail(sf, node, message) {
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  throw new Error(`${sf.fileName}:${line + 1}:${character + 1}: ${message}`);
}

/** Reference positions of the binding declared at `pos` in `fileName` (declaration included). */
function referencesOf(fileName, text, pos) {
  const host = {
    getScriptFileNames: () => [fileName],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (f === fileName ? ts.ScriptSnapshot.fromString(text) : undefined),
    getCurrentDirectory: () => process.cwd(),
    getCompilationSettings: () => ({ noResolve: true, noLib: true, allowJs: true }),
    getDefaultLibFileName: () => 'lib.d.ts',
    fileExists: (f) => f === fileName,
    readFile: (f) => (f === fileName ? text : undefined),
  };
  const service = ts.createLanguageService(host);
  return (service.findRenameLocations(fileName, pos, false, false, {}) ?? []).map((l) => l.textSpan);
}

export function convert(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports = sf.statements.filter(
    (s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === 'node:test',
  );
  if (imports.length === 0) return undefined;
  if (sf.statements.some((s) => ts.isImportDeclaration(s) && s.moduleSpecifier.text === '@jest/globals')) {
    fail(sf, imports[0], "imports both node:test and @jest/globals: merge by hand");
  }

  const edits = []; // { start, end, text }
  const names = new Set(); // jest names the file needs
  const localToJest = new Map(); // local binding name → jest name
  for (const decl of imports) {
    const clause = decl.importClause;
    if (!clause || clause.name || !clause.namedBindings || !ts.isNamedImports(clause.namedBindings)) {
      fail(sf, decl, 'only named imports from node:test are converted');
    }
    for (const spec of clause.namedBindings.elements) {
      const imported = (spec.propertyName ?? spec.name).text;
      const jestName = RENAMES[imported] ?? (KEPT.has(imported) ? imported : undefined);
      if (!jestName) fail(sf, spec, `node:test's \`${imported}\` has no jest counterpart here: convert by hand`);
      names.add(jestName);
      localToJest.set(spec.name.text, jestName);
      if (spec.name.text !== jestName) {
        for (const span of referencesOf(fileName, text, spec.name.getStart(sf))) {
          if (span.start >= decl.getStart(sf) && span.start < decl.end) continue; // the import itself is rewritten whole
          edits.push({ start: span.start, end: span.start + span.length, text: jestName });
        }
      }
    }
  }

  let needsOnTestFinished = false;
  /** Whether `node` runs while tests are collected (top level or a describe body), not inside a test. */
  const atCollection = (node) => {
    for (let p = node.parent; p; p = p.parent) {
      if (ts.isArrowFunction(p) || ts.isFunctionExpression(p) || ts.isFunctionDeclaration(p) || ts.isMethodDeclaration(p)) {
        const call = p.parent;
        return !!call && ts.isCallExpression(call) && ts.isIdentifier(call.expression) && localToJest.get(call.expression.text) === 'describe';
      }
    }
    return true;
  };
  const visit = (node) => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && localToJest.has(node.expression.text)) {
      fail(sf, node, `\`${node.getText(sf)}\` (skip, todo, only or a runner option) is not carried over: convert by hand`);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && localToJest.has(node.expression.text)) {
      const jestName = localToJest.get(node.expression.text);
      const args = node.arguments;
      if (HOOKS.has(jestName) && !atCollection(node)) {
        if (jestName !== 'afterAll' && jestName !== 'afterEach') fail(sf, node, `${node.expression.text}() inside a test: convert by hand`);
        edits.push({ start: node.expression.getStart(sf), end: node.expression.end, text: 'onTestFinished' });
        needsOnTestFinished = true;
      }
      let fn = args[args.length - 1];
      if (CALLS_WITH_OPTIONS.has(jestName) && args.length === 3 && ts.isObjectLiteralExpression(args[1])) {
        let timeout;
        for (const prop of args[1].properties) {
          const key = prop.name && ts.isIdentifier(prop.name) ? prop.name.text : undefined;
          const value = ts.isPropertyAssignment(prop) ? prop.initializer : undefined;
          if (key === 'concurrency' && value?.kind === ts.SyntaxKind.FalseKeyword) continue;
          if (key === 'concurrency' && value && ts.isNumericLiteral(value) && value.text === '1') continue;
          if (key === 'timeout' && value && jestName === 'test') {
            timeout = value.getText(sf);
            continue;
          }
          fail(sf, prop, `option \`${prop.getText(sf)}\` has no jest counterpart here: convert by hand`);
        }
        edits.push({ start: args[0].end, end: args[2].getStart(sf), text: ', ' });
        if (timeout) edits.push({ start: args[2].end, end: args[2].end, text: `, ${timeout}` });
      } else if (CALLS_WITH_OPTIONS.has(jestName) && args.length !== 2) {
        fail(sf, node, `${jestName}() with ${args.length} arguments: convert by hand`);
      }
      if ((CALLS_WITH_OPTIONS.has(jestName) || HOOKS.has(jestName)) && fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) {
        if (fn.parameters.length > 0) {
          if (fn.parameters.length > 1 || !ts.isIdentifier(fn.parameters[0].name)) fail(sf, fn, 'callback with a done parameter: convert by hand');
          const param = fn.parameters[0].name;
          const refs = referencesOf(fileName, text, param.getStart(sf)).filter((s) => s.start !== param.getStart(sf));
          if (refs.length > 0) fail(sf, param, `the test context \`${param.text}\` is used: convert by hand`);
          const open = fn.parameters.pos;
          const close = fn.parameters.end;
          const hasParens = text[open - 1] === '(';
          edits.push(hasParens ? { start: open, end: close, text: '' } : { start: fn.parameters[0].getStart(sf), end: close, text: '()' });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  // a hook every call of which became onTestFinished is no longer imported
  const references = new Map(); // jest name → calls left to it
  const countCalls = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && localToJest.has(node.expression.text)) {
      const rewritten = edits.some((e) => e.start === node.expression.getStart(sf) && e.text === 'onTestFinished');
      const name = localToJest.get(node.expression.text);
      if (!rewritten) references.set(name, (references.get(name) ?? 0) + 1);
    } else if (ts.isIdentifier(node) && localToJest.has(node.text) && !(ts.isCallExpression(node.parent) && node.parent.expression === node)) {
      if (!ts.isImportSpecifier(node.parent)) references.set(localToJest.get(node.text), (references.get(localToJest.get(node.text)) ?? 0) + 1);
    }
    ts.forEachChild(node, countCalls);
  };
  countCalls(sf);
  const sorted = [...names].filter((n) => references.has(n)).sort();
  edits.push({ start: imports[0].getStart(sf), end: imports[0].end, text: `import { ${sorted.join(', ')} } from '@jest/globals';` });
  for (const decl of imports.slice(1)) edits.push({ start: decl.getFullStart(), end: decl.end, text: '' });
  if (needsOnTestFinished) {
    const helpers = path.join(testsRoot(fileName), 'helpers', 'on-test-finished.js');
    let rel = path.relative(path.dirname(fileName), helpers).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    edits.push({ start: imports[0].end, end: imports[0].end, text: `\nimport { onTestFinished } from '${rel}';` });
  }
  // the rename locations of a renamed hook include the calls rewritten above: keep one edit per spot
  const unique = new Map();
  for (const e of edits) if (!unique.has(e.start) || e.text === 'onTestFinished') unique.set(e.start, e);
  edits.splice(0, edits.length, ...unique.values());
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  let last = Infinity;
  for (const e of edits) {
    if (e.end > last) throw new Error(`${fileName}: overlapping edits at ${e.start}`);
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    last = e.start;
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('node-test-to-jest.mjs')) {
  const targets = process.argv.slice(2);
  const files = (targets.length > 0 ? targets : ['__tests__']).flatMap(collect);
  const results = files.map((f) => [f, convert(f, readFileSync(f, 'utf8'))]); // every file checked before any is written
  let changed = 0;
  for (const [f, out] of results) {
    if (out === undefined) continue;
    writeFileSync(f, out);
    changed += 1;
    console.log(`converted ${f}`);
  }
  console.log(`${changed} file(s) converted, ${files.length - changed} left as they were`);
}
