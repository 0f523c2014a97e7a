// The framer and tap must give identical results however TCP splits or joins the bytes.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { MessageFramer, readStartupMessage, type Frame } from '../../src/queries/postgres/framer.js';
import { createPostgresTap } from '../../src/queries/postgres/tap.js';
import type { ExecutedStatement } from '../../src/queries/types.js';
import { be, fe } from './pg-messages.js';

interface Recorded {
  client: string;
  events: { from: 'client' | 'server'; bytes: string }[];
  statements: Pick<ExecutedStatement, 'sql' | 'params' | 'outcome'>[];
}

type Event = { from: 'client' | 'server'; bytes: Buffer };

const recordings: Recorded[] = JSON.parse(readFileSync(new URL('./fixtures/pg-traffic.json', import.meta.url), 'utf8'));

function eventsOf(r: Recorded): Event[] {
  return r.events.map((e) => ({ from: e.from, bytes: Buffer.from(e.bytes, 'base64') }));
}

/** Feeds a conversation to a fresh tap; returns what it counted and the bytes it forwarded each way. */
function replay(events: Event[]) {
  const statements: Pick<ExecutedStatement, 'sql' | 'params' | 'outcome'>[] = [];
  // Shaped like the JSON fixture, where an absent params key stays absent.
  const tap = createPostgresTap(1, (s) => statements.push(JSON.parse(JSON.stringify({ sql: s.sql, params: s.params, outcome: s.outcome }))));
  const forwarded = { client: [] as Buffer[], server: [] as Buffer[] };
  for (const e of events) {
    const d = e.from === 'client' ? tap.fromClient(e.bytes) : tap.fromServer(e.bytes);
    if (d.forward) forwarded[e.from].push(d.forward);
  }
  return { statements, client: Buffer.concat(forwarded.client), server: Buffer.concat(forwarded.server) };
}

/** Splits each event at the given cut points (fractions), keeping the order of directions. */
function rechunk(events: Event[], cuts: number[][]): Event[] {
  const out: Event[] = [];
  events.forEach((e, i) => {
    const points = [...new Set((cuts[i % cuts.length] ?? []).map((f) => Math.floor(f * e.bytes.length)))].sort((a, b) => a - b);
    let prev = 0;
    for (const p of points) {
      if (p > prev && p < e.bytes.length) {
        out.push({ from: e.from, bytes: e.bytes.subarray(prev, p) });
        prev = p;
      }
    }
    out.push({ from: e.from, bytes: e.bytes.subarray(prev) });
  });
  return out;
}

function byteByByte(events: Event[]): Event[] {
  return events.flatMap((e) => [...e.bytes].map((b) => ({ from: e.from, bytes: Buffer.from([b]) })));
}

describe('recorded traffic from real clients', () => {
  for (const rec of recordings) {
    const events = eventsOf(rec);
    const whole = replay(events);

    test(`${rec.client}: the tap counts what the live proxy counted`, () => {
      assert.deepEqual(whole.statements, rec.statements);
      assert.ok(rec.statements.length > 5);
    });

    test(`${rec.client}: split at every byte boundary at once, the counts are identical`, () => {
      const r = replay(byteByByte(events));
      assert.deepEqual(r.statements, whole.statements);
      assert.ok(r.client.equals(whole.client) && r.server.equals(whole.server), 'forwarded bytes differ');
    });

    test(`${rec.client}: random re-chunking gives identical counts and forwards every byte unchanged`, () => {
      const sent = Buffer.concat(events.filter((e) => e.from === 'server').map((e) => e.bytes));
      fc.assert(
        fc.property(fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), { minLength: 1, maxLength: 20 }), (cuts) => {
          const r = replay(rechunk(events, cuts));
          assert.deepEqual(r.statements, whole.statements);
          assert.ok(r.server.equals(sent));
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe('framer', () => {
  const stream = Buffer.concat([
    be.parseComplete(),
    be.bindComplete(),
    be.dataRow('a'.repeat(40)),
    be.commandComplete('SELECT 1'),
    be.emptyQuery(),
    be.ready('I'),
  ]);
  const frames = (chunks: Buffer[], keep = new Set([0x43, 0x44]), maxBody?: number): Frame[] => {
    const f = new MessageFramer({ keepBodies: keep, maxBody });
    const out: Frame[] = [];
    for (const c of chunks) f.push(c, (fr) => out.push({ ...fr, body: fr.body ? Buffer.from(fr.body) : undefined }));
    return out;
  };
  const expected = frames([stream]);

  test('splitting a stream into two at every byte boundary yields the same frames', () => {
    assert.deepEqual(expected.map((f) => String.fromCharCode(f.type)).join(''), '12DCIZ');
    for (let k = 0; k <= stream.length; k++) {
      assert.deepEqual(frames([stream.subarray(0, k), stream.subarray(k)]), expected, `split at ${k}`);
    }
  });

  test('bodies of unrequested types are skipped, requested ones delivered', () => {
    assert.equal(expected[0]!.body, undefined);
    assert.equal(expected[3]!.body!.toString('utf8', 0, 8), 'SELECT 1');
  });

  test('a body longer than maxBody is delivered truncated, and framing continues after it', () => {
    const out = frames([stream.subarray(0, 20), stream.subarray(20)], new Set([0x44]), 10);
    assert.equal(out[2]!.body!.length, 10);
    assert.equal(out[2]!.truncated, true);
    assert.equal(out[2]!.length, 2 + 4 + 40);
    assert.equal(String.fromCharCode(out[5]!.type), 'Z');
  });

  test('a length below 4 marks the stream broken instead of throwing', () => {
    const f = new MessageFramer({ keepBodies: new Set() });
    f.push(Buffer.from([0x51, 0, 0, 0, 1, 9, 9]), () => assert.fail('no frame expected'));
    assert.equal(f.broken, true);
  });

  test('startup-phase messages are recognised, and partial ones wait for more', () => {
    assert.deepEqual(readStartupMessage(fe.sslRequest()), { kind: 'ssl', length: 8 });
    assert.deepEqual(readStartupMessage(fe.gssencRequest()), { kind: 'gssenc', length: 8 });
    assert.deepEqual(readStartupMessage(fe.cancelRequest()), { kind: 'cancel', length: 16 });
    const startup = fe.startup();
    assert.deepEqual(readStartupMessage(startup), { kind: 'startup', length: startup.length });
    assert.equal(readStartupMessage(startup.subarray(0, startup.length - 1)), 'need-more');
    // A TLS ClientHello (direct SSL) is not a Postgres startup message.
    assert.equal(readStartupMessage(Buffer.from('16030100a5010000a103', 'hex')), 'malformed');
  });
});
