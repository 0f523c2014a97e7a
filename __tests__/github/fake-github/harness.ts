// Runs the action the way the runner does: a separate node process with INPUT_* variables, the event
// payload in a file, GITHUB_OUTPUT/GITHUB_STEP_SUMMARY files and the API/artifact URLs pointing at
// the fake. ENTRY is the one switch between the TypeScript sources and the built bundle.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeGitHub } from './server.js';
import { FULL_NAME } from './payloads.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The built bundle (dist/index.js), as the runner runs it; CI checks first that dist/ matches src/.
 * PERFGATE_E2E_ENTRY=src runs the TypeScript sources instead, for a quick loop while developing.
 */
export const ENTRY: string[] =
  process.env.PERFGATE_E2E_ENTRY === 'src'
    ? // resolved here: the action runs with the workspace as cwd, where `tsx` is not installed
      ['--import', import.meta.resolve('tsx'), path.join(root, 'src/main.ts')]
    : [path.join(root, 'dist/index.js')];

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
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
  /** Extra environment for the action process (e.g. more runner tokens). */
  env?: Record<string, string>;
  /** Sends `signal` to the action process (as the runner does on cancel) once its stdout matches. */
  signalWhen?: { stdout: RegExp; signal: NodeJS.Signals };
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

  const child = spawn(process.execPath, ENTRY, { cwd: inv.workspace, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const timer = setTimeout(() => reject(new Error(`action did not finish in 90 s\n${stdout}\n${stderr}`)), 90_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    return { code, stdout, stderr, outputs: parseOutputs(await readFile(files.output, 'utf8')), summary: await readFile(files.summary, 'utf8') };
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
