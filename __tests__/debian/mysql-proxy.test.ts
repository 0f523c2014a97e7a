// The MySQL tap behind the real proxy, against a real MariaDB server (Debian mariadb-server), driven
// by real clients: mysql2 (text, execute(), multi-statements) and the `mariadb` connector (which
// pipelines). Every count is exact.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import mysql from 'mysql2/promise';
import * as mariadb from 'mariadb';
import { startTestMariadb, type MariadbServer } from './helpers/mariadb.js';
import { startQueryProxy, type QueryProxy } from '../../src/queries/proxy.js';
import { TLS_REFUSED_MESSAGE, createMysqlTap } from '../../src/queries/mysql/index.js';
import { MysqlFramer, encodePacket } from '../../src/queries/mysql/framer.js';
import { Capability } from '../../src/queries/mysql/packets.js';
import type { ExecutedStatement } from '../../src/queries/types.js';
import { runInspector } from '../../src/queries/inspector.js';

let server: MariadbServer;
let proxy: QueryProxy;

beforeAll(async () => {
  server = await startTestMariadb();
  proxy = await startQueryProxy({ protocol: 'mysql', upstream: { host: server.host, port: server.port } });
  const c = await mysql.createConnection({ ...direct(), multipleStatements: true });
  await c.query(
    'CREATE TABLE authors (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL);' +
      'CREATE TABLE books (id INT AUTO_INCREMENT PRIMARY KEY, author_id INT NOT NULL, title VARCHAR(100) NOT NULL, price DECIMAL(6,2), published DATE);' +
      "INSERT INTO authors VALUES (1,'Le Guin'),(2,'Herbert'),(3,'Butler');" +
      "INSERT INTO books (author_id, title, price, published) VALUES (1,'The Dispossessed',9.50,'1974-05-01'),(2,'Dune',12.00,'1965-08-01'),(3,'Kindred',8.25,'1979-06-01'),(1,'Lathe of Heaven',7.00,'1971-01-01');",
  );
  await c.end();
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

function direct() {
  return { host: server.host, port: server.port, user: server.app.user, password: server.app.password, database: server.database };
}

function viaProxy() {
  return { ...direct(), host: proxy.host, port: proxy.port };
}

/** Statements the proxy saw while `fn` ran (the proxy sees completion before the client does). */
async function counted(fn: () => Promise<unknown>): Promise<ExecutedStatement[]> {
  proxy.drain();
  await fn();
  return proxy.drain();
}

const summary = (seen: ExecutedStatement[]) => seen.map((s) => [s.sql, s.outcome]);

describe('mysql2 through the proxy', () => {
  let conn: mysql.Connection;
  beforeAll(async () => {
    conn = await mysql.createConnection({ ...viaProxy(), multipleStatements: true });
  });
  afterAll(async () => {
    await conn?.end();
  });

  test('a text query counts 1 with its text', async () => {
    const seen = await counted(() => conn.query('SELECT count(*) FROM books'));
    assert.deepEqual(summary(seen), [['SELECT count(*) FROM books', 'ok']]);
  });

  test('a multi-statement query counts each statement, with its own text', async () => {
    const seen = await counted(() =>
      conn.query("SELECT id FROM authors WHERE id = 1; UPDATE books SET price = price WHERE id = 2; SELECT 'a;b' AS s"),
    );
    assert.deepEqual(summary(seen), [
      ['SELECT id FROM authors WHERE id = 1', 'ok'],
      ['UPDATE books SET price = price WHERE id = 2', 'ok'],
      ["SELECT 'a;b' AS s", 'ok'],
    ]);
  });

  test('a multi-statement query stops counting at the failed statement, which counts as failed', async () => {
    const seen = await counted(() => conn.query('SELECT 1; SELECT no_such_column FROM books; SELECT 2').catch(() => undefined));
    assert.deepEqual(summary(seen), [
      ['SELECT 1', 'ok'],
      ['SELECT no_such_column FROM books', 'failed'],
    ]);
  });

  test('execute() counts each execution once, not the prepare, with decoded parameters', async () => {
    const sql = 'SELECT title FROM books WHERE author_id = ? AND price < ?';
    const seen = await counted(async () => {
      for (const id of [1, 2, 3, 1, 2]) await conn.execute(sql, [id, 100.5]);
    });
    assert.deepEqual(
      seen.map((s) => [s.sql, s.params]),
      [1, 2, 3, 1, 2].map((id) => [sql, [String(id), '100.5']]),
    );
  });

  test('execute() parameters of other types decode as text', async () => {
    const sql = 'SELECT ? AS s, ? AS n, ? AS d, ? AS b';
    const seen = await counted(() => conn.execute(sql, ['héllo', null, new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), 12345678901n]));
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.params?.[0], 'héllo');
    assert.equal(seen[0]!.params?.[1], null);
    assert.match(String(seen[0]!.params?.[2]), /^2024-01-0[12] /);
    assert.equal(seen[0]!.params?.[3], '12345678901');
  });

  test('a failed statement counts 1 with outcome failed', async () => {
    const seen = await counted(() => conn.query('SELECT * FROM missing_table').catch(() => undefined));
    assert.deepEqual(summary(seen), [['SELECT * FROM missing_table', 'failed']]);
  });

  test('a failed execute counts 1 failed; a failed prepare counts nothing', async () => {
    const seen = await counted(async () => {
      await conn.execute('SELEC broken ?', [1]).catch(() => undefined); // prepare fails: nothing ran
      await conn.execute('INSERT INTO authors (id, name) VALUES (?, ?)', [1, 'duplicate key']).catch(() => undefined);
    });
    assert.deepEqual(summary(seen), [['INSERT INTO authors (id, name) VALUES (?, ?)', 'failed']]);
  });

  test('a transaction counts its control statements too', async () => {
    const seen = await counted(async () => {
      await conn.beginTransaction();
      await conn.query("INSERT INTO authors VALUES (10, 'Jemisin')");
      await conn.query('DELETE FROM authors WHERE id = 10');
      await conn.commit();
    });
    assert.deepEqual(summary(seen), [
      ['START TRANSACTION', 'ok'],
      ["INSERT INTO authors VALUES (10, 'Jemisin')", 'ok'],
      ['DELETE FROM authors WHERE id = 10', 'ok'],
      ['COMMIT', 'ok'],
    ]);
  });

  test('ping, changeUser and closing a prepared statement count nothing and do not stall counting', async () => {
    const seen = await counted(async () => {
      await conn.ping();
      await conn.unprepare('SELECT title FROM books WHERE author_id = ? AND price < ?');
      await conn.changeUser({ user: server.native.user, password: server.native.password, database: server.database });
      await conn.query('SELECT 42');
      await conn.changeUser({ user: server.app.user, password: server.app.password, database: server.database });
      // The statement cache was cleared by COM_CHANGE_USER: this prepares again, and still counts once.
      await conn.execute('SELECT title FROM books WHERE id = ?', [1]);
    });
    assert.deepEqual(summary(seen), [
      ['SELECT 42', 'ok'],
      ['SELECT title FROM books WHERE id = ?', 'ok'],
    ]);
  });

  test('LOAD DATA LOCAL INFILE passes through and counts 1', async () => {
    const seen = await counted(() =>
      conn.query({
        sql: "LOAD DATA LOCAL INFILE 'authors.csv' INTO TABLE authors FIELDS TERMINATED BY ','",
        infileStreamFactory: () => Readable.from([Buffer.from('20,Tolkien\n21,Pratchett\n')]),
      } as mysql.QueryOptions),
    );
    assert.deepEqual(summary(seen), [["LOAD DATA LOCAL INFILE 'authors.csv' INTO TABLE authors FIELDS TERMINATED BY ','", 'ok']]);
    const [rows] = await conn.query('SELECT count(*) AS n FROM authors WHERE id IN (20, 21)');
    assert.equal(Number((rows as { n: number }[])[0]!.n), 2);
  });

  test('a user authenticating with mysql_native_password connects and counts', async () => {
    const c = await mysql.createConnection({ ...viaProxy(), user: server.native.user, password: server.native.password });
    try {
      const seen = await counted(() => c.query('SELECT 7'));
      assert.deepEqual(summary(seen), [['SELECT 7', 'ok']]);
    } finally {
      await c.end();
    }
  });

  test('a pool spread over several connections counts every statement once', async () => {
    const pool = mysql.createPool({ ...viaProxy(), connectionLimit: 3 });
    try {
      await Promise.all([1, 2, 3].map(() => pool.query('SELECT 1')));
      const seen = await counted(() => Promise.all([1, 2, 3, 1, 2, 3].map((id) => pool.execute('SELECT name FROM authors WHERE id = ?', [id]))));
      assert.equal(seen.length, 6);
      assert.deepEqual(seen.map((s) => s.params?.[0]).sort(), ['1', '1', '2', '2', '3', '3']);
    } finally {
      await pool.end();
    }
  });
});

