// The mysql2 connection pool. DATABASE_URL (mysql://user:pass@host:port/db) wins; otherwise
// PERFGATE_DB_HOST/PERFGATE_DB_PORT (perfgate's query-counting proxy) with MYSQL_USER/MYSQL_PASSWORD/
// MYSQL_DATABASE.
import mysql from 'mysql2/promise';

export function connectionConfig(env = process.env) {
  if (env.DATABASE_URL) return { uri: env.DATABASE_URL };
  return {
    host: env.PERFGATE_DB_HOST || env.MYSQL_HOST || '127.0.0.1',
    port: Number(env.PERFGATE_DB_PORT || env.MYSQL_PORT || 3306),
    user: env.MYSQL_USER || 'root',
    password: env.MYSQL_PASSWORD || '',
    database: env.MYSQL_DATABASE || 'bookshop',
  };
}

export function createPool(env = process.env) {
  return mysql.createPool({ ...connectionConfig(env), connectionLimit: Number(env.BOOKSHOP_POOL_MAX || 8), multipleStatements: false });
}
