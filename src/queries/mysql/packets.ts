// Decoders for the few MySQL packet fields query counting needs, and the ERR packet the proxy sends.
// Everything here is bounds-checked and returns null instead of throwing on short input.

/** Capability flags (include/mysql_com.h; MariaDB's extended flags live in a separate 32-bit word). */
export const Capability = {
  CLIENT_MYSQL: 1,
  CLIENT_CONNECT_WITH_DB: 0x8,
  CLIENT_COMPRESS: 0x20,
  CLIENT_LOCAL_FILES: 0x80,
  CLIENT_PROTOCOL_41: 0x200,
  CLIENT_SSL: 0x800,
  CLIENT_TRANSACTIONS: 0x2000,
  CLIENT_SECURE_CONNECTION: 0x8000,
  CLIENT_MULTI_STATEMENTS: 1 << 16,
  CLIENT_MULTI_RESULTS: 1 << 17,
  CLIENT_PS_MULTI_RESULTS: 1 << 18,
  CLIENT_PLUGIN_AUTH: 1 << 19,
  CLIENT_CONNECT_ATTRS: 1 << 20,
  CLIENT_SESSION_TRACK: 1 << 23,
  CLIENT_DEPRECATE_EOF: 1 << 24,
  CLIENT_OPTIONAL_RESULTSET_METADATA: 1 << 25,
  CLIENT_ZSTD_COMPRESSION_ALGORITHM: 1 << 26,
  CLIENT_QUERY_ATTRIBUTES: 1 << 27,
} as const;

/** MariaDB extended capabilities, as bits of the 4 bytes that follow the standard ones. */
export const MariadbCapability = {
  PROGRESS: 1 << 0,
  COM_MULTI: 1 << 1,
  STMT_BULK_OPERATIONS: 1 << 2,
  EXTENDED_TYPE_INFO: 1 << 3,
  CACHE_METADATA: 1 << 4,
} as const;

export const ServerStatus = {
  MORE_RESULTS_EXISTS: 0x0008,
  CURSOR_EXISTS: 0x0040,
} as const;

export const Command = {
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  PROCESS_INFO: 0x0a,
  CHANGE_USER: 0x11,
  BINLOG_DUMP: 0x12,
  REGISTER_SLAVE: 0x15,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  STMT_FETCH: 0x1c,
  BINLOG_DUMP_GTID: 0x1e,
  RESET_CONNECTION: 0x1f,
  /** MariaDB: one execute with many parameter rows. */
  STMT_BULK_EXECUTE: 0xfa,
} as const;

/** A length-encoded integer at `offset`: its value and the offset after it, or null if cut short. */
export function readLenenc(buf: Buffer, offset: number): { value: number; next: number } | null {
  if (offset >= buf.length) return null;
  const first = buf[offset];
  if (first < 0xfb) return { value: first, next: offset + 1 };
  if (first === 0xfc) return offset + 3 <= buf.length ? { value: buf.readUInt16LE(offset + 1), next: offset + 3 } : null;
  if (first === 0xfd) return offset + 4 <= buf.length ? { value: buf.readUIntLE(offset + 1, 3), next: offset + 4 } : null;
  if (first === 0xfe) {
    if (offset + 9 > buf.length) return null;
    return { value: Number(buf.readBigUInt64LE(offset + 1)), next: offset + 9 };
  }
  return null; // 0xfb is NULL, 0xff is not a valid integer prefix
}

/** Status flags of an OK packet (header 0x00, or 0xFE when it ends a result set). */
export function okStatusFlags(payload: Buffer): number {
  const affected = readLenenc(payload, 1);
  const insertId = affected && readLenenc(payload, affected.next);
  if (!insertId || insertId.next + 2 > payload.length) return 0;
  return payload.readUInt16LE(insertId.next);
}

/** Status flags of a classic (pre-DEPRECATE_EOF) EOF packet: 0xFE, warnings(2), status(2). */
export function eofStatusFlags(payload: Buffer): number {
  return payload.length >= 5 ? payload.readUInt16LE(3) : 0;
}

export function errCode(payload: Buffer): number {
  return payload.length >= 3 ? payload.readUInt16LE(1) : 0;
}

/** The human-readable message of an ERR packet (protocol 4.1 layout with SQL state). */
export function errMessage(payload: Buffer): string {
  const start = payload.length > 3 && payload[3] === 0x23 ? 9 : 3;
  return payload.subarray(start).toString('utf8');
}

/** An ERR packet payload: 0xFF, code, '#', SQL state, message. */
export function errPacketPayload(code: number, sqlState: string, message: string): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0xff;
  head.writeUInt16LE(code, 1);
  return Buffer.concat([head, Buffer.from(`#${sqlState.slice(0, 5).padEnd(5, '0')}`, 'latin1'), Buffer.from(message, 'utf8')]);
}