describe('the mariadb connector (pipelining) through the proxy', () => {
  let conn: mariadb.Connection;
  beforeAll(async () => {
    conn = await mariadb.createConnection({ ...viaProxy(), pipelining: true, multipleStatements: true });
  });
  afterAll(async () => {
    await conn?.end();
  });

  test('pipelined text queries each count once, in order', async () => {
    const seen = await counted(() => Promise.all([conn.query('SELECT 1'), conn.query('SELECT 2'), conn.query('SELECT name FROM authors WHERE id = 3')]));
    assert.deepEqual(summary(seen), [
      ['SELECT 1', 'ok'],
      ['SELECT 2', 'ok'],
      ['SELECT name FROM authors WHERE id = 3', 'ok'],
    ]);
  });

  test('pipelined prepare+execute (statement id -1) counts each execution with its parameters', async () => {
    const sql = 'SELECT title FROM books WHERE author_id = ?';
    const seen = await counted(() => Promise.all([1, 2, 3, 1].map((id) => conn.execute(sql, [id]))));
    assert.deepEqual(
      seen.map((s) => [s.sql, s.params]),
      [1, 2, 3, 1].map((id) => [sql, [String(id)]]),
    );
  });

  test('a multi-statement query and a failure in a pipeline are counted exactly', async () => {
    const seen = await counted(() =>
      Promise.allSettled([conn.query('SELECT 1; SELECT 2'), conn.query('SELECT * FROM nope'), conn.query('SELECT 3')]),
    );
    assert.deepEqual(summary(seen), [
      ['SELECT 1', 'ok'],
      ['SELECT 2', 'ok'],
      ['SELECT * FROM nope', 'failed'],
      ['SELECT 3', 'ok'],
    ]);
  });

  test('a transaction counts begin, statements and commit', async () => {
    const seen = await counted(async () => {
      await conn.beginTransaction();
      await conn.execute('UPDATE books SET price = ? WHERE id = ?', [9.5, 1]);
      await conn.rollback();
    });
    assert.deepEqual(summary(seen), [
      ['START TRANSACTION', 'ok'],
      ['UPDATE books SET price = ? WHERE id = ?', 'ok'],
      ['ROLLBACK', 'ok'],
    ]);
  });

  test('batch() (COM_STMT_BULK_EXECUTE) counts one statement', async () => {
    const seen = await counted(() =>
      conn.batch('INSERT INTO authors (id, name) VALUES (?, ?)', [
        [30, 'a'],
        [31, 'b'],
        [32, 'c'],
      ]),
    );
    assert.deepEqual(summary(seen), [['INSERT INTO authors (id, name) VALUES (?, ?)', 'ok']]);
  });

  test('a large result set (rows spanning many TCP chunks) counts once', async () => {
    const seen = await counted(() => conn.query('SELECT seq, REPEAT(\'x\', 200) FROM seq_1_to_5000'));
    assert.deepEqual(summary(seen), [["SELECT seq, REPEAT('x', 200) FROM seq_1_to_5000", 'ok']]);
  });

  test('a row over 16 MiB (continuation packets) is relayed intact and counted once', async () => {
    const seen = await counted(async () => {
      const rows = (await conn.query("SELECT REPEAT('y', 17000000) AS big")) as { big: string }[];
      assert.equal(rows[0]!.big.length, 17_000_000);
    });
    assert.equal(seen.filter((s) => s.sql.includes('REPEAT')).length, 1);
  });
});

