// Each counting rule of the Postgres tap, on synthesized protocol conversations.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { createPostgresTap } from '../../src/queries/postgres/tap.js';
import type { ExecutedStatement, WireTap } from '../../src/queries/types.js';
import { be, fe } from './pg-messages.js';

function connected(): { tap: WireTap; seen: ExecutedStatement[] } {
  const seen: ExecutedStatement[] = [];
  const tap = createPostgresTap(7, (s) => seen.push(s));
  tap.fromClient(fe.startup());
  tap.fromServer(Buffer.concat([be.authOk(), be.ready()]));
  return { tap, seen };
}

const client = (tap: WireTap, ...m: Buffer[]) => tap.fromClient(Buffer.concat(m));
const server = (tap: WireTap, ...m: Buffer[]) => tap.fromServer(Buffer.concat(m));
const summary = (seen: ExecutedStatement[]) => seen.map((s) => [s.sql, s.outcome, s.params]);

describe('startup', () => {
  test("SSLRequest is answered 'N' and not forwarded; the StartupMessage after it is", () => {
    const tap = createPostgresTap(1, () => {});
    const d = tap.fromClient(fe.sslRequest());
    assert.equal(d.reply?.toString(), 'N');
    assert.equal(d.forward, undefined);
    const startup = fe.startup();
    assert.ok(tap.fromClient(startup).forward?.equals(startup));
  });

  test('a partial StartupMessage held after an SSLRequest in the same chunk survives reuse of the read buffer', () => {
    const seen: ExecutedStatement[] = [];
    const tap = createPostgresTap(1, (s) => seen.push(s));
    const startup = fe.startup();
    // One read buffer, reused as the relay does: the tap must keep a copy of what it holds.
    const readBuffer = Buffer.concat([fe.sslRequest(), startup.subarray(0, 10)]);
    assert.equal(tap.fromClient(readBuffer).reply?.toString(), 'N');
    readBuffer.fill(0xee);
    assert.ok(tap.fromClient(startup.subarray(10)).forward?.equals(startup));
    tap.fromServer(Buffer.concat([be.authOk(), be.ready()]));
    client(tap, fe.query('select 1'));
    server(tap, be.commandComplete('SELECT 1'), be.ready());
    assert.deepEqual(summary(seen), [['select 1', 'ok', undefined]]);
  });

  test("GSSENCRequest is answered 'N' too, even when split across chunks", () => {
    const tap = createPostgresTap(1, () => {});
    const req = fe.gssencRequest();
    const first = tap.fromClient(req.subarray(0, 3));
    assert.equal(first.forward, undefined);
    assert.equal(first.reply, undefined);
    assert.equal(tap.fromClient(req.subarray(3)).reply?.toString(), 'N');
  });

  test('a StartupMessage split across chunks is forwarded whole once complete, then traffic flows', () => {
    const seen: ExecutedStatement[] = [];
    const tap = createPostgresTap(1, (s) => seen.push(s));
    const startup = fe.startup();
    assert.equal(tap.fromClient(startup.subarray(0, 5)).forward, undefined);
    const rest = Buffer.concat([startup.subarray(5), fe.query('select 1')]);
    assert.ok(tap.fromClient(rest).forward?.equals(Buffer.concat([startup, fe.query('select 1')])));
    server(tap, be.commandComplete('SELECT 1'), be.ready());
    assert.equal(seen.length, 1);
  });

  test('CancelRequest is forwarded unchanged', () => {
    const tap = createPostgresTap(1, () => {});
    const cancel = fe.cancelRequest(1234, 5678);
    assert.ok(tap.fromClient(cancel).forward?.equals(cancel));
  });

  test('bytes that are not Postgres (a TLS ClientHello) are forwarded unchanged and never throw', () => {
    const tap = createPostgresTap(1, () => {});
    const hello = Buffer.from('16030100a5010000a10303' + 'ab'.repeat(40), 'hex');
    assert.ok(tap.fromClient(hello).forward?.equals(hello));
    assert.ok(tap.fromServer(hello).forward?.equals(hello));
  });
});

