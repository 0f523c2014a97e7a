// Attribution of executed statements to probe requests. Probes are sequential, so every statement
// that completes inside a request's window belongs to it, whichever pooled connection ran it.
// Pure: statements and windows in, groups out.

import type { ExecutedStatement } from './types.js';

/** One probe request: from the first byte sent to the response's end plus a settle time. */
export interface ProbeWindow {
  sentAt: bigint;
  /** End of the window (response completed + settle), inclusive. */
  endAt: bigint;
}

export interface Attribution {
  /** Statements per window, in the windows' order. */
  perWindow: ExecutedStatement[][];
  /** Statements completed between the first window's start and the last window's end, but in none. */
  background: ExecutedStatement[];
}

/** `until`: when probing ended (after the last window's quiet gap); later statements are ignored. */
export function attributeStatements(statements: readonly ExecutedStatement[], windows: readonly ProbeWindow[], until?: bigint): Attribution {
  const perWindow: ExecutedStatement[][] = windows.map(() => []);
  const background: ExecutedStatement[] = [];
  if (windows.length === 0) return { perWindow, background };
  const order = windows.map((w, i) => ({ w, i })).sort((a, b) => (a.w.sentAt < b.w.sentAt ? -1 : a.w.sentAt > b.w.sentAt ? 1 : 0));
  const first = order[0]!.w.sentAt;
  const lastEnd = order.reduce((m, o) => (o.w.endAt > m ? o.w.endAt : m), order[0]!.w.endAt);
  const last = until !== undefined && until > lastEnd ? until : lastEnd;
  for (const s of statements) {
    const t = s.completedAt;
    // Before probing started (warm-ups) or after it ended: not part of this measurement.
    if (t < first || t > last) continue;
    const hit = order.find((o) => t >= o.w.sentAt && t <= o.w.endAt);
    if (hit) perWindow[hit.i]!.push(s);
    else background.push(s);
  }
  return { perWindow, background };
}
