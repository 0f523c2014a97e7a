// Fidelity: does counting queries change the timings perfgate reports? One `perfgate run` in rerun
// mode (the bundled CLI, as users run it) on a scratch git repository whose base and head commits hold
// the same code. The start command sends the BASE side straight to PostgreSQL whatever perfgate
// exports, and the HEAD side wherever perfgate points it (PERFGATE_DB_HOST/PORT) — so anything head
// shows over base is what perfgate's counting costs the timings.
//
//   npm run bench:fidelity -- [--modes direct,proxied,aa] [--services bookshop,pool] [--out bench/results/fidelity.md]
//
// Modes: direct = database.timing: direct (the default: counted in a first boot through the proxy,
// timed in a second boot without it); proxied = database.timing: proxied (one boot, timed through the
// proxy: what perfgate did before); aa = both sides as perfgate points them (counting on both sides),
// which must read unchanged. Settings are perfgate's defaults (rounds, schedule, adaptive stopping).
// Services: the bookshop example (Node, pg pool) and bench/fixtures/pool-service (Python,
// psycopg2 ThreadedConnectionPool; needs Debian's python3-psycopg2). Per DB-bound scenario it prints
// the median over paired rounds of head/base − 1 for p50 and rps, and perfgate's own verdicts.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../src/demo/embedded-postgres.js';
import { median } from '../src/compare/stats.js';
import type { Results, RoundResult } from '../src/results/types.js';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    modes: { type: 'string', default: 'direct,proxied,aa' },
    services: { type: 'string', default: 'bookshop,pool' },
    out: { type: 'string' },
    rounds: { type: 'string' },
  },
});

interface ServiceDef {
  name: string;
  language: string;
  start: string;
  scenarios: { name: string; path: string; queries: number }[];
}

const SERVICES: Record<string, ServiceDef> = {
  bookshop: {
    name: 'bookshop',
    language: 'Node, pg pool',
    start: `node ${JSON.stringify(path.join(ROOT, 'examples/bookshop/server.js'))}`,
    scenarios: [
      { name: 'book by id', path: '/books/42', queries: 1 },
      { name: 'books of an author', path: '/authors/7/books', queries: 2 },
    ],
  },
  pool: {
    name: 'pool-service',
    language: 'Python, psycopg2 pool',
    start: `/usr/bin/python3 ${JSON.stringify(path.join(ROOT, 'bench/fixtures/pool-service/server.py'))}`,
    scenarios: [
      { name: 'one select', path: '/one', queries: 1 },
      { name: 'three selects', path: '/three', queries: 3 },
    ],
  },
};

function config(service: ServiceDef, mode: string, db: { port: number; url: (host: string, port: string) => string }): string {
  // In `aa` mode both sides follow perfgate's exports; otherwise base is sent straight to the database.
  const baseDirect = mode === 'aa' ? '' : 'if [ "$PERFGATE_SIDE" = base ]; then export DATABASE_URL="$DIRECT_DATABASE_URL"; fi; ';
  const rounds = args.rounds ? `defaults:\n  rounds: ${args.rounds}\n` : '';
  return `service:
  start: '${baseDirect}exec ${service.start}'
  env:
    PORT: "\${PERFGATE_PORT}"
    BOOKSHOP_SEED: "0"
    DATABASE_URL: "${db.url('${PERFGATE_DB_HOST}', '${PERFGATE_DB_PORT}')}"
    DIRECT_DATABASE_URL: "${db.url('127.0.0.1', String(db.port))}"
  ready: { url: "http://127.0.0.1:\${PERFGATE_PORT}/health", timeout: 30s }
database: { protocol: postgres, upstream: "127.0.0.1:${db.port}", timing: ${mode === 'proxied' ? 'proxied' : 'direct'} }
${rounds}scenarios:
${service.scenarios.map((s) => `  - name: ${s.name}\n    request: { path: "${s.path}" }\n`).join('')}baseline: { source: rerun, ref: main }
failOn: [regression]
`;
}