describe('TLS through the proxy', () => {
  test('the proxy hides CLIENT_SSL, so mysql2 with ssl required refuses before sending anything', async () => {
    await assert.rejects(mysql.createConnection({ ...viaProxy(), ssl: { rejectUnauthorized: false } }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'HANDSHAKE_NO_SSL_SUPPORT');
      return true;
    });
  });

  test('a client that sends an SSLRequest anyway gets an ERR packet naming the fix, then the connection closes', async () => {
    const socket = net.connect({ host: proxy.host, port: proxy.port });
    const framer = new MysqlFramer();
    const packets: Buffer[] = [];
    let closed = false;
    await new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('close', () => {
        closed = true;
        resolve();
      });
      socket.on('data', (chunk: Buffer) => {
        for (const p of framer.push(chunk)) {
          packets.push(p.payload);
          if (packets.length === 1) {
            const caps = (p.payload.readUInt16LE(p.payload.indexOf(0, 1) + 14) & Capability.CLIENT_SSL) !== 0;
            assert.equal(caps, false, 'the greeting the client sees must not offer TLS');
            const sslRequest = Buffer.alloc(32);
            sslRequest.writeUInt32LE(Capability.CLIENT_PROTOCOL_41 | Capability.CLIENT_SSL | Capability.CLIENT_SECURE_CONNECTION, 0);
            sslRequest.writeUInt32LE(1 << 24, 4);
            sslRequest[8] = 45;
            socket.write(encodePacket(sslRequest, 1));
          }
        }
      });
    });
    assert.equal(closed, true);
    assert.equal(packets.length, 2);
    assert.equal(packets[1]![0], 0xff);
    const message = packets[1]!.subarray(9).toString('utf8');
    assert.equal(message, TLS_REFUSED_MESSAGE);
    assert.match(message, /ssl-mode=DISABLED or PREFERRED/);
  });
});

