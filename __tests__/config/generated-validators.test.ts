// The validators the bundle runs are compiled from the schemas at build time
// (scripts/generate-validators.ts) and committed: a schema changed without `npm run build` would
// leave perfgate checking configs and results files against the old one.
import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, TARGETS } from '../../scripts/generate-validators.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

for (const target of TARGETS) {
  test(`${target.file}.js is what ${target.source} compiles to now (else: npm run build)`, () => {
    const { js, dts } = generate(target);
    assert.ok(readFileSync(path.join(root, `${target.file}.js`), 'utf8') === js, `${target.file}.js is stale`);
    assert.equal(readFileSync(path.join(root, `${target.file}.d.ts`), 'utf8'), dts);
  });
}

test('the generated validators compile no schema when loaded: they import no ajv but its runtime helpers', () => {
  for (const target of TARGETS) {
    const js = readFileSync(path.join(root, `${target.file}.js`), 'utf8');
    const imports = [...js.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    assert.ok(imports.every((m) => m!.startsWith('ajv/dist/runtime/')), `${target.file}.js imports ${imports.join(', ')}`);
  }
});
