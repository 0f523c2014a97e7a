// Incremental framing of the PostgreSQL wire protocol (protocol 3.0), one direction per instance.
// Pure: bytes in, whole messages out; no I/O. Modelled on brianc/node-postgres packages/pg-protocol,
// but observe-only: the proxy forwards every chunk unchanged, so the framer never owns the bytes.
// Message bodies are only gathered for the few types counting needs (and only up to a cap), all
// other bodies — DataRow, CopyData — are skipped by arithmetic without copying.

/** Startup-phase request codes (the untyped messages a client may open a connection with). */
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

/** Bodies longer than this are delivered truncated (the head is enough for names and SQL). */
export const DEFAULT_MAX_BODY = 1 << 20;

export interface Frame {
  /** Message type byte (e.g. 0x51 'Q'). */
  type: number;
  /** Body length in bytes (the length field minus its own 4 bytes). */
  length: number;
  /** The body, only for types the framer was asked to keep; at most maxBody bytes. */
  body?: Buffer;
  /** True when body holds only the first maxBody bytes of a longer message. */
  truncated: boolean;
}

export type StartupKind = 'ssl' | 'gssenc' | 'cancel' | 'startup';

export interface StartupFrame {
  kind: StartupKind;
  /** Total bytes of the message including the length field. */
  length: number;
}

/**
 * Reads one untyped startup-phase message from the front of `buf`.
 * Returns 'need-more' until the whole message is there, 'malformed' for bytes that cannot be one
 * (e.g. a TLS ClientHello from a client using direct SSL) — the caller then stops parsing.
 */
export function readStartupMessage(buf: Buffer): StartupFrame | 'need-more' | 'malformed' {
  if (buf.length < 8) return 'need-more';
  const length = buf.readInt32BE(0);
  // The server rejects startup packets over 10000 bytes; anything outside is not Postgres.
  if (length < 8 || length > 10000) return 'malformed';
  if (buf.length < length) return 'need-more';
  const code = buf.readInt32BE(4);
  if (length === 8 && code === SSL_REQUEST_CODE) return { kind: 'ssl', length };
  if (length === 8 && code === GSSENC_REQUEST_CODE) return { kind: 'gssenc', length };
  if (length === 16 && code === CANCEL_REQUEST_CODE) return { kind: 'cancel', length };
  // Protocol major version 3 in the high 16 bits; 2.0 is long gone from the server.
  if (code >>> 16 !== 3) return 'malformed';
  return { kind: 'startup', length };
}

export interface FramerOptions {
  /** Types (byte values) whose bodies the consumer needs; all others are skipped. */
  keepBodies: ReadonlySet<number>;
  maxBody?: number;
}

/**
 * Typed-message framer. push() may be given chunks split anywhere; onFrame is called once per
 * message, in order. After a malformed length it stops framing for good (`broken`), because no
 * later boundary can be trusted.
 */
export class MessageFramer {
  private readonly keep: Uint8Array;
  private readonly maxBody: number;
  /** Header bytes gathered so far when a header straddles chunks. */
  private readonly header = Buffer.alloc(5);
  private headerHave = 0;
  /** Current message: its type and remaining body bytes (-1 = reading a header). */
  private type = 0;
  private length = 0;
  private remaining = -1;
  private body: Buffer | undefined;
  private bodyHave = 0;
  broken = false;

