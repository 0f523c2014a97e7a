// Real zips for tests, made by archiver (what @actions/artifact uploads with).
import archiver from 'archiver';

export async function zipBytes(entries: { name: string; data: Buffer | string }[]): Promise<Buffer> {
  const archive = archiver('zip', { zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  archive.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  for (const e of entries) archive.append(e.data, { name: e.name });
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}
