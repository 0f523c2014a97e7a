// `perfgate proxy` core: the query proxy as a live inspector. Prints one line per statement and
// keeps only per-fingerprint counts and a small time histogram each, so it can run for hours
// without growing (memory grows with distinct statement shapes, not with statements).

import * as hdr from 'hdr-histogram-js';
import { fingerprintSql } from './fingerprint.js';
import { startQueryProxy, type ProxyProtocol } from './proxy.js';
import { statementDurationUs, type ExecutedStatement } from './types.js';

/** Database time of one statement shape as seen on the wire (docs/queries.md), µs. */
export interface InspectorTime {
  totalUs: number;
  p50Us: number;
  p99Us: number;
}

export interface InspectorSummary {
  statements: number;
  byFingerprint: { fingerprint: string; sql: string; count: number; time?: InspectorTime }[];
}

interface Entry {
  fingerprint: string;
  sql: string;
  count: number;
  totalUs: number;
  /** Two significant digits (1%): a few KB per shape; enough for p50/p99 in a summary. */
  histogram: hdr.Histogram;
}

function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 2, autoResize: true, useWebAssembly: false });
}

function summarize(e: Entry): InspectorSummary['byFingerprint'][number] {
  const out: InspectorSummary['byFingerprint'][number] = { fingerprint: e.fingerprint, sql: e.sql, count: e.count };
  if (e.histogram.totalCount > 0) {
    const at = (p: number) => Math.min(e.histogram.getValueAtPercentile(p), e.histogram.maxValue);
    out.time = { totalUs: Math.round(e.totalUs), p50Us: at(50), p99Us: at(99) };
  }
  return out;
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
  const byFingerprint = new Map<string, Entry>();
  let total = 0;
  const proxy = await startQueryProxy({
    protocol: opts.protocol,
    upstream: opts.upstream,
    listenPort: opts.listenPort,
    keepStatements: false,
    onStatement: (s) => {
      total++;
      const fp = fingerprintSql(s.sql, opts.protocol);
      let entry = byFingerprint.get(fp.fingerprint);
      if (!entry) byFingerprint.set(fp.fingerprint, (entry = { fingerprint: fp.fingerprint, sql: fp.normalized, count: 0, totalUs: 0, histogram: newHistogram() }));
      entry.count++;
      const us = statementDurationUs(s);
      if (us !== undefined) {
        entry.totalUs += us;
        entry.histogram.recordValue(Math.max(1, Math.round(us)));
      }
      opts.out(formatStatementLine(s, fp.normalized));
    },
  });
  return {
    host: proxy.host,
    port: proxy.port,
    stop: async () => {
      await proxy.close();
      const list = [...byFingerprint.values()].sort((a, b) => b.count - a.count || a.sql.localeCompare(b.sql)).map(summarize);
      return { statements: total, byFingerprint: list };
    },
  };
}
