// The MySQL packet framer: the same packets however the byte stream is chunked.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_WIRE_PAYLOAD, MysqlFramer, encodePacket, type MysqlPacket } from '../../src/queries/mysql/framer.js';

const view = (packets: MysqlPacket[]) =>
  packets.map((p) => {
    assert.equal(p.first, p.length > 0 ? p.payload[0] : -1, 'first is the first payload byte');
    return { seq: p.sequenceId, length: p.length, payload: p.payload.toString('hex'), truncated: p.truncated };
  });

function frameAll(chunks: Buffer[], captureLimit?: number): MysqlPacket[] {
  const framer = new MysqlFramer(captureLimit);
  return chunks.flatMap((c) => framer.push(c));
}

/** Splits `buf` at the given sorted cut points. */
function cut(buf: Buffer, points: number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(buf.subarray(from, p));
    from = p;
  }
  out.push(buf.subarray(from));
  return out;
}

describe('MysqlFramer', () => {
  const payloads = [Buffer.from([0x03, ...Buffer.from('SELECT 1')]), Buffer.alloc(0), Buffer.from([0x00, 0, 0, 2, 0, 0, 0]), Buffer.from('x'.repeat(300))];
  const stream = Buffer.concat(payloads.map((p, i) => encodePacket(p, i)));
  const expected = payloads.map((p, i) => ({ seq: i, length: p.length, payload: p.toString('hex'), truncated: false }));

  test('decodes header (3-byte little-endian length, sequence id) and payload, including empty packets', () => {
    assert.deepEqual(view(frameAll([stream])), expected);
  });

  test('splitting the stream at every single byte boundary gives the same packets', () => {
    for (let at = 0; at <= stream.length; at++) assert.deepEqual(view(frameAll(cut(stream, [at]))), expected, `cut at ${at}`);
  });

  test('one byte at a time gives the same packets', () => {
    assert.deepEqual(view(frameAll([...stream].map((b) => Buffer.from([b])))), expected);
  });

  test('any chunking of any packet sequence gives the same packets (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (packets, rawCuts) => {
          const wire = Buffer.concat(packets.map(([p, seq]) => encodePacket(Buffer.from(p), seq)));
          const points = [...new Set(rawCuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
          const got = view(frameAll(cut(wire, points)));
          assert.deepEqual(
            got,
            packets.map(([p, seq]) => ({ seq, length: p.length, payload: Buffer.from(p).toString('hex'), truncated: false })),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a payload of 0xFFFFFF bytes continues in the next packet and is reassembled as one logical packet', () => {
    const big = Buffer.alloc(MAX_WIRE_PAYLOAD + 10, 0x61);
    big[0] = 0x03;
    const wire = Buffer.concat([encodePacket(big, 0), encodePacket(Buffer.from([0x0e]), 0)]);
    // The first wire packet is full, the second carries the remaining 10 bytes with the next sequence id.
    assert.equal(wire.readUIntLE(0, 3), MAX_WIRE_PAYLOAD);
    assert.equal(wire[4 + MAX_WIRE_PAYLOAD + 3], 1);
    const packets = frameAll(cut(wire, [5, MAX_WIRE_PAYLOAD + 2, MAX_WIRE_PAYLOAD + 5, MAX_WIRE_PAYLOAD + 9]), 2 * MAX_WIRE_PAYLOAD);
    assert.equal(packets.length, 2);
    assert.equal(packets[0]!.length, big.length);
    assert.equal(packets[0]!.sequenceId, 0);
    assert.ok(packets[0]!.payload.equals(big));
    assert.deepEqual([...packets[1]!.payload], [0x0e]);
  });

  test('a payload of exactly 0xFFFFFF bytes ends with an empty continuation packet', () => {
    const exact = Buffer.alloc(MAX_WIRE_PAYLOAD, 0x62);
    const wire = encodePacket(exact, 4);
    assert.equal(wire.length, 4 + MAX_WIRE_PAYLOAD + 4);
    const packets = frameAll([wire]);
    assert.equal(packets.length, 1);
    assert.equal(packets[0]!.length, MAX_WIRE_PAYLOAD);
  });

  test('keeps only captureLimit bytes of a long payload but reports its full length', () => {
    const payload = Buffer.from('abcdefghij');
    const [p] = frameAll([encodePacket(payload, 0)], 4);
    assert.equal(p!.length, 10);
    assert.equal(p!.payload.toString(), 'abcd');
    assert.equal(p!.truncated, true);
  });

  test('captureFromFirstByte keeps only packets whose first byte is high enough, however chunked', () => {
    const wire = Buffer.concat([encodePacket(Buffer.from([0x01, 1, 2]), 0), encodePacket(Buffer.from([0xfe, 0, 0, 2, 0]), 1), encodePacket(Buffer.from([0x03, 9]), 2)]);
    for (let at = 0; at <= wire.length; at++) {
      const framer = new MysqlFramer();
      framer.captureFromFirstByte = 0xfe;
      const got = [...framer.push(wire.subarray(0, at)), ...framer.push(wire.subarray(at))];
      assert.deepEqual(
        got.map((p) => [p.first, p.length, p.payload.toString('hex'), p.truncated]),
        [
          [0x01, 3, '', true],
          [0xfe, 5, 'fe00000200', false],
          [0x03, 2, '', true],
        ],
        `cut at ${at}`,
      );
    }
  });

  test('a packet spanning chunks is assembled into its own buffer', () => {
    const chunk = encodePacket(Buffer.from('hello'), 0);
    const [p] = frameAll([chunk.subarray(0, 6), chunk.subarray(6)]);
    chunk.fill(0);
    assert.equal(p!.payload.toString(), 'hello');
  });
});
