import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError } from '../../src/errors.js';
import { expandServiceConfig, expandString, expandTemplate, requiredVariables } from '../../src/config/expand.js';
import type { ServiceConfig } from '../../src/config/types.js';

describe('expandString', () => {
  const vars = { HOST: 'db', PORT: '5432', EMPTY: '' };

  test('replaces ${NAME} references', () => {
    assert.deepEqual(expandString('postgres://${HOST}:${PORT}/app', vars), { ok: true, value: 'postgres://db:5432/app' });
  });
  test('${NAME:-fallback} uses the fallback when NAME is unset or empty', () => {
    assert.deepEqual(expandString('${MISSING:-10s}', vars), { ok: true, value: '10s' });
    assert.deepEqual(expandString('${EMPTY:-x}', vars), { ok: true, value: 'x' });
    assert.deepEqual(expandString('${PORT:-1}', vars), { ok: true, value: '5432' });
    assert.deepEqual(expandString('${MISSING:-}', vars), { ok: true, value: '' });
  });
  test('an empty variable without fallback expands to empty', () => {
    assert.deepEqual(expandString('[${EMPTY}]', vars), { ok: true, value: '[]' });
  });
  test('$${ is a literal ${ and other $ forms reach the shell untouched', () => {
    assert.deepEqual(expandString('echo $${HOME} $HOME $$ $(date) cost$', vars), { ok: true, value: 'echo ${HOME} $HOME $$ $(date) cost$' });
  });
  test('a missing variable names itself and the fix', () => {
    assert.deepEqual(expandString('x${NOPE}y', vars), {
      ok: false,
      variable: 'NOPE',
      message: '${NOPE} is not set: set NOPE in the environment or write ${NOPE:-fallback}',
    });
  });
  test('malformed references are errors, not silent text', () => {
    const unterminated = expandString('${PORT', vars);
    assert.equal(unterminated.ok, false);
    assert.match((unterminated as { message: string }).message, /unterminated "\$\{"/);
    const bad = expandString('${1X}', vars);
    assert.match((bad as { message: string }).message, /"\$\{1X\}" is not a variable reference: expected \$\{NAME\} or \$\{NAME:-fallback\}/);
  });
  test('property: text without "$" is unchanged', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('$')), (s) => assert.deepEqual(expandString(s, {}), { ok: true, value: s })));
  });
  test('property: a value containing ${...} is inserted verbatim, never re-expanded', () => {
    fc.assert(fc.property(fc.string(), (value) => assert.deepEqual(expandString('<${V}>', { V: value }), { ok: true, value: `<${value}>` })));
  });
  test('requiredVariables lists names without fallbacks, skipping escapes', () => {
    assert.deepEqual(requiredVariables('${A} ${B:-x} $${C} ${D}'), ['A', 'D']);
  });
});

describe('expandTemplate', () => {
  test('throws a ConfigError naming the key path, file and line', () => {
    assert.throws(
      () => expandTemplate('${NOPE}', {}, 'scenarios[0].request.path', { file: 'perfgate.yml', line: 7 }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.exitCode === 2 &&
        err.issues[0].path === 'scenarios[0].request.path' &&
        err.issues[0].line === 7 &&
        err.message.includes('perfgate.yml:7: scenarios[0].request.path: ${NOPE} is not set'),
    );
  });
});

describe('expandServiceConfig', () => {
  const service: ServiceConfig = {
    start: 'node server.js --port ${PERFGATE_PORT}',
    build: 'echo $${NOT_EXPANDED}',
    cwd: '/srv',
    env: { DATABASE_URL: 'postgres://app@${PERFGATE_DB_HOST}:${PERFGATE_DB_PORT}/app', PLAIN: 'x' },
    ready: { url: 'http://127.0.0.1:${PERFGATE_PORT}/health', timeoutMs: 60_000, intervalMs: 200 },
    baseUrl: '',
    stopTimeoutMs: 5000,
    origin: { file: '/srv/perfgate.yml', lines: { 'service.env.DATABASE_URL': 4, 'service.ready.url': 6 } },
  };
  const vars = { PERFGATE_PORT: '4100', PERFGATE_DB_HOST: '127.0.0.1', PERFGATE_DB_PORT: '40123' };

  test("expands env and ready.url, leaves start and build to the shell, then derives baseUrl from ready.url's origin", () => {
    const out = expandServiceConfig(service, vars);
    // Commands keep their references: the shell expands them from the environment, so a value can
    // never become shell syntax. `$${` becomes the shell's own escape.
    assert.equal(out.start, 'node server.js --port ${PERFGATE_PORT}');
    assert.equal(out.build, 'echo \\${NOT_EXPANDED}');
    assert.deepEqual(out.env, { DATABASE_URL: 'postgres://app@127.0.0.1:40123/app', PLAIN: 'x' });
    assert.equal(out.ready.url, 'http://127.0.0.1:4100/health');
    assert.equal(out.baseUrl, 'http://127.0.0.1:4100');
    assert.equal(out.cwd, '/srv');
    assert.equal(service.start, 'node server.js --port ${PERFGATE_PORT}', 'the input is not mutated');
  });

  test("a command naming a variable the service will not get (the runner's token) is an error, not an empty string", () => {
    assert.throws(
      () => expandServiceConfig({ ...service, start: 'node server.js --token ${GITHUB_TOKEN}' }, { ...vars, GITHUB_TOKEN: 'ghs_secret' }),
      (err: unknown) => err instanceof ConfigError && err.issues[0].path === 'service.start' && /\$\{GITHUB_TOKEN\} is not available to service commands.*service\.env/.test(err.issues[0].message),
    );
    const viaEnv = expandServiceConfig({ ...service, env: { ...service.env, GH: '${GITHUB_TOKEN}' }, start: 'node server.js --token ${GH}' }, { ...vars, GITHUB_TOKEN: 'ghs_secret' });
    assert.equal(viaEnv.env.GH, 'ghs_secret', 'named explicitly in service.env, it is passed');
    assert.equal(viaEnv.start, 'node server.js --token ${GH}');
  });

  test('an explicit baseUrl is expanded and keeps its path prefix without a trailing slash', () => {
    const out = expandServiceConfig({ ...service, baseUrl: 'http://127.0.0.1:${PERFGATE_PORT}/api/' }, vars);
    assert.equal(out.baseUrl, 'http://127.0.0.1:4100/api');
  });

  test('missing variables are reported with file, line and key path', () => {
    assert.throws(
      () => expandServiceConfig(service, { PERFGATE_PORT: '4100' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.file, '/srv/perfgate.yml');
        assert.deepEqual(
          err.issues.map((i) => [i.path, i.line]),
          [['service.env.DATABASE_URL', 4]],
        );
        assert.match(err.issues[0].message, /\$\{PERFGATE_DB_HOST\} is not set: .*only when `database` is configured/);
        return true;
      },
    );
  });

  test('a ready.url that expands to something other than an http URL is refused', () => {
    assert.throws(
      () => expandServiceConfig({ ...service, ready: { ...service.ready, url: '${PERFGATE_PORT}' } }, vars),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.issues[0].path === 'service.ready.url' &&
        err.issues[0].line === 6 &&
        /expected an http:\/\/ or https:\/\/ URL like http:\/\/127\.0\.0\.1:3000\/health, got "4100"/.test(err.issues[0].message),
    );
  });
});
