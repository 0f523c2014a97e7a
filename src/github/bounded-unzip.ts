// Extracts the files perfgate expects from an artifact zip, and nothing else, within a size budget.
// Artifacts can come from a fork's run (untrusted): a 10 MB zip can inflate to gigabytes, and entry
// names can point anywhere. @actions/artifact extracts everything it is given, so it downloads the
// zip as is (skipDecompress) and this module does the extraction.
import { createReadStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import unzip, { type Entry } from 'unzip-stream';

export class ArtifactTooLargeError extends Error {}

export interface ExtractLimits {
  /** Base names to extract (at the top of the archive); every other entry is skipped. */
  names: ReadonlySet<string>;
  /** Total uncompressed bytes allowed over the extracted files. */
  maxBytes: number;
}

/** Extracts `limits.names` from `zipFile` into `dir`; resolves to the names written. */
export async function extractExpectedFiles(zipFile: string, dir: string, limits: ExtractLimits): Promise<string[]> {
  let total = 0;
  const written: string[] = [];
  const budget = (): Transform =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        total += chunk.length;
        if (total > limits.maxBytes) done(new ArtifactTooLargeError(`artifact files inflate to over ${limits.maxBytes} bytes`));
        else done(null, chunk);
      },
    });
  await pipeline(
    createReadStream(zipFile),
    unzip.Parse(),
    new Writable({
      objectMode: true,
      write(entry: Entry, _encoding, done) {
        if (entry.type !== 'File' || !limits.names.has(entry.path)) {
          entry.autodrain();
          done();
          return;
        }
        // entry.path is one of our own names: no directory part, so no way out of dir.
        pipeline(entry, budget(), createWriteStream(path.join(dir, entry.path))).then(
          () => {
            written.push(entry.path);
            done();
          },
          done,
        );
      },
    }),
  );
  return written;
}
