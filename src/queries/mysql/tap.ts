// Per-connection MySQL/MariaDB protocol state: sees both directions, reports each statement the server
// completed, and otherwise forwards bytes unchanged. Pure: no sockets, no timers.
//
// Counting follows the server's replies, in order, against a FIFO of the client's commands (clients
// such as the `mariadb` connector pipeline several commands before reading any reply). The only bytes
// ever changed are the capability flags in the server's first packet, so that neither TLS nor
// compression is negotiated and the stream stays readable.
//
// Timing: each chunk is stamped once on arrival. A statement starts at the chunk holding its
// COM_QUERY / COM_STMT_EXECUTE, but never before the previous reply on the connection completed (the
// server answers one command at a time); it completes at the chunk that ends its reply (OK, ERR, or
// the result set's final EOF/OK). The statements of a multi-statement COM_QUERY follow each other.

import type { Clock, ExecutedStatement, StatementListener, TapDecision, WireTap, WireTapFactory } from '../types.js';
import { splitStatements } from '../sql-tokenizer.js';
import { MysqlFramer, encodePacket, type MysqlPacket } from './framer.js';
import {
  Capability,
  Command,
  MariadbCapability,
  ServerStatus,
  eofStatusFlags,
  errCode,
  errPacketPayload,
  okStatusFlags,
  readLenenc,
} from './packets.js';
import { decodeParams } from './params.js';

/** Flags the client must not see: each would make the rest of the stream unreadable to us. */
const HIDDEN_CAPABILITIES =
  Capability.CLIENT_SSL |
  Capability.CLIENT_COMPRESS |
  Capability.CLIENT_ZSTD_COMPRESSION_ALGORITHM |
  Capability.CLIENT_QUERY_ATTRIBUTES |
  Capability.CLIENT_OPTIONAL_RESULTSET_METADATA;

/** MariaDB extensions that change reply framing (metadata skipping, progress packets, COM_MULTI). */
const HIDDEN_MARIADB_CAPABILITIES = MariadbCapability.CACHE_METADATA | MariadbCapability.PROGRESS | MariadbCapability.COM_MULTI;

const SERVER_CAPTURE_BYTES = 64;

/** ERR code MariaDB uses for progress reports (only sent when the client asked for them). */
const PROGRESS_ERR_CODE = 0xffff;

export const TLS_REFUSED_MESSAGE =
  "perfgate's query-counting proxy does not terminate TLS, and this client requires an encrypted connection. " +
  'Connect through the proxy without TLS: ssl-mode=DISABLED or PREFERRED (mysql/mariadb CLI: --ssl-mode=DISABLED or --skip-ssl; ' +
  'mysql2/mariadb npm: leave out the `ssl` option; JDBC: sslMode=DISABLED). The proxy listens on 127.0.0.1 only.';

interface PreparedStatement {
  sql: string;
  numParams: number;
  /** Parameter types from the last execute that sent them (clients send them once per statement). */
  types?: Buffer;
  /** COM_STMT_SEND_LONG_DATA was used: the execute packet does not carry every value. */
  longData: boolean;
}

/** Reads one statement's reply: OK, ERR, or a result set (column count, columns, [EOF], rows, EOF/OK). */
class ResultReader {
  private state: 'first' | 'columns' | 'columnsEof' | 'rows';
  private columnsLeft = 0;

  constructor(private readonly deprecateEof: boolean, startInRows = false) {
    this.state = startInRows ? 'rows' : 'first';
  }

  /** The reply so far is only a LOCAL INFILE request: the client is now sending the file. */
  get awaitingInfile(): boolean {
    return this.state === 'first' && this.infileRequested;
  }
  private infileRequested = false;

  /** Inside the rows: only end (0xFE) and error (0xFF) packets need their bytes read. */
  get inRows(): boolean {
    return this.state === 'rows';
  }

