// pgbench -S -M extended -c 4 direct vs through perfgate's proxy vs through pgbouncer (session
// mode), interleaved round by round in one run so machine noise hits all alike. Prints tps per
// round, the median ratios to direct, and the proxy's own CPU per transaction (steadier than tps on
// a shared machine). Needs Debian's pgbench and pgbouncer.
//   node --import tsx bench/proxy-overhead.ts [--rounds 5] [--seconds 5]
//
// Targets: direct; perfgate (the proxy as the pipeline runs it: Postgres tap, reads into reused
// buffers); perfgate-events (the same with the 'data'-event relay, the fallback path and the relay
// before 2026-12-01); relay-only (reused buffers, a tap that parses nothing); pgbouncer.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedPostgres } from '../src/demo/embedded-postgres.js';
import { startQueryProxy } from '../src/queries/proxy.js';
import { median } from '../src/compare/stats.js';
import { parseProcStat, US_PER_TICK } from '../src/service/proc.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : Number(process.argv[i + 1]);
};
const ROUNDS = arg('rounds', 5);
const SECONDS = arg('seconds', 5);
const CLIENTS = 4;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function pgbench(port: number, user: string, password: string, db: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', ['-h', '127.0.0.1', '-p', String(port), '-U', user, ...args, db], {
      env: { ...process.env, PGPASSWORD: password, PGSSLMODE: 'disable' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench exited ${code}: ${out}`))));
  });
}

const db = await startEmbeddedPostgres();
const proxy = await startQueryProxy({ protocol: 'postgres', upstream: { host: db.host, port: db.port }, keepStatements: false });
const eventsProxy = await startQueryProxy({ protocol: 'postgres', upstream: { host: db.host, port: db.port }, keepStatements: false, readIntoBuffers: false });
// The same relay with a tap that only forwards: separates the cost of relaying in Node from parsing.
const relayOnly = await startQueryProxy({
  protocol: 'postgres',
  upstream: { host: db.host, port: db.port },
  keepStatements: false,
  tapFactory: () => ({ fromClient: (c) => ({ forward: c }), fromServer: (c) => ({ forward: c }) }),
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-pgbouncer-'));
chmodSync(dir, 0o777);
const bouncerPort = await freePort();
writeFileSync(path.join(dir, 'users.txt'), `"${db.user}" "${db.password}"\n`);
writeFileSync(
  path.join(dir, 'pgbouncer.ini'),
  `[databases]
${db.database} = host=127.0.0.1 port=${db.port} dbname=${db.database} user=${db.user} password=${db.password}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${bouncerPort}
unix_socket_dir =
auth_type = plain
auth_file = ${path.join(dir, 'users.txt')}
pool_mode = session
max_client_conn = 100
default_pool_size = 20
logfile = ${path.join(dir, 'pgbouncer.log')}
`,
);
spawnSync('chmod', ['-R', 'a+rwX', dir]);
const asRoot = process.getuid?.() === 0;
const bouncer = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore', detached: true });
try {
  await sleep(500);
  await pgbench(db.port, db.user, db.password, db.database, ['-i', '-s', '1', '-q']);
  const targets = { direct: db.port, perfgate: proxy.port, 'perfgate-events': eventsProxy.port, 'relay-only': relayOnly.port, pgbouncer: bouncerPort } as const;
  type Name = keyof typeof targets;
  const names = Object.keys(targets) as Name[];
  const tps = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
  const cpuPerTxn = Object.fromEntries(names.map((n) => [n, [] as { user: number; system: number }[]])) as Record<Name, { user: number; system: number }[]>;
  // The proxies run in this process, one target at a time, so this process's CPU during a pgbench
  // run is that proxy's; pgbouncer's comes from /proc (10 ms ticks, ~1% of a 5 s run's CPU).
  const cpuUs = (name: Name): { user: number; system: number } => {
    if (name !== 'pgbouncer') return process.cpuUsage();
    const st = parseProcStat(readFileSync(`/proc/${bouncer.pid}/stat`, 'utf8'));
    return { user: st.utimeTicks * US_PER_TICK, system: st.stimeTicks * US_PER_TICK };
  };
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order each round so no target always runs first (warm caches) or last.
    const order = names.map((_, i) => names[(i + r) % names.length]!);
    for (const name of order) {
      const before = cpuUs(name);
      const out = await pgbench(targets[name], db.user, db.password, db.database, ['-n', '-S', '-M', 'extended', '-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS)]);
      const after = cpuUs(name);
      tps[name].push(Number(/tps = ([\d.]+)/.exec(out)?.[1]));
      const txns = Number(/actually processed: (\d+)/.exec(out)?.[1]);
      if (name !== 'direct') cpuPerTxn[name].push({ user: (after.user - before.user) / txns, system: (after.system - before.system) / txns });
    }
    console.log(`round ${r + 1}: ` + names.map((k) => `${k} ${tps[k][r]!.toFixed(0)}`).join(', '));
  }
  const ratio = (name: Name, to: Name = 'direct') => median(tps[name].map((v, i) => v / tps[to][i]!));
  console.log(`\nmedian tps: ` + names.map((k) => `${k} ${median(tps[k]).toFixed(0)}`).join(', '));
  console.log(`median per-round ratio to direct: ` + names.filter((k) => k !== 'direct').map((k) => `${k} ${ratio(k).toFixed(2)}×`).join(', '));
  console.log(`perfgate / pgbouncer: ${ratio('perfgate', 'pgbouncer').toFixed(2)}×, perfgate / perfgate-events: ${ratio('perfgate', 'perfgate-events').toFixed(2)}×`);
  const cpuText = (k: Name) => {
    const c = cpuPerTxn[k];
    return `${k} ${median(c.map((x) => x.user + x.system)).toFixed(1)} (user ${median(c.map((x) => x.user)).toFixed(1)}, system ${median(c.map((x) => x.system)).toFixed(1)})`;
  };
  console.log(`proxy CPU per transaction (median µs): ` + names.filter((k) => k !== 'direct').map(cpuText).join(', '));
} finally {
  try {
    process.kill(-bouncer.pid!, 'SIGTERM');
  } catch {
    /* already gone */
  }
  await proxy.close();
  await eventsProxy.close();
  await relayOnly.close();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
}
