// Artifact zips from other runs are untrusted: only perfgate's own files come out, within a budget.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { ArtifactTooLargeError, ArtifactUnreadableError, extractExpectedFiles } from '../../src/github/bounded-unzip.js';
import { readZipEntries } from '../../src/github/zip-reader.js';
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

describe('readZipEntries on archives that are not whole', () => {
  const want = (name: string) => names.has(name);

  test('a zip cut at any byte is ArtifactUnreadableError', async () => {
    const zip = await zipBytes([
      { name: 'results.json', data: JSON.stringify({ scenarios: 'x'.repeat(3000) }) },
      { name: 'outcome.json', data: '{"verdict":"pass"}' },
    ]);
    for (let cut = 0; cut < zip.length; cut++) {
      assert.throws(() => readZipEntries(zip.subarray(0, cut), want, 1 << 20), ArtifactUnreadableError, `cut at ${cut} of ${zip.length}`);
    }
    assert.deepEqual([...readZipEntries(zip, want, 1 << 20).keys()].sort(), ['outcome.json', 'results.json']);
  });

  test('"PK" + garbage and plain text say which they are', () => {
    assert.throws(() => readZipEntries(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(4096, 0x5a)]), want, 1 << 20), /central directory\) is missing: it is truncated/);
    assert.throws(() => readZipEntries(Buffer.from('{"schema":"perfgate/results@1"}'), want, 1 << 20), /not a zip archive/);
  });

  test('an entry that inflates past the size its directory declares is corrupt, and inflating stops there', async () => {
    const zip = await zipBytes([{ name: 'results.json', data: Buffer.alloc(1 << 20, 0x20) }]);
    // Lower the declared size in the central directory only: the data still inflates to 1 MiB.
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const central = zip.readUInt32LE(eocd + 16);
    zip.writeUInt32LE(100, central + 24);
    assert.throws(() => readZipEntries(zip, want, 1 << 24), /inflates to more than the 100 bytes the archive says/);
  });

  test('random bytes, and real zips with random bytes changed, end in one of our two errors or entries', async () => {
    const real = await zipBytes([{ name: 'results.json', data: '{"ok":true}' }]);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), async (noise, edits) => {
        for (const bytes of [Buffer.from(noise), Buffer.concat([Buffer.from('PK\x03\x04'), noise]), patched(real, edits)]) {
          try {
            readZipEntries(bytes, want, 1 << 16);
          } catch (error) {
            assert.ok(error instanceof ArtifactUnreadableError || error instanceof ArtifactTooLargeError, String(error));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

function patched(zip: Buffer, edits: [number, number][]): Buffer {
  const copy = Buffer.from(zip);
  for (const [at, value] of edits) copy[at % copy.length] = value;
  return copy;
}
