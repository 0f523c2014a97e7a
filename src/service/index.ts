// The service lifecycle: build, start, readiness, resource metering and teardown.
export { runBuild, type BuildOptions } from './build.js';
export { startService, type RunningService, type StartOptions } from './start.js';
export type { ExitStatus } from './group.js';
export type { ResourceMeter } from './meter.js';
export { installSignalTeardown, stopAllChildren } from './registry.js';
export { parseProcStat, parseSchedstat, parseStatusRssBytes, parseStatmRssBytes, selectTree } from './proc.js';
export { TreeCpuLedger } from './cpu-ledger.js';
