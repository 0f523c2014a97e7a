// How a scenario's measuring ended, in words: the same sentence in progress output and the report.
import { FUTILITY_CONFIDENCE, formatConfidence } from '../compare/verdict.js';
import type { StopInfo } from '../results/types.js';

/**
 * "conclusive after 40 rounds from 4 process pairs (4 looks)", "time budget reached after 20 rounds: p99 still
 * inconclusive", "regression found after 80 rounds (8 looks): CPU/req, p50 regressed; p99 not
 * measured further".
 */
export function describeStop(stop: StopInfo): string {
  const pairs = stop.processPairs !== undefined && stop.processPairs > 1 ? ` from ${stop.processPairs} process pairs` : '';
  const turns = stop.turns !== undefined && stop.turns > 1 ? ` of ${stop.turns} turns` : '';
  const rounds = `${stop.rounds} ${stop.schedule ? `${stop.schedule} ` : ''}round${stop.rounds === 1 ? '' : 's'}${turns}${pairs}`;
  const looks = stop.looks > 1 ? ` (${stop.looks} looks)` : '';
  const found = stop.regressed?.length ? `${stop.regressed.join(', ')} regressed` : '';
  const pending = stop.pending?.length ? stop.pending.join(', ') : '';
  const ruledOut = stop.ruledOut?.length ? `${stop.ruledOut.join(', ')} with a regression of the threshold ruled out by a ${formatConfidence(FUTILITY_CONFIDENCE)} interval` : '';
  const still = [found, pending && `${pending} still inconclusive`, ruledOut].filter(Boolean).join('; ');
  switch (stop.reason) {
    case 'fixed':
      return `measured ${rounds} (fixed)`;
    case 'conclusive':
      return `conclusive after ${rounds}${looks}`;
    case 'ruled-out':
      return `stopped after ${rounds}${looks}: ${ruledOut}`;
    case 'regressed':
      return `regression found after ${rounds}${looks}: ${[found, pending && `${pending} not measured further`].filter(Boolean).join('; ')}`;
    case 'max-rounds':
      return `maxRounds reached after ${rounds}${still ? `: ${still}` : ''}`;
    case 'time-budget':
      return `time budget reached after ${rounds}${still ? `: ${still}` : ''}`;
  }
}
