import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const helloServer = path.join(repoRoot, '__tests__/cli/fixtures/hello-server.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * What a user runs: bin/perfgate.js, which loads the bundle in dist/cli/. Never the TypeScript
 * sources — the bundle once behaved differently (ncc hoisted a lazy import; scripts/check-bundle.js),
 * and `npm test` rebuilds dist/ first when src/ has changed (scripts/run-tests.js). Tests that need
 * the source import its functions directly.
 */
export const cliEntry = path.join(repoRoot, 'bin/perfgate.js');

/** Runs the CLI as a process, the way a user types it. */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`perfgate ${args.join(' ')} timed out\nstderr:\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function tempDir(prefix = 'perfgate-cli-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a perfgate.yml for the hello server with short load, returns its path. */
export function writeHelloConfig(dir: string, extra: { scenarios?: string; env?: string; service?: string } = {}): string {
  const file = path.join(dir, 'perfgate.yml');
  writeFileSync(
    file,
    `service:
  start: node ${JSON.stringify(helloServer)}
  env: { PORT: "\${PERFGATE_PORT}"${extra.env ? `, ${extra.env}` : ''} }
  ready: { url: "http://127.0.0.1:\${PERFGATE_PORT}/health", timeout: 5s }
${extra.service ?? ''}
defaults:
  load: { connections: 2, duration: 0.4s, warmup: 0.2s }
  rounds: 2
scenarios:
${extra.scenarios ?? `  - name: fast endpoint
    request: { path: /fast }
`}`,
  );
  return file;
}
