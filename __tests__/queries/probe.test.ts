// Query probes against a real HTTP service that talks to a real PostgreSQL through the proxy.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';
import { startQueryProxy, type QueryProxy } from '../../src/queries/proxy.js';
import { parseQueryCountHeader, probeQueries, probeQueriesInterleaved } from '../../src/queries/probe.js';
import { compareDbTimePerRequest } from '../../src/compare/statement-times.js';
import type { ScenarioConfig } from '../../src/config/types.js';

let db: PostgresServer;
let proxy: QueryProxy;
let pool: pg.Pool;
let service: http.Server;
let baseUrl: string;

const routes: Record<string, (res: http.ServerResponse) => Promise<void>> = {
  '/books': async (res) => {
    const { rows } = await pool.query('SELECT id, author_id FROM books ORDER BY id LIMIT 4');
    res.end(JSON.stringify(rows));
  },
  '/books-n-plus-one': async (res) => {
    const { rows } = await pool.query('SELECT id, author_id FROM books ORDER BY id LIMIT 4');
    for (const b of rows) await pool.query('SELECT name FROM authors WHERE id = $1', [b.author_id]);
    res.end('ok');
  },
  '/books-batched': async (res) => {
    const { rows } = await pool.query('SELECT id, author_id FROM books ORDER BY id LIMIT 4');
    await pool.query('SELECT name FROM authors WHERE id = ANY($1)', [rows.map((b) => b.author_id)]);
    res.end('ok');
  },
  '/fire-and-forget': async (res) => {
    res.end('accepted');
    await pool.query("INSERT INTO audit (what) VALUES ('visit')");
  },
  '/late': async (res) => {
    await pool.query('SELECT 1');
    res.end('ok');
    // Past the settle time (100 ms in the test) but before the next request would start.
    setTimeout(() => void pool.query("INSERT INTO audit (what) VALUES ('late')"), 150);
  },
  '/header': async (res) => {
    res.setHeader('X-Query-Count', '7');
    res.setHeader('Server-Timing', 'cache;dur=1, db;dur=2.5;desc="4 queries"');
    res.end('ok');
  },
};

