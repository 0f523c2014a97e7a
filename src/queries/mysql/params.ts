// Decodes the parameter values of a COM_STMT_EXECUTE packet (binary protocol) as text, for N+1
// detection ("same shape, different values"). Only the common types are decoded; anything else makes
// the whole parameter list unknown (undefined) rather than wrong.

import { readLenenc } from './packets.js';

const enum T {
  Tiny = 0x01,
  Short = 0x02,
  Long = 0x03,
  Float = 0x04,
  Double = 0x05,
  Null = 0x06,
  Timestamp = 0x07,
  LongLong = 0x08,
  Int24 = 0x09,
  Date = 0x0a,
  Time = 0x0b,
  DateTime = 0x0c,
  Year = 0x0d,
  VarChar = 0x0f,
  Bit = 0x10,
}

/** Types sent as length-encoded strings: JSON, DECIMAL, ENUM, SET, blobs, VAR_STRING, STRING, GEOMETRY. */
function isLenencType(type: number): boolean {
  return type === T.VarChar || type === T.Bit || (type >= 0xf5 && type <= 0xff);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function decodeDateTime(buf: Buffer, at: number, length: number, withTime: boolean): string {
  if (length === 0) return withTime ? '0000-00-00 00:00:00' : '0000-00-00';
  const date = `${pad(buf.readUInt16LE(at), 4)}-${pad(buf[at + 2])}-${pad(buf[at + 3])}`;
  if (!withTime) return date;
  const time = length >= 7 ? `${pad(buf[at + 4])}:${pad(buf[at + 5])}:${pad(buf[at + 6])}` : '00:00:00';
  const micro = length >= 11 ? `.${pad(buf.readUInt32LE(at + 7), 6)}` : '';
  return `${date} ${time}${micro}`;
}

function decodeTime(buf: Buffer, at: number, length: number): string {
  if (length === 0) return '00:00:00';
  const sign = buf[at] ? '-' : '';
  const hours = buf.readUInt32LE(at + 1) * 24 + buf[at + 5];
  const micro = length >= 12 ? `.${pad(buf.readUInt32LE(at + 8), 6)}` : '';
  return `${sign}${pad(hours)}:${pad(buf[at + 6])}:${pad(buf[at + 7])}${micro}`;
}

/**
 * Decodes parameter values. `types` are the 2-byte type codes in effect (sent with this execute or
 * remembered from an earlier one). Returns undefined when anything is unknown or cut short.
 */
export function decodeParams(values: Buffer, offset: number, nullBitmap: Buffer, types: Buffer): (string | null)[] | undefined {
  const count = types.length >> 1;
  const out: (string | null)[] = [];
  let at = offset;
  const need = (n: number): boolean => at + n <= values.length;
  for (let i = 0; i < count; i++) {
    if (nullBitmap[i >> 3] & (1 << (i & 7))) {
      out.push(null);
      continue;
    }
    const type = types[i * 2];
    const unsigned = (types[i * 2 + 1] & 0x80) !== 0;
    switch (type) {
      case T.Null:
        out.push(null);
        break;
      case T.Tiny:
        if (!need(1)) return undefined;
        out.push(String(unsigned ? values.readUInt8(at) : values.readInt8(at)));
        at += 1;
        break;
      case T.Short:
      case T.Year:
        if (!need(2)) return undefined;
        out.push(String(unsigned ? values.readUInt16LE(at) : values.readInt16LE(at)));
        at += 2;
        break;
      case T.Long:
      case T.Int24:
        if (!need(4)) return undefined;
        out.push(String(unsigned ? values.readUInt32LE(at) : values.readInt32LE(at)));
        at += 4;
        break;
      case T.LongLong:
        if (!need(8)) return undefined;
        out.push(String(unsigned ? values.readBigUInt64LE(at) : values.readBigInt64LE(at)));
        at += 8;
        break;
      case T.Float:
        if (!need(4)) return undefined;
        out.push(String(values.readFloatLE(at)));
        at += 4;
        break;
      case T.Double:
        if (!need(8)) return undefined;
        out.push(String(values.readDoubleLE(at)));
        at += 8;
        break;
      case T.Date:
      case T.DateTime:
      case T.Timestamp:
      case T.Time: {
        if (!need(1)) return undefined;
        const length = values[at];
        if (!need(1 + length)) return undefined;
        out.push(type === T.Time ? decodeTime(values, at + 1, length) : decodeDateTime(values, at + 1, length, type !== T.Date));
        at += 1 + length;
        break;
      }
      default: {
        if (!isLenencType(type)) return undefined;
        const len = readLenenc(values, at);
        if (!len || len.next + len.value > values.length) return undefined;
        out.push(values.toString('utf8', len.next, len.next + len.value));
        at = len.next + len.value;
      }
    }
  }
  return out;
}