describe('the mariadb command-line client (libmariadb) through the proxy', () => {
  test('a script of several statements counts each, with the failing one failed', async () => {
    const script = "SELECT count(*) FROM books; SELECT name FROM authors WHERE id = 2; SELECT nope; SELECT 'never'";
    const seen = await counted(() =>
      promisify(execFile)(
        'mariadb',
        ['--no-defaults', '--protocol=tcp', '-h127.0.0.1', `-P${proxy.port}`, `-u${server.app.user}`, `-p${server.app.password}`, server.database, '-e', script],
        { encoding: 'utf8' },
      ).catch((err: Error) => err),
    );
    // The CLI sends its own `select @@version_comment limit 1` on connect, then one statement at a time and stops at the error.
    assert.deepEqual(summary(seen.filter((s) => !s.sql.includes('@@version_comment'))), [
      ['SELECT count(*) FROM books', 'ok'],
      ['SELECT name FROM authors WHERE id = 2', 'ok'],
      ['SELECT nope', 'failed'],
    ]);
  });
});

describe('perfgate proxy --protocol mysql (the inspector)', () => {
  test('streams each statement and summarizes by MySQL fingerprint', async () => {
    const lines: string[] = [];
    const inspector = await runInspector({ upstream: { host: server.host, port: server.port }, listenPort: 0, protocol: 'mysql', out: (l) => lines.push(l) });
    try {
      const c = await mysql.createConnection({ ...direct(), host: inspector.host, port: inspector.port });
      for (const id of [1, 2, 3]) await c.query(`SELECT name FROM \`authors\` WHERE id = ${id} # lookup`);
      await c.execute('SELECT name FROM authors WHERE id = ?', [2]);
      await c.end();
    } finally {
      const summary = await inspector.stop();
      assert.equal(summary.statements, 4);
      assert.equal(summary.byFingerprint.length, 1, JSON.stringify(summary.byFingerprint));
      assert.equal(summary.byFingerprint[0]!.count, 4);
      assert.equal(lines.length, 4);
    }
  });
});

test('the proxy picks the MySQL tap for protocol mysql once src/queries/mysql/ is imported', () => {
  assert.equal(typeof createMysqlTap, 'function');
});
