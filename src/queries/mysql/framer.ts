// Incremental framer for the MySQL client/server protocol: bytes in, logical packets out, no I/O.
//
// A wire packet is a 3-byte little-endian payload length, a 1-byte sequence id, then the payload.
// A payload of exactly 0xFFFFFF bytes continues in the next wire packet; the logical packet ends with
// the first wire packet shorter than that (possibly empty). The framer only observes: the proxy
// forwards every chunk as it arrives, so counting never holds bytes back.
//
// A payload inside one chunk is a view into it, valid only while the callback runs (the proxy reads
// the next bytes into the same memory); a packet that spans chunks is gathered from copies.

export const MAX_WIRE_PAYLOAD = 0xffffff;

export interface MysqlPacket {
  /** Sequence id of the first wire packet of this logical packet. */
  sequenceId: number;
  /** Full logical payload length (sum over continuation packets). */
  length: number;
  /** First payload byte (the packet type of most packets), or -1 for an empty payload. */
  first: number;
  /** The payload, or only its first `captureLimit` bytes when `truncated`. */
  payload: Buffer;
  truncated: boolean;
}

/**
 * Payload bytes kept per logical packet. Counting needs the first bytes of server replies and the
 * SQL text of client commands; rows of large BLOBs need not be copied.
 */
export const DEFAULT_CAPTURE_LIMIT = 1 << 20;

const EMPTY = Buffer.alloc(0);

export class MysqlFramer {
  /**
   * Bytes of payload kept for packets that start from now on. The caller may change it between
   * packets (from inside the feed callback): result-set rows need only their first byte.
   */
  captureLimit: number;
  /**
   * Keep payloads only of packets whose first byte is at least this (0 = all). Inside a result set
   * only end and error packets (0xFE, 0xFF) need reading; rows are then framed without any view.
   */
  captureFromFirstByte = 0;
  private readonly header = new Uint8Array(4);
  private headerFilled = 0;
  /** Bytes of the current wire packet's payload still to come. */
  private wireRemaining = 0;
  private inPayload = false;
  private wireIsFull = false;
  /** The logical packet being assembled across chunks or continuation packets, if any. */
  private logical: { sequenceId: number; length: number; first: number; parts: Buffer[]; kept: number; limit: number } | null = null;

  constructor(captureLimit = DEFAULT_CAPTURE_LIMIT) {
    this.captureLimit = captureLimit;
  }

  /** Feeds a chunk; returns the logical packets it completed, in order. */
  push(chunk: Buffer): MysqlPacket[] {
    const out: MysqlPacket[] = [];
    this.feed(chunk, (p) => out.push(p));
    return out;
  }

  /** Feeds a chunk, calling `onPacket` for each logical packet it completes, in order. */
  feed(chunk: Buffer, onPacket: (packet: MysqlPacket) => void): void {
    let offset = 0;
    const n = chunk.length;
    while (offset < n) {
      if (!this.inPayload) {
        let length: number;
        let sequenceId: number;
        if (this.headerFilled === 0 && offset + 4 <= n) {
          length = chunk[offset] | (chunk[offset + 1] << 8) | (chunk[offset + 2] << 16);
          sequenceId = chunk[offset + 3];
          offset += 4;
          // Fast path: a whole, final wire packet inside this chunk and nothing pending.
          if (this.logical === null && length < MAX_WIRE_PAYLOAD && offset + length <= n) {
            const kept = length > 0 && chunk[offset] >= this.captureFromFirstByte ? Math.min(length, this.captureLimit) : 0;
            onPacket({
              sequenceId,
              length,
              first: length > 0 ? chunk[offset] : -1,
              payload: kept > 0 ? chunk.subarray(offset, offset + kept) : EMPTY,
              truncated: kept < length,
            });
            offset += length;
            continue;
          }
        } else {
          // A header split across chunks (rare): gather it byte by byte.
          this.header[this.headerFilled++] = chunk[offset++];
          if (this.headerFilled < 4) continue;
          this.headerFilled = 0;
          const h = this.header;
          length = h[0] | (h[1] << 8) | (h[2] << 16);
          sequenceId = h[3];
        }
        this.startWirePacket(length, sequenceId, onPacket);
        continue;
      }
      const take = Math.min(this.wireRemaining, n - offset);
      this.keep(chunk, offset, take);
      offset += take;
      this.wireRemaining -= take;
      if (this.wireRemaining === 0) this.endWirePacket(onPacket);
    }
  }

  private startWirePacket(length: number, sequenceId: number, onPacket: (packet: MysqlPacket) => void): void {
    this.wireIsFull = length === MAX_WIRE_PAYLOAD;
    if (this.logical === null) this.logical = { sequenceId, length: 0, first: -1, parts: [], kept: 0, limit: this.captureLimit };
    this.logical.length += length;
    this.wireRemaining = length;
    this.inPayload = true;
    if (length === 0) this.endWirePacket(onPacket);
  }

  private keep(chunk: Buffer, offset: number, take: number): void {
    const logical = this.logical!;
    if (logical.first === -1) {
      logical.first = chunk[offset];
      if (logical.first < this.captureFromFirstByte) logical.limit = 0;
    }
    const n = Math.min(logical.limit - logical.kept, take);
    if (n <= 0) return;
    // Copied: this part outlives the chunk, whose memory the proxy reuses for the next read (WireTap).
    logical.parts.push(Buffer.from(chunk.subarray(offset, offset + n)));
    logical.kept += n;
  }

  private endWirePacket(onPacket: (packet: MysqlPacket) => void): void {
    this.inPayload = false;
    if (this.wireIsFull) return;
    const logical = this.logical!;
    this.logical = null;
    const payload = logical.parts.length === 0 ? EMPTY : logical.parts.length === 1 ? logical.parts[0] : Buffer.concat(logical.parts, logical.kept);
    onPacket({ sequenceId: logical.sequenceId, length: logical.length, first: logical.first, payload, truncated: logical.kept < logical.length });
  }
}

/** Encodes one payload as wire packets (splitting at 0xFFFFFF), starting at `sequenceId`. */
export function encodePacket(payload: Buffer, sequenceId: number): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  let seq = sequenceId & 0xff;
  for (;;) {
    const length = Math.min(MAX_WIRE_PAYLOAD, payload.length - offset);
    const header = Buffer.alloc(4);
    header.writeUIntLE(length, 0, 3);
    header[3] = seq;
    parts.push(header, payload.subarray(offset, offset + length));
    offset += length;
    seq = (seq + 1) & 0xff;
    if (length < MAX_WIRE_PAYLOAD) break;
  }
  return Buffer.concat(parts);
}
