// How a scenario's measuring ended, in words: the same sentence in progress output and the report.
import type { StopInfo } from '../results/types.js';

/**
 * "conclusive after 40 rounds (2 looks)", "time budget reached after 20 rounds: p99 still
 * inconclusive", "regression found after 30 rounds (3 looks): CPU/req regressed; rps not measured further".
 */
export function describeStop(stop: StopInfo): string {
  const rounds = `${stop.rounds} ${stop.schedule ? `${stop.schedule} ` : ''}round${stop.rounds === 1 ? '' : 's'}`;
  const still = stop.pending?.length ? `: ${stop.pending.join(', ')} still inconclusive` : '';
  switch (stop.reason) {
    case 'fixed':
      return `measured ${rounds} (fixed)`;
    case 'conclusive':
      return `conclusive after ${rounds}${stop.looks > 1 ? ` (${stop.looks} looks)` : ''}`;
    case 'regressed': {
      const rest = stop.pending?.length ? `; ${stop.pending.join(', ')} not measured further` : '';
      return `regression found after ${rounds}${stop.looks > 1 ? ` (${stop.looks} looks)` : ''}: ${(stop.regressed ?? []).join(', ')} regressed${rest}`;
    }
    case 'max-rounds':
      return `maxRounds reached after ${rounds}${still}`;
    case 'time-budget':
      return `time budget reached after ${rounds}${still}`;
  }
}