  /** Returns the result once the statement's reply is complete, else null. */
  next(p: MysqlPacket): { outcome: 'ok' | 'failed'; more: boolean } | null {
    const head = p.first;
    if (head === 0xff) {
      if (errCode(p.payload) === PROGRESS_ERR_CODE) return null;
      return this.done('failed', 0);
    }
    switch (this.state) {
      case 'first':
        if (head === 0x00 || head === 0xfe) return this.done('ok', okStatusFlags(p.payload));
        if (head === 0xfb) {
          // LOCAL INFILE request: the client streams the file, then the server answers OK/ERR.
          this.infileRequested = true;
          return null;
        }
        this.columnsLeft = readLenenc(p.payload, 0)?.value ?? 0;
        this.state = this.columnsLeft > 0 ? 'columns' : 'rows';
        return null;
      case 'columns':
        if (--this.columnsLeft === 0) this.state = this.deprecateEof ? 'rows' : 'columnsEof';
        return null;
      case 'columnsEof': {
        const status = eofStatusFlags(p.payload);
        // A read-only cursor (COM_STMT_EXECUTE with a cursor flag) sends no rows until COM_STMT_FETCH.
        if (status & ServerStatus.CURSOR_EXISTS) return this.done('ok', status);
        this.state = 'rows';
        return null;
      }
      case 'rows':
        // A row can start with 0xFE only as an 8-byte length prefix, i.e. in a packet of ≥ 16 MiB.
        if (head === 0xfe && p.length < (this.deprecateEof ? 0xffffff : 9)) {
          return this.done('ok', this.deprecateEof ? okStatusFlags(p.payload) : eofStatusFlags(p.payload));
        }
        return null;
    }
  }

  private done(outcome: 'ok' | 'failed', status: number): { outcome: 'ok' | 'failed'; more: boolean } {
    this.state = 'first';
    this.infileRequested = false;
    return { outcome, more: outcome === 'ok' && (status & ServerStatus.MORE_RESULTS_EXISTS) !== 0 };
  }
}

type Pending =
  | { kind: 'query'; sql: string; pieces: string[] | null; index: number; reader: ResultReader; sentAt: bigint }
  | { kind: 'execute'; payload: Buffer; reader: ResultReader; failed: boolean; sentAt: bigint }
  | { kind: 'prepare'; sql: string; remaining: number }
  | { kind: 'drain'; reader: ResultReader } // result sets that are not statements (FETCH, FIELD_LIST, PROCESS_INFO)
  | { kind: 'single' } // one reply packet of any kind
  | { kind: 'resetConnection' }
  | { kind: 'changeUser' }
  | { kind: 'noReply'; apply: () => void };

export class MysqlTap implements WireTap {
  private phase: 'handshake' | 'auth' | 'command' | 'opaque' = 'handshake';
  /**
   * Replies are read only up to their status flags (an OK packet's are within its first 21 bytes,
   * PREPARE_OK is 12): rows are never copied.
   */
  private readonly serverFramer = new MysqlFramer(SERVER_CAPTURE_BYTES);
  private readonly clientFramer = new MysqlFramer();
  /** Bytes of the server greeting / client handshake response held until complete (both small). */
  private serverHeld: Buffer | null = Buffer.alloc(0);
  private clientHeld: Buffer | null = Buffer.alloc(0);
  private serverCapabilities = 0;
  private capabilities = 0;
  /** Compression or another unreadable extension was negotiated anyway: relay blindly after auth. */
  private unreadableAfterAuth = false;
  /** Between a LOCAL INFILE request and the client's empty end-of-file packet. */
  private uploadingFile = false;
  private readonly pending: Pending[] = [];
  private readonly statements = new Map<number, PreparedStatement>();
  private lastPreparedId = -1;
  /** Arrival time of the chunk being read. */
  private chunkAt = 0n;
  /** When the server last completed a reply (or one statement of a multi-statement query). */
  private lastDoneAt = 0n;

  constructor(
    private readonly connectionId: number,
    private readonly onStatement: StatementListener,
    private readonly now: Clock = process.hrtime.bigint,
  ) {}

  /** Capabilities both sides agreed on (after the proxy's rewrite); 0 before the client answered. */
  get negotiatedCapabilities(): number {
    return this.capabilities;
  }

