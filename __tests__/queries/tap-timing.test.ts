// Per-statement database time in the wire taps. The clock the taps read is replaced by "which
// recorded event is being fed", so a time is an event index: re-splitting the recorded traffic at
// random (each piece keeps its event's index) must give the same statements with the same start and
// completion, and hand-built exchanges show which message starts and which completes a statement.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { createPostgresTap } from '../../src/queries/postgres/tap.js';
import { createMysqlTap } from '../../src/queries/mysql/tap.js';
import { statementDurationUs, type ExecutedStatement, type WireTapFactory } from '../../src/queries/types.js';
import { be, fe } from './pg-messages.js';

interface Piece {
  fromClient: boolean;
  bytes: Buffer;
  /** Index of the recorded event this piece came from: the clock reads it. */
  at: number;
}

const pgRecordings = (
  JSON.parse(readFileSync(new URL('./fixtures/pg-traffic.json', import.meta.url), 'utf8')) as {
    client: string;
    events: { from: 'client' | 'server'; bytes: string }[];
  }[]
).map((r) => ({
  client: `postgres ${r.client}`,
  factory: createPostgresTap,
  events: r.events.map((e, at) => ({ fromClient: e.from === 'client', bytes: Buffer.from(e.bytes, 'base64'), at })),
}));

const mysqlRecordings = (
  JSON.parse(readFileSync(new URL('./fixtures/mysql-traffic.json', import.meta.url), 'utf8')) as {
    conversations: { client: string; events: { dir: 'c' | 's'; data: string }[] }[];
  }
).conversations.map((c) => ({
  client: `mysql ${c.client}`,
  factory: createMysqlTap,
  events: c.events.map((e, at) => ({ fromClient: e.dir === 'c', bytes: Buffer.from(e.data, 'base64'), at })),
}));

interface Timed {
  sql: string;
  outcome: string;
  startedAt?: number;
  completedAt: number;
}

function replay(factory: WireTapFactory, pieces: Piece[]): Timed[] {
  const seen: ExecutedStatement[] = [];
  let clock = 0n;
  const tap = factory(1, (s) => seen.push(s), () => clock);
  for (const p of pieces) {
    clock = BigInt(p.at);
    if (p.fromClient) tap.fromClient(p.bytes);
    else tap.fromServer(p.bytes);
  }
  return seen.map((s) => ({
    sql: s.sql,
    outcome: s.outcome,
    completedAt: Number(s.completedAt),
    ...(s.startedAt === undefined ? {} : { startedAt: Number(s.startedAt) }),
  }));
}

/** Splits every event at the given fractions; each piece keeps its event's index. */
function resplit(events: Piece[], cuts: number[][]): Piece[] {
  return events.flatMap((e, i) => {
    const points = [...new Set((cuts[i % cuts.length] ?? []).map((f) => Math.floor(f * e.bytes.length)))].sort((a, b) => a - b);
    const out: Piece[] = [];
    let prev = 0;
    for (const p of points) {
      if (p > prev && p < e.bytes.length) {
        out.push({ ...e, bytes: e.bytes.subarray(prev, p) });
        prev = p;
      }
    }
    out.push({ ...e, bytes: e.bytes.subarray(prev) });
    return out;
  });
}

