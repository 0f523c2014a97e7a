// The resource meter against a real service: CPU it burns and memory it allocates show up.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { startService, stopAllChildren, type RunningService } from '../../src/service/index.js';
import { createResourceMeter } from '../../src/service/meter.js';
import { readProcStat, type ProcessTracker } from '../../src/service/process-tree.js';
import { freePort, killAll, readPids, serviceConfig, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
const pidsFile = join(dir, 'pids.txt');
let service: RunningService;
let port: number;

beforeAll(async () => {
  port = await freePort();
  // One child too, so the meter has a tree to sum over.
  service = await startService({
    name: 'meter',
    config: serviceConfig(port, 'node server.mjs', { PIDS_FILE: pidsFile, FORK_CHILDREN: '1' }),
    logFile: join(dir, 'meter.log'),
  });
});
afterAll(async () => {
  await stopAllChildren();
  killAll(readPids(pidsFile));
  cleanup();
});

describe('ResourceMeter', () => {
  test('CPU grows by about what the service burns, and much less while it idles', async () => {
    const cpu0 = service.meter.readCpuUs();
    await new Promise((r) => setTimeout(r, 200));
    const cpu1 = service.meter.readCpuUs();
    let burned = 0;
    for (let i = 0; i < 3; i++) burned += Number(await (await fetch(`http://127.0.0.1:${port}/burn?ms=100`)).text());
    const cpu2 = service.meter.readCpuUs();
    const idle = cpu1 - cpu0;
    const busy = cpu2 - cpu1;
    assert.ok(cpu0 > 0, 'a started Node process has used some CPU');
    assert.ok(idle >= 0 && busy >= 0, 'monotonic');
    // The service's own getrusage says how much it burned; the meter sees the whole tree through /proc,
    // so it must see at least that much, plus a little for serving the requests.
    assert.ok(busy >= burned * 0.95 && busy < burned + 300_000, `meter saw ${busy} µs, service burned ${burned} µs`);
    assert.ok(busy > idle * 3, `busy ${busy} µs vs idle ${idle} µs`);
  });

  test('CPU readings never go backwards across many reads', () => {
    let last = 0;
    for (let i = 0; i < 50; i++) {
      const now = service.meter.readCpuUs();
      assert.ok(now >= last);
      last = now;
    }
  });

  test('RSS is the tree total and grows when the service allocates', async () => {
    const rss0 = service.meter.readRssBytes();
    assert.ok(rss0 > 20 * 1024 * 1024, `two Node processes use more than 20 MB, got ${rss0}`);
    for (let i = 0; i < 4; i++) await fetch(`http://127.0.0.1:${port}/alloc?mb=16`);
    const rss1 = service.meter.readRssBytes();
    assert.ok(rss1 - rss0 > 48 * 1024 * 1024, `64 MB allocated, RSS grew by ${rss1 - rss0}`);
  });

  test('RSS samples between full scans read only the known members; a rescan follows within a second', () => {
    let scans = 0;
    const tracker = { scan: () => (scans++, [readProcStat(process.pid)!]) } as unknown as ProcessTracker;
    let clock = 0;
    const meter = createResourceMeter(tracker, () => clock);
    for (let i = 0; i < 10; i++, clock += 90) assert.ok(meter.readRssBytes() > 0);
    assert.equal(scans, 1, 'one full scan for ten samples within 900 ms');
    clock += 200;
    meter.readRssBytes();
    assert.equal(scans, 2, 'rescanned once a second had passed');
    meter.readCpuUs();
    assert.equal(scans, 3, 'CPU always scans in full');
  });
});