  /** Commands sent whose replies have not completed yet. */
  get pendingCommands(): number {
    return this.pending.length;
  }

  fromServer(chunk: Buffer): TapDecision {
    this.chunkAt = this.now();
    try {
      if (this.serverHeld !== null) return this.holdGreeting(chunk);
      if (this.phase !== 'opaque') this.onServerBytes(chunk);
    } catch {
      this.phase = 'opaque';
    }
    return { forward: chunk };
  }

  fromClient(chunk: Buffer): TapDecision {
    this.chunkAt = this.now();
    try {
      if (this.clientHeld !== null && this.serverHeld === null) return this.holdHandshakeResponse(chunk);
      if (this.phase !== 'opaque') this.onClientBytes(chunk);
    } catch {
      this.phase = 'opaque';
    }
    return { forward: chunk };
  }

  // ── handshake ────────────────────────────────────────────────────────────────────────────────

  private holdGreeting(chunk: Buffer): TapDecision {
    const held = Buffer.concat([this.serverHeld!, chunk]);
    // Not a MySQL greeting (wrong upstream, or a server that sends something else first): relay blindly
    // rather than wait for bytes that may never come.
    if (held.length >= 5 && (declaredLength(held) > MAX_HELD_PACKET || (held[4] !== 10 && held[4] !== 0xff))) return this.giveUpServer(held);
    const total = completePacketLength(held);
    if (total === null) {
      this.serverHeld = held;
      return {};
    }
    this.serverHeld = null;
    try {
      const greeting = Buffer.from(held.subarray(0, total));
      const rest = held.subarray(total);
      this.phase = this.rewriteGreeting(greeting.subarray(4)) ? 'auth' : 'opaque';
      if (rest.length > 0 && this.phase !== 'opaque') this.onServerBytes(rest);
      return { forward: rest.length > 0 ? Buffer.concat([greeting, rest]) : greeting };
    } catch {
      return this.giveUpServer(held);
    }
  }

  private giveUpServer(held: Buffer): TapDecision {
    this.serverHeld = null;
    this.clientHeld = null;
    this.phase = 'opaque';
    return { forward: held };
  }

  /** Clears HIDDEN_CAPABILITIES in place in the Initial Handshake v10 payload; false if it is not one. */
  private rewriteGreeting(payload: Buffer): boolean {
    if (payload.length < 1 || payload[0] !== 10) return false;
    const versionEnd = payload.indexOf(0, 1);
    if (versionEnd === -1) return false;
    const low = versionEnd + 1 + 4 + 8 + 1;
    if (low + 2 > payload.length) return false;
    payload.writeUInt16LE(payload.readUInt16LE(low) & ~HIDDEN_CAPABILITIES & 0xffff, low);
    let caps = payload.readUInt16LE(low);
    const high = low + 2 + 1 + 2;
    if (high + 2 <= payload.length) {
      payload.writeUInt16LE((payload.readUInt16LE(high) & ~(HIDDEN_CAPABILITIES >>> 16)) & 0xffff, high);
      caps |= payload.readUInt16LE(high) << 16;
    }
    // MariaDB puts its extended capabilities in the last 4 of the 10 reserved bytes when it does not
    // claim CLIENT_MYSQL.
    const mariadbExt = high + 2 + 1 + 6;
    if (!(caps & Capability.CLIENT_MYSQL) && mariadbExt + 4 <= payload.length) {
      payload.writeUInt32LE((payload.readUInt32LE(mariadbExt) & ~HIDDEN_MARIADB_CAPABILITIES) >>> 0, mariadbExt);
    }
    this.serverCapabilities = caps >>> 0;
    return true;
  }

  private holdHandshakeResponse(chunk: Buffer): TapDecision {
    const held = Buffer.concat([this.clientHeld!, chunk]);
    if (this.phase === 'opaque' || (held.length >= 4 && declaredLength(held) > MAX_HELD_PACKET)) {
      this.clientHeld = null;
      this.phase = 'opaque';
      return { forward: held };
    }
    const total = completePacketLength(held);
    if (total === null) {
      this.clientHeld = held;
      return {};
    }
    this.clientHeld = null;
    try {
      return this.onHandshakeResponse(held, total);
    } catch {
      this.phase = 'opaque';
      return { forward: held };
    }
  }

