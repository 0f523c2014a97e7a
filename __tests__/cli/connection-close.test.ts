// `perfgate run` through the bundle (bin/perfgate.js) against services that close connections: the
// rounds open a new connection per request (or per N), every request the service answered is counted
// by perfgate (the service's own count is the reference), and the report says latency includes
// connecting. Forcing keep-alive refuses the scenario with advice a gunicorn or uWSGI user can follow.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli, tempDir } from './helpers.js';

const server = path.join(repoRoot, '__tests__/cli/fixtures/closing-server.js');
const PROBE_REQUESTS = 3;

function writeConfig(dir: string, closeAfter: number, load = ''): string {
  const file = path.join(dir, 'perfgate.yml');
  writeFileSync(
    file,
    `service:
  start: node ${JSON.stringify(server)}
  env: { PORT: "\${PERFGATE_PORT}", CLOSE_AFTER: "${closeAfter}", COUNT_FILE: ${JSON.stringify(path.join(dir, 'count.json'))} }
  ready: { url: "http://127.0.0.1:\${PERFGATE_PORT}/health", timeout: 5s }
defaults:
  load: { connections: 2, duration: 0.4s, warmup: 0s${load} }
  rounds: 2
scenarios:
  - name: list books
    request: { path: /work }
`,
  );
  return file;
}

describe('perfgate run against a service that closes connections', () => {
  for (const closeAfter of [1, 10]) {
    test(`closing after ${closeAfter} request(s): measured with every answered request counted`, async () => {
      const dir = tempDir();
      const out = path.join(dir, 'results.json');
      const report = path.join(dir, 'report.md');
      const res = await runCli(['run', '-c', writeConfig(dir, closeAfter), '--out', out, '--report', report], {});
      assert.equal(res.code, 0, res.stderr);
      const load = JSON.parse(readFileSync(out, 'utf8')).scenarios[0].load;
      const counted = load.rounds.reduce((n: number, r: { requests: number }) => n + r.requests, 0);
      const service = JSON.parse(readFileSync(path.join(dir, 'count.json'), 'utf8'));
      assert.ok(counted > 20, `${counted} requests`);
      assert.equal(load.errors, 0);
      assert.equal(service.answered, counted + PROBE_REQUESTS, 'the service answered exactly what perfgate counted (plus the probe)');
      assert.equal(load.requestsPerConnection, closeAfter);
      const phrase = closeAfter === 1 ? 'new connection per request' : `new connection every ${closeAfter} requests`;
      assert.match(res.stderr, new RegExp(phrase));
      assert.match(readFileSync(report, 'utf8'), /latency includes connection setup/);
    });
  }

  test('load.connection: keep-alive refuses it (not measured: exit 1) with the gunicorn and uWSGI settings to change', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'results.json');
    const res = await runCli(['run', '-c', writeConfig(dir, 1, ', connection: keep-alive'), '--out', out], {});
    // An unmeasured scenario fails the run's verdict (exit 1), as any refused probe does.
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /Connection: close/);
    assert.match(res.stderr, /--worker-class gthread --keep-alive/);
    assert.match(res.stderr, /--http-keepalive/);
    const scenario = JSON.parse(readFileSync(out, 'utf8')).scenarios[0];
    assert.match(scenario.error, /load\.connection: auto/);
  });
});
