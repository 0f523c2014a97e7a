import { test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TOOL_VERSION } from '../../src/version.js';
import { repoRoot } from './helpers.js';

test('the version in code matches package.json (the bundle cannot read package.json)', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  assert.equal(TOOL_VERSION, pkg.version);
});
