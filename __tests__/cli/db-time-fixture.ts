// The done-when repository of database time per statement, shared by the PostgreSQL (Node suite)
// and MariaDB (Debian suite) tests: a service that looks a user up by email in a 100k-row table
// (base has an index on email, head's migration drops it) and burns CPU on another endpoint (head
// burns 3 ms more, no SQL change); plus what the report and results must then say.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir, type CliResult } from './helpers.js';
import { inlineText } from '../../src/report/escape.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/**
 * server.mjs: `prelude` (driver-specific) defines `async function firstRow(sql, params)` and runs
 * migrate.sql; the rest serves /user (lookup by email), /cpu (spin-us of CPU, then a lookup by id)
 * and /health. `placeholder(n)` writes the driver's n-th parameter ($1 or ?).
 */
export function dbTimeService(prelude: string, placeholder: (n: number) => string): string {
  return `
import http from 'node:http';
import { readFileSync } from 'node:fs';
${prelude}
const spinUs = Number(readFileSync('spin-us', 'utf8'));
function spin(us) { const end = process.hrtime.bigint() + BigInt(us * 1000); while (process.hrtime.bigint() < end); }
http.createServer(async (req, res) => {
  try {
    const n = 1 + Math.floor(Math.random() * 100000);
    if (req.url.startsWith('/user')) {
      res.end(JSON.stringify(await firstRow('SELECT id, email FROM users WHERE email = ${placeholder(1)}', ['user' + n + '@example.com'])));
    } else if (req.url.startsWith('/cpu')) {
      spin(spinUs);
      res.end(JSON.stringify(await firstRow('SELECT id, email FROM users WHERE id = ${placeholder(1)}', [n])));
    } else res.end('ok');
  } catch (e) { res.statusCode = 500; res.end(String(e)); }
}).listen(Number(process.env.PORT), '127.0.0.1');
`;
}

export interface DbTimeRepoOptions {
  /** server.mjs, from dbTimeService. */
  server: string;
  protocol: 'postgres' | 'mysql';
  upstreamPort: number;
  /** The service's DATABASE_URL; may use ${PERFGATE_DB_HOST}, ${PERFGATE_DB_PORT}, ${PERFGATE_SIDE} and ${DB_PASSWORD}. */
  databaseUrl: string;
  migrations: { base: string; head: string };
}

export function makeDbTimeRepo(o: DbTimeRepoOptions): string {
  const dir = tempDir('perfgate-dbtime-');
  writeFileSync(path.join(dir, 'server.mjs'), o.server);
  writeFileSync(path.join(dir, 'migrate.sql'), o.migrations.base);
  writeFileSync(path.join(dir, 'spin-us'), '0\n');
  writeFileSync(
    path.join(dir, 'perfgate.yml'),
    `service:
  start: exec node server.mjs
  env:
    PORT: "\${PERFGATE_PORT}"
    DATABASE_URL: "${o.databaseUrl}"
  ready: { url: "http://127.0.0.1:\${PERFGATE_PORT}/health", timeout: 20s }
database:
  protocol: ${o.protocol}
  upstream: 127.0.0.1:${o.upstreamPort}
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
  writeFileSync(path.join(dir, 'migrate.sql'), o.migrations.head);
  writeFileSync(path.join(dir, 'spin-us'), '3000\n');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@localhost', 'commit', '-q', '-am', 'drop the email index; more CPU');
  return dir;
}

export interface DbTimeExpectations {
  /** Normalized SQL of the lookup by email and of the other endpoint's lookup by id. */
  lookupSql: string;
  otherSql: string;
  /** The plan flag the lookup must carry (a pattern where the engine's row estimate is sampled). */
  flag: string | RegExp;
  /** Must appear nowhere in the report, the progress output or the results. */
  secret: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function assertDbTimeReport(res: CliResult, resultsFile: string, e: DbTimeExpectations): void {
  assert.equal(res.code, 1, `the dropped index must fail the run\n${res.stderr}`);
  const report = res.stdout;
  // As the report writes it: markdown-escaped text (`\$1`, `\*`), which GitHub renders as the SQL.
  const lookup = escape(inlineText(e.lookupSql));
  // Both endpoints regressed; the report says which is the database's doing.
  assert.match(report, new RegExp(`\\*\\*user by email\\*\\*: \\+[\\d.]+ ms per request, of which \\+[\\d.]+ ms in “${lookup}”`), report);
  assert.match(report, /\*\*cpu burn\*\*: not the database/, report);
  // The slower statement, with base → head time per call and the endpoint using it.
  assert.match(report, /\*\*Slower statements\*\*/);
  assert.match(report, new RegExp(`\\| ${lookup} +\\| +[\\d.]+ (µs|ms) → [\\d.]+ ms +\\| \\+[\\d.]+%[^|]*\\| +1 → 1 +\\| user by email +\\|`), report);
  // Its plan, flagged, as the results record it.
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const [user, cpu] = results.scenarios;
  assert.equal(user.queries.plans.length, 1);
  const flags: string[] = user.queries.plans[0].flags;
  assert.equal(flags.length, 1, flags.join('; '));
  if (typeof e.flag === 'string') assert.equal(flags[0], e.flag);
  else assert.match(flags[0]!, e.flag);
  assert.match(report, new RegExp(`⚠️ ${escape(inlineText(flags[0]!))}`), report);
  // The other endpoint's statement did not change: never called slower. (Its probes on the two sides
  // run minutes apart, unpaired; on a busy machine an unchanged statement has read "faster" — a known
  // weakness of the per-statement comparison, so only "≈" or "faster" is accepted here.)
  assert.match(report, new RegExp(`\\| ${escape(inlineText(e.otherSql))} +\\| cpu burn +\\| +1 → 1 +\\|[^\\n]*\\| (≈|✅ faster)`), report);
  const resultsText = readFileSync(resultsFile, 'utf8');
  for (const text of [report, res.stderr, resultsText]) assert.ok(!text.includes(e.secret), 'the database password leaked');

  const [baseUser] = results.base.scenarios;
  assert.ok(user.queries.dbTimeUs > 5 * baseUser.queries.dbTimeUs, `head ${user.queries.dbTimeUs} µs vs base ${baseUser.queries.dbTimeUs} µs`);
  assert.equal(cpu.queries.plans, undefined, 'nothing new or slower on the CPU endpoint');
  assert.ok(cpu.queries.latencyUs > cpu.queries.dbTimeUs + 2000, 'the CPU endpoint spends its time outside the database');
}
