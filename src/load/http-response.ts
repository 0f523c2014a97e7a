// Where an HTTP/1.x response ends, from the bytes of one connection. Pure: bytes in, events out.
//
// Hand-written for the reconnecting load generator (reconnecting.ts): node:http's client cost ~1.7×
// the CPU per request of a raw socket against a server that closes connections (measured here:
// ~260 vs ~155 µs per request, both including the connect), and on a 2-core runner the load
// generator's CPU is taken from the service. The client needs only the status, whether the server
// will close, and where each response ends: by Content-Length, chunked transfer coding, or the
// connection's end (RFC 9112 §6.3). Body bytes are skipped, never kept.

/** One complete response. */
export interface ResponseEnd {
  status: number;
  /** The server will close the connection after this response (`Connection: close`, or HTTP/1.0 without keep-alive). */
  close: boolean;
}

/** Longest response head accepted; a larger one is a protocol error rather than unbounded buffering. */
export const MAX_HEAD_BYTES = 64 * 1024;

type State =
  | { kind: 'head' }
  | { kind: 'length'; left: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; left: number }
  | { kind: 'chunk-crlf'; left: number }
  | { kind: 'trailers' }
  | { kind: 'until-close' };

const CRLF_CRLF = Buffer.from('\r\n\r\n');

export class ResponseFramer {
  private state: State = { kind: 'head' };
  /** Unparsed bytes of a head, a chunk-size line or trailers, kept across chunks. */
  private pending: Buffer = Buffer.alloc(0);
  private current: ResponseEnd | undefined;

  /**
   * `headRequest`: the requests are HEAD, whose responses have no body whatever their headers say
   * (as 204 and 304 responses; RFC 9112 §6.3 rule 1).
   */
  constructor(private readonly headRequest = false) {}

  /** True while a response has started but not ended. */
  get inResponse(): boolean {
    return this.state.kind !== 'head' || this.pending.length > 0;
  }

  /** Feeds bytes; returns the responses they complete, in order. Throws on a malformed response. */
  push(chunk: Buffer): ResponseEnd[] {
    const done: ResponseEnd[] = [];
    let data = chunk;
    while (data.length > 0) data = this.step(data, done);
    return done;
  }

  /**
   * The connection ended. Returns the response this completes (a body delimited by the close), or
   * undefined. `inResponse` afterwards says whether a response was cut off.
   */
  end(): ResponseEnd | undefined {
    if (this.state.kind !== 'until-close') return undefined;
    const response = this.current!;
    this.reset();
    return response;
  }

  private reset(): void {
    this.state = { kind: 'head' };
    this.current = undefined;
    this.pending = Buffer.alloc(0);
  }

  /** Consumes a prefix of `data`, returns the rest. */
  private step(data: Buffer, done: ResponseEnd[]): Buffer {
    const state = this.state;
    switch (state.kind) {
      case 'head': {
        const joined = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
        const at = joined.indexOf(CRLF_CRLF);
        if (at < 0) {
          if (joined.length > MAX_HEAD_BYTES) throw new Error(`response head longer than ${MAX_HEAD_BYTES} bytes`);
          this.pending = joined;
          return Buffer.alloc(0);
        }
        this.pending = Buffer.alloc(0);
        this.startBody(joined.toString('latin1', 0, at), done);
        return joined.subarray(at + 4);
      }
      case 'length': {
        const take = Math.min(state.left, data.length);
        state.left -= take;
        if (state.left === 0) this.finish(done);
        return data.subarray(take);
      }
      case 'chunk-size':
      case 'trailers': {
        const joined = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
        const at = joined.indexOf('\r\n');
        if (at < 0) {
          if (joined.length > MAX_HEAD_BYTES) throw new Error('chunk-size line or trailer too long');
          this.pending = joined;
          return Buffer.alloc(0);
        }
        this.pending = Buffer.alloc(0);
        const line = joined.toString('latin1', 0, at);
        if (state.kind === 'trailers') {
          if (line === '') this.finish(done);
        } else {
          const size = parseInt(line.split(';', 1)[0]!.trim(), 16);
          if (!Number.isFinite(size) || size < 0 || !/^[0-9a-f]+$/i.test(line.split(';', 1)[0]!.trim())) {
            throw new Error(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`);
          }
          this.state = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', left: size };
        }
        return joined.subarray(at + 2);
      }
      case 'chunk-data': {
        const take = Math.min(state.left, data.length);
        state.left -= take;
        if (state.left === 0) this.state = { kind: 'chunk-crlf', left: 2 };
        return data.subarray(take);
      }
      case 'chunk-crlf': {
        const take = Math.min(state.left, data.length);
        state.left -= take;
        if (state.left === 0) this.state = { kind: 'chunk-size' };
        return data.subarray(take);
      }
      case 'until-close':
        return Buffer.alloc(0);
    }
  }

  private startBody(head: string, done: ResponseEnd[]): void {
    const lines = head.split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!);
    if (!statusLine) throw new Error(`bad status line ${JSON.stringify(lines[0]!.slice(0, 60))}`);
    const http10 = statusLine[1] === '0';
    const status = Number(statusLine[2]);
    let contentLength: number | undefined;
    let chunked = false;
    let connection = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^\d+$/.test(value)) throw new Error(`bad Content-Length ${JSON.stringify(value)}`);
        contentLength = Number(value);
      } else if (name === 'transfer-encoding') chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      else if (name === 'connection') connection += `${value.toLowerCase()},`;
    }
    // 1xx answers (100 Continue) precede the real response on the same request.
    if (status >= 100 && status < 200) return;
    const close = /\bclose\b/.test(connection) || (http10 && !/\bkeep-alive\b/.test(connection));
    this.current = { status, close };
    if (this.headRequest || status === 204 || status === 304) this.finish(done);
    else if (chunked) this.state = { kind: 'chunk-size' };
    else if (contentLength !== undefined) {
      this.state = { kind: 'length', left: contentLength };
      if (contentLength === 0) this.finish(done);
    } else this.state = { kind: 'until-close' };
  }

  private finish(done: ResponseEnd[]): void {
    done.push(this.current!);
    this.reset();
  }
}
