// Moves bytes between a client socket and its upstream, one RelayDirection per direction, showing
// every chunk to a decide() callback (the protocol tap) before forwarding what it returns.
//
// Why sockets read into buffers we own (net's `onread`) instead of 'data' events: on a
// request/response protocol every round trip is two small chunks per direction, and the stream path
// allocates a fresh ArrayBuffer per read and runs Readable's push / maybeReadMore machinery (a
// nextTick per chunk). With `onread`, libuv reads straight into our buffer and calls us directly; in
// bench/proxy-overhead.ts that cut the proxy's user CPU per pgbench transaction by a third
// (32 → 21 µs, docs/benchmarks.md). A buffer is read into again only once nothing references the
// bytes of the last read: when the forwarded write went to the kernel at once (the peer's
// writableLength is 0).
// Otherwise the next read gets a fresh buffer. So a tap must copy what it keeps past its return
// (src/queries/types.ts).
//
// Accepted sockets: net.Server has no `onread` option, so the accepted connection's handle is moved
// into a new net.Socket that has one (`adoptReading`). That uses the socket's `_handle`, which is not
// public API; when it is missing the connection is fed by 'data' events instead, same bytes, same taps.

import net from 'node:net';
import type { TapDecision } from './types.js';

export type Decide = (chunk: Buffer) => TapDecision;

/** What a direction needs of its two sockets (net.Socket has it all; tests pass stand-ins). */
export interface RelayEnd {
  readonly destroyed: boolean;
  readonly writableLength: number;
  write(bytes: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  end(): unknown;
}

/** libuv reads at most this much per callback; 64 KiB is what Node itself suggests for TCP. */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * One direction of a connection: chunks read from `from` go through decide() to `to`. Fed either by
 * `onread` (reads into buffers this object owns) or by calling deliver() from 'data' events. `from`
 * and `to` are set once both sockets exist (the upstream is created after the client's reader).
 */
export class RelayDirection {
  private buffer: Buffer | undefined;
  private retire = true;
  private waiting = false;
  from: RelayEnd | undefined;
  to: RelayEnd | undefined;

  constructor(private readonly decide: Decide) {}

  readonly onread: net.OnReadOpts = {
    // Called before the first read and after every read: a new buffer only when the last one may
    // still be referenced by a pending write; `undefined` keeps reading into the current one.
    buffer: (() => {
      if (!this.retire && this.buffer !== undefined) return undefined;
      this.retire = false;
      this.buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
      return this.buffer;
    }) as () => Buffer,
    // true: keep reading (backpressure pauses `from` explicitly, as on the 'data' path).
    callback: (bytes: number, buffer: Uint8Array): boolean => {
      this.deliver((buffer as Buffer).subarray(0, bytes));
      return true;
    },
  };

  /** Forwards one chunk as the tap decides. Backpressure: `from` pauses until `to` drains. */
  deliver(chunk: Buffer): void {
    const from = this.from!;
    const to = this.to!;
    const d = this.decide(chunk);
    if (d.reply !== undefined) from.write(d.reply);
    let copied = false;
    if (d.forward !== undefined && d.forward.length > 0 && !to.destroyed) {
      // Behind bytes already queued this write will queue too: send a copy of just these bytes and
      // keep reading into our buffer, instead of pinning a whole read buffer per small chunk while
      // the peer is slow (backpressure counts queued bytes, not the buffers they sit in).
      let bytes = d.forward;
      if (to.writableLength > 0 && this.buffer !== undefined && bytes.buffer === this.buffer.buffer) {
        bytes = Buffer.from(bytes);
        copied = true;
      }
      if (!to.write(bytes) && !this.waiting) {
        this.waiting = true;
        from.pause();
        to.once('drain', () => {
          this.waiting = false;
          from.resume();
        });
      }
    }
    // Bytes still queued (in libuv or in the Writable) may point into this buffer.
    if ((to.writableLength > 0 && !copied) || from.writableLength > 0) this.retire = true;
    if (d.close !== undefined) {
      from.end();
      to.end();
    }
  }
}

/**
 * Moves an accepted connection's handle into a socket that reads through `onread`. The server must
 * have been created with `pauseOnConnect: true`, so no read happened before. Returns undefined when
 * this Node's sockets do not expose `_handle` (the caller then relays with 'data' events).
 */
export function adoptReading(accepted: net.Socket, onread: net.OnReadOpts): net.Socket | undefined {
  const internal = accepted as unknown as { _handle?: object | null };
  const handle = internal._handle;
  if (handle === undefined || handle === null) return undefined;
  internal._handle = null;
  // Releases the server's bookkeeping for the old object (its connection count); the handle is ours now.
  accepted.destroy();
  const socket = new net.Socket({ handle, onread, readable: true, writable: true } as net.SocketConstructorOpts);
  socket.setNoDelay(true);
  return socket;
}

/**
 * Ties the two sockets' lifetimes: an end on one side ends the other once written; an error or reset
 * destroys both, so a dead database or client never leaves a half-open pair behind.
 */
export function linkLifetimes(from: net.Socket, to: net.Socket): void {
  from.on('end', () => {
    if (!to.destroyed) to.end();
  });
  from.on('error', () => {
    to.destroy();
  });
  from.on('close', (hadError) => {
    if (hadError) to.destroy();
    else if (!to.destroyed) {
      to.end();
      // `to` closes only once it reads its peer's EOF. If it was paused waiting for `from` to drain,
      // that 'drain' never comes now: resume it (nothing more can be queued to a closed `from`).
      to.resume();
    }
  });
}
