// One side (head or base) booted for one pass. With a database, the count pass reaches it through
// perfgate's query proxy and the timing pass reaches it directly: perfgate's exports
// (PERFGATE_DB_HOST/PORT) are what differs, so a service configured from them needs no change.
import path from 'node:path';
import { expandServiceConfig } from '../config/expand.js';
import type { DatabaseConfig, ServiceConfig } from '../config/types.js';
import { EnvironmentError, PerfgateError } from '../errors.js';
import { startQueryProxy, type QueryProxy } from '../queries/proxy.js';
import type { PassRecord } from '../results/types.js';
import { runBuild, startService, type RunningService } from '../service/index.js';

export type Side = 'head' | 'base';
export type PassKind = PassRecord['pass'];

/** A side's fixed facts across its passes: the same port, so baseUrl and ready.url stay put. */
export interface SideSpec {
  side: Side;
  service: ServiceConfig;
  port: number;
}

export interface BootedSide {
  side: Side;
  pass: PassKind;
  service: RunningService;
  proxy?: QueryProxy;
  dialect?: DatabaseConfig['protocol'];
  baseUrl: string;
  /** How long the service took from spawn to ready. */
  bootMs: number;
  /** Stops the service, then the proxy. Idempotent. */
  stop(): Promise<void>;
}

export interface BootOptions {
  spec: SideSpec;
  pass: PassKind;
  database?: DatabaseConfig;
  /** Whether this boot reaches the database through the proxy (false: directly). */
  proxied: boolean;
  /** Run service.build first (once per side: before its first boot). */
  build: boolean;
  env: Record<string, string>;
  logDir: string;
  progress: (line: string) => void;
  /** Registered teardown, run on success and failure alike. */
  cleanups: (() => Promise<void>)[];
  record: (pass: PassRecord) => void;
  /** As StartOptions.onSpawned. */
  onSpawned?: () => void;
  /** As StartOptions.announce: false for a restart between blocks of rounds, which has a line of its own. */
  announce?: boolean;
}

const PASS_NAMES: Record<PassKind, string> = {
  count: 'count pass (queries through the proxy)',
  timing: 'timing pass (no proxy)',
  both: 'count and timing',
};

export async function bootSide(opts: BootOptions): Promise<BootedSide> {
  const { spec, database, progress } = opts;
  const exports: Record<string, string> = { PERFGATE_SIDE: spec.side, PERFGATE_PORT: String(spec.port) };
  let proxy: QueryProxy | undefined;
  if (database && opts.proxied) {
    try {
      proxy = await startQueryProxy({
        protocol: database.protocol,
        upstream: database.upstream,
        // Statements are only needed during the query probes (which switch recording on).
        keepStatements: false,
      });
    } catch (error) {
      throw new EnvironmentError(`could not start the ${database.protocol} query proxy: ${(error as Error).message}`);
    }
    const started = proxy;
    opts.cleanups.push(() => started.close());
    exports.PERFGATE_DB_HOST = proxy.host;
    exports.PERFGATE_DB_PORT = String(proxy.port);
    if (opts.announce !== false) progress(`${spec.side}: ${database.protocol} query proxy on ${proxy.host}:${proxy.port} → ${database.upstream.host}:${database.upstream.port}`);
  } else if (database) {
    exports.PERFGATE_DB_HOST = database.upstream.host;
    exports.PERFGATE_DB_PORT = String(database.upstream.port);
  }
  const vars = { ...process.env, ...opts.env, ...exports } as Record<string, string>;
  const service = expandServiceConfig(spec.service, vars);
  const env = { ...opts.env, ...exports };
  const record: PassRecord = { side: spec.side, pass: opts.pass, bootMs: 0, proxied: proxy !== undefined };
  if (opts.build && service.build) {
    progress(`${spec.side}: building: ${service.build}`);
    const builtAt = Date.now();
    await runBuild({ command: service.build, cwd: service.cwd, env: { ...service.env, ...env }, logFile: path.join(opts.logDir, `${spec.side}-build.log`), progress });
    record.buildMs = Date.now() - builtAt;
  }
  if (opts.announce !== false) progress(`${spec.side}: ${PASS_NAMES[opts.pass]}: starting: ${service.start}`);
  const bootAt = Date.now();
  let running: RunningService;
  try {
    running = await startService({ name: spec.side, config: service, extraEnv: env, logFile: path.join(opts.logDir, opts.pass === 'both' ? `${spec.side}-service.log` : `${spec.side}-${opts.pass}-service.log`), progress, onSpawned: opts.onSpawned, announce: opts.announce });
  } catch (error) {
    // Name the pass: a service that boots through the proxy but not straight to the database (or
    // the other way round) is a different problem from one that never boots.
    if (error instanceof PerfgateError && opts.pass !== 'both') {
      throw new EnvironmentError(`${spec.side} service, ${PASS_NAMES[opts.pass]}: ${error.message}`, error.details);
    }
    throw error;
  }
  record.bootMs = Date.now() - bootAt;
  opts.record(record);
  opts.cleanups.push(() => running.stop());
  if (opts.announce !== false) progress(`${spec.side}: ready in ${(record.bootMs / 1000).toFixed(1)} s at ${service.baseUrl} (log: ${running.logFile})`);
  const stop = async () => {
    await running.stop();
    await proxy?.close();
  };
  return { side: spec.side, pass: opts.pass, service: running, proxy, dialect: database?.protocol, baseUrl: service.baseUrl, bootMs: record.bootMs, stop };
}
