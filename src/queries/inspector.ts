// `perfgate proxy` core: the query proxy as a live inspector. Prints one line per statement and
// keeps only per-fingerprint counts, so it can run for hours without growing.

import { fingerprintSql } from './fingerprint.js';
import { startQueryProxy, type ProxyProtocol } from './proxy.js';
import type { ExecutedStatement } from './types.js';

export interface InspectorSummary {
  statements: number;
  byFingerprint: { fingerprint: string; sql: string; count: number }[];
}

export interface Inspector {
  host: string;
  port: number;
  stop(): Promise<InspectorSummary>;
}

/** Longest SQL shown on a live line; the summary keeps the full normalized text. */
const MAX_LINE_SQL = 200;

export function formatStatementLine(s: ExecutedStatement, normalized: string): string {
  const sql = normalized.length > MAX_LINE_SQL ? `${normalized.slice(0, MAX_LINE_SQL)}…` : normalized;
  return `[conn ${s.connectionId}] ${s.outcome === 'ok' ? 'ok    ' : 'FAILED'} ${sql || '(no SQL text seen)'}`;
}

export async function runInspector(opts: {
  upstream: { host: string; port: number };
  listenPort: number;
  protocol: ProxyProtocol;
  out: (line: string) => void;
}): Promise<Inspector> {
  const byFingerprint = new Map<string, { fingerprint: string; sql: string; count: number }>();
  let total = 0;
  const proxy = await startQueryProxy({
    protocol: opts.protocol,
    upstream: opts.upstream,
    listenPort: opts.listenPort,
    keepStatements: false,
    onStatement: (s) => {
      total++;
      const fp = fingerprintSql(s.sql, opts.protocol);
      const entry = byFingerprint.get(fp.fingerprint);
      if (entry) entry.count++;
      else byFingerprint.set(fp.fingerprint, { fingerprint: fp.fingerprint, sql: fp.normalized, count: 1 });
      opts.out(formatStatementLine(s, fp.normalized));
    },
  });
  return {
    host: proxy.host,
    port: proxy.port,
    stop: async () => {
      await proxy.close();
      const list = [...byFingerprint.values()].sort((a, b) => b.count - a.count || a.sql.localeCompare(b.sql));
      return { statements: total, byFingerprint: list };
    },
  };
}
