// perfgate's measuring stage on examples/bookshop-mysql/perfgate.yml against a real MariaDB: the
// config's `database: { protocol: mysql }` starts the MySQL proxy, the service is built (seeded) and
// started through it, and the results show the N+1 endpoint flagged only when it is switched on.
// (Load is cut to one short round per scenario: this checks query counting, not timing.)
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestMariadb, type MariadbServer } from './helpers/mariadb.js';
import '../../src/queries/mysql/index.js';
import { loadConfig } from '../../src/config/load.js';
import { measure } from '../../src/measure.js';
import type { Results } from '../../src/results/types.js';

const CONFIG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/bookshop-mysql/perfgate.yml');

describe('measure() on examples/bookshop-mysql', () => {
  let server: MariadbServer;
  beforeAll(async () => {
    server = await startTestMariadb();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function run(nPlusOne: boolean): Promise<Results> {
    const env = {
      MYSQL_HOST: server.host,
      MYSQL_PORT: String(server.port),
      MYSQL_USER: server.app.user,
      MYSQL_PASSWORD: server.app.password,
      MYSQL_DATABASE: server.database,
      BOOKSHOP_N_PLUS_ONE: nPlusOne ? '1' : '0',
    };
    const config = await loadConfig(CONFIG, { env: { ...process.env, ...env } as Record<string, string> });
    for (const s of config.scenarios) {
      s.rounds = 1;
      s.load = { ...s.load, connections: 1, durationMs: 300, warmupMs: 0 };
    }
    return measure({ config, env, progress: () => {} }, () => {});
  }

  test('batched: list books counts 2 statements per request and nothing is flagged', async () => {
    const results = await run(false);
    const list = results.scenarios.find((s) => s.name === 'list books')!;
    assert.equal(list.error, undefined);
    assert.equal(list.queries?.perRequest, 2);
    assert.deepEqual(list.queries?.nPlusOne, []);
    const byId = results.scenarios.find((s) => s.name === 'book by id')!;
    assert.equal(byId.queries?.perRequest, 1);
  });

  test('N+1 on: list books counts 51 statements per request and the author lookup is flagged', async () => {
    const results = await run(true);
    const list = results.scenarios.find((s) => s.name === 'list books')!;
    assert.equal(list.queries?.perRequest, 51);
    assert.equal(list.queries?.nPlusOne.length, 1);
    assert.equal(list.queries?.nPlusOne[0]!.count, 50);
    assert.match(list.queries!.nPlusOne[0]!.sql, /from authors where id = /i);
  });
});
