// Per-connection Postgres wire tap: follows both directions with two framers and counts what the
// server executed — one statement per CommandComplete/EmptyQueryResponse/failed statement — using
// a queue of what the client asked for, answered in order by the server.
// Pure: bytes in, decisions out. Bytes are always forwarded unchanged and at once; the only bytes
// not forwarded are SSLRequest/GSSENCRequest, which the tap answers itself with 'N' (the proxy
// does not terminate TLS, so the client continues in plaintext).
// Timing: each chunk is stamped once on arrival (one clock read per chunk, not per message). A
// statement starts at the chunk holding its Query, or the first Parse/Bind/Execute of its batch, but
// never before the previous reply on the connection completed; it completes at the chunk holding its
// CommandComplete/EmptyQueryResponse/ErrorResponse.

import type { Clock, ExecutedStatement, StatementListener, TapDecision, WireTap, WireTapFactory } from '../types.js';
import { splitStatements } from '../sql-tokenizer.js';
import {
  B,
  F,
  MessageFramer,
  decodeBind,
  decodeExecute,
  decodeParse,
  decodeQuery,
  decodeTarget,
  readStartupMessage,
  type Frame,
} from './framer.js';

const NO_ENCRYPTION = Buffer.from('N');
/** Far beyond any real pipeline depth (pgbench/postgres.js pipelines are tens to hundreds deep). */
const MAX_PENDING = 100_000;

type Pending =
  /** A simple query: its statements in order, the index of the next to complete. */
  | { kind: 'query'; statements: string[]; sql: string; next: number; failed: boolean; sentAt: bigint }
  | { kind: 'parse'; sql: string; sentAt: bigint }
  | { kind: 'execute'; sql: string; params: (string | null)[] | undefined; portal: Portal | undefined; sentAt: bigint }
  | { kind: 'sync' };

interface Portal {
  sql: string;
  params: (string | null)[];
  /** Counted already: a row-limited Execute (cursor) counts at its first batch, once. */
  counted: boolean;
}

const FRONTEND_BODIES = new Set<number>([F.Query, F.Parse, F.Bind, F.Execute, F.Close]);
// Counting needs only the backend's message types, never their bodies.
const BACKEND_BODIES = new Set<number>();

export class PostgresTap implements WireTap {
  private readonly client = new MessageFramer({ keepBodies: FRONTEND_BODIES });
  private readonly server = new MessageFramer({ keepBodies: BACKEND_BODIES });
  /** Startup phase: client bytes held until a whole untyped message is seen (a few bytes, once). */
  private startup: Buffer | undefined = Buffer.alloc(0);
  /** Stopped following the protocol (e.g. direct TLS): forward blindly, count nothing. */
  private blind = false;
  private readonly pending: Pending[] = [];
  private readonly statements = new Map<string, string>();
  private readonly portals = new Map<string, Portal>();
  private readonly onClientFrame = (f: Frame): void => this.clientMessage(f);
  private readonly onServerFrame = (f: Frame): void => this.serverMessage(f);
  /** Arrival time of the chunk being read. */
  private chunkAt = 0n;
  /** First Parse/Bind of the extended-protocol batch not yet closed by an Execute. */
  private batchSentAt: bigint | undefined;
  /** When the server last finished something on this connection (a statement, ReadyForQuery). */
  private lastDoneAt = 0n;

  constructor(
    private readonly connectionId: number,
    private readonly onStatement: StatementListener,
    private readonly now: Clock = process.hrtime.bigint,
  ) {}

  fromClient(chunk: Buffer): TapDecision {
    if (this.blind) return { forward: chunk };
    this.chunkAt = this.now();
    if (this.startup !== undefined) return this.startupBytes(chunk);
    try {
      this.client.push(chunk, this.onClientFrame);
      if (this.client.broken) this.blind = true;
    } catch {
      this.blind = true;
    }
    return { forward: chunk };
  }

  fromServer(chunk: Buffer): TapDecision {
    if (this.blind) return { forward: chunk };
    this.chunkAt = this.now();
    try {
      this.server.push(chunk, this.onServerFrame);
      if (this.server.broken) this.blind = true;
    } catch {
      this.blind = true;
    }
    return { forward: chunk };
  }

  private startupBytes(chunk: Buffer): TapDecision {
    let buf = this.startup!.length === 0 ? chunk : Buffer.concat([this.startup!, chunk]);
    const forward: Buffer[] = [];
    let reply: Buffer | undefined;
    for (;;) {
      const msg = readStartupMessage(buf);
      if (msg === 'need-more') {
        // Copied, always: buf may be (a view of) the chunk, whose memory the next read reuses
        // (WireTap). A few bytes, once per connection.
        this.startup = Buffer.from(buf);
        break;
      }
      if (msg === 'malformed') {
        this.blind = true;
        this.startup = undefined;
        forward.push(buf);
        break;
      }
      if (msg.kind === 'ssl' || msg.kind === 'gssenc') {
        reply = NO_ENCRYPTION;
        buf = buf.subarray(msg.length);
        continue;
      }
      // A CancelRequest or StartupMessage goes upstream untouched; whatever follows is typed traffic.
      this.startup = undefined;
      forward.push(buf);
      if (msg.kind === 'cancel') this.blind = true;
      else if (buf.length > msg.length) this.client.push(buf.subarray(msg.length), this.onClientFrame);
      break;
    }
    const decision: TapDecision = {};
    if (forward.length > 0) decision.forward = forward.length === 1 ? forward[0] : Buffer.concat(forward);
    if (reply) decision.reply = reply;
    return decision;
  }