  private onHandshakeResponse(held: Buffer, total: number): TapDecision {
    const payload = held.subarray(4, total);
    const sequenceId = held[3];
    const clientCaps = payload.length >= 4 ? payload.readUInt32LE(0) : 0;
    if (clientCaps & Capability.CLIENT_SSL && payload.length <= 32) {
      this.phase = 'opaque';
      return {
        reply: encodePacket(errPacketPayload(2026, 'HY000', TLS_REFUSED_MESSAGE), sequenceId + 1),
        close: { reason: 'client requested TLS, which the query-counting proxy does not terminate' },
      };
    }
    this.capabilities = (clientCaps & this.serverCapabilities) >>> 0;
    const mariadbExt = !(clientCaps & Capability.CLIENT_MYSQL) && payload.length >= 32 ? payload.readUInt32LE(28) : 0;
    if (
      !(this.capabilities & Capability.CLIENT_PROTOCOL_41) ||
      // Clients may claim flags the server never offered (mysql2 always sets QUERY_ATTRIBUTES); only the
      // intersection takes effect.
      this.capabilities & HIDDEN_CAPABILITIES ||
      mariadbExt & HIDDEN_MARIADB_CAPABILITIES
    ) {
      this.unreadableAfterAuth = true;
    }
    const rest = held.subarray(total);
    if (rest.length > 0 && this.phase !== 'opaque') this.onClientBytes(rest);
    return { forward: held };
  }

  // ── packets ──────────────────────────────────────────────────────────────────────────────────

  private readonly onServerPacket = (packet: MysqlPacket): void => {
    if (this.phase === 'auth') this.onAuthReply(packet);
    else if (this.phase === 'command') {
      this.onReply(packet);
      const head = this.pending[0];
      const reader = head !== undefined && 'reader' in head ? head.reader : undefined;
      this.serverFramer.captureFromFirstByte = reader?.inRows ? 0xfe : 0;
      if (reader?.awaitingInfile) this.uploadingFile = true;
    }
  };

  private readonly onClientPacket = (packet: MysqlPacket): void => {
    if (this.uploadingFile) {
      // LOCAL INFILE data ends with an empty packet. Its sequence ids wrap past 255 to 0, so they
      // cannot tell file data from commands.
      if (packet.length === 0) this.uploadingFile = false;
      return;
    }
    // Sequence id 0 starts a command; anything else continues an exchange (auth data).
    if (this.phase === 'command' && packet.sequenceId === 0 && packet.length > 0) this.onCommand(packet);
  };

  private onServerBytes(chunk: Buffer): void {
    this.serverFramer.feed(chunk, this.onServerPacket);
  }

  private onClientBytes(chunk: Buffer): void {
    this.clientFramer.feed(chunk, this.onClientPacket);
  }

  /** Authentication: OK ends it, ERR ends the connection, anything else (auth switch, more data) continues. */
  private onAuthReply(packet: MysqlPacket): void {
    const head = packet.first;
    if (head === 0x00) this.phase = this.unreadableAfterAuth ? 'opaque' : 'command';
    else if (head === 0xff) this.phase = 'opaque';
  }

