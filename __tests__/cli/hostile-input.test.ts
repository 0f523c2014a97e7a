// Hostile and absurd input to the bundled CLI (issue 18): each gets a clear answer naming the file,
// key or path — never a false pass, a leaked secret, a crash after the benchmark, or a stack trace.
import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, tempDir, writeHelloConfig } from './helpers.js';
import { results as resultsOf, round, scenario } from '../compare/builders.js';

const cli = (args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) => runCli(args, opts);

/** A results file with `name` as its one scenario, as JSON text (edited as text for 1e999). */
function resultsText(name = 'list books'): string {
  const rounds = Array.from({ length: 6 }, (_, i) => round({ rps: 2000, p50Us: 800 + i, cpuUs: 300, rssBytes: 5e7 }));
  return JSON.stringify(resultsOf([scenario(name, rounds, { path: '/books' })]), null, 2);
}

function write(dir: string, file: string, text: string): string {
  const p = path.join(dir, file);
  writeFileSync(p, text);
  return p;
}

describe('forged results files', () => {
  const forgeries: [string, (text: string) => string, RegExp][] = [
    ['a negative latency', (t) => t.replace(/"p99": \d+/, '"p99": -5'), /\/latencyUs\/p99 must be >= 0/],
    ['1e999 (Infinity) as a latency', (t) => t.replace(/"p50": \d+/, '"p50": 1e999'), /p50 must be number \(a finite number/],
    ['1e999 in an integer field', (t) => t.replace(/"errors": 0/, '"errors": 1e999'), /errors must be integer \(a finite number/],
    ['a 1 MB runner.os', (t) => t.replace(/"os": "linux"/, `"os": "${'x'.repeat(1_000_000)}"`), /\/meta\/runner\/os must NOT have more than 200 characters/],
    ['a 1 MB cpuModel', (t) => t.replace(/"cpuModel": "[^"]*"/, `"cpuModel": "${'x'.repeat(1_000_000)}"`), /\/meta\/runner\/cpuModel must NOT have more/],
    ['a 1 MB tool version', (t) => t.replace(/"version": "[^"]*"/, `"version": "${'x'.repeat(1_000_000)}"`), /\/tool\/version must NOT have more/],
  ];
  for (const [what, forge, message] of forgeries) {
    test(`${what}: compare exits 2 naming the file and the field`, async () => {
      const dir = tempDir();
      const good = write(dir, 'good.json', resultsText());
      const bad = write(dir, 'bad.json', forge(resultsText()));
      const r = await cli(['compare', good, bad]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a perfgate results file`));
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      assert.ok(r.stderr.length < 2000, 'the message quotes no megabytes');
    });
  }

  test('a forged baseline is a clear line in the report, never "budgets pass" from it', async () => {
    const dir = tempDir();
    const head = write(dir, 'head.json', resultsText());
    const base = write(dir, 'base.json', resultsText().replace(/"p50": \d+/g, '"p50": 1e999'));
    const r = await cli(['compare', base, head]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /No baseline to compare against\*\* \(baseline .*base\.json could not be used: .*p50 must be number \(a finite number/);
  });

  test('a 5 MB schema string is quoted short', async () => {
    const dir = tempDir();
    const good = write(dir, 'good.json', resultsText());
    const bad = write(dir, 'bad.json', resultsText().replace('"perfgate/results@1"', `"${'s'.repeat(5_000_000)}"`));
    const r = await cli(['compare', good, bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has schema "s+\.\.\.; this perfgate reads perfgate\/results@1/);
    assert.ok(r.stderr.length < 1000, `stderr is ${r.stderr.length} characters`);
  });

  test('compare without -c keeps a literal ${id} in a scenario name', async () => {
    const dir = tempDir();
    // A config's `get $${id}` is measured and stored as `get ${id}`.
    const file = write(dir, 'a.json', resultsText('get ${id} and ${HOME:-x}'));
    const r = await cli(['compare', file, file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /get \\?\$\{id\} and \\?\$\{HOME:-x\}/);
  });
});

describe('config bounds', () => {
  const cases: [string, string, RegExp][] = [
    ['duration over the longest timer', 'load: { duration: 40000m }', /perfgate\.yml:\d+:\d+: scenarios\[0\]\.load\.duration: expected a duration of at most 35791m/],
    ['timeout over the longest timer', 'load: { timeout: 40000m }', /scenarios\[0\]\.load\.timeout: expected a duration of at most 35791m/],
    ['warm-up over the longest timer', 'load: { warmup: 40000m }', /scenarios\[0\]\.load\.warmup: expected a duration of at most 35791m/],
    ['connections: 1e8', 'load: { connections: 100000000 }', /perfgate\.yml:\d+:\d+: scenarios\[0\]\.load\.connections: expected a whole number <= 10000, got 100000000/],
    ['pipelining: 1e9', 'load: { pipelining: 1000000000 }', /scenarios\[0\]\.load\.pipelining: expected a whole number <= 100, got 1000000000/],
    ['rounds: 1e6', 'rounds: 1000000', /scenarios\[0\]\.rounds: expected a whole number <= 10000/],
  ];
  for (const [what, setting, message] of cases) {
    test(`${what}: exit 2 naming file, line and key, before anything starts`, async () => {
      const dir = tempDir();
      const config = writeHelloConfig(dir, { scenarios: `  - name: fast\n    request: { path: /fast }\n    ${setting}\n` });
      const r = await cli(['run', '-c', config, '--out', path.join(dir, 'r.json')], { cwd: dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /starting/);
    });
  }
  test('service.stopTimeout and ready.timeout are bounded too', async () => {
    const dir = tempDir();
    const config = writeHelloConfig(dir, { service: '  stopTimeout: 99999m' });
    const r = await cli(['run', '-c', config], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /service\.stopTimeout: expected a duration of at most 35791m/);
  });
});

describe('output paths are checked before measuring', () => {
  test('run --out <dir>: exit 2 naming the path, nothing started, no .tmp file left', async () => {
    const dir = tempDir();
    const config = writeHelloConfig(dir);
    const out = path.join(dir, 'out');
    mkdirSync(out);
    const r = await cli(['run', '-c', config, '--out', out], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`--out ${out.replace(/[/.]/g, '\\$&')} is a directory`));
    assert.doesNotMatch(r.stderr, /starting|internal error/);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
  });

  test('run --report <dir> and an unwritable --out (under a file) exit 2 before measuring', async () => {
    const dir = tempDir();
    const config = writeHelloConfig(dir);
    const blocker = write(dir, 'plain-file', 'x');
    const r1 = await cli(['run', '-c', config, '--out', path.join(dir, 'r.json'), '--report', dir], { cwd: dir });
    assert.equal(r1.code, 2, r1.stderr);
    assert.match(r1.stderr, /--report .* is a directory/);
    const r2 = await cli(['run', '-c', config, '--out', path.join(blocker, 'r.json')], { cwd: dir });
    assert.equal(r2.code, 2, r2.stderr);
    assert.match(r2.stderr, /--out .*plain-file\/r\.json cannot be written: (ENOTDIR|EEXIST)/);
    for (const r of [r1, r2]) assert.doesNotMatch(r.stderr, /starting|internal error/);
    assert.ok(!existsSync(path.join(dir, 'r.json')));
  });

  test('schema --out and compare --report name the path', async () => {
    const dir = tempDir();
    const blocker = write(dir, 'plain-file', 'x');
    const s = await cli(['schema', '--out', path.join(blocker, 'x.json')]);
    assert.equal(s.code, 2, s.stderr);
    assert.match(s.stderr, /--out .*plain-file\/x\.json cannot be written/);
    const file = write(dir, 'a.json', resultsText());
    const c = await cli(['compare', file, file, '--report', dir]);
    assert.equal(c.code, 2, c.stderr);
    assert.match(c.stderr, /--report .* is a directory/);
    for (const r of [s, c]) assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  });
});

function assertNoSecret(secret: string, places: Record<string, string>): void {
  for (const [where, text] of Object.entries(places)) assert.ok(!text.includes(secret), `${where} holds the secret`);
}

describe('secrets in requests', () => {
  test('${VAR} in a path and a header is sent expanded but stored and shown as written', async () => {
    const dir = tempDir();
    const secret = 'sk-live-0123456789abcdef';
    const config = writeHelloConfig(dir, {
      env: 'HELLO_SECRET: "${API_KEY}"',
      scenarios: '  - name: secret\n    request: { path: "/secret?api_key=${API_KEY}", headers: { X-Key: "${API_KEY}" } }\n    budgets: { errors: 0 }\n',
    });
    const out = path.join(dir, 'results.json');
    const report = path.join(dir, 'report.md');
    const r = await cli(['run', '-c', config, '--out', out, '--report', report], { cwd: dir, env: { API_KEY: secret } });
    assert.equal(r.code, 0, `the service saw the expanded key (errors: 0 passes)\n${r.stderr}`);
    const stored = readFileSync(out, 'utf8');
    assert.equal(JSON.parse(stored).scenarios[0].request.path, '/secret?api_key=${API_KEY}');
    assertNoSecret(secret, { 'results.json': stored, report: readFileSync(report, 'utf8'), stdout: r.stdout, stderr: r.stderr });
  });

  test('a request that fails names its path as written, never the secret', async () => {
    const dir = tempDir();
    const secret = 'sk-live-fedcba9876543210';
    const config = writeHelloConfig(dir, {
      env: 'HELLO_SECRET: "not-the-key"',
      scenarios: '  - name: denied\n    request: { path: "/secret?api_key=${API_KEY}" }\n',
    });
    const out = path.join(dir, 'results.json');
    const r = await cli(['run', '-c', config, '--out', out], { cwd: dir, env: { API_KEY: secret } });
    const stored = readFileSync(out, 'utf8');
    assert.match(JSON.parse(stored).scenarios[0].error, /GET http:\/\/127\.0\.0\.1:\d+\/secret\?api_key=\$\{API_KEY\} answered HTTP 403/);
    assertNoSecret(secret, { 'results.json': stored, stdout: r.stdout, stderr: r.stderr });
  });
});
