// The done-when of database time per statement on MariaDB, end to end through the built CLI in
// rerun mode (the same repository and expectations as the PostgreSQL test in
// __tests__/cli/db-time-rerun.test.ts): the lookup by email whose index head drops is the slower
// statement, its plan is flagged as a full table scan, the other endpoint's statement reads "≈", and
// the CPU endpoint is not blamed on the database.
import { afterAll, beforeAll, test } from '@jest/globals';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { startTestMariadb, type MariadbServer } from './helpers/mariadb.js';
import { repoRoot, runCli } from '../cli/helpers.js';
import { assertDbTimeReport, dbTimeService, makeDbTimeRepo } from '../cli/db-time-fixture.js';

let server: MariadbServer;
const dbName = (side: string) => `${server.database}_${side}`;

beforeAll(async () => {
  server = await startTestMariadb();
  // The sequence engine (seq_1_to_N) needs a current database.
  const c = await mysql.createConnection({ host: server.host, port: server.port, user: server.native.user, password: server.native.password, database: server.database });
  for (const side of ['base', 'head']) {
    await c.query(`CREATE DATABASE ${dbName(side)}`);
    await c.query(`CREATE TABLE ${dbName(side)}.users (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL, INDEX users_email (email))`);
    await c.query(`INSERT INTO ${dbName(side)}.users SELECT seq, CONCAT('user', seq, '@example.com') FROM seq_1_to_100000`);
    await c.query(`ANALYZE TABLE ${dbName(side)}.users`);
  }
  await c.end();
});
afterAll(async () => {
  await server?.stop();
});

/** The service on mysql2 prepared statements (COM_STMT_EXECUTE: the tap sees the parameters). */
const PRELUDE = (mysql2Path: string) => `
import mysql from ${JSON.stringify(mysql2Path)};
const pool = mysql.createPool({ uri: process.env.DATABASE_URL, connectionLimit: 4 });
for (const stmt of readFileSync('migrate.sql', 'utf8').split(';').map((s) => s.trim()).filter(Boolean)) await pool.query(stmt);
async function firstRow(sql, params) { return (await pool.execute(sql, params))[0][0]; }
`;

test('rerun mode on MariaDB names the slower statement, flags the full table scan, reads ≈ elsewhere, does not blame CPU', async () => {
  const { user, password } = server.native;
  const dir = makeDbTimeRepo({
    server: dbTimeService(PRELUDE(path.join(repoRoot, 'node_modules/mysql2/promise.js')), () => '?'),
    protocol: 'mysql',
    upstreamPort: server.port,
    databaseUrl: `mysql://${user}:\${DB_PASSWORD}@\${PERFGATE_DB_HOST}:\${PERFGATE_DB_PORT}/${server.database}_\${PERFGATE_SIDE}`,
    migrations: { base: 'CREATE INDEX IF NOT EXISTS users_email ON users (email);\n', head: 'DROP INDEX IF EXISTS users_email ON users;\n' },
  });
  const out = path.join(dir, 'out', 'results.json');
  const res = await runCli(['run', '-c', path.join(dir, 'perfgate.yml'), '--out', out], {
    cwd: dir,
    env: { GITHUB_SHA: '', DB_PASSWORD: password, PERFGATE_EXPLAIN_URL: `mysql://${user}:${encodeURIComponent(password)}@${server.host}:${server.port}/${dbName('head')}` },
    timeoutMs: 240_000,
  });
  assertDbTimeReport(res, out, {
    lookupSql: 'select id, email from users where email = ?',
    otherSql: 'select id, email from users where id = ?',
    // InnoDB's row count for EXPLAIN is an estimate from sampled pages: 97.7k has been read in CI.
    flag: /^full table scan on users \(≈(9[5-9](\.\d)?|10[0-5](\.\d)?)k rows, access_type ALL\)$/,
    secret: password,
  });
});