describe('simple query protocol', () => {
  test('one statement per CommandComplete, with the connection id', () => {
    const { tap, seen } = connected();
    const q = fe.query('SELECT 1');
    const d = client(tap, q);
    assert.ok(d.forward?.equals(q));
    server(tap, be.dataRow('1'), be.commandComplete('SELECT 1'), be.ready());
    assert.deepEqual(summary(seen), [['SELECT 1', 'ok', undefined]]);
    assert.equal(seen[0]!.connectionId, 7);
  });

  test('a multi-statement query counts each statement with its own text', () => {
    const { tap, seen } = connected();
    client(tap, fe.query("BEGIN; INSERT INTO t VALUES ('a;b'); -- c;\nCOMMIT;"));
    server(tap, be.commandComplete('BEGIN'), be.commandComplete('INSERT 0 1'), be.commandComplete('COMMIT'), be.ready());
    assert.deepEqual(seen.map((s) => s.sql), ['BEGIN', "INSERT INTO t VALUES ('a;b')", 'COMMIT']);
  });

  test('an empty query counts 1 (EmptyQueryResponse)', () => {
    const { tap, seen } = connected();
    client(tap, fe.query(''));
    server(tap, be.emptyQuery(), be.ready());
    assert.equal(seen.length, 1);
  });

  test('an error counts the failing statement; the rest of the query is not counted', () => {
    const { tap, seen } = connected();
    client(tap, fe.query('SELECT 1; SELECT 1/0; SELECT 3'));
    server(tap, be.commandComplete('SELECT 1'), be.error('division by zero'), be.ready('I'));
    assert.deepEqual(summary(seen), [
      ['SELECT 1', 'ok', undefined],
      ['SELECT 1/0', 'failed', undefined],
    ]);
    client(tap, fe.query('SELECT 4'));
    server(tap, be.commandComplete('SELECT 1'), be.ready());
    assert.equal(seen[2]!.sql, 'SELECT 4');
  });

  test('COPY FROM STDIN counts once; CopyData carrying protocol letters does not confuse the tap', () => {
    const { tap, seen } = connected();
    client(tap, fe.query('COPY t FROM STDIN'));
    server(tap, be.copyInResponse());
    client(tap, fe.copyData('C\tE\tZ\n'), fe.copyData(Buffer.alloc(70000, 0x45)), fe.copyDone());
    server(tap, be.commandComplete('COPY 2'), be.ready());
    assert.deepEqual(summary(seen), [['COPY t FROM STDIN', 'ok', undefined]]);
  });

  test('COPY TO STDOUT counts once', () => {
    const { tap, seen } = connected();
    client(tap, fe.query('COPY t TO STDOUT'));
    server(tap, be.copyOutResponse(), be.copyData('C\n'), be.copyData('E\n'), be.copyDone(), be.commandComplete('COPY 2'), be.ready());
    assert.equal(seen.length, 1);
  });

  test('notices and authentication errors are not statements', () => {
    const seen: ExecutedStatement[] = [];
    const tap = createPostgresTap(1, (s) => seen.push(s));
    tap.fromClient(fe.startup());
    server(tap, be.notice(), be.error('password authentication failed', '28P01'));
    assert.equal(seen.length, 0);
  });
});

