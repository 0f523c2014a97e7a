// The Django stack of examples/django-bookshop, from Debian's packages: python3-django,
// python3-djangorestframework, gunicorn, python3-psycopg2, all for Debian's /usr/bin/python3 (a
// python3 earlier on PATH, e.g. pyenv's, does not have them).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const DJANGO_EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/django-bookshop');

/** Throws, saying what to install, when Debian's Python lacks a package the example needs. */
export function assertDjangoStack(): void {
  const check = spawnSync(PYTHON, ['-c', 'import django, rest_framework, psycopg2, gunicorn'], { encoding: 'utf8' });
  if (check.error || check.status !== 0) {
    throw new Error(
      `${PYTHON} cannot import the Django stack (${check.error?.message ?? check.stderr.trim()}): ` +
        'apt-get install python3-django python3-djangorestframework gunicorn python3-psycopg2',
    );
  }
}

/** Django's own count (CaptureQueriesContext) of the statements each path runs, against `db` directly. */
export function djangoQueryCounts(
  db: { host: string; port: number; user: string; password: string; database: string },
  paths: string[],
): Record<string, number> {
  const res = spawnSync(PYTHON, ['manage.py', 'count_queries', ...paths], {
    cwd: DJANGO_EXAMPLE,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      DB_HOST: db.host,
      DB_PORT: String(db.port),
      DB_USER: db.user,
      DB_PASSWORD: db.password,
      DB_NAME: db.database,
    },
  });
  if (res.status !== 0) throw new Error(`manage.py count_queries failed (${res.status}): ${res.stderr || res.error?.message}`);
  return JSON.parse(res.stdout) as Record<string, number>;
}
