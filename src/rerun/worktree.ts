// Rerun mode checks the base commit out beside the head so both can be built and measured on the
// same runner. git is run with argument arrays (never a shell): refs can come from a pull request.
import { execFile, execFileSync } from 'node:child_process';
import { withoutRunnerCredentials } from '../service/child-env.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../errors.js';

const run = promisify(execFile);

export interface BaseWorktree {
  ref: string;
  commit: string;
  dir: string;
  /** Maps a path inside the head checkout to the same place in the base checkout. */
  mapPath(headPath: string): string;
  remove(): Promise<void>;
  /** The same, synchronously: for the process 'exit' handler, where nothing async runs. */
  removeSync(): void;
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 16 * 1024 * 1024, env: withoutRunnerCredentials(process.env) });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new EnvironmentError(`git ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** The ref to compare against when none is configured: the PR's base branch on GitHub, else main. */
export function defaultBaseRefs(env: NodeJS.ProcessEnv = process.env): string[] {
  const refs: string[] = [];
  if (env.GITHUB_BASE_REF) refs.push(`origin/${env.GITHUB_BASE_REF}`);
  refs.push('origin/main', 'main', 'origin/master', 'master');
  return refs;
}

export async function prepareBaseWorktree(opts: { configFile: string; ref?: string; progress: (l: string) => void }): Promise<BaseWorktree> {
  const headDir = path.dirname(opts.configFile);
  const root = await git(headDir, ['rev-parse', '--show-toplevel']).catch(() => {
    throw new EnvironmentError(`baseline.source: rerun needs a git checkout, and ${headDir} is not inside one`);
  });
  const candidates = opts.ref ? [opts.ref] : defaultBaseRefs();
  let ref: string | undefined;
  let commit: string | undefined;
  for (const candidate of candidates) {
    try {
      commit = await git(root, ['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`]);
      ref = candidate;
      break;
    } catch {
      // try the next candidate
    }
  }
  if (!ref || !commit) {
    throw new EnvironmentError(
      `baseline.source: rerun could not find the base commit (tried ${candidates.join(', ')}); ` +
        'set baseline.ref, and on GitHub check out with `fetch-depth: 0` so the base branch is present',
    );
  }
  // Compare against where the branch left the base, not the base's newest commit.
  const mergeBase = await git(root, ['merge-base', 'HEAD', commit]).catch(() => commit!);
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'perfgate-base-')), 'checkout');
  opts.progress(`base: checking out ${ref} (${mergeBase.slice(0, 12)}) into ${dir}`);
  await git(root, ['worktree', 'add', '--detach', dir, mergeBase]);
  const removeSync = (): void => {
    try {
      execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore', env: withoutRunnerCredentials(process.env) });
    } catch {
      // removed below; `git worktree prune` forgets the entry later
    }
    rmSync(path.dirname(dir), { recursive: true, force: true });
  };
  return {
    ref,
    commit: mergeBase,
    dir,
    mapPath: (headPath) => path.join(dir, path.relative(root, headPath)),
    // Teardown runs once, at the end or from a signal handler; blocking for git's few ms is fine.
    remove: async () => removeSync(),
    removeSync,
  };
}
