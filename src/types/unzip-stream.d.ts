// The part of unzip-stream (no published types) that src/github/bounded-unzip.ts uses.
declare module 'unzip-stream' {
  import type { Duplex, Readable } from 'node:stream';
  export interface Entry extends Readable {
    path: string;
    type: 'File' | 'Directory';
    size?: number;
    autodrain(): void;
  }
  export function Parse(options?: { debug?: boolean }): Duplex;
  const unzip: { Parse: typeof Parse };
  export default unzip;
}
