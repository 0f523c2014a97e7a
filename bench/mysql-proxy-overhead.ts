// mysqlslap (Debian mariadb-client) against a MariaDB server direct, through perfgate's counting
// proxy (reused read buffers, and the 'data'-event relay), and through the relay with a forward-only tap, interleaved round by round (rotating
// order) in one run so machine noise hits all alike. Prints queries/s per round and the median
// ratios to direct, and checks that the proxy counted every query mysqlslap sent.
// Needs Debian's mariadb-server and mariadb-client.
//   node --import tsx bench/mysql-proxy-overhead.ts [--rounds 5] [--queries 20000] [--concurrency 4] [--page]
// --page selects 50 rows per query instead of one (more reply packets per statement).
import { spawn } from 'node:child_process';
import mysql from 'mysql2/promise';
import { startTestMariadb } from '../__tests__/debian/helpers/mariadb.js';
import { startQueryProxy } from '../src/queries/proxy.js';
import { createMysqlTap } from '../src/queries/mysql/tap.js';
import { median } from '../src/compare/stats.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : Number(process.argv[i + 1]);
};
const ROUNDS = arg('rounds', 5);
const QUERIES = arg('queries', 20_000);
const CONCURRENCY = arg('concurrency', 4);
const QUERY = process.argv.includes('--page')
  ? 'SELECT id, title FROM perfgate.books ORDER BY id LIMIT 50'
  : 'SELECT id, title FROM perfgate.books WHERE id = 42';

function mysqlslap(port: number, user: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      'mysqlslap',
      [
        '--no-defaults',
        '--protocol=tcp',
        '--host=127.0.0.1',
        `--port=${port}`,
        `--user=${user}`,
        `--password=${password}`,
        `--concurrency=${CONCURRENCY}`,
        '--iterations=1',
        '--create-schema=mysqlslap',
        '--no-drop',
        `--number-of-queries=${QUERIES}`,
        `--query=${QUERY}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // mysqlslap exits 0 even when its clients cannot connect.
      if (code === 0 && !/error/i.test(out)) resolve(QUERIES / seconds);
      else reject(new Error(`mysqlslap exited ${code}: ${out}`));
    });
  });
}

const db = await startTestMariadb();
let counted = 0;
const proxy = await startQueryProxy({
  protocol: 'mysql',
  upstream: { host: db.host, port: db.port },
  tapFactory: createMysqlTap,
  keepStatements: false,
  onStatement: (s) => {
    if (s.sql === QUERY) counted++;
  },
});
// The same counting proxy relaying with 'data' events (the fallback path, and the relay before 2026-12-01).
const eventsProxy = await startQueryProxy({
  protocol: 'mysql',
  upstream: { host: db.host, port: db.port },
  tapFactory: createMysqlTap,
  keepStatements: false,
  readIntoBuffers: false,
});
const relayOnly = await startQueryProxy({
  protocol: 'mysql',
  upstream: { host: db.host, port: db.port },
  keepStatements: false,
  tapFactory: () => ({ fromClient: (c) => ({ forward: c }), fromServer: (c) => ({ forward: c }) }),
});

try {
  const setup = await mysql.createConnection({ host: db.host, port: db.port, user: db.app.user, password: db.app.password, database: db.database });
  await setup.query('CREATE DATABASE IF NOT EXISTS mysqlslap');
  await setup.query('CREATE TABLE books (id INT PRIMARY KEY, title VARCHAR(100))');
  await setup.query('INSERT INTO books SELECT seq, CONCAT("book ", seq) FROM seq_1_to_1000');
  await setup.end();

  const targets = [
    { name: 'direct', port: db.port },
    { name: 'perfgate proxy', port: proxy.port },
    { name: 'perfgate, events relay', port: eventsProxy.port },
    { name: 'relay only', port: relayOnly.port },
  ];
  const qps: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  // CPU this process (the proxies) spent per query: steadier than queries/s on a shared machine.
  const cpuUs: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  console.error(`mysqlslap: ${QUERIES} x "${QUERY}", concurrency ${CONCURRENCY}, ${ROUNDS} rounds`);
  // One unrecorded run per path first, so the proxies' code is JIT-compiled before it is measured.
  for (const t of targets) await mysqlslap(t.port, db.app.user, db.app.password);
  counted = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < targets.length; k++) {
      const t = targets[(r + k) % targets.length]!;
      const before = counted;
      const cpuBefore = process.cpuUsage();
      const v = await mysqlslap(t.port, db.app.user, db.app.password);
      const cpu = process.cpuUsage(cpuBefore);
      qps[t.name]!.push(v);
      cpuUs[t.name]!.push((cpu.user + cpu.system) / QUERIES);
      if (t.name === 'perfgate proxy' && counted - before !== QUERIES) {
        throw new Error(`the proxy counted ${counted - before} statements for ${QUERIES} queries`);
      }
      console.error(`round ${r + 1} ${t.name.padEnd(15)} ${v.toFixed(0)} queries/s, proxy CPU ${cpuUs[t.name]!.at(-1)!.toFixed(1)} µs/query`);
    }
  }
  // Per-round ratios pair each path with the direct run next to it, so slow phases of a shared
  // machine cancel out; their median is the headline figure.
  console.log('\n| path | median queries/s | median of per-round ratios to direct | proxy CPU µs/query (median) |');
  console.log('|---|---:|---:|---:|');
  for (const t of targets) {
    const ratios = qps[t.name]!.map((v, r) => v / qps.direct![r]!);
    console.log(`| ${t.name} | ${median(qps[t.name]!).toFixed(0)} | ${median(ratios).toFixed(2)}× | ${median(cpuUs[t.name]!).toFixed(1)} |`);
  }
  console.log(`\nproxy counted exactly ${QUERIES} statements per proxied run (${ROUNDS} runs).`);
} finally {
  await proxy.close();
  await eventsProxy.close();
  await relayOnly.close();
  await db.stop();
}
