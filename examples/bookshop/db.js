// The connection pool, and a per-request handle that counts the statements it sends so the service can
// report them itself (X-Query-Count) — the same numbers perfgate's proxy sees on the wire.
import pg from 'pg';

/**
 * DATABASE_URL wins. Otherwise PERFGATE_DB_HOST/PERFGATE_DB_PORT (perfgate's query-counting proxy) with
 * the usual PGUSER/PGPASSWORD/PGDATABASE; otherwise pg's own PG* defaults.
 */
export function connectionConfig(env = process.env) {
  if (env.DATABASE_URL) return { connectionString: env.DATABASE_URL };
  const config = {};
  if (env.PERFGATE_DB_HOST) config.host = env.PERFGATE_DB_HOST;
  if (env.PERFGATE_DB_PORT) config.port = Number(env.PERFGATE_DB_PORT);
  if (env.PGUSER) config.user = env.PGUSER;
  if (env.PGPASSWORD) config.password = env.PGPASSWORD;
  if (env.PGDATABASE) config.database = env.PGDATABASE;
  return config;
}

export function createPool(env = process.env) {
  const pool = new pg.Pool({ ...connectionConfig(env), max: Number(env.BOOKSHOP_POOL_MAX || 8) });
  // An idle client losing its connection (database restart) must not crash the service.
  pool.on('error', (err) => console.error(`bookshop: idle database connection failed: ${err.message}`));
  return pool;
}

/** One request's view of the database. */
export class RequestDb {
  constructor(pool) {
    this.pool = pool;
    this.statements = 0;
    this.durationMs = 0;
  }

  async query(text, params) {
    this.statements++;
    const t0 = performance.now();
    try {
      return await this.pool.query(text, params);
    } finally {
      this.durationMs += performance.now() - t0;
    }
  }

  /** Runs fn on one connection between BEGIN and COMMIT (ROLLBACK if it throws). */
  async transaction(fn) {
    const client = await this.pool.connect();
    const tx = {
      query: async (text, params) => {
        this.statements++;
        const t0 = performance.now();
        try {
          return await client.query(text, params);
        } finally {
          this.durationMs += performance.now() - t0;
        }
      },
    };
    let broken = false;
    try {
      await tx.query('BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (err) {
      await tx.query('ROLLBACK').catch((rollbackErr) => {
        broken = rollbackErr;
      });
      throw err;
    } finally {
      client.release(broken || undefined);
    }
  }
}
