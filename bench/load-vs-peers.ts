// perfgate's load stage vs bare autocannon vs wrk against the same trivial server, interleaved in one
// run so that machine noise hits all three alike. Each repetition runs the three tools back to back,
// rotating which goes first. Usage:
//   node --import tsx bench/load-vs-peers.ts [--reps 5] [--seconds 3] [--connections 10] [--json]
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { runLoad } from '../src/load/index.js';
import { median, runWrk as runPeerWrk, startServer } from './peers.js';

interface Sample {
  rps: number;
  /** Client CPU (user + system) per completed request, µs. */
  cpuUsPerRequest: number;
}
type Tool = 'perfgate' | 'autocannon' | 'wrk';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
  },
});
const reps = Number(args.reps);
const seconds = Number(args.seconds);
const connections = Number(args.connections);

const here = path.dirname(fileURLToPath(import.meta.url));
const server = await startServer(path.join(here, 'load-server.js'));
const url = `http://127.0.0.1:${server.port}/`;
const hasWrk = spawnSync('wrk', ['--version']).error === undefined;
if (!hasWrk) console.error('wrk not found (Debian: apt-get install -y wrk): skipping it.');

const tools: Tool[] = hasWrk ? ['perfgate', 'autocannon', 'wrk'] : ['perfgate', 'autocannon'];
const samples: Record<Tool, Sample[]> = { perfgate: [], autocannon: [], wrk: [] };

try {
  // Warm the server's JIT so the first tool measured is not penalised.
  await bareAutocannon(1);
  for (let rep = 0; rep < reps; rep++) {
    const order = tools.map((_, i) => tools[(i + rep) % tools.length]);
    for (const tool of order) {
      const sample = await measure(tool);
      samples[tool].push(sample);
      console.error(
        `rep ${rep + 1}/${reps} ${tool.padEnd(10)} ${Math.round(sample.rps)} req/s, ` +
          `${sample.cpuUsPerRequest.toFixed(1)} µs client CPU/request`,
      );
    }
  }
} finally {
  server.stop();
}

const summary = Object.fromEntries(
  tools.map((tool) => [
    tool,
    {
      medianRps: median(samples[tool].map((s) => s.rps)),
      medianCpuUsPerRequest: median(samples[tool].map((s) => s.cpuUsPerRequest)),
      rps: samples[tool].map((s) => Math.round(s.rps)),
    },
  ]),
) as Record<Tool, { medianRps: number; medianCpuUsPerRequest: number; rps: number[] }>;
const ratio = (a: Tool, b: Tool, key: 'medianRps' | 'medianCpuUsPerRequest') =>
  summary[b] ? summary[a][key] / summary[b][key] : undefined;
// Paired within a repetition (the tools ran seconds apart), so slow drifts in machine load cancel.
const pairedRatios = (a: Tool, b: Tool) =>
  samples[b].length ? samples[a].map((s, i) => s.rps / samples[b][i].rps) : [];
const report = {
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, load: os.loadavg() },
  settings: { reps, seconds, connections, wrkThreads: 1 },
  summary,
  ratios: {
    rpsPerfgateVsAutocannon: ratio('perfgate', 'autocannon', 'medianRps'),
    rpsPerfgateVsWrk: hasWrk ? ratio('perfgate', 'wrk', 'medianRps') : undefined,
    cpuPerRequestPerfgateVsAutocannon: ratio('perfgate', 'autocannon', 'medianCpuUsPerRequest'),
    cpuPerRequestPerfgateVsWrk: hasWrk ? ratio('perfgate', 'wrk', 'medianCpuUsPerRequest') : undefined,
    pairedRpsPerfgateVsAutocannon: pairedRatios('perfgate', 'autocannon'),
    pairedRpsPerfgateVsWrk: pairedRatios('perfgate', 'wrk'),
  },
};
if (args.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`\n${reps} interleaved repetitions × ${seconds} s, ${connections} connections, ${report.date}`);
  console.log(`${report.machine.cores} × ${report.machine.cpu}, Node ${process.version}\n`);
  console.log('| tool | median req/s | client CPU µs/request | req/s per repetition |');
  console.log('|---|---:|---:|---|');
  for (const tool of tools) {
    const s = summary[tool];
    console.log(`| ${tool} | ${Math.round(s.medianRps)} | ${s.medianCpuUsPerRequest.toFixed(1)} | ${s.rps.join(', ')} |`);
  }
  const r = report.ratios;
  const paired = (ratios: number[]) =>
    `median of per-repetition ratios ${median(ratios).toFixed(3)} [${ratios.map((x) => x.toFixed(2)).join(', ')}]`;
  console.log(`\nreq/s perfgate / autocannon = ${r.rpsPerfgateVsAutocannon!.toFixed(3)} (target ≥ 0.95)`);
  console.log(`  ${paired(r.pairedRpsPerfgateVsAutocannon)}`);
  if (hasWrk) console.log(`req/s perfgate / wrk = ${r.rpsPerfgateVsWrk!.toFixed(3)}; ${paired(r.pairedRpsPerfgateVsWrk)}`);
  console.log(`client CPU/request perfgate / autocannon = ${r.cpuPerRequestPerfgateVsAutocannon!.toFixed(3)}`);
  if (hasWrk) console.log(`client CPU/request perfgate / wrk = ${r.cpuPerRequestPerfgateVsWrk!.toFixed(3)}`);
}

async function measure(tool: Tool): Promise<Sample> {
  if (tool === 'perfgate') {
    const cpu = process.cpuUsage();
    const round = await runLoad({
      baseUrl: url,
      request: { method: 'GET', path: '/', headers: {}, body: null },
      connections,
      durationMs: seconds * 1000,
      pipelining: 1,
      timeoutMs: 10_000,
    });
    return { rps: round.rps, cpuUsPerRequest: cpuPerRequest(process.cpuUsage(cpu), round.requests) };
  }
  if (tool === 'autocannon') return bareAutocannon(seconds);
  return runWrk();
}

/** autocannon as a user would call it: default settings, its own totals and duration. */
async function bareAutocannon(duration: number): Promise<Sample> {
  const cpu = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url, connections, duration }, (err, res) => (err ? reject(err) : resolve(res))),
  );
  return {
    rps: result.requests.total / result.duration,
    cpuUsPerRequest: cpuPerRequest(process.cpuUsage(cpu), result.requests.total),
  };
}

async function runWrk(): Promise<Sample> {
  const wrk = await runPeerWrk(url, connections, seconds);
  return { rps: wrk.rps, cpuUsPerRequest: wrk.cpuUs / wrk.requests };
}

function cpuPerRequest(cpu: NodeJS.CpuUsage, requests: number): number {
  return (cpu.user + cpu.system) / requests;
}
