// The MySQL wire tap on its own: recorded MariaDB conversations (fixtures/mysql-traffic.json, made by
// fixtures/record-mysql-traffic.ts against a real server with mysql2 and the mariadb connector)
// replayed under every chunking, plus hand-built exchanges for paths those clients do not take.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { MysqlTap, TLS_REFUSED_MESSAGE, createMysqlTap } from '../../src/queries/mysql/tap.js';
import { MysqlFramer, encodePacket } from '../../src/queries/mysql/framer.js';
import { Capability } from '../../src/queries/mysql/packets.js';
import type { ExecutedStatement, TapDecision } from '../../src/queries/types.js';

interface Conversation {
  client: string;
  events: { dir: 'c' | 's'; data: string }[];
  statements: { sql: string; params?: (string | null)[]; outcome: string }[];
}
type Event = { dir: 'c' | 's'; data: Buffer };

const fixture = JSON.parse(readFileSync(new URL('./fixtures/mysql-traffic.json', import.meta.url), 'utf8')) as { conversations: Conversation[] };
const conversations = fixture.conversations.map((c) => ({ ...c, events: c.events.map((e) => ({ dir: e.dir, data: Buffer.from(e.data, 'base64') })) }));

function replay(events: Event[]) {
  const seen: ExecutedStatement[] = [];
  const tap = new MysqlTap(7, (s) => seen.push(s));
  const forwarded = { c: [] as Buffer[], s: [] as Buffer[] };
  const decisions: TapDecision[] = [];
  for (const e of events) {
    const d = e.dir === 'c' ? tap.fromClient(e.data) : tap.fromServer(e.data);
    decisions.push(d);
    if (d.forward) forwarded[e.dir].push(d.forward);
  }
  const statements = seen.map((s) => ({ sql: s.sql, ...(s.params ? { params: s.params } : {}), outcome: s.outcome }));
  return { tap, seen, statements, forwarded: { c: Buffer.concat(forwarded.c), s: Buffer.concat(forwarded.s) }, decisions };
}

const bytes = (events: Event[], dir: 'c' | 's') => Buffer.concat(events.filter((e) => e.dir === dir).map((e) => e.data));

/** Consecutive chunks in the same direction merged: the most pipelined the stream can be. */
function coalesce(events: Event[]): Event[] {
  const out: Event[] = [];
  for (const e of events) {
    const last = out.at(-1);
    if (last && last.dir === e.dir) last.data = Buffer.concat([last.data, e.data]);
    else out.push({ ...e });
  }
  return out;
}

function splitEvents(events: Event[], cuts: number[]): Event[] {
  return events.flatMap((e, i) => {
    const at = cuts[i % cuts.length]! % (e.data.length + 1);
    return at === 0 || at === e.data.length ? [e] : [{ dir: e.dir, data: e.data.subarray(0, at) }, { dir: e.dir, data: e.data.subarray(at) }];
  });
}

/** What the recorder's workload ran (fixtures/record-mysql-traffic.ts), written out by hand. */
const WORKLOAD: Record<string, [string, string][]> = {
  mysql2: [
    ['CREATE TABLE books (id INT AUTO_INCREMENT PRIMARY KEY, author_id INT, title VARCHAR(50), price DECIMAL(6,2))', 'ok'],
    ["INSERT INTO books (author_id, title, price) VALUES (1,'A',1.5),(2,'B',2.5),(1,'C',NULL)", 'ok'],
    ['SELECT * FROM books', 'ok'],
    ['SELECT 1', 'ok'],
    ['SELECT title FROM books WHERE author_id = ?', 'ok'],
    ['SELECT title FROM books WHERE author_id = ?', 'ok'],
    ['SELECT title FROM books WHERE author_id = ?', 'ok'],
    ['SELECT ?, ?, ?', 'ok'],
    ['SELECT nope FROM books', 'failed'],
    ['SELECT 1', 'ok'],
    ['SELECT nope', 'failed'],
    ['START TRANSACTION', 'ok'],
    ["UPDATE books SET title = 'Z' WHERE id = 1", 'ok'],
    ['COMMIT', 'ok'],
    ['SELECT 2', 'ok'],
  ],
  mariadb: [
    ['SET NAMES utf8mb4', 'ok'], // the connector's own, on connect
    ['SELECT 1', 'ok'],
    ['SELECT title FROM books', 'ok'],
    ['SELECT title FROM books WHERE id = ?', 'ok'],
    ['SELECT id FROM books WHERE author_id = ?', 'ok'],
    ['SELECT id FROM books WHERE author_id = ?', 'ok'],
    ['SELECT id FROM books WHERE author_id = ?', 'ok'],
    ['SELECT 1', 'ok'],
    ['SELECT 2', 'ok'],
    ['SELECT * FROM nope', 'failed'],
    ['SELECT 3', 'ok'],
    ['INSERT INTO books (author_id, title) VALUES (?, ?)', 'ok'],
    ['SELECT seq FROM seq_1_to_300', 'ok'],
  ],
};

