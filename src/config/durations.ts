// The scalar forms perfgate.yml accepts beyond plain numbers and strings: durations, sizes,
// percentages, minimum rates and host:port. Each form has one regular expression, used both here and
// (via schema.ts) as the JSON Schema `pattern`, so the editor and the loader agree on what is valid.
// Pure: no I/O.

/** A value that does not have the expected form. The message reads "expected …, got …". */
export class ScalarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScalarError';
  }
}

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;

/** `250ms`, `1.5s`, `2m`, `0.5ms`, `800us` / `800µs`. One optional space before the unit. */
export const DURATION_SOURCE = String.raw`^${NUMBER} ?(us|µs|μs|ms|s|m)$`;
/** `200MB`, `1.5GiB`, `512 KiB`, `100B`; units are case-insensitive. KB/MB/GB are powers of 1000. */
export const SIZE_SOURCE = String.raw`^${NUMBER} ?([Bb]|[KkMmGgTt][Bb]|[KkMmGgTt][Ii][Bb])$`;
/** `5%`, `12.5%`. */
export const PERCENT_SOURCE = String.raw`^${NUMBER} ?%$`;
/** `>= 1500`, `>=1500`, `≥ 1500`. */
export const MIN_RATE_SOURCE = String.raw`^(?:>=|≥) ?${NUMBER}$`;
/** `127.0.0.1:5432`, `db:3306`, `[::1]:5432`. */
export const HOST_PORT_SOURCE = String.raw`^(\[[0-9A-Fa-f:.]+\]|[^\s:\[\]/]+):(\d{1,5})$`;

const DURATION = new RegExp(DURATION_SOURCE, 'u');
const SIZE = new RegExp(SIZE_SOURCE, 'u');
const PERCENT = new RegExp(PERCENT_SOURCE, 'u');
const MIN_RATE = new RegExp(MIN_RATE_SOURCE, 'u');
const HOST_PORT = new RegExp(HOST_PORT_SOURCE, 'u');

const US_PER_UNIT: Record<string, number> = { us: 1, 'µs': 1, 'μs': 1, ms: 1e3, s: 1e6, m: 60e6 };
const BYTES_PER_UNIT: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** How a number without a unit is read: as milliseconds (latency budgets) or not at all. */
export type BareDuration = 'ms' | 'reject';

/** Parses a duration to microseconds. A bare number is milliseconds only where `bare` is 'ms'. */
export function parseDurationUs(input: unknown, bare: BareDuration = 'reject'): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) {
    if (bare === 'ms') return exact(input * US_PER_UNIT.ms);
    throw new ScalarError(
      `expected a duration with a unit, like 10s or 500ms (a bare number is ambiguous here), got ${describeValue(input)}`,
    );
  }
  if (typeof input === 'string') {
    const m = DURATION.exec(input);
    if (m) return exact(Number(m[1]) * US_PER_UNIT[m[2]]);
  }
  const bareNote = bare === 'ms' ? '; a bare number means milliseconds' : '';
  throw new ScalarError(
    `expected a duration like 250ms, 1.5s or 2m (units: us, ms, s, m${bareNote}), got ${describeValue(input)}`,
  );
}

/** Parses a duration to milliseconds (may be fractional: `500us` → 0.5). */
export function parseDurationMs(input: unknown, bare: BareDuration = 'reject'): number {
  return exact(parseDurationUs(input, bare) / 1e3);
}

/** Parses a size to whole bytes. A bare number is bytes. KB/MB/GB are 1000-based, KiB/MiB/GiB 1024-based. */
export function parseSizeBytes(input: unknown): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return Math.round(input);
  if (typeof input === 'string') {
    const m = SIZE.exec(input);
    if (m) return Math.round(Number(m[1]) * BYTES_PER_UNIT[m[2].toLowerCase()]);
  }
  throw new ScalarError(
    `expected a size like 200MB or 1.5GiB (units: B, KB, MB, GB, KiB, MiB, GiB; a bare number means bytes), got ${describeValue(input)}`,
  );
}

/**
 * Parses a percentage to a fraction (`5%` → 0.05). The `%` sign is required: a bare number would be
 * ambiguous between "5 percent" and "a fraction of 5".
 */
export function parsePercent(input: unknown): number {
  if (typeof input === 'string') {
    const m = PERCENT.exec(input);
    if (m) return exact(Number(m[1]) / 100);
  }
  const hint = typeof input === 'number' ? ` (write "${input}%" — the % sign is required)` : '';
  throw new ScalarError(`expected a percentage like 5% or 12.5%${hint}, got ${describeValue(input)}`);
}

/** Parses a minimum requests-per-second budget: a number or `">= N"`. */
export function parseMinRate(input: unknown): number {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return input;
  if (typeof input === 'string') {
    const m = MIN_RATE.exec(input);
    if (m) return Number(m[1]);
  }
  throw new ScalarError(`expected a minimum rate like ">= 1500" or 1500 (requests per second), got ${describeValue(input)}`);
}

/** Parses `host:port` (IPv6 hosts in brackets). */
export function parseHostPort(input: unknown): { host: string; port: number } {
  if (typeof input === 'string') {
    const m = HOST_PORT.exec(input);
    if (m) {
      const port = Number(m[2]);
      if (port >= 1 && port <= 65535) return { host: m[1].replace(/^\[|\]$/g, ''), port };
      throw new ScalarError(`expected a port between 1 and 65535, got ${port}`);
    }
  }
  throw new ScalarError(`expected host:port like 127.0.0.1:5432 or [::1]:5432, got ${describeValue(input)}`);
}

/** How a value appears in an error message: strings quoted, containers named. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

// Removes binary floating-point noise from unit scaling (0.1 * 1e6, 1.1 / 100) without rounding
// away real precision.
function exact(n: number): number {
  return Number(n.toPrecision(15));
}
