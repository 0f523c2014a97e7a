// Extracts the files perfgate expects from an artifact zip, and nothing else, within a size budget.
// Artifacts can come from a fork's run (untrusted): a 10 MB zip can inflate to gigabytes, entry
// names can point anywhere, and the archive can be cut short or not be a zip at all. The whole
// archive is read and checked (zip-reader.ts) before a single file is written, so an unreadable
// one leaves nothing behind.
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ArtifactTooLargeError, ArtifactUnreadableError, readZipEntries } from './zip-reader.js';

export { ArtifactTooLargeError, ArtifactUnreadableError };

export interface ExtractLimits {
  /** Base names to extract (at the top of the archive); every other entry is skipped. */
  names: ReadonlySet<string>;
  /** Total uncompressed bytes allowed over the extracted files. */
  maxBytes: number;
}

/** Room for zip headers around files that do not compress. */
const ZIP_OVERHEAD_BYTES = 64 * 1024;

/** Largest archive worth reading for these limits: bigger ones are refused before being read. */
export function maxArchiveBytes(limits: ExtractLimits): number {
  return limits.maxBytes + ZIP_OVERHEAD_BYTES;
}

/** Extracts `limits.names` from `zipFile` into `dir`; resolves to the names written. */
export async function extractExpectedFiles(zipFile: string, dir: string, limits: ExtractLimits): Promise<string[]> {
  const size = (await stat(zipFile)).size;
  if (size > maxArchiveBytes(limits)) throw tooLarge(size, limits);
  return writeExpectedFiles(await readFile(zipFile), dir, limits);
}

/** The same for an archive already in memory. */
export async function writeExpectedFiles(zip: Buffer, dir: string, limits: ExtractLimits): Promise<string[]> {
  if (zip.length > maxArchiveBytes(limits)) throw tooLarge(zip.length, limits);
  const entries = readZipEntries(zip, (name) => limits.names.has(name), limits.maxBytes);
  for (const [name, bytes] of entries) {
    // name is one of our own names: no directory part, so no way out of dir.
    await writeFile(path.join(dir, name), bytes);
  }
  return [...entries.keys()];
}

function tooLarge(size: number, limits: ExtractLimits): ArtifactTooLargeError {
  return new ArtifactTooLargeError(`the archive is ${size} bytes, over the ${maxArchiveBytes(limits)} allowed`);
}
