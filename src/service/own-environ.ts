// The service is code from the pull request and runs as the same user as perfgate. Stripping the
// runner's credentials from the service's environment (child-env.ts) is not enough on Linux: any
// process of the same user can read /proc/<perfgate's pid>/environ, the environment perfgate was
// started with, and find GITHUB_TOKEN, INPUT_GITHUB-TOKEN, ACTIONS_RUNTIME_TOKEN and
// ACTIONS_ID_TOKEN_REQUEST_TOKEN there.
//
// What that file shows is not a copy: the kernel reads the process's own memory between env_start
// and env_end (fields 50 and 51 of /proc/self/stat) at the time of reading. So perfgate overwrites the
// credential values in that block through /proc/self/mem (a process may always write its own memory)
// after putting each value back into process.env — libc's setenv keeps the new copy on the heap and
// repoints `environ` at it, so the process keeps working and /proc/<pid>/environ shows only x's.
//
// What this does not do: the heap copy can still be read through /proc/<pid>/mem by a process allowed
// to ptrace perfgate (root; the same user where Yama's ptrace_scope is 0); see docs/security.md.
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { isRunnerCredential } from './child-env.js';

/** env_start and env_end of this process, from /proc/self/stat (Linux ≥ 3.5). */
function environBlock(): { start: number; end: number } | undefined {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
  const start = Number(fields[50 - 3]);
  const end = Number(fields[51 - 3]);
  return Number.isSafeInteger(start) && Number.isSafeInteger(end) && end > start ? { start, end } : undefined;
}

export interface Hidden {
  /** Credential names whose values no longer show in /proc/<pid>/environ. */
  hidden: string[];
  /** Why it could not be done, when there was something to hide (not Linux, a hardened kernel). */
  failed?: string;
}

/** Hides the values of runner credentials from /proc/<pid>/environ. Never throws. */
export function hideCredentialsFromProcEnviron(env: NodeJS.ProcessEnv = process.env): Hidden {
  const names = Object.keys(env).filter((name) => isRunnerCredential(name) && env[name]);
  if (names.length === 0) return { hidden: [] };
  if (process.platform !== 'linux') return { hidden: [], failed: `not Linux (${process.platform})` };
  let fd: number | undefined;
  try {
    const block = environBlock();
    if (!block) return { hidden: [], failed: 'no env_start/env_end in /proc/self/stat' };
    fd = openSync('/proc/self/mem', 'r+');
    const bytes = Buffer.alloc(block.end - block.start);
    readSync(fd, bytes, 0, bytes.length, block.start);
    // Moved to the heap first, so nothing reads an overwritten value afterwards.
    for (const name of names) {
      const value = env[name];
      env[name] = value;
    }
    const hidden = new Set<string>();
    let offset = 0;
    while (offset < bytes.length) {
      let end = bytes.indexOf(0, offset);
      if (end < 0) end = bytes.length;
      const eq = bytes.indexOf(0x3d, offset); // '='
      if (eq > offset && eq < end) {
        const name = bytes.toString('utf8', offset, eq);
        if (names.includes(name)) {
          bytes.fill(0x78, eq + 1, end); // 'x'
          hidden.add(name);
        }
      }
      offset = end + 1;
    }
    if (hidden.size > 0) writeSync(fd, bytes, 0, bytes.length, block.start);
    return { hidden: [...hidden] };
  } catch (error) {
    return { hidden: [], failed: (error as Error).message };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
