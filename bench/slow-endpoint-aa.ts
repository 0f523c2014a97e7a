// Measurement: a ~1 s endpoint at perfgate's default settings, as an A/A `rerun` (the same code on
// both sides), through the bundle users run (bin/perfgate.js). Checks what issue 20 asks of slow
// endpoints: every round completes requests (rounds are sized to the latency the warm-up saw, and a
// round ends only when its in-flight requests have answered), nothing is dropped, and an unchanged
// endpoint is never "regressed".
//
//   node --import tsx bench/slow-endpoint-aa.ts [--runs 3] [--ms 1000] [--neighbour] [--out <file.md>]
//
// The endpoint is the bookshop's `/slow?steps=1&ms=1000`: one `pg_sleep(1 s)` statement per request
// on the real PostgreSQL (embedded PostgreSQL 18), so latency is the database's, as for a slow
// report or search. Only the scenario and the database are configured; load, rounds, schedule,
// budgets and thresholds are perfgate's defaults.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../src/demo/embedded-postgres.js';
import type { Results, ScenarioResult } from '../src/results/types.js';
import { startNoisyNeighbour } from './noisy-neighbour.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE = path.join(ROOT, 'examples', 'bookshop');
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    ms: { type: 'string', default: '1000' },
    neighbour: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

function git(cwd: string, ...argv: string[]): string {
  return execFileSync('git', argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function makeRepo(dir: string, upstream: string): void {
  for (const f of ['server.js', 'db.js', 'seed.js', 'package.json']) cpSync(path.join(EXAMPLE, f), path.join(dir, f));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(
    path.join(dir, 'perfgate.yml'),
    [
      'version: 1',
      'service:',
      '  start: exec node server.js',
      '  env:',
      '    PORT: "${PERFGATE_PORT}"',
      '    DATABASE_URL: "postgres://${PGUSER}:${PGPASSWORD}@${PERFGATE_DB_HOST}:${PERFGATE_DB_PORT}/${PGDATABASE}"',
      '    BOOKSHOP_SEED: "0"',
      '  ready: { url: "http://127.0.0.1:${PERFGATE_PORT}/health" }',
      'database:',
      `  upstream: "${upstream}"`,
      'scenarios:',
      '  - name: slow report',
      `    request: { path: "/slow?steps=1&ms=${Number(args.ms)}" }`,
      'baseline: { source: rerun, ref: main }',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, '.gitignore'), 'out/\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-q', '-m', 'base');
  // Head: the same code, one text file more.
  writeFileSync(path.join(dir, 'NOTE'), 'A/A\n');
  git(dir, 'checkout', '-q', '-b', 'aa');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-q', '-m', 'A/A');
}

interface RunSummary {
  exit: number | null;
  wallS: number;
  stop: string;
  roundMs: number;
  roundSizing: string;
  rounds: number;
  minRequests: number;
  zeroRounds: number;
  errors: number;
  regressed: string[];
}

function sideRounds(s: ScenarioResult) {
  return s.load?.rounds ?? [];
}

function summarize(results: Results, exit: number | null, wallS: number, stdout: string): RunSummary {
  const head = results.scenarios[0];
  const base = results.base!.scenarios[0];
  const rounds = [...sideRounds(head), ...sideRounds(base)];
  const stop = head.stop!;
  // The report marks every failing row with ❌; an A/A run must have none.
  const regressed = stdout.split('\n').filter((l) => l.includes('❌')).map((l) => l.trim());
  return {
    exit,
    wallS,
    stop: `${stop.reason}${stop.pending?.length ? ` (pending: ${stop.pending.join(', ')})` : ''}`,
    roundMs: stop.roundMs,
    roundSizing: stop.roundSizing ?? '',
    rounds: stop.rounds,
    minRequests: Math.min(...rounds.map((r) => r.requests)),
    zeroRounds: rounds.filter((r) => r.requests === 0).length,
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    regressed,
  };
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'perfgate-slow-aa-'));
  const repo = path.join(work, 'repo');
  mkdirSync(repo);
  const db = await startEmbeddedPostgres();
  const neighbour = args.neighbour ? startNoisyNeighbour({ seed: 1 }) : undefined;
  const summaries: RunSummary[] = [];
  const started = new Date();
  try {
    execFileSync(process.execPath, [path.join(EXAMPLE, 'seed.js')], { env: { ...process.env, DATABASE_URL: db.url }, stdio: 'inherit' });
    makeRepo(repo, `${db.host}:${db.port}`);
    const env = { ...process.env, PGUSER: db.user, PGPASSWORD: db.password, PGDATABASE: db.database, GITHUB_SHA: '' };
    for (let i = 0; i < Number(args.runs); i++) {
      const out = path.join(repo, 'out', `results-${i}.json`);
      const t0 = Date.now();
      const load1 = os.loadavg()[0];
      const res = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'perfgate.js'), 'run', '--out', out], { cwd: repo, env, encoding: 'utf8' });
      const wallS = (Date.now() - t0) / 1000;
      for (const line of res.stderr.split('\n')) if (/rounds of|conclusive|budget|reached|ready in|error/i.test(line)) process.stderr.write(`  run ${i + 1}: ${line}\n`);
      const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
      const s = summarize(results, res.status, wallS, res.stdout);
      summaries.push(s);
      process.stderr.write(`run ${i + 1}: exit ${res.status}, ${wallS.toFixed(0)} s, load average ${load1.toFixed(1)}→${os.loadavg()[0].toFixed(1)}, ${JSON.stringify(s)}\n`);
      if (i === 0) process.stdout.write(res.stdout);
    }
  } finally {
    await neighbour?.stop();
    await db.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const rows = summaries.map(
    (s, i) =>
      `| ${i + 1} | ${s.exit} | ${s.rounds} | ${(s.roundMs / 1000).toFixed(1)} s | ${s.minRequests} | ${s.zeroRounds} | ${s.errors} | ${s.stop} | ${s.regressed.length === 0 ? 'none' : s.regressed.join('; ')} | ${s.wallS.toFixed(0)} s |`,
  );
  const md = [
    `# A ~${args.ms} ms endpoint at default settings, A/A rerun — ${started.toISOString()}`,
    '',
    `\`node --import tsx bench/slow-endpoint-aa.ts --runs ${args.runs} --ms ${args.ms}${args.neighbour ? ' --neighbour' : ''}\` (${os.cpus().length} vCPU ${os.cpus()[0]?.model ?? ''})`,
    '',
    `Round sizing (run 1): ${summaries[0]?.roundSizing ?? ''}`,
    '',
    '| run | exit | paired rounds | round length | fewest requests in a round (either side) | rounds with none | errors | stop | regressed | wall time |',
    '|--:|--:|--:|--:|--:|--:|--:|---|---|--:|',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(`\n${md}`);
  if (args.out) writeFileSync(args.out, md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
