// Tallies a ledger of `bench/history-aa.ts --ledger` (one JSON line per pull request, accumulated
// over as many sittings as the measurement needs) against issue 16's targets:
//   unchanged pull requests: ≤ 1% fail the check (history rule + confirmation by rerun, the action's
//   default), over at least 100 comparisons;
//   +20% CPU/request: caught (the check fails with CPU/request regressed) in ≥ 90% (over ≥ 20, the
//   bench's default --power, before the tally calls it met).
// Each rate has its one-sided 95% Clopper–Pearson bound beside it: 0 of 100 still allows up to 3%.
// Machine states are kept apart: quiet, next to the noisy neighbour, and either with other jobs
// sharing the machine (load average at the start of the pull request's run ≥ 4, or ≥ 5 with the
// neighbour: bench/ledger.ts). The old single-baseline rule and the history rule alone are shown
// beside, as the bench prints them.
//
//   node --import tsx bench/history-aa-ledger.ts bench/results/history-aa-ledger.jsonl [--since 2026-12-05]
import { parseArgs } from 'node:util';
import { median } from '../src/compare/stats.js';
import type { HistoryAaLine } from './history-aa.js';
import { busySuffix, groupBy, ledgerHeading, markdownTable, rate, readLedger, upperBound } from './ledger.js';

const { values: args, positionals } = parseArgs({ options: { since: { type: 'string' } }, allowPositionals: true });
if (positionals.length !== 1) {
  console.error('usage: node --import tsx bench/history-aa-ledger.ts <ledger.jsonl> [--since YYYY-MM-DD]');
  process.exit(2);
}
const lines = readLedger<HistoryAaLine>(positionals[0], args.since);

const MIN_AA = 100;
const AA_TARGET = 0.01;
const POWER_EFFECT = 0.2;
const POWER_TARGET = 0.9;
/** The bench's default --power: fewer say the path works, not what the rate is. */
const MIN_POWER = 20;

const kindOf = (l: HistoryAaLine) => (l.kind === 'aa' ? 'unchanged' : `+${Math.round(l.effect * 100)}% CPU/req`);
const machineOf = (l: HistoryAaLine) => `${l.machine}${busySuffix(l, l.machine === 'neighbour')}`;
/** Caught: the check fails with CPU/request regressed in some scenario (not another metric's noise). */
const caught = (l: HistoryAaLine) => l.rules.confirmed.failed && l.cpu.regressedConfirmed > 0;
const pctOf = (x: number) => `${(100 * x).toFixed(1)}%`;

function row(kind: string, machine: string, ls: HistoryAaLine[]): (string | number)[] {
  const n = ls.length;
  const count = (f: (l: HistoryAaLine) => boolean) => rate(ls.filter(f).length, n);
  const secs = ls.map((l) => l.seconds);
  const load = ls.map((l) => l.loadAverage[0]);
  const sum = (f: (l: HistoryAaLine) => number) => ls.reduce((s, l) => s + f(l), 0);
  const conf = (which: 'flagged' | 'suspects') =>
    `${sum((l) => l.confirmation?.[which].confirmed ?? 0)} / ${sum((l) => l.confirmation?.[which].confirmed ?? 0) + sum((l) => l.confirmation?.[which].notConfirmed ?? 0)}`;
  const changes = ls.flatMap((l) => l.cpu.change);
  return [
    kind,
    machine,
    n,
    count((l) => l.rules.old.failed),
    count((l) => l.rules.history.failed),
    count((l) => l.rules.confirmed.failed),
    ls[0].kind === 'aa' ? '' : count(caught),
    count((l) => l.confirmation?.ran === true),
    conf('flagged'),
    conf('suspects'),
    changes.length ? pctOf(median(changes)) : '–',
    `${median(secs).toFixed(0)} / ${Math.max(...secs).toFixed(0)}`,
    `${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`,
  ];
}

const rows: (string | number)[][] = [];
// Unchanged pull requests first, then each effect.
for (const [kind, ofKind] of groupBy(lines, kindOf).sort(([a], [b]) => Number(a !== 'unchanged') - Number(b !== 'unchanged'))) {
  for (const [machine, ls] of groupBy(ofKind, machineOf)) rows.push(row(kind, machine, ls));
  if (new Set(ofKind.map(machineOf)).size > 1) rows.push(row(kind, '**all**', ofKind));
}

const aa = lines.filter((l) => l.kind === 'aa');
const aaFailed = aa.filter((l) => l.rules.confirmed.failed).length;
const power = lines.filter((l) => l.kind === 'power' && Math.abs(l.effect - POWER_EFFECT) < 1e-9);
const powerCaught = power.filter(caught).length;
const aaStatus =
  aa.length < MIN_AA
    ? `not yet: ${aa.length} of the ${MIN_AA} comparisons`
    : aaFailed / aa.length <= AA_TARGET
      ? 'met'
      : '**not met**';
const powerStatus =
  power.length < MIN_POWER
    ? `not yet: ${power.length} of the ${MIN_POWER} comparisons`
    : powerCaught / power.length >= POWER_TARGET
      ? 'met'
      : '**not met**';

const histories = groupBy(lines, (l) => `${l.history.id} (${l.history.runs} runs, ${l.history.neighbour}, ${l.history.dir})`).map(([h, ls]) => `${h}: ${ls.length}`);
const failures = aa.filter((l) => l.rules.confirmed.failed).map((l) => `- ${l.label} (${machineOf(l)}, ${l.when}): ${l.rules.confirmed.reasons.join('; ')}`);

process.stdout.write(
  [
    ledgerHeading(lines, 'pull requests'),
    `Histories used: ${histories.join(', ') || '–'}`,
    '',
    markdownTable(
      [
        'change',
        'machine',
        'pull requests',
        'fail: old rule (one baseline)',
        'fail: history rule',
        'fail: history + confirmation (the check)',
        'caught: CPU/req regressed after confirmation',
        're-measured by a paired rerun',
        'flagged metrics: confirmed / all',
        'suspect metrics: confirmed / all',
        'median CPU/req change across runs',
        'seconds median / max',
        'load average at start',
      ],
      'llrrrrrrrrrrr',
      rows,
    ),
    '',
    markdownTable(
      ['target (issue 16)', 'measured', '95% bound', 'status'],
      'llll',
      [
        [
          `unchanged pull requests failing ≤ ${pctOf(AA_TARGET)}, over ≥ ${MIN_AA}`,
          rate(aaFailed, aa.length),
          aa.length ? `≤ ${pctOf(upperBound(aaFailed, aa.length))}` : '–',
          aaStatus,
        ],
        [
          `+${POWER_EFFECT * 100}% CPU/request caught ≥ ${pctOf(POWER_TARGET)}`,
          rate(powerCaught, power.length),
          power.length ? `≥ ${pctOf(1 - upperBound(power.length - powerCaught, power.length))}` : '–',
          powerStatus,
        ],
      ],
    ),
    ...(failures.length ? ['', 'Unchanged pull requests that failed the check:', ...failures] : []),
    '',
  ].join('\n'),
);
