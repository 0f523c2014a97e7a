// The pure parts of the action: inputs, event dispatch, comment bodies, bot commands, shard merging.
import { describe, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { readSettings, parseShard } from '../../src/action/inputs.js';
import { decideJob } from '../../src/action/dispatch.js';
import { mergeShards } from '../../src/action/run.js';
import { composeBody, marker, parseState, reportOf, shouldComment, type CommentState } from '../../src/github/comment.js';
import { parseCommand } from '../../src/github/commands.js';
import { MAX_COMMENT_CHARS } from '../../src/action/constants.js';
import { UsageError } from '../../src/errors.js';
import type { Results } from '../../src/results/types.js';
import { pullRequestEvent, pushEvent } from './fake-github/payloads.js';

const inputs = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('inputs', () => {
  test('defaults fill everything but the token', () => {
    const s = readSettings(inputs({ 'github-token': 't' }));
    assert.deepEqual(s, { configFile: 'perfgate.yml', token: 't', mode: 'auto', baselineArtifact: 'perfgate-baseline', comment: 'always', failOn: undefined, shard: undefined, keepLogs: false, historyRuns: 20, confirmByRerun: true });
  });
  test('every input is parsed into the settings', () => {
    const s = readSettings(inputs({ 'github-token': 't', config: 'perf/a.yml', mode: 'merge', comment: 'on-change', 'fail-on': 'budget, regression', shard: '2/3' }));
    assert.equal(s.mode, 'merge');
    assert.deepEqual(s.failOn, ['budget', 'regression']);
    assert.deepEqual(s.shard, { index: 2, total: 3 });
    assert.equal(s.configFile, 'perf/a.yml');
    assert.equal(readSettings(inputs({ 'github-token': 't', 'keep-logs': 'true' })).keepLogs, true);
    assert.equal(readSettings(inputs({ 'github-token': 't', 'keep-logs': 'False' })).keepLogs, false);
  });
  test('bad values name the input and what was expected', () => {
    assert.throws(() => readSettings(inputs({ 'github-token': 't', mode: 'fast' })), (e: Error) => e instanceof UsageError && /'mode' is 'fast': expected one of auto, baseline, compare, report, merge/.test(e.message));
    assert.throws(() => readSettings(inputs({ 'github-token': 't', 'fail-on': 'budgets' })), /'fail-on' is 'budgets'/);
    assert.throws(() => readSettings(inputs({ 'github-token': 't', 'keep-logs': 'yes' })), /'keep-logs' is 'yes': expected true or false/);
    assert.throws(() => readSettings(inputs({})), /github-token/);
    assert.throws(() => parseShard('4/3'), /expected 'i\/n'/);
    assert.throws(() => parseShard('0/3'), UsageError);
    assert.throws(() => readSettings(inputs({ 'github-token': 't', 'baseline-artifact': 'a/b' })), /baseline-artifact/);
  });
  test('history-runs: 0 or 5–100; confirm-by-rerun: a boolean, on unless turned off', () => {
    const read = (v: Record<string, string>) => readSettings(inputs({ 'github-token': 't', ...v }));
    assert.equal(read({ 'history-runs': '0' }).historyRuns, 0);
    assert.equal(read({ 'history-runs': '5' }).historyRuns, 5);
    assert.equal(read({ 'history-runs': '100' }).historyRuns, 100);
    assert.throws(() => read({ 'history-runs': '3' }), (e: Error) => e instanceof UsageError && /'history-runs' is '3': expected 0 \(read no history\) or a whole number from 5 to 100: fewer than 5 runs can never judge/.test(e.message));
    for (const bad of ['101', '-1', '2.5', 'twenty', '1e2']) assert.throws(() => read({ 'history-runs': bad }), new RegExp(`'history-runs' is '${bad.replace('.', '\\.')}': expected 0`), bad);
    assert.equal(read({ 'confirm-by-rerun': 'false' }).confirmByRerun, false);
    assert.equal(read({ 'confirm-by-rerun': 'True' }).confirmByRerun, true);
    assert.throws(() => read({ 'confirm-by-rerun': 'off' }), /'confirm-by-rerun' is 'off': expected true or false/);
  });
  test("action.yml declares every input with the default the action applies", () => {
    const yml = readFileSync(new URL('../../action.yml', import.meta.url), 'utf8');
    const declared = (name: string) => new RegExp(`^  ${name}:\\n(?:    .*\\n|      .*\\n)*?    default: '?([^'\\n]*)'?$`, 'm').exec(yml)?.[1];
    assert.equal(declared('history-runs'), String(readSettings(inputs({ 'github-token': 't' })).historyRuns));
    assert.equal(declared('confirm-by-rerun'), 'true');
    assert.equal(readSettings(inputs({ 'github-token': 't', 'history-runs': declared('history-runs')!, 'confirm-by-rerun': declared('confirm-by-rerun')! })).confirmByRerun, true);
  });
  test("'fail-on: none' never fails the step", () => {
    assert.deepEqual(readSettings(inputs({ 'github-token': 't', 'fail-on': 'none' })).failOn, []);
  });
});

describe('dispatch', () => {
  const auto = { mode: 'auto' as const };
  const pr = { number: 1, headSha: 'b'.repeat(40), headRef: 'x', baseSha: 'a'.repeat(40) };
  test('push to the default branch records a baseline; other branches only check', () => {
    assert.deepEqual(decideJob(auto, { name: 'push', payload: pushEvent('a'), ref: 'refs/heads/main' }), { kind: 'baseline' });
    assert.deepEqual(decideJob(auto, { name: 'push', payload: pushEvent('a', 'dev'), ref: 'refs/heads/dev' }), { kind: 'check' });
  });
  test('pull requests compare; only our label triggers on labeled', () => {
    assert.deepEqual(decideJob(auto, { name: 'pull_request', payload: pullRequestEvent(pr), ref: '' }), { kind: 'compare', acceptLabel: false });
    assert.deepEqual(decideJob(auto, { name: 'pull_request', payload: pullRequestEvent(pr, 'labeled', 'perfgate:accept'), ref: '' }), { kind: 'compare', acceptLabel: true });
    assert.equal(decideJob(auto, { name: 'pull_request', payload: pullRequestEvent(pr, 'labeled', 'bug'), ref: '' }).kind, 'skip');
  });
  test('workflow_run reports, PR comments are commands, issue comments are skipped, explicit modes win', () => {
    assert.equal(decideJob(auto, { name: 'workflow_run', payload: {}, ref: '' }).kind, 'report');
    assert.equal(decideJob(auto, { name: 'issue_comment', payload: { issue: { pull_request: {} } }, ref: '' }).kind, 'command');
    assert.equal(decideJob(auto, { name: 'issue_comment', payload: { issue: {} }, ref: '' }).kind, 'skip');
    assert.equal(decideJob({ mode: 'merge' }, { name: 'pull_request', payload: {}, ref: '' }).kind, 'merge');
    assert.equal(decideJob({ mode: 'compare' }, { name: 'push', payload: {}, ref: '' }).kind, 'skip');
  });
});

describe('comment body', () => {
  const state: CommentState = { verdict: 'fail', regressions: 1, violations: 2 };
  test('marker on line 1, state recoverable, report recoverable', () => {
    const body = composeBody('perf/a.yml', { ...state, accepted: { by: 'octo', sha: 'abcdef1234' } }, '### report\nline');
    assert.equal(body.split('\n')[0], marker('perf/a.yml'));
    assert.equal(body.split('\n')[0], '<!-- perfgate:perf/a.yml -->');
    assert.deepEqual(parseState(body), { ...state, accepted: { by: 'octo', sha: 'abcdef1234' } });
    assert.match(body, /Accepted by @octo on abcdef1/);
    assert.equal(reportOf(body), '### report\nline');
  });
  test('a huge report is truncated to the GitHub limit with a note', () => {
    const body = composeBody('perfgate.yml', state, 'x'.repeat(100_000));
    assert.equal(body.length, MAX_COMMENT_CHARS);
    assert.match(body, /truncated/);
  });
  test('on-change stays quiet on a clean pass that changes nothing, never on a failure', () => {
    const pass: CommentState = { verdict: 'pass', regressions: 0, violations: 0 };
    assert.equal(shouldComment('on-change', pass, undefined), false);
    assert.equal(shouldComment('on-change', pass, pass), false);
    assert.equal(shouldComment('on-change', pass, state), true);
    assert.equal(shouldComment('on-change', state, state), true);
    assert.equal(shouldComment('never', state, undefined), false);
    assert.equal(shouldComment('always', pass, pass), true);
  });
});

describe('bot commands', () => {
  test('the first /perfgate line is the command', () => {
    assert.equal(parseCommand('LGTM\n/perfgate accept'), 'accept');
    assert.equal(parseCommand('/perfgate   RERUN please'), 'rerun');
    assert.deepEqual(parseCommand('/perfgate frobnicate'), { unknown: 'frobnicate' });
    assert.equal(parseCommand('we should /perfgate accept later'), undefined);
  });
});

describe('shard merge', () => {
  const part = (names: string[]): Results => ({
    schema: 'perfgate/results@1',
    tool: { name: 'perfgate', version: '0' },
    meta: { timestamp: 't', runner: { os: 'linux', cpus: 2, node: 'v20' } },
    scenarios: names.map((name) => ({ name, request: { method: 'GET', path: '/' } })),
  });
  test('round-robin parts merge back into config order', () => {
    const merged = mergeShards([part(['a', 'd', 'g']), part(['b', 'e']), part(['c', 'f'])]);
    assert.deepEqual(merged.scenarios.map((s) => s.name), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });
  test('rerun parts keep every shard\'s base side, in config order', () => {
    const rerunPart = (names: string[]): Results => ({ ...part(names), base: { commit: 'b', scenarios: part(names).scenarios } });
    const merged = mergeShards([rerunPart(['a', 'c']), rerunPart(['b'])]);
    assert.deepEqual(merged.base?.scenarios.map((s) => s.name), ['a', 'b', 'c']);
    assert.equal(mergeShards([part(['a']), part(['b'])]).base, undefined);
  });
});
