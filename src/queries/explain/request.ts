// What the EXPLAIN runners (postgres.ts, mysql.ts) are asked, and how a connection URL is kept out
// of anything they report. Pure.

export interface ExplainRequest {
  fingerprint: string;
  /** The exact text of one call as sent (not the normalized form: that would not parse). */
  sql: string;
  /** That call's parameters, when the wire showed them. */
  params?: (string | null)[];
  reason: 'new' | 'slower';
}

export interface ExplainSettings {
  url: string;
  analyze: boolean;
  seqScanRows: number;
}

/**
 * `message` with the URL, its password and its user:password pair removed. Drivers sometimes echo
 * the connection string or parts of it in errors; none of it may reach a log or a PR comment.
 */
export function redactUrl(message: string, url: string): string {
  let out = message.split(url).join('<explain url>');
  try {
    const u = new URL(url);
    const secrets = [u.password, decodeURIComponent(u.password)].filter((s) => s.length >= 3);
    for (const s of secrets) out = out.split(s).join('***');
  } catch {
    // Not a URL: nothing more to take out than the whole string.
  }
  return out;
}

/** "postgres://host:5432/db" without user and password, for progress lines. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(explain url)';
  }
}
