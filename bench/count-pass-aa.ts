// A/A of the count pass's database time: how often do two identical services read a `DB time/req`
// change when their query probes run one side after the other (as perfgate did before 2026-12-05),
// and how often when they take turns (probeQueriesInterleaved, what a rerun does now)? Both ways run
// in the same sitting, in random order per repetition, on the same two services and proxies, so the
// ratio between them does not depend on how busy the machine happened to be.
//
//   node --import tsx bench/count-pass-aa.ts [--reps 100] [--neighbour] [--neighbour-seed 1]
//        [--path /books/42] [--out bench/results/count-pass-aa.md]
//
// The bookshop example on an embedded PostgreSQL, booted by perfgate's own bootSide (its proxy, its
// process-group teardown) as a rerun's count pass boots it; probes and verdicts through
// src/queries/probe.ts and src/compare/statement-times.ts, as `perfgate run` uses them. What the
// bench leaves out of `perfgate run` is the timed rounds, which the count pass precedes.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compareDbTimePerRequest } from '../src/compare/statement-times.js';
import { loadConfig } from '../src/config/load.js';
import { startEmbeddedPostgres } from '../src/demo/embedded-postgres.js';
import { bootSide, type BootedSide } from '../src/measure/side.js';
import { freePort } from '../src/net/free-port.js';
import { probeQueries, probeQueriesInterleaved, type ProbeOptions } from '../src/queries/probe.js';
import { startNoisyNeighbour } from './noisy-neighbour.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '100' },
    neighbour: { type: 'boolean', default: false },
    'neighbour-seed': { type: 'string', default: '1' },
    path: { type: 'string', default: '/books/42' },
    out: { type: 'string' },
  },
});
const REPS = Number(args.reps);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = path.join(ROOT, 'examples', 'bookshop');
const COMMIT = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();

type Way = 'in turn' | 'interleaved';
const WAYS: Way[] = ['in turn', 'interleaved'];
const tally = new Map<Way, Map<string, number>>(WAYS.map((w) => [w, new Map()]));
const changes = new Map<Way, number[]>(WAYS.map((w) => [w, []]));

const db = await startEmbeddedPostgres();
const neighbour = args.neighbour ? startNoisyNeighbour({ seed: Number(args['neighbour-seed']) }) : undefined;
const cleanups: (() => Promise<void>)[] = [];
const stopAll = async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await neighbour?.stop();
  await db.stop();
};
process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
const started = new Date();
let setting = '';
try {
  execFileSync(process.execPath, [path.join(EXAMPLE, 'seed.js')], { env: { ...process.env, DATABASE_URL: db.url }, stdio: 'inherit' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-count-pass-aa-'));
  const file = path.join(dir, 'perfgate.yml');
  writeFileSync(
    file,
    [
      'version: 1',
      'service:',
      `  start: exec node ${JSON.stringify(path.join(EXAMPLE, 'server.js'))}`,
      '  env:',
      '    PORT: "${PERFGATE_PORT}"',
      `    DATABASE_URL: "postgres://${db.user}:${db.password}@\${PERFGATE_DB_HOST}:\${PERFGATE_DB_PORT}/${db.database}"`,
      '    BOOKSHOP_SEED: "0"',
      '  ready: { url: "http://127.0.0.1:${PERFGATE_PORT}/health", timeout: 30s }',
      'database:',
      `  upstream: "${db.host}:${db.port}"`,
      'scenarios:',
      `  - name: probe\n    request: { path: "${args.path}" }`,
      '',
    ].join('\n'),
  );
  const config = await loadConfig(file);
  const scenario = config.scenarios[0]!;
  setting = `${scenario.queries.probes} probes and ${scenario.queries.warmupRequests} warm-ups a side, threshold ${(scenario.regression.dbTime * 100).toFixed(0)}%, 100 µs floor`;
  const sides: BootedSide[] = [];
  for (const side of ['head', 'base'] as const) {
    sides.push(
      await bootSide({
        spec: { side, service: config.service, port: await freePort() },
        pass: 'count',
        database: config.database,
        proxied: true,
        build: false,
        env: {},
        logDir: dir,
        progress: (line) => process.stderr.write(`  ${line}\n`),
        cleanups,
        record: () => {},
      }),
    );
  }
  const options: ProbeOptions[] = sides.map((s) => ({ baseUrl: s.baseUrl, scenario, proxy: s.proxy, dialect: s.dialect }));
  for (let rep = 1; rep <= REPS; rep++) {
    const order = Math.random() < 0.5 ? WAYS : [...WAYS].reverse();
    for (const way of order) {
      const [head, base] = way === 'interleaved' ? await probeQueriesInterleaved(options) : [await probeQueries(options[0]!), await probeQueries(options[1]!)];
      const dbTime = compareDbTimePerRequest(head!, base!, scenario.regression.dbTime);
      if (!dbTime) throw new Error(`no database time for ${args.path}: does it run any statement?`);
      const t = tally.get(way)!;
      t.set(dbTime.verdict, (t.get(dbTime.verdict) ?? 0) + 1);
      changes.get(way)!.push(dbTime.change);
    }
    if (rep % 10 === 0) {
      const line = WAYS.map((w) => `${w}: ${[...tally.get(w)!].map(([v, n]) => `${n} ${v}`).join(', ')}`).join('; ');
      process.stderr.write(`[${rep}/${REPS}] ${line}\n`);
    }
  }
} finally {
  await stopAll();
}

const wrong = (w: Way) => (tally.get(w)!.get('regressed') ?? 0) + (tally.get(w)!.get('improved') ?? 0);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const spread = (w: Way) => {
  const c = [...changes.get(w)!].sort((a, b) => a - b);
  return `${pct(c[Math.floor(c.length * 0.05)]!)} … ${pct(c[Math.floor(c.length * 0.95)]!)}`;
};
const report = [
  `### Count-pass A/A, ${started.toISOString().slice(0, 16)}Z–${new Date().toISOString().slice(11, 16)}Z, bench commit ${COMMIT}${args.neighbour ? `, noisy neighbour (seed ${args['neighbour-seed']})` : ', quiet'}`,
  '',
  `\`node --import tsx bench/count-pass-aa.ts --reps ${REPS}${args.neighbour ? ` --neighbour --neighbour-seed ${args['neighbour-seed']}` : ''} --path ${args.path}\` (${setting})`,
  '',
  '| probes | comparisons | regressed | improved | unchanged | inconclusive | a change called (wrong) | DB time/req change, 5th … 95th percentile |',
  '| :--- | ---: | ---: | ---: | ---: | ---: | ---: | :--- |',
  ...WAYS.map((w) => {
    const t = tally.get(w)!;
    const n = (v: string) => t.get(v) ?? 0;
    return `| ${w} | ${REPS} | ${n('regressed')} | ${n('improved')} | ${n('unchanged')} | ${n('inconclusive')} | ${wrong(w)} (${pct(wrong(w) / REPS)}) | ${spread(w)} |`;
  }),
  '',
].join('\n');
process.stdout.write(report);
if (args.out) appendFileSync(args.out, `${report}\n`);
