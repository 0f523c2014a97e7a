// Whatever kills perfgate, the service dies with it: SIGKILL runs no exit handler, so this is the
// watchdog's job (src/service/watchdog.ts). Run through the bundled CLI, as users run it.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir, writeHelloConfig } from '../cli/helpers.js';
import { survivors } from './helpers.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';

/** Every process whose parent is `ppid`, or whose process group is `pgid`. */
function related(ppid: number, pgid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const [parent, group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(1, 3).map(Number);
      if (parent === ppid || group === pgid) out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}

describe('the service does not outlive perfgate', () => {
  test('SIGKILL to perfgate mid-run: the service group and the watchdog are gone soon after', async () => {
    const dir = tempDir();
    const config = writeHelloConfig(dir, { scenarios: '  - name: fast\n    request: { path: /fast }\n    load: { duration: 30s }\n' });
    const perfgate = spawn(process.execPath, [path.join(repoRoot, 'bin/perfgate.js'), 'run', '-c', config, '--out', path.join(dir, 'r.json')], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const servicePid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "ready" line in 30 s:\n${stderr}`)), 30_000);
      perfgate.stderr.on('data', (d) => {
        stderr += d;
        const m = /ready \(pid (\d+)\)/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    const children = related(perfgate.pid!, servicePid);
    assert.ok(children.length >= 2, `the service shell and the service expected, found ${children.join(', ')}`);
    perfgate.kill('SIGKILL');
    const left = await survivors(children, 15_000);
    try {
      assert.deepEqual(left, [], `still running after perfgate was killed:\n${left.join('\n')}`);
    } finally {
      for (const pid of children) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
    }
  });

  test('a process group id that no marked process is in is never signalled (ids are reused)', async () => {
    const marker = `test-${randomUUID()}`;
    // The victim stands for whoever got the ended group's id; the marked process left that group.
    const victim = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const marked = spawn('sleep', ['30'], { detached: true, stdio: 'ignore', env: { ...process.env, PERFGATE_SERVICE_ID: marker } });
    try {
      const driver = spawn(
        process.execPath,
        ['--import', 'tsx', '-e', `import { watchGroup } from ${JSON.stringify(path.join(repoRoot, 'src/service/watchdog.ts'))}; watchGroup(${victim.pid}, ${JSON.stringify(marker)}, 100); setTimeout(() => process.exit(0), 300);`],
        { cwd: repoRoot, stdio: 'ignore' },
      );
      await new Promise((resolve) => driver.on('exit', resolve));
      assert.deepEqual(await survivors([marked.pid!], 10_000), [], 'the marked process is stopped');
      await sleep(500);
      assert.equal(victim.exitCode, null, 'the victim group is untouched');
      assert.equal(victim.signalCode, null);
    } finally {
      for (const c of [victim, marked]) c.kill('SIGKILL');
    }
  });
});
