// The load stage: probe a scenario's request, warm up, run measured rounds, aggregate them.
export { probeRequest, type ProbeOptions, type ProbeResult } from './probe.js';
export { runLoad, runWarmup, type LoadOptions, type ResourceMeter } from './runner.js';
export { aggregateRounds, clientCpuShare, loadWarnings, CLIENT_SATURATION_SHARE } from './aggregate.js';
export {
  createLatencyHistogram,
  histogramOf,
  mergeHistograms,
  percentilesOf,
  type LatencyHistogram,
} from './histogram.js';
export { ScenarioError, type ProbeFailure } from './errors.js';
export { requestUrl, describeRequest } from './request.js';