describe('extended query protocol', () => {
  test('Parse/Bind/Execute/Sync counts 1 with the SQL and text parameters', () => {
    const { tap, seen } = connected();
    client(tap, fe.parse('', 'SELECT * FROM books WHERE id = $1 AND t = $2'), fe.bind('', '', ['7', null]), fe.describe('P', ''), fe.execute(), fe.sync());
    server(tap, be.parseComplete(), be.bindComplete(), be.noData(), be.commandComplete('SELECT 0'), be.ready());
    assert.deepEqual(summary(seen), [['SELECT * FROM books WHERE id = $1 AND t = $2', 'ok', ['7', null]]]);
  });

  test('binary parameters are shown as hex', () => {
    const { tap, seen } = connected();
    client(tap, fe.parse('', 'SELECT $1'), fe.bind('', '', [Buffer.from([0, 0, 0, 42])], [1]), fe.execute(), fe.sync());
    server(tap, be.parseComplete(), be.bindComplete(), be.commandComplete('SELECT 1'), be.ready());
    assert.deepEqual(seen[0]!.params, ['\\x0000002a']);
  });

  test('a named statement keeps its SQL for later Binds; Close forgets it', () => {
    const { tap, seen } = connected();
    client(tap, fe.parse('s1', 'SELECT $1::int'), fe.sync());
    server(tap, be.parseComplete(), be.ready());
    client(tap, fe.bind('p', 's1', ['1']), fe.execute('p'), fe.bind('', 's1', ['2']), fe.execute(''), fe.sync());
    server(tap, be.bindComplete(), be.commandComplete('SELECT 1'), be.bindComplete(), be.commandComplete('SELECT 1'), be.ready());
    assert.deepEqual(summary(seen), [
      ['SELECT $1::int', 'ok', ['1']],
      ['SELECT $1::int', 'ok', ['2']],
    ]);
    client(tap, fe.close('S', 's1'), fe.bind('', 's1', ['3']), fe.execute(), fe.sync());
    server(tap, be.closeComplete(), be.error('prepared statement "s1" does not exist'), be.ready());
    assert.deepEqual(summary(seen)[2], ['', 'failed', ['3']]);
  });

  test('pipelined Executes each count once, in order', () => {
    const { tap, seen } = connected();
    const parts = [1, 2, 3].flatMap((i) => [fe.parse('', `SELECT ${i}`), fe.bind('', '', []), fe.execute(), fe.sync()]);
    client(tap, ...parts);
    for (let i = 0; i < 3; i++) server(tap, be.parseComplete(), be.bindComplete(), be.dataRow(String(i + 1)), be.commandComplete('SELECT 1'), be.ready());
    assert.deepEqual(seen.map((s) => s.sql), ['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  test('an error counts the failed Execute and drops the Executes after it up to Sync', () => {
    const { tap, seen } = connected();
    client(
      tap,
      fe.parse('', 'SELECT 1/$1'), fe.bind('', '', ['0']), fe.execute(),
      fe.parse('', 'SELECT 2'), fe.bind('', '', []), fe.execute(),
      fe.sync(),
      fe.parse('', 'SELECT 3'), fe.bind('', '', []), fe.execute(), fe.sync(),
    );
    server(tap, be.parseComplete(), be.bindComplete(), be.error('division by zero'), be.ready('I'));
    server(tap, be.parseComplete(), be.bindComplete(), be.commandComplete('SELECT 1'), be.ready());
    assert.deepEqual(summary(seen), [
      ['SELECT 1/$1', 'failed', ['0']],
      ['SELECT 3', 'ok', []],
    ]);
  });

  test('a Parse error (syntax) counts 1 failed even without an Execute', () => {
    const { tap, seen } = connected();
    client(tap, fe.parse('x', 'SELEC 1'), fe.describe('S', 'x'), fe.sync());
    server(tap, be.error('syntax error'), be.ready());
    assert.deepEqual(summary(seen), [['SELEC 1', 'failed', undefined]]);
  });

  test('an Execute with a row limit (a cursor) counts once, at its first batch', () => {
    const { tap, seen } = connected();
    client(tap, fe.parse('', 'SELECT * FROM t'), fe.bind('c', '', []), fe.execute('c', 1), fe.flush());
    server(tap, be.parseComplete(), be.bindComplete(), be.dataRow('a'), be.portalSuspended());
    assert.deepEqual(summary(seen), [['SELECT * FROM t', 'ok', []]]);
    client(tap, fe.execute('c', 1), fe.flush());
    server(tap, be.dataRow('b'), be.portalSuspended());
    client(tap, fe.execute('c', 1), fe.sync());
    server(tap, be.commandComplete('SELECT 2'), be.ready('T'));
    assert.equal(seen.length, 1);
  });

  test('a cursor closed before it is drained still counts 1', () => {
    const { tap, seen } = connected();
    client(tap, fe.parse('', 'SELECT * FROM t'), fe.bind('c', '', []), fe.execute('c', 1), fe.close('P', 'c'), fe.sync());
    server(tap, be.parseComplete(), be.bindComplete(), be.dataRow('a'), be.portalSuspended(), be.closeComplete(), be.ready('T'));
    assert.equal(seen.length, 1);
  });

  test('a garbage message length forwards everything unchanged and stops counting', () => {
    const { tap, seen } = connected();
    const junk = Buffer.from([0x51, 0, 0, 0, 2, 1, 2, 3]);
    assert.ok(client(tap, junk).forward?.equals(junk));
    const later = fe.query('SELECT 1');
    assert.ok(client(tap, later).forward?.equals(later));
    server(tap, be.commandComplete('SELECT 1'));
    assert.equal(seen.length, 0);
  });
});

describe('robustness', () => {
  test('arbitrary bytes in either direction are forwarded unchanged and never throw', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.record({ fromClient: fc.boolean(), bytes: fc.uint8Array({ maxLength: 64 }) }), { maxLength: 30 }),
        (afterStartup, events) => {
          const tap = createPostgresTap(1, () => {});
          if (afterStartup) tap.fromClient(fe.startup());
          const sent = { client: [] as Buffer[], server: [] as Buffer[] };
          const got = { client: [] as Buffer[], server: [] as Buffer[] };
          for (const e of events) {
            const b = Buffer.from(e.bytes);
            const side = e.fromClient ? 'client' : 'server';
            sent[side].push(b);
            const d = e.fromClient ? tap.fromClient(b) : tap.fromServer(b);
            if (d.forward) got[side].push(d.forward);
          }
          // Server bytes always pass through; client bytes too once past the startup phase
          // (before it, an SSLRequest is answered instead and a partial packet may be held).
          assert.ok(Buffer.concat(got.server).equals(Buffer.concat(sent.server)));
          if (afterStartup) assert.ok(Buffer.concat(got.client).equals(Buffer.concat(sent.client)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('well-formed messages in random order and random chunks never throw', async () => {
    const fc = (await import('fast-check')).default;
    const clientMsgs = [fe.query('select 1; select 2'), fe.parse('', 'select $1'), fe.parse('n', 'x'), fe.bind('', 'n', ['1']), fe.execute(), fe.sync(), fe.close('S', 'n'), fe.flush(), fe.copyData('x')];
    const serverMsgs = [be.commandComplete('SELECT 1'), be.emptyQuery(), be.error(), be.ready(), be.parseComplete(), be.bindComplete(), be.portalSuspended(), be.dataRow('v'), be.copyInResponse()];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(8)), { maxLength: 60 }), (picks) => {
        const tap = createPostgresTap(1, () => {});
        tap.fromClient(fe.startup());
        for (const [fromClient, i] of picks) {
          if (fromClient) tap.fromClient(clientMsgs[i]!);
          else tap.fromServer(serverMsgs[i]!);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
