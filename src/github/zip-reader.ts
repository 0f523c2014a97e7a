// Reads chosen entries of a zip held in memory, through its central directory. Pure: bytes in,
// entries out, no I/O.
//
// Written by hand because the archives come from other runs, possibly a fork's (untrusted), and the
// forward-streaming parser we used before (unzip-stream) never returns on a zip whose end is cut off
// or on "PK" followed by garbage: its flush reschedules itself while unparsed bytes remain. Reading
// the central directory first (as yauzl and every unzip tool do) makes a truncated archive an error
// before anything is inflated, and inflating synchronously with zlib's `maxOutputLength` bounds
// both the time and the bytes by the size of the input. Only what perfgate's own artifacts use is
// supported: stored or deflated entries, no zip64, no encryption.
import { inflateRawSync } from 'node:zlib';

/** The archive is not a zip, is cut short, or uses features perfgate's artifacts never use. */
export class ArtifactUnreadableError extends Error {}
/** The wanted entries inflate to more than the budget (a zip bomb, or simply too much). */
export class ArtifactTooLargeError extends Error {}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * The entries of `zip` whose names `want` accepts, inflated. Throws ArtifactUnreadableError for
 * anything that is not a complete, plain zip, and ArtifactTooLargeError when the chosen entries
 * would inflate to more than `maxBytes` together (checked before and while inflating).
 */
export function readZipEntries(zip: Buffer, want: (name: string) => boolean, maxBytes: number): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let budget = maxBytes;
  for (const entry of centralDirectory(zip)) {
    if (!want(entry.name)) continue;
    if (out.has(entry.name)) throw new ArtifactUnreadableError(`the archive holds '${entry.name}' twice`);
    if (entry.flags & 0x1) throw new ArtifactUnreadableError(`'${entry.name}' is encrypted`);
    if (entry.size > budget) throw new ArtifactTooLargeError(`artifact files inflate to over ${maxBytes} bytes`);
    const data = entryData(zip, entry);
    const bytes = entry.method === STORED ? Buffer.from(data) : inflate(data, entry);
    if (bytes.length !== entry.size) {
      throw new ArtifactUnreadableError(`'${entry.name}' inflates to ${bytes.length} bytes, the archive says ${entry.size}: it is corrupt`);
    }
    budget -= bytes.length;
    out.set(entry.name, bytes);
  }
  return out;
}

function centralDirectory(zip: Buffer): CentralEntry[] {
  const end = findEndRecord(zip);
  const count = zip.readUInt16LE(end + 10);
  const size = zip.readUInt32LE(end + 12);
  const offset = zip.readUInt32LE(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw new ArtifactUnreadableError('zip64 archives are not supported');
  if (offset + size > end) throw new ArtifactUnreadableError('the central directory lies outside the archive: it is truncated or corrupt');
  const entries: CentralEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > offset + size || zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new ArtifactUnreadableError(`central directory entry ${i + 1} of ${count} is missing or corrupt`);
    }
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + CENTRAL_SIZE + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (next > offset + size) throw new ArtifactUnreadableError(`central directory entry ${i + 1} of ${count} runs past the directory`);
    entries.push({
      name: zip.toString('utf8', at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength),
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
    });
    at = next;
  }
  return entries;
}

/** Offset of the end-of-central-directory record: the last 22 + comment bytes of every zip. */
function findEndRecord(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
  for (let at = zip.length - EOCD_SIZE; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE && at + EOCD_SIZE + zip.readUInt16LE(at + 20) <= zip.length) return at;
  }
  const what = zip.length >= 2 && zip.toString('latin1', 0, 2) === 'PK' ? 'its end (the central directory) is missing: it is truncated' : 'it is not a zip archive';
  throw new ArtifactUnreadableError(`${what} (${zip.length} bytes)`);
}

function entryData(zip: Buffer, entry: CentralEntry): Buffer {
  const at = entry.localOffset;
  if (at + LOCAL_SIZE > zip.length || zip.readUInt32LE(at) !== LOCAL_SIGNATURE) {
    throw new ArtifactUnreadableError(`the local header of '${entry.name}' is missing or corrupt`);
  }
  const start = at + LOCAL_SIZE + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  if (start + entry.compressedSize > zip.length) throw new ArtifactUnreadableError(`the data of '${entry.name}' is cut short`);
  return zip.subarray(start, start + entry.compressedSize);
}

/** Inflates an entry whose declared size is already within the budget, and no further than that. */
function inflate(data: Buffer, entry: CentralEntry): Buffer {
  if (entry.method !== DEFLATED) throw new ArtifactUnreadableError(`'${entry.name}' uses compression method ${entry.method} (only stored and deflate are read)`);
  try {
    // One byte over the declared size is enough to catch an entry that lies about its size.
    return inflateRawSync(data, { maxOutputLength: entry.size + 1 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ArtifactUnreadableError(`'${entry.name}' inflates to more than the ${entry.size} bytes the archive says: it is corrupt`);
    }
    throw new ArtifactUnreadableError(`'${entry.name}' does not inflate: ${(error as Error).message}`);
  }
}