describe('recorded traffic: statement times', () => {
  for (const rec of [...pgRecordings, ...mysqlRecordings]) {
    const whole = replay(rec.factory, rec.events);

    test(`${rec.client}: every statement starts at a client event and completes at a later server event`, () => {
      assert.ok(whole.length > 5);
      for (const s of whole) {
        assert.ok(s.startedAt !== undefined, `no start for ${s.sql}`);
        assert.ok(s.startedAt <= s.completedAt, `${s.sql}: ${s.startedAt} > ${s.completedAt}`);
        assert.equal(rec.events[s.completedAt]!.fromClient, false, `${s.sql} completes on a server event`);
      }
      // Statements on one connection never overlap: each starts no earlier than the one before ended.
      for (let i = 1; i < whole.length; i++) assert.ok(whole[i]!.startedAt! >= whole[i - 1]!.completedAt);
    });

    test(`${rec.client}: random re-splitting gives the same statements with the same times (property)`, () => {
      fc.assert(
        fc.property(fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), { minLength: 1, maxLength: 20 }), (cuts) => {
          assert.deepEqual(replay(rec.factory, resplit(rec.events, cuts)), whole);
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('postgres: which messages start and complete a statement', () => {
  // A session first: startup and authentication (at negative times), then the steps at 0, 1, 2, ...
  const run = (steps: [boolean, Buffer][]) =>
    replay(createPostgresTap, [
      { fromClient: true, bytes: fe.startup(), at: -2 },
      { fromClient: false, bytes: Buffer.concat([be.authOk(), be.ready()]), at: -1 },
      ...steps.map(([fromClient, bytes], at) => ({ fromClient, bytes, at })),
    ]);

  test('a simple query runs from Query to CommandComplete; the next statement of the text from there', () => {
    const t = run([
      [true, fe.query('SELECT 1; SELECT 2')],
      [false, be.commandComplete('SELECT 1')],
      [false, Buffer.concat([be.commandComplete('SELECT 1'), be.ready()])],
    ]);
    assert.deepEqual(
      t.map((s) => [s.sql, s.startedAt, s.completedAt]),
      [
        ['SELECT 1', 0, 1],
        ['SELECT 2', 1, 2],
      ],
    );
  });

  test('an extended-protocol statement starts at its first Parse/Bind, even when Execute comes in a later chunk', () => {
    const t = run([
      [true, Buffer.concat([fe.parse('', 'SELECT $1'), fe.bind('', '', ['1'])])],
      [true, Buffer.concat([fe.execute(), fe.sync()])],
      [false, Buffer.concat([be.parseComplete(), be.bindComplete()])],
      [false, Buffer.concat([be.dataRow('1'), be.commandComplete('SELECT 1'), be.ready()])],
    ]);
    assert.deepEqual(t.map((s) => [s.startedAt, s.completedAt]), [[0, 3]]);
  });

  test('pipelined statements: the second is timed from the first one’s completion, not from when it was sent', () => {
    const t = run([
      [true, Buffer.concat([fe.parse('', 'SELECT 1'), fe.bind('', '', []), fe.execute(), fe.parse('', 'SELECT 2'), fe.bind('', '', []), fe.execute(), fe.sync()])],
      [false, Buffer.concat([be.parseComplete(), be.bindComplete(), be.commandComplete('SELECT 1')])],
      [false, Buffer.concat([be.parseComplete(), be.bindComplete(), be.commandComplete('SELECT 1'), be.ready()])],
    ]);
    assert.deepEqual(
      t.map((s) => [s.sql, s.startedAt, s.completedAt]),
      [
        ['SELECT 1', 0, 1],
        ['SELECT 2', 1, 2],
      ],
    );
  });

  test('a failed statement is timed to its ErrorResponse', () => {
    const t = run([
      [true, fe.query('SELECT boom')],
      [false, be.error()],
      [false, be.ready()],
      [true, fe.query('SELECT 1')],
      [false, Buffer.concat([be.commandComplete('SELECT 1'), be.ready()])],
    ]);
    assert.deepEqual(
      t.map((s) => [s.outcome, s.startedAt, s.completedAt]),
      [
        ['failed', 0, 1],
        ['ok', 3, 4],
      ],
    );
  });

  test('duration in µs is the difference of the two hrtime stamps', () => {
    const s: ExecutedStatement = { sql: 'x', outcome: 'ok', connectionId: 1, startedAt: 1_000_000n, completedAt: 3_500_000n };
    assert.equal(statementDurationUs(s), 2500);
    assert.equal(statementDurationUs({ ...s, startedAt: undefined }), undefined);
  });
});
