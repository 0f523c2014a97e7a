// perfgate's reconnecting load generator (src/load/reconnecting.ts) vs wrk against a server that
// answers every request with `Connection: close` (wrk reconnects, as perfgate does in close mode),
// interleaved in one run so machine noise hits both alike: each repetition runs both tools back to
// back, alternating which goes first. Lost requests: the server counts what it answered during each
// sample; perfgate must have counted exactly that (it waits for in-flight requests), wrk may count up
// to its connections fewer (it stops with requests in flight). Usage:
//   node --import tsx bench/close-vs-wrk.ts [--reps 10] [--seconds 3] [--connections 8] [--json]
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runLoad } from '../src/load/index.js';
import { median, runWrk as runPeerWrk, startServer } from './peers.js';

type Tool = 'perfgate' | 'wrk';
interface Sample {
  rps: number;
  /** Requests the tool counted as answered. */
  counted: number;
  /** Requests the server answered during the sample, minus what the tool counted. */
  uncounted: number;
  errors: number;
  /** Client CPU (user + system) per answered request, µs. */
  cpuUsPerRequest: number;
}

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const reps = Number(args.reps);
const seconds = Number(args.seconds);
const connections = Number(args.connections);
if (spawnSync('wrk', ['--version']).error !== undefined) {
  console.error('wrk not found (Debian: apt-get install -y wrk)');
  process.exit(2);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const server = await startCountingServer(path.join(here, 'close-server.js'));
const url = `http://127.0.0.1:${server.port}/`;
const tools: Tool[] = ['perfgate', 'wrk'];
const samples: Record<Tool, Sample[]> = { perfgate: [], wrk: [] };

try {
  // Warm the server's JIT and perfgate's own (a round's warm-up does the same in a real run).
  await measure('wrk', 1);
  await measure('perfgate', 1);
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? tools : [...tools].reverse();
    for (const tool of order) {
      const sample = await measure(tool, seconds);
      samples[tool].push(sample);
      console.error(
        `rep ${rep + 1}/${reps} ${tool.padEnd(8)} ${Math.round(sample.rps)} req/s, ${sample.errors} errors, ` +
          `${sample.uncounted} answered but uncounted, ${sample.cpuUsPerRequest.toFixed(1)} µs client CPU/request`,
      );
    }
  }
} finally {
  server.stop();
}

const paired = samples.perfgate.map((s, i) => s.rps / samples.wrk[i]!.rps);
const sorted = [...paired].sort((a, b) => a - b);
const report = {
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, loadAtEnd: os.loadavg() },
  settings: { reps, seconds, connections, wrkThreads: 1, server: 'node:http, Connection: close on every response' },
  perfgate: summarize(samples.perfgate),
  wrk: summarize(samples.wrk),
  rpsRatio: {
    medianOfPaired: median(paired),
    quartiles: [quantile(sorted, 0.25), quantile(sorted, 0.75)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
    paired,
  },
};
if (args.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`\n${reps} interleaved repetitions × ${seconds} s, ${connections} connections, ${report.date}`);
  console.log(`${report.machine.cores} × ${report.machine.cpu}, Node ${process.version}, load average at end ${report.machine.loadAtEnd.map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| tool | median req/s | client CPU µs/request | errors | answered but uncounted | req/s per repetition |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const tool of tools) {
    const s = report[tool];
    console.log(`| ${tool} | ${Math.round(s.medianRps)} | ${s.medianCpuUsPerRequest.toFixed(1)} | ${s.errors} | ${s.uncounted} | ${s.rps.join(', ')} |`);
  }
  const r = report.rpsRatio;
  console.log(
    `\nreq/s perfgate / wrk: median of per-repetition ratios ${r.medianOfPaired.toFixed(3)} ` +
      `(quartiles ${r.quartiles.map((q) => q.toFixed(3)).join('–')}, min ${r.min!.toFixed(3)}, max ${r.max!.toFixed(3)}; target ≥ 0.8)`,
  );
  console.log(`  [${paired.map((x) => x.toFixed(2)).join(', ')}]`);
}

/** Linear interpolation between the closest ranks of sorted values. */
function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (at - lo);
}

function summarize(list: Sample[]) {
  return {
    medianRps: median(list.map((s) => s.rps)),
    medianCpuUsPerRequest: median(list.map((s) => s.cpuUsPerRequest)),
    errors: list.reduce((n, s) => n + s.errors, 0),
    uncounted: list.reduce((n, s) => n + s.uncounted, 0),
    rps: list.map((s) => Math.round(s.rps)),
  };
}

async function measure(tool: Tool, duration: number): Promise<Sample> {
  const before = await server.answered();
  const sample = tool === 'perfgate' ? await runPerfgate(duration) : await runWrk(duration);
  const answered = (await server.answered()) - before;
  return { ...sample, uncounted: answered - sample.counted };
}

async function runPerfgate(duration: number): Promise<Omit<Sample, 'uncounted'>> {
  const cpu = process.cpuUsage();
  const round = await runLoad({
    baseUrl: url,
    request: { method: 'GET', path: '/', headers: {}, body: null },
    connections,
    durationMs: duration * 1000,
    pipelining: 1,
    timeoutMs: 10_000,
    connectionMode: 'close',
    requestsPerConnection: 1,
  });
  const used = process.cpuUsage(cpu);
  return { rps: round.rps, counted: round.requests, errors: round.errors, cpuUsPerRequest: (used.user + used.system) / round.requests };
}

async function runWrk(duration: number): Promise<Omit<Sample, 'uncounted'>> {
  const wrk = await runPeerWrk(url, connections, duration);
  // wrk counts a read error when the server closes after answering: that is every request here, so
  // only connect, write and timeout errors are failures.
  const { connect, write, timeout } = wrk.socketErrors;
  return { rps: wrk.rps, counted: wrk.requests, errors: connect + write + timeout, cpuUsPerRequest: wrk.cpuUs / wrk.requests };
}

/** The close server, and the number of requests it has answered so far (over its IPC channel). */
async function startCountingServer(script: string): Promise<{ port: number; answered(): Promise<number>; stop(): void }> {
  const { port, child, stop } = await startServer(script, { ipc: true });
  const answered = () =>
    new Promise<number>((resolve) => {
      child.once('message', (m) => resolve((m as { answered: number }).answered));
      child.send('count');
    });
  return { port, answered, stop };
}
