// The load stage: probe a scenario's request, warm up, run measured rounds, aggregate them.
import type { RoundResult } from '../results/types.js';
import type { ConnectionPlan } from './connection.js';
import { runReconnectingLoad } from './reconnecting.js';
import { runLoad as runKeepAliveLoad, type LoadOptions } from './runner.js';

export { probeRequest, type ProbeOptions, type ProbeResult } from './probe.js';
export { loadAutocannon, type LoadOptions, type ResourceMeter } from './runner.js';
export { aggregateRounds, clientCpuShare, loadWarnings, mergeTurns, CLIENT_SATURATION_SHARE } from './aggregate.js';
export {
  createLatencyHistogram,
  histogramOf,
  mergeHistograms,
  percentilesOf,
  type LatencyHistogram,
} from './histogram.js';
export { ScenarioError, type ProbeFailure } from './errors.js';
export { requestUrl, describeRequest } from './request.js';
export { describeConnections, planConnections, type ConnectionMode, type ConnectionPlan, type ConnectionSetting } from './connection.js';

/** A round's options: the connection plan comes from the scenario's probe (ProbeResult.plan). */
export type RoundOptions = LoadOptions & Partial<ConnectionPlan>;

/**
 * One measured round: autocannon over keep-alive connections (runner.ts), or, when the server closes
 * connections, the reconnecting client (reconnecting.ts), with the same contract and semantics.
 */
export function runLoad(opts: RoundOptions): Promise<RoundResult> {
  return opts.connectionMode === 'close' ? runReconnectingLoad(opts) : runKeepAliveLoad(opts);
}

/**
 * Warm-up as its own short run, so nothing of it reaches the measured numbers. Returns the round
 * anyway: errors during warm-up are worth a warning.
 */
export function runWarmup(opts: Omit<RoundOptions, 'meter'>): Promise<RoundResult> {
  return runLoad({ ...opts, meter: undefined });
}