describe('recorded MariaDB conversations', () => {
  assert.ok(conversations.length >= 2, 'fixture holds the mysql2 and mariadb conversations');

  test('the recorded statements are exactly what the recorded workload ran', () => {
    for (const conv of conversations) {
      assert.deepEqual(conv.statements.map((s) => [s.sql, s.outcome]), WORKLOAD[conv.client], conv.client);
    }
  });

  for (const conv of conversations) {
    describe(conv.client, () => {
      test('replayed as recorded, it reports exactly the recorded statements', () => {
        assert.deepEqual(replay(conv.events).statements, conv.statements);
      });

      test('client bytes are forwarded unchanged; server bytes differ only in the greeting capability flags', () => {
        const { forwarded } = replay(conv.events);
        assert.ok(forwarded.c.equals(bytes(conv.events, 'c')));
        const original = bytes(conv.events, 's');
        assert.equal(forwarded.s.length, original.length);
        const greetingLength = 4 + original.readUIntLE(0, 3);
        assert.ok(forwarded.s.subarray(greetingLength).equals(original.subarray(greetingLength)));
        const diff = [...forwarded.s.subarray(0, greetingLength)].map((b, i) => [i, b, original[i]]).filter(([, a, b]) => a !== b);
        assert.ok(diff.length > 0 && diff.length <= 8, `greeting rewrite touched ${diff.length} bytes`);
      });

      test('the client is never offered TLS or compression', () => {
        const { forwarded, tap } = replay(conv.events);
        const payload = forwarded.s.subarray(4);
        const low = payload.indexOf(0, 1) + 1 + 4 + 8 + 1;
        const caps = payload.readUInt16LE(low) | (payload.readUInt16LE(low + 5) << 16);
        assert.equal(caps & (Capability.CLIENT_SSL | Capability.CLIENT_COMPRESS | Capability.CLIENT_QUERY_ATTRIBUTES), 0);
        assert.ok(tap.negotiatedCapabilities & Capability.CLIENT_PROTOCOL_41);
        assert.equal(tap.pendingCommands, 0, 'every command got its complete reply');
      });

      test('byte-at-a-time delivery reports the same statements', () => {
        const single = conv.events.flatMap((e) => [...e.data].map((b) => ({ dir: e.dir, data: Buffer.from([b]) })));
        assert.deepEqual(replay(single).statements, conv.statements);
      });

      test('all pipelined chunks merged reports the same statements', () => {
        assert.deepEqual(replay(coalesce(conv.events)).statements, conv.statements);
      });

      test('any re-chunking reports the same statements and forwards the same bytes (property)', () => {
        const reference = replay(conv.events);
        fc.assert(
          fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), fc.boolean(), (cuts, merge) => {
            const events = splitEvents(merge ? coalesce(conv.events) : conv.events, cuts);
            const r = replay(events);
            assert.deepEqual(r.statements, conv.statements);
            assert.ok(r.forwarded.c.equals(reference.forwarded.c));
            assert.ok(r.forwarded.s.equals(reference.forwarded.s));
          }),
          { numRuns: 150 },
        );
      });
    });
  }

  test('the mariadb connector negotiates CLIENT_DEPRECATE_EOF and mysql2 does not, so both result-set endings are covered', () => {
    const byClient = Object.fromEntries(conversations.map((c) => [c.client, replay(c.events).tap.negotiatedCapabilities]));
    assert.ok(byClient.mariadb! & Capability.CLIENT_DEPRECATE_EOF);
    assert.equal(byClient.mysql2! & Capability.CLIENT_DEPRECATE_EOF, 0);
  });
});