  private onCommand(packet: MysqlPacket): void {
    const payload = packet.payload;
    const deprecateEof = (this.capabilities & Capability.CLIENT_DEPRECATE_EOF) !== 0;
    switch (packet.first) {
      case Command.QUERY: {
        const sql = payload.toString('utf8', 1);
        this.pending.push({ kind: 'query', sql, pieces: null, index: 0, reader: new ResultReader(deprecateEof), sentAt: this.chunkAt });
        break;
      }
      case Command.STMT_EXECUTE:
      case Command.STMT_BULK_EXECUTE:
        // Copied: its parameters are decoded when the reply completes, after the chunk's memory is reused (WireTap).
        this.pending.push({ kind: 'execute', payload: Buffer.from(payload), reader: new ResultReader(deprecateEof), failed: false, sentAt: this.chunkAt });
        break;
      case Command.STMT_PREPARE:
        this.pending.push({ kind: 'prepare', sql: payload.toString('utf8', 1), remaining: -1 });
        break;
      case Command.STMT_FETCH:
        this.pending.push({ kind: 'drain', reader: new ResultReader(deprecateEof, true) });
        break;
      case Command.FIELD_LIST:
        this.pending.push({ kind: 'drain', reader: new ResultReader(deprecateEof, true) });
        break;
      case Command.PROCESS_INFO:
        this.pending.push({ kind: 'drain', reader: new ResultReader(deprecateEof) });
        break;
      case Command.STMT_CLOSE: {
        const id = payload.length >= 5 ? payload.readUInt32LE(1) : -1;
        this.pending.push({ kind: 'noReply', apply: () => this.statements.delete(id) });
        break;
      }
      case Command.STMT_SEND_LONG_DATA: {
        const id = payload.length >= 5 ? payload.readUInt32LE(1) : -1;
        this.pending.push({
          kind: 'noReply',
          apply: () => {
            const stmt = this.statements.get(id);
            if (stmt) stmt.longData = true;
          },
        });
        break;
      }
      case Command.QUIT:
        break;
      case Command.RESET_CONNECTION:
        this.pending.push({ kind: 'resetConnection' });
        break;
      case Command.CHANGE_USER:
        this.pending.push({ kind: 'changeUser' });
        break;
      case Command.BINLOG_DUMP:
      case Command.BINLOG_DUMP_GTID:
      case Command.REGISTER_SLAVE:
        // Replication streams are not statements; stop interpreting this connection.
        this.phase = 'opaque';
        return;
      default:
        // INIT_DB, PING, STMT_RESET, SET_OPTION, STATISTICS, ... answer with exactly one packet.
        this.pending.push({ kind: 'single' });
    }
    this.applyNoReplyHead();
  }

  private onReply(packet: MysqlPacket): void {
    const cmd = this.pending[0];
    if (cmd === undefined) return; // unsolicited (e.g. an ERR before the server closes an idle connection)
    if (this.replyCompletes(cmd, packet)) {
      this.lastDoneAt = this.chunkAt;
      this.pending.shift();
      this.applyNoReplyHead();
    }
  }

  /** Feeds one reply packet to the command at the head of the queue; true when its reply is complete. */
  private replyCompletes(cmd: Pending, packet: MysqlPacket): boolean {
    const head = packet.first;
    switch (cmd.kind) {
      case 'query': {
        const result = cmd.reader.next(packet);
        if (result === null) return false;
        this.emit(this.nthStatement(cmd, result.more), undefined, result.outcome, cmd.sentAt);
        return !result.more;
      }
      case 'execute': {
        const result = cmd.reader.next(packet);
        if (result === null) return false;
        if (result.outcome === 'failed') cmd.failed = true;
        if (result.more) return false; // a CALL's several results are still one execute
        this.emitExecute(cmd.payload, cmd.failed ? 'failed' : 'ok', cmd.sentAt);
        return true;
      }
      case 'prepare':
        if (cmd.remaining === -1) {
          if (head !== 0x00 || packet.payload.length < 9) return true; // ERR: nothing was prepared
          cmd.remaining = this.registerPrepared(cmd.sql, packet.payload);
        } else cmd.remaining--;
        return cmd.remaining === 0;
      case 'drain':
        return cmd.reader.next(packet) !== null;
      case 'single':
        return true;
      case 'resetConnection':
        if (head === 0x00) this.forgetStatements();
        return true;
      case 'changeUser':
        if (head === 0x00) this.forgetStatements();
        return head === 0x00 || head === 0xff;
      case 'noReply':
        return true;
    }
  }