  private clientMessage(f: Frame): void {
    if (this.blind) return;
    if (this.pending.length >= MAX_PENDING) {
      // Replies stopped matching requests (or never come): stop counting rather than grow forever.
      this.blind = true;
      this.pending.length = 0;
      return;
    }
    switch (f.type) {
      case F.Query: {
        const { sql } = decodeQuery(f.body!);
        const statements = splitStatements(sql, 'postgres');
        this.pending.push({ kind: 'query', statements, sql, next: 0, failed: false, sentAt: this.chunkAt });
        break;
      }
      case F.Parse: {
        const { name, sql } = decodeParse(f.body!);
        this.statements.set(name, sql);
        this.batchSentAt ??= this.chunkAt;
        this.pending.push({ kind: 'parse', sql, sentAt: this.batchSentAt });
        break;
      }
      case F.Bind: {
        const bind = decodeBind(f.body!);
        this.batchSentAt ??= this.chunkAt;
        this.portals.set(bind.portal, { sql: this.statements.get(bind.statement) ?? '', params: bind.params, counted: false });
        break;
      }
      case F.Execute: {
        const { portal } = decodeExecute(f.body!);
        const p = this.portals.get(portal);
        this.pending.push({ kind: 'execute', sql: p?.sql ?? '', params: p?.params, portal: p, sentAt: this.batchSentAt ?? this.chunkAt });
        this.batchSentAt = undefined;
        break;
      }
      case F.Sync:
        this.batchSentAt = undefined;
        this.pending.push({ kind: 'sync' });
        break;
      case F.Close: {
        const { target, name } = decodeTarget(f.body!);
        if (target === 'statement') this.statements.delete(name);
        else this.portals.delete(name);
        break;
      }
      default:
        break;
    }
  }

  private serverMessage(f: Frame): void {
    if (this.blind) return;
    switch (f.type) {
      case B.CommandComplete:
      case B.EmptyQueryResponse:
        this.completeHead('ok');
        break;
      case B.ErrorResponse:
        this.failHead();
        break;
      case B.ParseComplete:
        if (this.pending[0]?.kind === 'parse') this.pending.shift();
        break;
      case B.PortalSuspended: {
        // Execute with a row limit (a cursor): the statement runs once however many batches are
        // fetched, and a client may Close the portal without draining it, so count the first batch.
        const head = this.pending[0];
        if (head?.kind !== 'execute') break;
        this.pending.shift();
        if (head.portal === undefined || !head.portal.counted) this.emit(head.sql, head.params, 'ok', head.sentAt);
        if (head.portal !== undefined) head.portal.counted = true;
        this.lastDoneAt = this.chunkAt;
        break;
      }
      case B.ReadyForQuery:
        this.closeCycle();
        this.lastDoneAt = this.chunkAt;
        break;
      default:
        break;
    }
  }

  private completeHead(outcome: 'ok' | 'failed'): void {
    // A Parse that was answered only by its later Execute's reply means we missed its ParseComplete
    // (e.g. a Flush); Parses never complete a statement, so skip them.
    while (this.pending[0]?.kind === 'parse') this.pending.shift();
    const head = this.pending[0];
    if (head === undefined || head.kind === 'sync') {
      // Nothing we know of asked for this (e.g. bytes we could not decode): still, the server ran it.
      this.emit('', undefined, outcome, undefined);
      return;
    }
    if (head.kind === 'query') {
      this.emit(this.queryText(head), undefined, outcome, head.sentAt);
      head.next++;
      return;
    }
    if (head.kind === 'execute') {
      this.pending.shift();
      if (head.portal?.counted !== true) this.emit(head.sql, head.params, outcome, head.sentAt);
    }
  }

  private failHead(): void {
    const head = this.pending[0];
    if (head === undefined || head.kind === 'sync') return; // e.g. an authentication or Sync-time error
    if (head.kind === 'query') {
      // The rest of a multi-statement query is aborted; ReadyForQuery closes it.
      if (!head.failed) this.emit(this.queryText(head), undefined, 'failed', head.sentAt);
      head.failed = true;
      return;
    }
    // Extended protocol: the failing Parse/Bind/Execute counts once; the server skips to Sync.
    this.emit(head.sql, head.kind === 'execute' ? head.params : undefined, 'failed', head.sentAt);
    while (this.pending.length > 0 && this.pending[0]!.kind !== 'sync') this.pending.shift();
  }

  private closeCycle(): void {
    while (this.pending.length > 0) {
      const p = this.pending.shift()!;
      if (p.kind === 'sync' || p.kind === 'query') return;
    }
  }

  private queryText(q: Extract<Pending, { kind: 'query' }>): string {
    // More completions than pieces means our split disagreed with the server's; the whole text is the honest answer.
    return q.statements[q.next] ?? q.sql;
  }

  private emit(sql: string, params: (string | null)[] | undefined, outcome: 'ok' | 'failed', sentAt: bigint | undefined): void {
    const completedAt = this.chunkAt;
    const s: ExecutedStatement = { sql, outcome, connectionId: this.connectionId, completedAt };
    if (sentAt !== undefined) s.startedAt = sentAt > this.lastDoneAt ? sentAt : this.lastDoneAt;
    this.lastDoneAt = completedAt;
    if (params !== undefined) s.params = params;
    try {
      this.onStatement(s);
    } catch {
      // A listener's bug must not break the connection.
    }
  }
}

export const createPostgresTap: WireTapFactory = (connectionId, onStatement, now) => new PostgresTap(connectionId, onStatement, now);