beforeAll(async () => {
  db = await startTestPostgres();
  proxy = await startQueryProxy({ protocol: 'postgres', upstream: { host: db.host, port: db.port }, keepStatements: false });
  pool = new pg.Pool({ host: proxy.host, port: proxy.port, user: db.user, password: db.password, database: db.database, max: 3 });
  await pool.query(`CREATE TABLE authors (id int PRIMARY KEY, name text);
    CREATE TABLE books (id int PRIMARY KEY, author_id int);
    CREATE TABLE audit (what text);
    INSERT INTO authors SELECT i, 'a' || i FROM generate_series(1, 4) i;
    INSERT INTO books SELECT i, (i % 3) + 1 FROM generate_series(1, 8) i;`);
  service = http.createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (!route) return void res.writeHead(404).end();
    route(res).catch((err) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
});

afterAll(async () => {
  service?.close();
  await pool?.end();
  await proxy?.close();
  await db?.stop();
});

function scenario(path: string, header?: string): ScenarioConfig {
  return {
    name: path,
    request: { method: 'GET', path, headers: {}, body: null },
    load: { connections: 1, durationMs: 1000, warmupMs: 0, pipelining: 1, timeoutMs: 5000 },
    rounds: 1,
    maxRounds: 1,
    timeBudgetMs: 60_000,
    budgets: {},
    regression: { p50: 0.05, p90: 0.05, p99: 0.1, rps: 0.05, cpu: 0.1, rss: 0.1, queries: 0, dbTime: 0.2 },
    queries: { probes: 5, warmupRequests: 2, nPlusOneThreshold: 3, header },
  };
}

describe('probeQueries through the proxy', () => {
  test('one query per request, stable, nothing flagged', async () => {
    const r = await probeQueries({ baseUrl, scenario: scenario('/books'), proxy });
    assert.deepEqual(r.perProbe, [1, 1, 1, 1, 1]);
    assert.equal(r.perRequest, 1);
    assert.equal(r.stable, true);
    assert.deepEqual(r.statements.map((s) => [s.sql, s.count]), [['select id, author_id from books order by id limit ?', 1]]);
    assert.deepEqual(r.nPlusOne, []);
    assert.equal(r.background, 0);
  });

  test('the N+1 endpoint is flagged with its SQL and count', async () => {
    const r = await probeQueries({ baseUrl, scenario: scenario('/books-n-plus-one'), proxy });
    assert.equal(r.perRequest, 5);
    assert.deepEqual(r.nPlusOne.map((f) => [f.sql, f.count, f.distinctParams]), [['select name from authors where id = $1', 4, 3]]);
    assert.deepEqual(r.duplicates, []);
  });

  test('the batched endpoint is never flagged', async () => {
    const r = await probeQueries({ baseUrl, scenario: scenario('/books-batched'), proxy });
    assert.equal(r.perRequest, 2);
    assert.deepEqual(r.nPlusOne, []);
  });

  test('a write finishing after the response still counts to its request (settle time)', async () => {
    // A generous settle time: this machine may be loaded, and the rule under test is the window, not the default.
    const r = await probeQueries({ baseUrl, scenario: scenario('/fire-and-forget'), proxy, settleMs: 250 });
    assert.deepEqual(r.perProbe, [1, 1, 1, 1, 1]);
  });

  test('a statement later than the settle time is background, never counted to the next probe', async () => {
    const r = await probeQueries({ baseUrl, scenario: scenario('/late'), proxy, settleMs: 100 });
    assert.deepEqual(r.perProbe, [1, 1, 1, 1, 1]);
    assert.equal(r.background, 5, 'every late insert, the last one included');
  });

  test('header mode reads the count the service reports', async () => {
    const r = await probeQueries({ baseUrl, scenario: scenario('/header', 'X-Query-Count') });
    assert.equal(r.source, 'header');
    assert.equal(r.perRequest, 7);
    const st = await probeQueries({ baseUrl, scenario: scenario('/header', 'Server-Timing') });
    assert.equal(st.perRequest, 4);
  });

  test('a missing header is an error naming the header and the request', async () => {
    await assert.rejects(probeQueries({ baseUrl, scenario: scenario('/books', 'X-Query-Count') }), /X-Query-Count.*GET|GET \/books.*X-Query-Count/);
  });
});

describe('probeQueriesInterleaved: base and head probed in turn', () => {
  // Two sides as in a rerun: each its own service and proxy, one database server. The `/spell`
  // route turns slow from a fixed request on, counted over both services: a slow spell of the
  // machine or the database server that starts halfway through probing.
  let spellRequests = 0;
  const SPELL_FROM = 18; // with 3 warm-ups and 11 probes a side: the first slow request of either order below
  const arrivals: string[] = [];
  const sides: { name: string; proxy: QueryProxy; pool: pg.Pool; server: http.Server; url: string }[] = [];

  beforeAll(async () => {
    for (const name of ['head', 'base']) {
      const sideProxy = await startQueryProxy({ protocol: 'postgres', upstream: { host: db.host, port: db.port }, keepStatements: false });
      const sidePool = new pg.Pool({ host: sideProxy.host, port: sideProxy.port, user: db.user, password: db.password, database: db.database, max: 2 });
      const server = http.createServer((req, res) => {
        const work = async () => {
          if (req.url === '/spell') {
            arrivals.push(name);
            const slow = ++spellRequests >= SPELL_FROM;
            await sidePool.query('SELECT pg_sleep($1)', [slow ? 0.004 : 0]);
          } else if (req.url === '/counted') {
            // head: the N+1 shape, base: the batched one — each side's statements stay its own.
            const { rows } = await sidePool.query('SELECT id, author_id FROM books ORDER BY id LIMIT 4');
            if (name === 'head') for (const b of rows) await sidePool.query('SELECT name FROM authors WHERE id = $1', [b.author_id]);
            else await sidePool.query('SELECT name FROM authors WHERE id = ANY($1)', [rows.map((b) => b.author_id)]);
          }
          res.end('ok');
        };
        work().catch((err) => res.writeHead(500).end(String(err)));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      sides.push({ name, proxy: sideProxy, pool: sidePool, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    }
  });

  afterAll(async () => {
    for (const s of sides) {
      s.server.close();
      await s.pool.end();
      await s.proxy.close();
    }
  });

  const spellScenario = (path: string): ScenarioConfig => ({ ...scenario(path), queries: { probes: 11, warmupRequests: 3, nPlusOneThreshold: 3 } });
  const options = (path: string) => sides.map((s) => ({ baseUrl: s.url, scenario: spellScenario(path), proxy: s.proxy, settleMs: 20, quietGapMs: 50 }));
  const seeded = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  test('each side counts its own statements, probes alternating in a random order', async () => {
    const [head, base] = await probeQueriesInterleaved(options('/counted'), seeded(7));
    assert.equal(head!.perRequest, 5);
    assert.equal(head!.nPlusOne.length, 1);
    assert.equal(base!.perRequest, 2);
    assert.deepEqual(base!.nPlusOne, []);
    // No statement of one side's probe is seen as the other's background.
    assert.equal(head!.background, 0);
    assert.equal(base!.background, 0);
  });

  test('a slow spell halfway through probing is no database-time change; probed one side after the other it was', async () => {
    spellRequests = 0;
    arrivals.length = 0;
    const [head, base] = await probeQueriesInterleaved(options('/spell'), seeded(1));
    const probes = arrivals.slice(6); // after both sides' 3 warm-ups
    assert.equal(probes.length, 22);
    for (let i = 0; i < 22; i += 2) assert.notEqual(probes[i], probes[i + 1], `probe pair ${i / 2 + 1}: one request of each side`);
    const headFirst = probes.filter((side, i) => i % 2 === 0 && side === 'head').length;
    assert.ok(headFirst > 0 && headFirst < 11, `the order is drawn per pair, not fixed (head first in ${headFirst} of 11)`);
    const interleaved = compareDbTimePerRequest(head!, base!, 0.2)!;
    assert.ok(interleaved.verdict === 'unchanged' || interleaved.verdict === 'inconclusive', `interleaved: ${interleaved.verdict} ${interleaved.change}`);

    // The same spell with the sides probed in turn (the count pass before): head all fast, base all slow.
    spellRequests = 0;
    const [headOptions, baseOptions] = options('/spell');
    const headAlone = await probeQueries(headOptions!);
    const baseAlone = await probeQueries(baseOptions!);
    const sequential = compareDbTimePerRequest(headAlone, baseAlone, 0.2)!;
    assert.equal(sequential.verdict, 'improved', `probed in turn the spell reads as a change: ${sequential.change}`);
  });
});

describe('parseQueryCountHeader', () => {
  test('plain integers, Server-Timing desc and dur conventions', () => {
    assert.equal(parseQueryCountHeader('X-Query-Count', ' 12 '), 12);
    assert.equal(parseQueryCountHeader('X-Query-Count', '12 queries'), undefined);
    assert.equal(parseQueryCountHeader('Server-Timing', 'db;desc=3'), 3);
    assert.equal(parseQueryCountHeader('Server-Timing', 'app;dur=5, queries;dur=9'), 9);
    assert.equal(parseQueryCountHeader('Server-Timing', 'db;dur=9.5'), undefined);
  });
});