  /** Records a PREPARE_OK and returns how many definition packets follow it. */
  private registerPrepared(sql: string, payload: Buffer): number {
    const id = payload.readUInt32LE(1);
    const numColumns = payload.readUInt16LE(5);
    const numParams = payload.readUInt16LE(7);
    this.statements.set(id, { sql, numParams, longData: false });
    this.lastPreparedId = id;
    const eofs = this.capabilities & Capability.CLIENT_DEPRECATE_EOF ? 0 : (numParams > 0 ? 1 : 0) + (numColumns > 0 ? 1 : 0);
    return numParams + numColumns + eofs;
  }

  private applyNoReplyHead(): void {
    while (this.pending.length > 0 && this.pending[0].kind === 'noReply') {
      (this.pending.shift() as Extract<Pending, { kind: 'noReply' }>).apply();
    }
  }

  private forgetStatements(): void {
    this.statements.clear();
    this.lastPreparedId = -1;
  }

  /** The text of the current statement of a (possibly multi-statement) COM_QUERY. */
  private nthStatement(cmd: Extract<Pending, { kind: 'query' }>, more: boolean): string {
    const index = cmd.index++;
    // Split only when the server's replies show the text held several statements.
    if (index === 0 && !more) return cmd.sql;
    cmd.pieces ??= splitStatements(cmd.sql, 'mysql');
    return cmd.pieces[index] ?? cmd.sql;
  }

  private emitExecute(payload: Buffer, outcome: 'ok' | 'failed', sentAt: bigint): void {
    const rawId = payload.length >= 5 ? payload.readUInt32LE(1) : -1;
    // MariaDB lets a pipelined execute name "the statement just prepared" as id 0xFFFFFFFF.
    const id = rawId === 0xffffffff ? this.lastPreparedId : rawId;
    const stmt = this.statements.get(id);
    if (!stmt) {
      this.emit(`/* unknown prepared statement ${rawId} */`, undefined, outcome, sentAt);
      return;
    }
    const params = payload[0] === Command.STMT_EXECUTE ? this.executeParams(stmt, payload) : undefined;
    stmt.longData = false;
    this.emit(stmt.sql, params, outcome, sentAt);
  }

  /** COM_STMT_EXECUTE: id(4) flags(1) iterations(4) [null bitmap, new-params-bound(1), types, values]. */
  private executeParams(stmt: PreparedStatement, payload: Buffer): (string | null)[] | undefined {
    const n = stmt.numParams;
    if (n === 0) return [];
    let at = 10;
    const bitmap = payload.subarray(at, at + ((n + 7) >> 3));
    at += bitmap.length;
    if (at >= payload.length) return undefined;
    if (payload[at++] === 1) {
      if (at + 2 * n > payload.length) return undefined;
      stmt.types = Buffer.from(payload.subarray(at, at + 2 * n));
      at += 2 * n;
    }
    if (!stmt.types || stmt.longData) return undefined;
    return decodeParams(payload, at, bitmap, stmt.types);
  }

  private emit(sql: string, params: (string | null)[] | undefined, outcome: 'ok' | 'failed', sentAt: bigint): void {
    const completedAt = this.chunkAt;
    const statement: ExecutedStatement = { sql, outcome, connectionId: this.connectionId, completedAt };
    statement.startedAt = sentAt > this.lastDoneAt ? sentAt : this.lastDoneAt;
    this.lastDoneAt = completedAt;
    if (params !== undefined) statement.params = params;
    this.onStatement(statement);
  }
}

/** The handshake packets the tap holds back are small (a greeting is ~100 bytes, a response with
 * connection attributes a few hundred); anything claiming more is not the MySQL handshake. */
const MAX_HELD_PACKET = 64 * 1024;

function declaredLength(buf: Buffer): number {
  return buf[0] | (buf[1] << 8) | (buf[2] << 16);
}

/** Byte length of the first complete wire packet in `buf`, or null if it is not all there yet. */
function completePacketLength(buf: Buffer): number | null {
  if (buf.length < 4) return null;
  const total = 4 + buf.readUIntLE(0, 3);
  return buf.length >= total ? total : null;
}

export const createMysqlTap: WireTapFactory = (connectionId, onStatement, now) => new MysqlTap(connectionId, onStatement, now);