// ── hand-built exchanges ────────────────────────────────────────────────────────────────────────

/** A MySQL-8-style Initial Handshake v10 offering the given capabilities. */
function greeting(caps: number): Buffer {
  const p = Buffer.concat([
    Buffer.from([10]),
    Buffer.from('8.0.36\0'),
    Buffer.from([1, 0, 0, 0]), // connection id
    Buffer.from('abcdefgh'), // auth data part 1
    Buffer.from([0]),
    u16(caps & 0xffff),
    Buffer.from([255]), // charset
    u16(2), // status
    u16(caps >>> 16),
    Buffer.from([21]),
    Buffer.alloc(10),
    Buffer.from('ijklmnopqrst\0'),
    Buffer.from('caching_sha2_password\0'),
  ]);
  return encodePacket(p, 0);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function handshakeResponse(caps: number): Buffer {
  const head = Buffer.alloc(32);
  head.writeUInt32LE(caps >>> 0, 0);
  head.writeUInt32LE(1 << 24, 4);
  head[8] = 45;
  return encodePacket(Buffer.concat([head, Buffer.from('app\0'), Buffer.from([20]), Buffer.alloc(20, 1), Buffer.from('caching_sha2_password\0')]), 1);
}

const OK = (status = 2) => Buffer.concat([Buffer.from([0x00, 0, 0]), u16(status), u16(0)]);
const EOF = (status = 2) => Buffer.concat([Buffer.from([0xfe]), u16(0), u16(status)]);
const ERR = (msg: string) => Buffer.concat([Buffer.from([0xff]), u16(1064), Buffer.from(`#42000${msg}`)]);
const query = (sql: string) => encodePacket(Buffer.concat([Buffer.from([0x03]), Buffer.from(sql)]), 0);

const SERVER_CAPS =
  Capability.CLIENT_MYSQL |
  Capability.CLIENT_PROTOCOL_41 |
  Capability.CLIENT_SECURE_CONNECTION |
  Capability.CLIENT_PLUGIN_AUTH |
  Capability.CLIENT_SSL |
  Capability.CLIENT_COMPRESS |
  Capability.CLIENT_MULTI_STATEMENTS |
  Capability.CLIENT_MULTI_RESULTS |
  Capability.CLIENT_ZSTD_COMPRESSION_ALGORITHM |
  Capability.CLIENT_QUERY_ATTRIBUTES;
const CLIENT_CAPS = Capability.CLIENT_MYSQL | Capability.CLIENT_PROTOCOL_41 | Capability.CLIENT_SECURE_CONNECTION | Capability.CLIENT_PLUGIN_AUTH | Capability.CLIENT_MULTI_STATEMENTS | Capability.CLIENT_MULTI_RESULTS;

function connected(clientCaps = CLIENT_CAPS) {
  const seen: ExecutedStatement[] = [];
  const tap = createMysqlTap(1, (s) => seen.push(s)) as MysqlTap;
  const g = tap.fromServer(greeting(SERVER_CAPS));
  tap.fromClient(handshakeResponse(clientCaps));
  return { tap, seen, greeting: g };
}

describe('handshake', () => {
  test('clears SSL, compression (zlib, zstd) and query attributes in the greeting the client sees', () => {
    const { greeting: g } = connected();
    const payload = g.forward!.subarray(4);
    const low = payload.indexOf(0, 1) + 14;
    const caps = payload.readUInt16LE(low) | (payload.readUInt16LE(low + 5) << 16);
    assert.equal(caps & Capability.CLIENT_SSL, 0);
    assert.equal(caps & Capability.CLIENT_COMPRESS, 0);
    assert.equal(caps & Capability.CLIENT_ZSTD_COMPRESSION_ALGORITHM, 0);
    assert.equal(caps & Capability.CLIENT_QUERY_ATTRIBUTES, 0);
    assert.ok(caps & Capability.CLIENT_MULTI_STATEMENTS, 'other flags are kept');
    assert.equal(g.forward!.length, greeting(SERVER_CAPS).length);
  });

  test('a greeting split across chunks is held until complete, then forwarded rewritten', () => {
    const tap = createMysqlTap(1, () => {});
    const whole = greeting(SERVER_CAPS);
    const first = tap.fromServer(whole.subarray(0, 10));
    assert.equal(first.forward, undefined);
    const second = tap.fromServer(whole.subarray(10));
    assert.equal(second.forward!.length, whole.length);
  });

  test('an upstream that is not a MySQL server is relayed unchanged at once, not held', () => {
    const seen: ExecutedStatement[] = [];
    const tap = createMysqlTap(1, (s) => seen.push(s));
    const notMysql = Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n');
    assert.ok(tap.fromServer(notMysql).forward!.equals(notMysql));
    const client = Buffer.from('GET / HTTP/1.1\r\n\r\n');
    assert.ok(tap.fromClient(client).forward!.equals(client));
    assert.equal(seen.length, 0);
  });

  test('an ERR instead of a greeting (e.g. too many connections) is forwarded unchanged', () => {
    const tap = createMysqlTap(1, () => {});
    const err = encodePacket(Buffer.concat([Buffer.from([0xff]), u16(1040), Buffer.from('Too many connections')]), 0);
    assert.ok(tap.fromServer(err).forward!.equals(err));
  });

  test('an SSLRequest gets an ERR packet naming ssl-mode=DISABLED / PREFERRED and closes; nothing reaches the server', () => {
    const tap = createMysqlTap(1, () => {});
    tap.fromServer(greeting(SERVER_CAPS));
    const sslRequest = Buffer.alloc(32);
    sslRequest.writeUInt32LE(CLIENT_CAPS | Capability.CLIENT_SSL, 0);
    const d = tap.fromClient(encodePacket(sslRequest, 1));
    assert.equal(d.forward, undefined);
    assert.ok(d.close);
    const [err] = new MysqlFramer().push(d.reply!);
    assert.equal(err!.sequenceId, 2);
    assert.equal(err!.payload[0], 0xff);
    assert.equal(err!.payload.subarray(9).toString(), TLS_REFUSED_MESSAGE);
    assert.match(TLS_REFUSED_MESSAGE, /ssl-mode=DISABLED or PREFERRED/);
  });

  test('caching_sha2_password full authentication (auth switch, public key request) passes through untouched', () => {
    const seen: ExecutedStatement[] = [];
    const tap = createMysqlTap(1, (s) => seen.push(s));
    tap.fromServer(greeting(SERVER_CAPS));
    const exchange: Event[] = [
      { dir: 'c', data: handshakeResponse(CLIENT_CAPS) },
      { dir: 's', data: encodePacket(Buffer.concat([Buffer.from([0xfe]), Buffer.from('caching_sha2_password\0'), Buffer.alloc(20, 7), Buffer.from([0])]), 2) },
      { dir: 'c', data: encodePacket(Buffer.alloc(32, 9), 3) },
      { dir: 's', data: encodePacket(Buffer.from([0x01, 0x04]), 4) }, // perform full authentication
      { dir: 'c', data: encodePacket(Buffer.from([0x02]), 5) }, // request the server's public key
      { dir: 's', data: encodePacket(Buffer.concat([Buffer.from([0x01]), Buffer.from('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')]), 6) },
      { dir: 'c', data: encodePacket(Buffer.alloc(256, 3), 7) },
      { dir: 's', data: encodePacket(OK(), 8) },
      { dir: 'c', data: query('SELECT 1') },
      { dir: 's', data: encodePacket(OK(), 1) },
    ];
    for (const e of exchange) {
      const d = e.dir === 'c' ? tap.fromClient(e.data) : tap.fromServer(e.data);
      assert.ok(d.forward!.equals(e.data));
    }
    assert.deepEqual(seen.map((s) => s.sql), ['SELECT 1']);
  });

  test('caching_sha2_password fast authentication (0x01 0x03 then OK) passes through', () => {
    const { tap, seen } = connected();
    tap.fromServer(encodePacket(Buffer.from([0x01, 0x03]), 2));
    tap.fromServer(encodePacket(OK(), 3));
    tap.fromClient(query('SELECT 1'));
    tap.fromServer(encodePacket(OK(), 1));
    assert.equal(seen.length, 1);
  });

  test('a client that negotiates compression anyway is relayed blindly, uncounted', () => {
    const { tap, seen } = connected(CLIENT_CAPS | Capability.CLIENT_COMPRESS);
    tap.fromServer(encodePacket(OK(), 2));
    tap.fromClient(Buffer.from('compressed bytes...'));
    tap.fromServer(Buffer.from('compressed reply...'));
    assert.equal(seen.length, 0);
  });
});

describe('command phase', () => {
  function ready() {
    const c = connected();
    c.tap.fromServer(encodePacket(OK(), 2));
    return c;
  }
  const resultSet = (rows: Buffer[], end = EOF()) =>
    Buffer.concat([
      encodePacket(Buffer.from([1]), 1),
      encodePacket(Buffer.concat([Buffer.from([3]), Buffer.from('def'), Buffer.alloc(20)]), 2),
      encodePacket(EOF(), 3),
      ...rows.map((r, i) => encodePacket(r, 4 + i)),
      encodePacket(end, 4 + rows.length),
    ]);

  test('a 0xFE-headed packet of 9 bytes or more inside a result set is a row, not the end', () => {
    const { tap, seen } = ready();
    tap.fromClient(query('SELECT big'));
    const row = Buffer.concat([Buffer.from([0xfe]), Buffer.alloc(8), Buffer.from('more data')]);
    const rs = resultSet([row]);
    const endStart = rs.length - (4 + EOF().length);
    tap.fromServer(rs.subarray(0, endStart));
    assert.equal(seen.length, 0, 'the 0xFE row did not end the result set');
    tap.fromServer(rs.subarray(endStart));
    assert.equal(seen.length, 1);
  });

  test('SERVER_MORE_RESULTS_EXISTS keeps the command open for the next statement', () => {
    const { tap, seen } = ready();
    tap.fromClient(query('SELECT a FROM t; DELETE FROM t'));
    tap.fromServer(resultSet([Buffer.from([1, 0x31])], EOF(2 | 8)));
    assert.equal(tap.pendingCommands, 1);
    tap.fromServer(encodePacket(OK(2), 5));
    assert.equal(tap.pendingCommands, 0);
    assert.deepEqual(seen.map((s) => s.sql), ['SELECT a FROM t', 'DELETE FROM t']);
  });

  test('commands without a reply (STMT_CLOSE, SEND_LONG_DATA, QUIT) do not stall counting', () => {
    const { tap, seen } = ready();
    const close = encodePacket(Buffer.from([0x19, 1, 0, 0, 0]), 0);
    const longData = encodePacket(Buffer.from([0x18, 1, 0, 0, 0, 0, 0, 0x41]), 0);
    tap.fromClient(Buffer.concat([longData, close, query('SELECT 1')]));
    tap.fromServer(encodePacket(OK(), 1));
    assert.equal(seen.length, 1);
    assert.equal(tap.pendingCommands, 0);
    tap.fromClient(encodePacket(Buffer.from([0x01]), 0));
    assert.equal(tap.pendingCommands, 0);
  });

  test('PING, INIT_DB and STMT_RESET do not count', () => {
    const { tap, seen } = ready();
    tap.fromClient(Buffer.concat([encodePacket(Buffer.from([0x0e]), 0), encodePacket(Buffer.from('\x02db'), 0), encodePacket(Buffer.from([0x1a, 1, 0, 0, 0]), 0)]));
    tap.fromServer(Buffer.concat([encodePacket(OK(), 1), encodePacket(OK(), 1), encodePacket(OK(), 1)]));
    assert.equal(seen.length, 0);
    assert.equal(tap.pendingCommands, 0);
  });

  test('prepare is remembered, execute counts 1 with its SQL, RESET_CONNECTION forgets prepared statements', () => {
    const { tap, seen } = ready();
    tap.fromClient(encodePacket(Buffer.concat([Buffer.from([0x16]), Buffer.from('SELECT ?')]), 0));
    const prepareOk = Buffer.from([0x00, 5, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
    const def = Buffer.concat([Buffer.from([3]), Buffer.from('def'), Buffer.alloc(20)]);
    tap.fromServer(Buffer.concat([encodePacket(prepareOk, 1), encodePacket(def, 2), encodePacket(EOF(), 3), encodePacket(def, 4), encodePacket(EOF(), 5)]));
    assert.equal(seen.length, 0);
    // execute stmt 5 with one LONGLONG parameter = 42
    const execute = Buffer.concat([Buffer.from([0x17, 5, 0, 0, 0, 0, 1, 0, 0, 0]), Buffer.from([0]), Buffer.from([1]), Buffer.from([0x08, 0]), Buffer.from([42, 0, 0, 0, 0, 0, 0, 0])]);
    tap.fromClient(encodePacket(execute, 0));
    tap.fromServer(encodePacket(OK(), 1));
    assert.deepEqual(seen.map((s) => [s.sql, s.params]), [['SELECT ?', ['42']]]);
    tap.fromClient(encodePacket(Buffer.from([0x1f]), 0));
    tap.fromServer(encodePacket(OK(), 1));
    tap.fromClient(encodePacket(execute, 0));
    tap.fromServer(encodePacket(ERR('Unknown prepared statement handler'), 1));
    assert.equal(seen[1]!.outcome, 'failed');
    assert.match(seen[1]!.sql, /unknown prepared statement 5/);
  });

  test('LOCAL INFILE: the file request, the client data packets and the final OK count as one statement', () => {
    const { tap, seen } = ready();
    tap.fromClient(query("LOAD DATA LOCAL INFILE 'f' INTO TABLE t"));
    tap.fromServer(encodePacket(Buffer.concat([Buffer.from([0xfb]), Buffer.from('f')]), 1));
    tap.fromClient(Buffer.concat([encodePacket(Buffer.from('1,a\n'), 2), encodePacket(Buffer.alloc(0), 3)]));
    tap.fromServer(encodePacket(OK(), 4));
    assert.deepEqual(seen.map((s) => [s.sql, s.outcome]), [["LOAD DATA LOCAL INFILE 'f' INTO TABLE t", 'ok']]);
  });

  test('LOCAL INFILE data longer than 255 packets (sequence ids wrap to 0) is not mistaken for commands', () => {
    const { tap, seen } = ready();
    tap.fromClient(query("LOAD DATA LOCAL INFILE 'f' INTO TABLE t"));
    tap.fromServer(encodePacket(Buffer.concat([Buffer.from([0xfb]), Buffer.from('f')]), 1));
    // 300 data packets: the 255th has sequence id 0 and starts with 0x03, like a COM_QUERY.
    const data = Array.from({ length: 300 }, (_, i) => encodePacket(Buffer.from(`\x03row ${i}\n`), (2 + i) & 0xff));
    tap.fromClient(Buffer.concat([...data, encodePacket(Buffer.alloc(0), 302 & 0xff)]));
    tap.fromServer(encodePacket(OK(), 303 & 0xff));
    assert.equal(tap.pendingCommands, 0);
    tap.fromClient(query('SELECT 1'));
    tap.fromServer(encodePacket(OK(), 1));
    assert.deepEqual(seen.map((s) => s.sql), ["LOAD DATA LOCAL INFILE 'f' INTO TABLE t", 'SELECT 1']);
  });

  test('arbitrary bytes never throw, from the first byte on (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 200 })), { maxLength: 30 }), (chunks) => {
        const tap = createMysqlTap(1, () => {});
        let forwarded = 0;
        let input = 0;
        for (const [fromClient, data] of chunks) {
          const b = Buffer.from(data);
          input += b.length;
          const d = fromClient ? tap.fromClient(b) : tap.fromServer(b);
          forwarded += d.forward?.length ?? 0;
        }
        // Only an incomplete handshake packet may still be held back; nothing is ever invented.
        assert.ok(forwarded <= input);
      }),
      { numRuns: 300 },
    );
  });

  test('after the handshake, arbitrary bytes are forwarded unchanged (property)', () => {
    const { tap } = ready();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (data, fromClient) => {
        const b = Buffer.from(data);
        const d = fromClient ? tap.fromClient(b) : tap.fromServer(b);
        assert.ok(d.forward!.equals(b));
      }),
      { numRuns: 300 },
    );
  });
});