async function git(cwd: string, ...a: string[]): Promise<void> {
  await run('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...a], { cwd });
}

function pairedChange(head: RoundResult[], base: RoundResult[], read: (r: RoundResult) => number | undefined): number {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(head.length, base.length); i++) {
    const h = read(head[i]!);
    const b = read(base[i]!);
    if (h && b) ratios.push(Math.log(h / b));
  }
  return Math.exp(median(ratios)) - 1;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const pgServer = await startEmbeddedPostgres({});
  const rows: string[] = [];
  try {
    await run(process.execPath, [path.join(ROOT, 'examples/bookshop/seed.js')], { env: { ...process.env, DATABASE_URL: pgServer.url } });
    const db = {
      port: pgServer.port,
      url: (host: string, port: string) => `postgres://${pgServer.user}:${pgServer.password}@${host}:${port}/${pgServer.database}`,
    };
    for (const serviceName of args.services!.split(',')) {
      const service = SERVICES[serviceName];
      if (!service) throw new Error(`unknown service ${serviceName}`);
      for (const mode of args.modes!.split(',')) {
        const dir = mkdtempSync(path.join(os.tmpdir(), `perfgate-fidelity-${serviceName}-${mode}-`));
        writeFileSync(path.join(dir, 'perfgate.yml'), config(service, mode, db));
        writeFileSync(path.join(dir, '.gitignore'), 'results.json\nreport.md\n');
        await git(dir, 'init', '-q', '-b', 'main');
        await git(dir, 'add', '-A');
        await git(dir, 'commit', '-q', '-m', 'base');
        await git(dir, 'checkout', '-q', '-b', 'head');
        await git(dir, 'commit', '-q', '--allow-empty', '-m', 'head: same code');
        const started = Date.now();
        process.stderr.write(`${service.name} / ${mode}: perfgate run in ${dir}\n`);
        await run(process.execPath, [path.join(ROOT, 'bin/perfgate.js'), 'run', '-c', 'perfgate.yml', '--out', 'results.json', '--report', 'report.md'], {
          cwd: dir,
          env: { ...process.env, GITHUB_SHA: '' },
          maxBuffer: 64 * 1024 * 1024,
        }).catch((e: { code?: number; stderr?: string }) => {
          if (e.code !== 0 && e.code !== 1) throw new Error(`perfgate run failed (${e.code}):\n${e.stderr?.slice(-3000)}`);
        });
        const minutes = ((Date.now() - started) / 60000).toFixed(1);
        const results = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8')) as Results;
        const report = readFileSync(path.join(dir, 'report.md'), 'utf8');
        for (const head of results.scenarios) {
          const base = results.base!.scenarios.find((s) => s.name === head.name)!;
          const h = head.load!.rounds;
          const b = base.load!.rounds;
          const p50 = pairedChange(h, b, (r) => r.latencyUs.p50);
          const rps = pairedChange(h, b, (r) => r.rps);
          const verdicts = verdictsOf(report, head.name);
          const row = `| ${service.name} (${service.language}) | ${head.name} | ${head.queries?.perRequest ?? '—'} | ${mode} | ${h.length} | ${pct(p50)} | ${pct(rps)} | ${verdicts} | ${minutes} min |`;
          rows.push(row);
          process.stderr.write(`${row}\n`);
        }
      }
    }
  } finally {
    await pgServer.stop();
  }
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average at the end ${os.loadavg()[0]!.toFixed(1)}.`,
    '',
    '| service | scenario | queries/request | mode | paired rounds | p50 head vs base (median of pairs) | rps head vs base | perfgate verdicts (p50, rps) | run time |',
    '|---|---|---:|---|---:|---:|---:|---|---:|',
    ...rows,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (args.out) writeFileSync(args.out, `${table}\n`);
}

/** perfgate's own verdict words for p50 and rps of a scenario, read from its report's metric table. */
function verdictsOf(report: string, scenario: string): string {
  const lines = report.split('\n');
  const first = lines.findIndex((l) => l.startsWith(`| ${scenario} `));
  const rows = first < 0 ? [] : [lines[first]!];
  for (let i = first + 1; first >= 0 && i < lines.length && /^\|\s+\|/.test(lines[i]!); i++) rows.push(lines[i]!);
  return ['p50', 'rps']
    .map((metric) => {
      const row = rows.find((l) => l.split('|')[2]?.trim() === metric);
      return `${metric} ${(row && /(regressed|improved|unchanged|inconclusive)/.exec(row)?.[1]) ?? '?'}`;
    })
    .join(', ');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
