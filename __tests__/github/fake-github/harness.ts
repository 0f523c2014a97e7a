// Runs the action the way the runner does: a separate node process with INPUT_* variables, the event
// payload in a file, GITHUB_OUTPUT/GITHUB_STEP_SUMMARY files and the API/artifact URLs pointing at
// the fake. ENTRY is the one switch between the TypeScript sources and the built bundle.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeGitHub } from './server.js';
import { FULL_NAME, pushEvent } from './payloads.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The built bundle (dist/index.js), as the runner runs it; CI checks first that dist/ matches src/.
 * PERFGATE_E2E_ENTRY=src runs the TypeScript sources instead, for a quick loop while developing;
 * PERFGATE_E2E_ENTRY=/path/to/index.js runs another bundle (an older build, to see a test fail).
 */
export const ENTRY: string[] =
  process.env.PERFGATE_E2E_ENTRY === 'src'
    ? // resolved here: the action runs with the workspace as cwd, where `tsx` is not installed
      ['--import', import.meta.resolve('tsx'), path.join(root, 'src/main.ts')]
    : [process.env.PERFGATE_E2E_ENTRY?.endsWith('.js') ? path.resolve(process.env.PERFGATE_E2E_ENTRY) : path.join(root, 'dist/index.js')];

/**
 * The Node.js that runs the action: this one, or PERFGATE_E2E_NODE (a path to another `node`). GitHub
 * runs actions on its own Node 24 while the machine's may be 20; CI runs these tests once more with
 * Node 24 there (.ci/run).
 */
export const NODE: string = process.env.PERFGATE_E2E_NODE ? path.resolve(process.env.PERFGATE_E2E_NODE) : process.execPath;

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** RUNNER_TEMP of the run: perfgate's scratch folder and log folders land here. */
  runnerTemp: string;
  /** Date.now() just before the process was spawned and when it exited. */
  startedAt: number;
  exitedAt: number;
}

export interface ActionInvocation {
  fake: FakeGitHub;
  workspace: string;
  eventName: string;
  payload: unknown;
  sha: string;
  ref: string;
  runId: number;
  inputs?: Record<string, string>;
  token: string;
  /** Sends `signal` to the action process (as the runner does on cancel) once its stdout matches. */
  signalWhen?: { stdout: RegExp; signal: NodeJS.Signals };
  /** The whole run must end within this (default 90 s), or the run is killed and the test fails. */
  timeoutMs?: number;
  /** Extra environment for the action (and the service it starts). */
  env?: Record<string, string>;
  /** Node arguments that start the action, when not ENTRY (another build, for a comparison). */
  entry?: string[];
}

/** A workspace with the fixture service and a perfgate.yml that measures it for 0.3 s. */
export async function makeWorkspace(port: number, scenarios = ['hello', 'world']): Promise<string> {
  const ws = await mkdtemp(path.join(os.tmpdir(), 'perfgate-e2e-'));
  const service = path.join(root, '__tests__/github/fake-github/service.mjs');
  const config = [
    'version: 1',
    'service:',
    `  start: node ${JSON.stringify(service)}`,
    `  env: { PORT: "${port}" }`,
    `  ready: { url: "http://127.0.0.1:${port}/health", timeout: 20s }`,
    'defaults:',
    '  load: { connections: 1, duration: 0.3s, warmup: 0s }',
    '  rounds: 1',
    'scenarios:',
    ...scenarios.map((s) => `  - { name: ${s}, request: { method: GET, path: /${s} }, budgets: { errors: 0 } }`),
    'failOn: [budget]',
    '',
  ].join('\n');
  await writeFile(path.join(ws, 'perfgate.yml'), config);
  // The same service held to a p99 no server meets: a run that fails its budget.
  await writeFile(path.join(ws, 'strict.yml'), config.replace(/budgets: \{ errors: 0 \}/g, 'budgets: { errors: 0, p99: 1us }'));
  return ws;
}

export async function runAction(inv: ActionInvocation): Promise<ActionRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-runner-'));
  await mkdir(path.join(dir, 'temp'));
  const files = { event: path.join(dir, 'event.json'), output: path.join(dir, 'output'), summary: path.join(dir, 'summary.md') };
  await writeFile(files.event, JSON.stringify(inv.payload));
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  const inputs = { 'github-token': inv.token, config: 'perfgate.yml', mode: 'auto', 'baseline-artifact': 'perfgate-baseline', comment: 'always', ...inv.inputs };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: inv.eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: FULL_NAME,
    GITHUB_REPOSITORY_OWNER: FULL_NAME.split('/')[0],
    GITHUB_SHA: inv.sha,
    GITHUB_REF: inv.ref,
    GITHUB_RUN_ID: String(inv.runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'perfgate',
    GITHUB_WORKSPACE: inv.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_API_URL: inv.fake.url,
    GITHUB_SERVER_URL: 'https://github.com',
    ACTIONS_RESULTS_URL: `${inv.fake.url}/`,
    ACTIONS_RUNTIME_TOKEN: inv.fake.runtimeToken(inv.runId),
    RUNNER_TEMP: path.join(dir, 'temp'),
    RUNNER_OS: 'Linux',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  Object.assign(env, inv.env);

  const timeoutMs = inv.timeoutMs ?? 90_000;
  const startedAt = Date.now();
  const child = spawn(NODE, inv.entry ?? ENTRY, { cwd: inv.workspace, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.on('data', (d) => {
    stdout += d;
    if (inv.signalWhen && !signalled && inv.signalWhen.stdout.test(stdout)) {
      signalled = true;
      child.kill(inv.signalWhen.signal);
    }
  });
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`action did not finish in ${timeoutMs / 1000} s\n${stdout}\n${stderr}`)), timeoutMs);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const exitedAt = Date.now();
    return {
      code,
      stdout,
      stderr,
      outputs: parseOutputs(await readFile(files.output, 'utf8')),
      summary: await readFile(files.summary, 'utf8'),
      runnerTemp: path.join(dir, 'temp'),
      startedAt,
      exitedAt,
    };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone with its whole group
    }
  }
}

/** GITHUB_OUTPUT as @actions/core writes it: `name<<DELIM\nvalue\nDELIM`. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]] = m[3];
  return out;
}

/** A push to main: a run of the workflow, the action on it, the run completed by the action's exit code. */
export async function pushToMain(fake: FakeGitHub, workspace: string, headSha: string, token: string): Promise<{ run: { id: number }; r: ActionRun }> {
  const run = fake.startRun({ event: 'push', headSha, headBranch: 'main' });
  const r = await runAction({ fake, workspace, eventName: 'push', payload: pushEvent(headSha), sha: headSha, ref: 'refs/heads/main', runId: run.id, token });
  fake.completeRun(run.id, r.code === 0 ? 'success' : 'failure');
  return { run, r };
}
