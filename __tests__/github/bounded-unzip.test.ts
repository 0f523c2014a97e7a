// Artifact zips from other runs are untrusted: only perfgate's own files come out, within a budget.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArtifactTooLargeError, extractExpectedFiles } from '../../src/github/bounded-unzip.js';
import { zipBytes } from './zip.js';

const names = new Set(['results.json', 'baseline.json', 'outcome.json']);

async function zipOf(entries: { name: string; data: Buffer | string }[]): Promise<string> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'perfgate-zip-')), 'artifact.zip');
  writeFileSync(file, await zipBytes(entries));
  return file;
}

function emptyDir(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'perfgate-unzip-'));
  const dir = path.join(root, 'out');
  mkdirSync(dir);
  return dir;
}

describe('extractExpectedFiles', () => {
  test("extracts perfgate's files and skips everything else, wherever it points", async () => {
    const zip = await zipOf([
      { name: 'results.json', data: '{"ok":1}' },
      { name: 'outcome.json', data: '{"verdict":"pass"}' },
      { name: 'notes.txt', data: 'not ours' },
      { name: 'nested/baseline.json', data: '{}' },
      { name: '../escape.json', data: '{}' },
    ]);
    const dir = emptyDir();
    const written = await extractExpectedFiles(zip, dir, { names, maxBytes: 1024 });
    assert.deepEqual(written.sort(), ['outcome.json', 'results.json']);
    assert.deepEqual(readdirSync(dir).sort(), ['outcome.json', 'results.json']);
    assert.equal(existsSync(path.join(dir, '..', 'escape.json')), false);
  });

  test('a zip bomb stops at the budget with ArtifactTooLargeError instead of filling the disk', async () => {
    // 64 MiB of zeros: about 64 KB compressed, far under the 10 MB compressed-size check.
    const zip = await zipOf([{ name: 'results.json', data: Buffer.alloc(64 * 1024 * 1024) }]);
    assert.ok(statSync(zip).size < 1024 * 1024, `compressed ${statSync(zip).size} bytes`);
    const dir = emptyDir();
    await assert.rejects(extractExpectedFiles(zip, dir, { names, maxBytes: 1024 * 1024 }), ArtifactTooLargeError);
    const partial = path.join(dir, 'results.json');
    assert.ok(!existsSync(partial) || statSync(partial).size <= 1024 * 1024, 'no more than the budget was written');
  });
});
