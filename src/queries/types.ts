// Contracts between the protocol-specific wire taps (postgres/, mysql/) and the protocol-agnostic
// proxy, attribution and N+1 logic. A tap is pure: bytes in, decisions and statements out, no sockets.

/** One statement the database server executed, as seen on the wire. */
export interface ExecutedStatement {
  /** SQL text (for prepared statements: the text it was prepared from). */
  sql: string;
  /** Bound parameter values as text when visible on the wire (extended protocol / COM_STMT_EXECUTE). */
  params?: (string | null)[];
  /** 'ok' = completed (CommandComplete / OK / result set end); 'failed' = the server answered with an error. */
  outcome: 'ok' | 'failed';
  /** Proxy-assigned id of the client connection it ran on. */
  connectionId: number;
  /** process.hrtime.bigint() when the server's completion was seen. */
  completedAt: bigint;
  /**
   * When the server could start it, on the same clock: the later of the moment the message that
   * starts it was seen (Query; the first of Parse/Bind/Execute; COM_QUERY / COM_STMT_EXECUTE) and the
   * completion of the reply before it on the same connection. A server runs one connection's
   * statements one at a time, so a pipelined statement's time does not include its wait behind the
   * earlier ones (docs/queries.md). Absent when the tap did not see what started it.
   */
  startedAt?: bigint;
}

/** Time the database spent on a statement as seen on the wire, in µs (undefined when unknown). */
export function statementDurationUs(s: ExecutedStatement): number | undefined {
  if (s.startedAt === undefined || s.completedAt < s.startedAt) return undefined;
  return Number(s.completedAt - s.startedAt) / 1000;
}

/** The taps' clock: process.hrtime.bigint(), or a stand-in in tests. */
export type Clock = () => bigint;

/** What to do with a chunk of bytes seen by the proxy. Omitted fields mean "nothing". */
export interface TapDecision {
  /** Bytes to send on to the other side (normally the chunk itself, unchanged). */
  forward?: Buffer;
  /** Bytes to answer the sender with directly (e.g. 'N' to a Postgres SSLRequest). */
  reply?: Buffer;
  /** Close both sides after writing (e.g. a client that insists on TLS). */
  close?: { reason: string };
}

/**
 * Per-connection protocol state. Must never throw: unknown bytes are forwarded unchanged.
 * A chunk is valid only during the call: the proxy reads the next bytes into the same memory
 * (src/queries/relay.ts), so whatever a tap keeps past its return it copies. Returning the chunk (or
 * a view of it) as `forward` is fine: it is written before the next read.
 */
export interface WireTap {
  fromClient(chunk: Buffer): TapDecision;
  fromServer(chunk: Buffer): TapDecision;
}

export type StatementListener = (statement: ExecutedStatement) => void;

export type WireTapFactory = (connectionId: number, onStatement: StatementListener, now?: Clock) => WireTap;
