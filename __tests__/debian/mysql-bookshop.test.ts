// The MariaDB twin of the example service (examples/bookshop-mysql) through the query-counting proxy,
// probed the way `perfgate run` probes: the N+1 variant is flagged, its batched twin is not, and each
// endpoint's statements per request are exact.
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestMariadb, type MariadbServer } from './helpers/mariadb.js';
import { freePort } from '../helpers/ports.js';
import { startQueryProxy, type QueryProxy } from '../../src/queries/proxy.js';
import '../../src/queries/mysql/index.js';
import { probeQueries } from '../../src/queries/probe.js';
import type { ScenarioConfig } from '../../src/config/types.js';

const EXAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/bookshop-mysql');

interface Service {
  url: string;
  stop(): Promise<void>;
}

async function startService(server: MariadbServer, proxy: QueryProxy, env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(EXAMPLE_DIR, 'server.js')], {
    cwd: EXAMPLE_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      PERFGATE_DB_HOST: proxy.host,
      PERFGATE_DB_PORT: String(proxy.port),
      MYSQL_USER: server.app.user,
      MYSQL_PASSWORD: server.app.password,
      MYSQL_DATABASE: server.database,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`bookshop-mysql exited early:\n${output}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return { url, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`bookshop-mysql never became ready:\n${output}`);
}

function scenario(name: string, p: string): ScenarioConfig {
  return {
    name,
    request: { method: 'GET', path: p, headers: {}, body: null },
    load: { connections: 1, durationMs: 1000, warmupMs: 0, pipelining: 1, timeoutMs: 10_000 },
    rounds: 1,
    maxRounds: 1,
    timeBudgetMs: 60_000,
    budgets: {},
    regression: { p50: 0.05, p90: 0.05, p99: 0.1, rps: 0.05, cpu: 0.05, rss: 0.1, queries: 0, dbTime: 0.2 },
    queries: { probes: 5, warmupRequests: 2, nPlusOneThreshold: 3 },
  };
}

describe('bookshop-mysql through the proxy', () => {
  let server: MariadbServer;
  let proxy: QueryProxy;
  const services: Service[] = [];

  beforeAll(async () => {
    server = await startTestMariadb();
    proxy = await startQueryProxy({ protocol: 'mysql', upstream: { host: server.host, port: server.port } });
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    await proxy?.close();
    await server?.stop();
  });

  test('batched: GET /books?limit=50 runs 2 statements and nothing is flagged', async () => {
    const svc = await startService(server, proxy, { BOOKSHOP_N_PLUS_ONE: '0' });
    services.push(svc);
    const result = await probeQueries({ baseUrl: svc.url, scenario: scenario('list books', '/books?limit=50'), proxy, dialect: 'mysql' });
    assert.equal(result.perRequest, 2);
    assert.equal(result.stable, true);
    assert.deepEqual(result.nPlusOne, []);
    assert.deepEqual(result.duplicates, []);
    const byId = await probeQueries({ baseUrl: svc.url, scenario: scenario('book by id', '/books/42'), proxy, dialect: 'mysql' });
    assert.equal(byId.perRequest, 1);
    const ping = await probeQueries({ baseUrl: svc.url, scenario: scenario('ping', '/ping'), proxy, dialect: 'mysql' });
    assert.equal(ping.perRequest, 0);
    await svc.stop();
  });

  test('N+1: GET /books?limit=50 runs 51 statements and the author lookup is flagged with its SQL', async () => {
    const svc = await startService(server, proxy, { BOOKSHOP_N_PLUS_ONE: '1', BOOKSHOP_SEED: '0' });
    services.push(svc);
    const result = await probeQueries({ baseUrl: svc.url, scenario: scenario('list books', '/books?limit=50'), proxy, dialect: 'mysql' });
    assert.equal(result.perRequest, 51);
    assert.equal(result.stable, true);
    assert.equal(result.nPlusOne.length, 1);
    const [finding] = result.nPlusOne;
    assert.equal(finding!.count, 50);
    assert.match(finding!.sql, /authors/i);
    assert.match(finding!.sql, /where id = \?/i);
    await svc.stop();
  });
});
