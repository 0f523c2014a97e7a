// The done-when of database time per statement, end to end through the built CLI in rerun mode: a
// git repository whose service looks a user up by email in a 100k-row table (base has an index on
// email, head's migration drops it) and burns CPU on another endpoint (head burns more, no SQL
// change). perfgate must report the lookup as the slower statement with base → head time and a plan
// flagged "sequential scan on users (≈100k rows)", read "≈" for the other endpoint's statement, and
// not blame the CPU endpoint's slowdown on the database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startTestPostgres, type PostgresServer } from '../helpers/postgres.js';
import { postgresUrl } from '../../src/demo/embedded-postgres.js';
import { repoRoot, runCli, tempDir } from './helpers.js';

let db: PostgresServer;

/** One database per side, so head's migration cannot change the base's table. */
const SIDES = ['base', 'head'] as const;
const dbName = (side: string) => `${db.database}_${side}`;

before(async () => {
  db = await startTestPostgres();
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  try {
    for (const side of SIDES) {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(dbName(side))}`);
      const c = new pg.Client({ connectionString: postgresUrl({ ...db, database: dbName(side) }) });
      await c.connect();
      await c.query(`CREATE TABLE users AS SELECT g AS id, 'user' || g || '@example.com' AS email FROM generate_series(1, 100000) g`);
      await c.query('ALTER TABLE users ADD PRIMARY KEY (id)');
      await c.query('CREATE INDEX users_email ON users (email)');
      await c.query('ANALYZE users');
      await c.end();
    }
  } finally {
    await admin.end();
  }
});
after(async () => {
  if (!db) return;
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  for (const side of SIDES) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(dbName(side))} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  await db.stop();
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** The service: runs migrate.sql on start, then serves /user (lookup by email) and /cpu (spin + lookup by id). */
const SERVER = (pgPath: string) => `
import http from 'node:http';
import { readFileSync } from 'node:fs';
import pg from ${JSON.stringify(pgPath)};
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
await pool.query(readFileSync('migrate.sql', 'utf8'));
const spinUs = Number(readFileSync('spin-us', 'utf8'));
function spin(us) { const end = process.hrtime.bigint() + BigInt(us * 1000); while (process.hrtime.bigint() < end); }
http.createServer(async (req, res) => {
  try {
    const n = 1 + Math.floor(Math.random() * 100000);
    if (req.url.startsWith('/user')) {
      const r = await pool.query('SELECT id, email FROM users WHERE email = $1', ['user' + n + '@example.com']);
      res.end(JSON.stringify(r.rows[0]));
    } else if (req.url.startsWith('/cpu')) {
      spin(spinUs);
      const r = await pool.query('SELECT id, email FROM users WHERE id = $1', [n]);
      res.end(JSON.stringify(r.rows[0]));
    } else res.end('ok');
  } catch (e) { res.statusCode = 500; res.end(String(e)); }
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

function makeRepo(): string {
  const dir = tempDir('perfgate-dbtime-');
  writeFileSync(path.join(dir, 'server.mjs'), SERVER(path.join(repoRoot, 'node_modules/pg/lib/index.js')));
  writeFileSync(path.join(dir, 'migrate.sql'), 'CREATE INDEX IF NOT EXISTS users_email ON users (email);\n');
  writeFileSync(path.join(dir, 'spin-us'), '0\n');
  writeFileSync(
    path.join(dir, 'perfgate.yml'),
    `service:
  start: exec node server.mjs
  env:
    PORT: "\${PERFGATE_PORT}"
    DATABASE_URL: "postgres://${db.user}:\${DB_PASSWORD}@\${PERFGATE_DB_HOST}:\${PERFGATE_DB_PORT}/${db.database}_\${PERFGATE_SIDE}"
  ready: { url: "http://127.0.0.1:\${PERFGATE_PORT}/health", timeout: 20s }
database:
  upstream: 127.0.0.1:${db.port}
  explain: { url: "\${PERFGATE_EXPLAIN_URL:-}" }
defaults:
  load: { connections: 2, duration: 0.3s, warmup: 0.2s }
  rounds: 8
scenarios:
  - name: user by email
    request: { path: /user }
  - name: cpu burn
    request: { path: /cpu }
baseline: { source: rerun, ref: main }
failOn: [regression]
`,
  );
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  // Head: a migration that drops the index, and 3 ms more CPU on the other endpoint.
  writeFileSync(path.join(dir, 'migrate.sql'), 'DROP INDEX IF EXISTS users_email;\n');
  writeFileSync(path.join(dir, 'spin-us'), '3000\n');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-q', '-am', 'drop the email index; more CPU');
  return dir;
}

test('rerun mode names the slower statement, shows its plan flagged, reads ≈ elsewhere and does not blame CPU on the database', async () => {
  const dir = makeRepo();
  const out = path.join(dir, 'out', 'results.json');
  const explainUrl = postgresUrl({ ...db, database: dbName('head') });
  const res = await runCli(['run', '-c', path.join(dir, 'perfgate.yml'), '--out', out], {
    cwd: dir,
    bundle: true,
    env: { GITHUB_SHA: '', DB_PASSWORD: db.password, PERFGATE_EXPLAIN_URL: explainUrl },
    timeoutMs: 240_000,
  });
  assert.equal(res.code, 1, `the dropped index must fail the run\n${res.stderr}`);
  const report = res.stdout;

  // Both endpoints regressed; the report says which is the database's doing.
  assert.match(report, /\*\*user by email\*\*: \+[\d.]+ ms per request, of which \+[\d.]+ ms in “select id, email from users where email = \$1”/, report);
  assert.match(report, /\*\*cpu burn\*\*: not the database/, report);
  // The slower statement, with base → head time per call and the endpoint using it.
  assert.match(report, /\*\*Slower statements\*\*/);
  assert.match(report, /\| select id, email from users where email = \$1 +\| +[\d.]+ µs → [\d.]+ ms +\| \+[\d.]+%[^|]*\| +1 → 1 +\| user by email +\|/, report);
  // Its plan, flagged.
  assert.match(report, /⚠️ sequential scan on users \(≈100k rows\)/);
  assert.match(report, /Seq Scan on users/);
  // The other endpoint's statement did not change.
  assert.match(report, /\| select id, email from users where id = \$1 +\| cpu burn +\| +1 → 1 +\|[^\n]*\| ≈/, report);
  // No credential anywhere a reviewer or a log reader sees.
  for (const text of [report, res.stderr, readFileSync(out, 'utf8')]) assert.ok(!text.includes(db.password), 'the database password leaked');

  const results = JSON.parse(readFileSync(out, 'utf8'));
  const [user, cpu] = results.scenarios;
  const [baseUser] = results.base.scenarios;
  assert.ok(user.queries.dbTimeUs > 5 * baseUser.queries.dbTimeUs, `head ${user.queries.dbTimeUs} µs vs base ${baseUser.queries.dbTimeUs} µs`);
  assert.equal(user.queries.plans.length, 1);
  assert.deepEqual(user.queries.plans[0].flags, ['sequential scan on users (≈100k rows)']);
  assert.equal(cpu.queries.plans, undefined, 'nothing new or slower on the CPU endpoint');
  assert.ok(cpu.queries.latencyUs > cpu.queries.dbTimeUs + 2000, 'the CPU endpoint spends its time outside the database');
});