  constructor(options: FramerOptions) {
    this.keep = new Uint8Array(256);
    for (const t of options.keepBodies) this.keep[t] = 1;
    this.maxBody = options.maxBody ?? DEFAULT_MAX_BODY;
  }

  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    if (this.broken) return;
    let off = 0;
    const end = chunk.length;
    while (off < end) {
      if (this.remaining < 0) {
        // Fast path: the whole header is in this chunk.
        if (this.headerHave === 0 && end - off >= 5) {
          this.type = chunk[off]!;
          this.length = chunk.readInt32BE(off + 1) - 4;
          off += 5;
        } else {
          const take = Math.min(5 - this.headerHave, end - off);
          chunk.copy(this.header, this.headerHave, off, off + take);
          this.headerHave += take;
          off += take;
          if (this.headerHave < 5) return;
          this.headerHave = 0;
          this.type = this.header[0]!;
          this.length = this.header.readInt32BE(1) - 4;
        }
        if (this.length < 0) {
          this.broken = true;
          return;
        }
        if (this.keep[this.type] === 1) {
          const wanted = Math.min(this.length, this.maxBody);
          // Zero-copy when the kept part of the body is already here.
          if (end - off >= wanted) {
            const body = chunk.subarray(off, off + wanted);
            const skip = Math.min(this.length, end - off);
            off += skip;
            if (skip === this.length) {
              onFrame({ type: this.type, length: this.length, body, truncated: wanted < this.length });
              continue;
            }
            // Truncated body whose tail spans later chunks: deliver once the tail is skipped.
            this.body = Buffer.from(body);
            this.bodyHave = wanted;
            this.remaining = this.length - skip;
            continue;
          }
          this.body = Buffer.allocUnsafe(wanted);
          this.bodyHave = 0;
        } else {
          this.body = undefined;
        }
        this.remaining = this.length;
        if (this.remaining === 0) {
          this.remaining = -1;
          onFrame({ type: this.type, length: 0, body: this.body, truncated: false });
          this.body = undefined;
        }
        continue;
      }
      const take = Math.min(this.remaining, end - off);
      if (this.body !== undefined && this.bodyHave < this.body.length) {
        const copy = Math.min(take, this.body.length - this.bodyHave);
        chunk.copy(this.body, this.bodyHave, off, off + copy);
        this.bodyHave += copy;
      }
      off += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        this.remaining = -1;
        const body = this.body;
        this.body = undefined;
        onFrame({ type: this.type, length: this.length, body, truncated: body !== undefined && body.length < this.length });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Decoders for the few messages counting needs. Each takes a (possibly truncated) body and never
// throws: a field cut off by truncation comes back empty.

/** Frontend message types (client → server). */
export const F = {
  Query: 0x51, // 'Q'
  Parse: 0x50, // 'P'
  Bind: 0x42, // 'B'
  Execute: 0x45, // 'E'
  Sync: 0x53, // 'S'
  Close: 0x43, // 'C'
  Describe: 0x44, // 'D'
  Flush: 0x48, // 'H'
  Terminate: 0x58, // 'X'
  CopyData: 0x64, // 'd'
  CopyDone: 0x63, // 'c'
  CopyFail: 0x66, // 'f'
} as const;

/** Backend message types (server → client). Same letters, different meanings: two parsers. */
export const B = {
  CommandComplete: 0x43, // 'C'
  EmptyQueryResponse: 0x49, // 'I'
  ErrorResponse: 0x45, // 'E'
  ReadyForQuery: 0x5a, // 'Z'
  ParseComplete: 0x31, // '1'
  BindComplete: 0x32, // '2'
  PortalSuspended: 0x73, // 's'
  CopyInResponse: 0x47, // 'G'
  CopyOutResponse: 0x48, // 'H'
  CopyBothResponse: 0x57, // 'W'
  DataRow: 0x44, // 'D'
} as const;

class Reader {
  off = 0;
  constructor(private readonly buf: Buffer) {}
  get left(): number {
    return this.buf.length - this.off;
  }
  cstring(): string {
    const nul = this.buf.indexOf(0, this.off);
    const stop = nul === -1 ? this.buf.length : nul;
    const s = this.buf.toString('utf8', this.off, stop);
    this.off = nul === -1 ? this.buf.length : nul + 1;
    return s;
  }
  int16(): number {
    if (this.left < 2) {
      this.off = this.buf.length;
      return 0;
    }
    const v = this.buf.readInt16BE(this.off);
    this.off += 2;
    return v;
  }
  int32(): number {
    if (this.left < 4) {
      this.off = this.buf.length;
      return 0;
    }
    const v = this.buf.readInt32BE(this.off);
    this.off += 4;
    return v;
  }
  bytes(n: number): Buffer {
    const b = this.buf.subarray(this.off, Math.min(this.buf.length, this.off + n));
    this.off += b.length;
    return b;
  }
  byte(): number {
    return this.left > 0 ? this.buf[this.off++]! : 0;
  }
}

export function decodeQuery(body: Buffer): { sql: string } {
  return { sql: new Reader(body).cstring() };
}

export function decodeParse(body: Buffer): { name: string; sql: string } {
  const r = new Reader(body);
  const name = r.cstring();
  return { name, sql: r.cstring() };
}

/** Binary parameters longer than this are shown by their first bytes only. */
const MAX_BINARY_PARAM_SHOWN = 64;

export interface BindMessage {
  portal: string;
  statement: string;
  /** Text parameters as text, binary ones as `\x` + hex, NULL as null. */
  params: (string | null)[];
}

export function decodeBind(body: Buffer): BindMessage {
  const r = new Reader(body);
  const portal = r.cstring();
  const statement = r.cstring();
  const nFormats = r.int16();
  const formats: number[] = [];
  for (let i = 0; i < nFormats && r.left > 0; i++) formats.push(r.int16());
  const nParams = r.int16();
  const params: (string | null)[] = [];
  for (let i = 0; i < nParams && r.left >= 4; i++) {
    const len = r.int32();
    if (len < 0) {
      params.push(null);
      continue;
    }
    const value = r.bytes(len);
    const format = nFormats === 0 ? 0 : nFormats === 1 ? formats[0] : formats[i];
    if (format === 1) {
      const shown = value.subarray(0, MAX_BINARY_PARAM_SHOWN).toString('hex');
      params.push(`\\x${shown}${value.length > MAX_BINARY_PARAM_SHOWN ? '…' : ''}`);
    } else {
      params.push(value.toString('utf8'));
    }
  }
  return { portal, statement, params };
}

export function decodeExecute(body: Buffer): { portal: string; maxRows: number } {
  const r = new Reader(body);
  const portal = r.cstring();
  return { portal, maxRows: r.int32() };
}

/** Close and Describe share a layout: 'S' (statement) or 'P' (portal), then a name. */
export function decodeTarget(body: Buffer): { target: 'statement' | 'portal'; name: string } {
  const r = new Reader(body);
  const kind = r.byte();
  return { target: kind === 0x50 ? 'portal' : 'statement', name: r.cstring() };
}

/** CommandComplete's tag, e.g. "INSERT 0 1" or "SELECT 3". */
export function decodeCommandComplete(body: Buffer): { tag: string } {
  return { tag: new Reader(body).cstring() };
}

/** ErrorResponse / NoticeResponse: the SQLSTATE ('C') and message ('M') fields. */
export function decodeErrorResponse(body: Buffer): { code: string; message: string } {
  const r = new Reader(body);
  let code = '';
  let message = '';
  while (r.left > 0) {
    const field = r.byte();
    if (field === 0) break;
    const value = r.cstring();
    if (field === 0x43) code = value;
    else if (field === 0x4d) message = value;
  }
  return { code, message };
}
