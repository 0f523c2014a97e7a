export const id = 207;
export const ids = [207];
export const modules = {

/***/ 47588:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  MysqlFramer: () => (/* reexport */ MysqlFramer),
  MysqlTap: () => (/* reexport */ MysqlTap),
  TLS_REFUSED_MESSAGE: () => (/* reexport */ TLS_REFUSED_MESSAGE),
  createMysqlTap: () => (/* reexport */ createMysqlTap),
  encodePacket: () => (/* reexport */ encodePacket)
});

// EXTERNAL MODULE: ./lib/queries/proxy.js + 3 modules
var proxy = __webpack_require__(85981);
// EXTERNAL MODULE: ./lib/queries/sql-tokenizer.js
var sql_tokenizer = __webpack_require__(60768);
;// CONCATENATED MODULE: ./lib/queries/mysql/framer.js
// Incremental framer for the MySQL client/server protocol: bytes in, logical packets out, no I/O.
//
// A wire packet is a 3-byte little-endian payload length, a 1-byte sequence id, then the payload.
// A payload of exactly 0xFFFFFF bytes continues in the next wire packet; the logical packet ends with
// the first wire packet shorter than that (possibly empty). The framer only observes: the proxy
// forwards every chunk as it arrives, so counting never holds bytes back.
//
// A payload inside one chunk is a view into it, valid only while the callback runs (the proxy reads
// the next bytes into the same memory); a packet that spans chunks is gathered from copies.
const MAX_WIRE_PAYLOAD = 0xffffff;
/**
 * Payload bytes kept per logical packet. Counting needs the first bytes of server replies and the
 * SQL text of client commands; rows of large BLOBs need not be copied.
 */
const DEFAULT_CAPTURE_LIMIT = 1 << 20;
const EMPTY = Buffer.alloc(0);
class MysqlFramer {
    /**
     * Bytes of payload kept for packets that start from now on. The caller may change it between
     * packets (from inside the feed callback): result-set rows need only their first byte.
     */
    captureLimit;
    /**
     * Keep payloads only of packets whose first byte is at least this (0 = all). Inside a result set
     * only end and error packets (0xFE, 0xFF) need reading; rows are then framed without any view.
     */
    captureFromFirstByte = 0;
    header = new Uint8Array(4);
    headerFilled = 0;
    /** Bytes of the current wire packet's payload still to come. */
    wireRemaining = 0;
    inPayload = false;
    wireIsFull = false;
    /** The logical packet being assembled across chunks or continuation packets, if any. */
    logical = null;
    constructor(captureLimit = DEFAULT_CAPTURE_LIMIT) {
        this.captureLimit = captureLimit;
    }
    /** Feeds a chunk; returns the logical packets it completed, in order. */
    push(chunk) {
        const out = [];
        this.feed(chunk, (p) => out.push(p));
        return out;
    }
    /** Feeds a chunk, calling `onPacket` for each logical packet it completes, in order. */
    feed(chunk, onPacket) {
        let offset = 0;
        const n = chunk.length;
        while (offset < n) {
            if (!this.inPayload) {
                let length;
                let sequenceId;
                if (this.headerFilled === 0 && offset + 4 <= n) {
                    length = chunk[offset] | (chunk[offset + 1] << 8) | (chunk[offset + 2] << 16);
                    sequenceId = chunk[offset + 3];
                    offset += 4;
                    // Fast path: a whole, final wire packet inside this chunk and nothing pending.
                    if (this.logical === null && length < MAX_WIRE_PAYLOAD && offset + length <= n) {
                        const kept = length > 0 && chunk[offset] >= this.captureFromFirstByte ? Math.min(length, this.captureLimit) : 0;
                        onPacket({
                            sequenceId,
                            length,
                            first: length > 0 ? chunk[offset] : -1,
                            payload: kept > 0 ? chunk.subarray(offset, offset + kept) : EMPTY,
                            truncated: kept < length,
                        });
                        offset += length;
                        continue;
                    }
                }
                else {
                    // A header split across chunks (rare): gather it byte by byte.
                    this.header[this.headerFilled++] = chunk[offset++];
                    if (this.headerFilled < 4)
                        continue;
                    this.headerFilled = 0;
                    const h = this.header;
                    length = h[0] | (h[1] << 8) | (h[2] << 16);
                    sequenceId = h[3];
                }
                this.startWirePacket(length, sequenceId, onPacket);
                continue;
            }
            const take = Math.min(this.wireRemaining, n - offset);
            this.keep(chunk, offset, take);
            offset += take;
            this.wireRemaining -= take;
            if (this.wireRemaining === 0)
                this.endWirePacket(onPacket);
        }
    }
    startWirePacket(length, sequenceId, onPacket) {
        this.wireIsFull = length === MAX_WIRE_PAYLOAD;
        if (this.logical === null)
            this.logical = { sequenceId, length: 0, first: -1, parts: [], kept: 0, limit: this.captureLimit };
        this.logical.length += length;
        this.wireRemaining = length;
        this.inPayload = true;
        if (length === 0)
            this.endWirePacket(onPacket);
    }
    keep(chunk, offset, take) {
        const logical = this.logical;
        if (logical.first === -1) {
            logical.first = chunk[offset];
            if (logical.first < this.captureFromFirstByte)
                logical.limit = 0;
        }
        const n = Math.min(logical.limit - logical.kept, take);
        if (n <= 0)
            return;
        // Copied: this part outlives the chunk, whose memory the proxy reuses for the next read (WireTap).
        logical.parts.push(Buffer.from(chunk.subarray(offset, offset + n)));
        logical.kept += n;
    }
    endWirePacket(onPacket) {
        this.inPayload = false;
        if (this.wireIsFull)
            return;
        const logical = this.logical;
        this.logical = null;
        const payload = logical.parts.length === 0 ? EMPTY : logical.parts.length === 1 ? logical.parts[0] : Buffer.concat(logical.parts, logical.kept);
        onPacket({ sequenceId: logical.sequenceId, length: logical.length, first: logical.first, payload, truncated: logical.kept < logical.length });
    }
}
/** Encodes one payload as wire packets (splitting at 0xFFFFFF), starting at `sequenceId`. */
function encodePacket(payload, sequenceId) {
    const parts = [];
    let offset = 0;
    let seq = sequenceId & 0xff;
    for (;;) {
        const length = Math.min(MAX_WIRE_PAYLOAD, payload.length - offset);
        const header = Buffer.alloc(4);
        header.writeUIntLE(length, 0, 3);
        header[3] = seq;
        parts.push(header, payload.subarray(offset, offset + length));
        offset += length;
        seq = (seq + 1) & 0xff;
        if (length < MAX_WIRE_PAYLOAD)
            break;
    }
    return Buffer.concat(parts);
}

;// CONCATENATED MODULE: ./lib/queries/mysql/packets.js
// Decoders for the few MySQL packet fields query counting needs, and the ERR packet the proxy sends.
// Everything here is bounds-checked and returns null instead of throwing on short input.
/** Capability flags (include/mysql_com.h; MariaDB's extended flags live in a separate 32-bit word). */
const Capability = {
    CLIENT_MYSQL: 1,
    CLIENT_CONNECT_WITH_DB: 0x8,
    CLIENT_COMPRESS: 0x20,
    CLIENT_LOCAL_FILES: 0x80,
    CLIENT_PROTOCOL_41: 0x200,
    CLIENT_SSL: 0x800,
    CLIENT_TRANSACTIONS: 0x2000,
    CLIENT_SECURE_CONNECTION: 0x8000,
    CLIENT_MULTI_STATEMENTS: 1 << 16,
    CLIENT_MULTI_RESULTS: 1 << 17,
    CLIENT_PS_MULTI_RESULTS: 1 << 18,
    CLIENT_PLUGIN_AUTH: 1 << 19,
    CLIENT_CONNECT_ATTRS: 1 << 20,
    CLIENT_SESSION_TRACK: 1 << 23,
    CLIENT_DEPRECATE_EOF: 1 << 24,
    CLIENT_OPTIONAL_RESULTSET_METADATA: 1 << 25,
    CLIENT_ZSTD_COMPRESSION_ALGORITHM: 1 << 26,
    CLIENT_QUERY_ATTRIBUTES: 1 << 27,
};
/** MariaDB extended capabilities, as bits of the 4 bytes that follow the standard ones. */
const MariadbCapability = {
    PROGRESS: 1 << 0,
    COM_MULTI: 1 << 1,
    STMT_BULK_OPERATIONS: 1 << 2,
    EXTENDED_TYPE_INFO: 1 << 3,
    CACHE_METADATA: 1 << 4,
};
const ServerStatus = {
    MORE_RESULTS_EXISTS: 0x0008,
    CURSOR_EXISTS: 0x0040,
};
const Command = {
    QUIT: 0x01,
    INIT_DB: 0x02,
    QUERY: 0x03,
    FIELD_LIST: 0x04,
    PROCESS_INFO: 0x0a,
    CHANGE_USER: 0x11,
    BINLOG_DUMP: 0x12,
    REGISTER_SLAVE: 0x15,
    STMT_PREPARE: 0x16,
    STMT_EXECUTE: 0x17,
    STMT_SEND_LONG_DATA: 0x18,
    STMT_CLOSE: 0x19,
    STMT_RESET: 0x1a,
    SET_OPTION: 0x1b,
    STMT_FETCH: 0x1c,
    BINLOG_DUMP_GTID: 0x1e,
    RESET_CONNECTION: 0x1f,
    /** MariaDB: one execute with many parameter rows. */
    STMT_BULK_EXECUTE: 0xfa,
};
/** A length-encoded integer at `offset`: its value and the offset after it, or null if cut short. */
function readLenenc(buf, offset) {
    if (offset >= buf.length)
        return null;
    const first = buf[offset];
    if (first < 0xfb)
        return { value: first, next: offset + 1 };
    if (first === 0xfc)
        return offset + 3 <= buf.length ? { value: buf.readUInt16LE(offset + 1), next: offset + 3 } : null;
    if (first === 0xfd)
        return offset + 4 <= buf.length ? { value: buf.readUIntLE(offset + 1, 3), next: offset + 4 } : null;
    if (first === 0xfe) {
        if (offset + 9 > buf.length)
            return null;
        return { value: Number(buf.readBigUInt64LE(offset + 1)), next: offset + 9 };
    }
    return null; // 0xfb is NULL, 0xff is not a valid integer prefix
}
/** Status flags of an OK packet (header 0x00, or 0xFE when it ends a result set). */
function okStatusFlags(payload) {
    const affected = readLenenc(payload, 1);
    const insertId = affected && readLenenc(payload, affected.next);
    if (!insertId || insertId.next + 2 > payload.length)
        return 0;
    return payload.readUInt16LE(insertId.next);
}
/** Status flags of a classic (pre-DEPRECATE_EOF) EOF packet: 0xFE, warnings(2), status(2). */
function eofStatusFlags(payload) {
    return payload.length >= 5 ? payload.readUInt16LE(3) : 0;
}
function errCode(payload) {
    return payload.length >= 3 ? payload.readUInt16LE(1) : 0;
}
/** The human-readable message of an ERR packet (protocol 4.1 layout with SQL state). */
function errMessage(payload) {
    const start = payload.length > 3 && payload[3] === 0x23 ? 9 : 3;
    return payload.subarray(start).toString('utf8');
}
/** An ERR packet payload: 0xFF, code, '#', SQL state, message. */
function errPacketPayload(code, sqlState, message) {
    const head = Buffer.alloc(3);
    head[0] = 0xff;
    head.writeUInt16LE(code, 1);
    return Buffer.concat([head, Buffer.from(`#${sqlState.slice(0, 5).padEnd(5, '0')}`, 'latin1'), Buffer.from(message, 'utf8')]);
}

;// CONCATENATED MODULE: ./lib/queries/mysql/params.js
// Decodes the parameter values of a COM_STMT_EXECUTE packet (binary protocol) as text, for N+1
// detection ("same shape, different values"). Only the common types are decoded; anything else makes
// the whole parameter list unknown (undefined) rather than wrong.

/** Types sent as length-encoded strings: JSON, DECIMAL, ENUM, SET, blobs, VAR_STRING, STRING, GEOMETRY. */
function isLenencType(type) {
    return type === 15 /* T.VarChar */ || type === 16 /* T.Bit */ || (type >= 0xf5 && type <= 0xff);
}
const pad = (n, width = 2) => String(n).padStart(width, '0');
function decodeDateTime(buf, at, length, withTime) {
    if (length === 0)
        return withTime ? '0000-00-00 00:00:00' : '0000-00-00';
    const date = `${pad(buf.readUInt16LE(at), 4)}-${pad(buf[at + 2])}-${pad(buf[at + 3])}`;
    if (!withTime)
        return date;
    const time = length >= 7 ? `${pad(buf[at + 4])}:${pad(buf[at + 5])}:${pad(buf[at + 6])}` : '00:00:00';
    const micro = length >= 11 ? `.${pad(buf.readUInt32LE(at + 7), 6)}` : '';
    return `${date} ${time}${micro}`;
}
function decodeTime(buf, at, length) {
    if (length === 0)
        return '00:00:00';
    const sign = buf[at] ? '-' : '';
    const hours = buf.readUInt32LE(at + 1) * 24 + buf[at + 5];
    const micro = length >= 12 ? `.${pad(buf.readUInt32LE(at + 8), 6)}` : '';
    return `${sign}${pad(hours)}:${pad(buf[at + 6])}:${pad(buf[at + 7])}${micro}`;
}
/**
 * Decodes parameter values. `types` are the 2-byte type codes in effect (sent with this execute or
 * remembered from an earlier one). Returns undefined when anything is unknown or cut short.
 */
function decodeParams(values, offset, nullBitmap, types) {
    const count = types.length >> 1;
    const out = [];
    let at = offset;
    const need = (n) => at + n <= values.length;
    for (let i = 0; i < count; i++) {
        if (nullBitmap[i >> 3] & (1 << (i & 7))) {
            out.push(null);
            continue;
        }
        const type = types[i * 2];
        const unsigned = (types[i * 2 + 1] & 0x80) !== 0;
        switch (type) {
            case 6 /* T.Null */:
                out.push(null);
                break;
            case 1 /* T.Tiny */:
                if (!need(1))
                    return undefined;
                out.push(String(unsigned ? values.readUInt8(at) : values.readInt8(at)));
                at += 1;
                break;
            case 2 /* T.Short */:
            case 13 /* T.Year */:
                if (!need(2))
                    return undefined;
                out.push(String(unsigned ? values.readUInt16LE(at) : values.readInt16LE(at)));
                at += 2;
                break;
            case 3 /* T.Long */:
            case 9 /* T.Int24 */:
                if (!need(4))
                    return undefined;
                out.push(String(unsigned ? values.readUInt32LE(at) : values.readInt32LE(at)));
                at += 4;
                break;
            case 8 /* T.LongLong */:
                if (!need(8))
                    return undefined;
                out.push(String(unsigned ? values.readBigUInt64LE(at) : values.readBigInt64LE(at)));
                at += 8;
                break;
            case 4 /* T.Float */:
                if (!need(4))
                    return undefined;
                out.push(String(values.readFloatLE(at)));
                at += 4;
                break;
            case 5 /* T.Double */:
                if (!need(8))
                    return undefined;
                out.push(String(values.readDoubleLE(at)));
                at += 8;
                break;
            case 10 /* T.Date */:
            case 12 /* T.DateTime */:
            case 7 /* T.Timestamp */:
            case 11 /* T.Time */: {
                if (!need(1))
                    return undefined;
                const length = values[at];
                if (!need(1 + length))
                    return undefined;
                out.push(type === 11 /* T.Time */ ? decodeTime(values, at + 1, length) : decodeDateTime(values, at + 1, length, type !== 10 /* T.Date */));
                at += 1 + length;
                break;
            }
            default: {
                if (!isLenencType(type))
                    return undefined;
                const len = readLenenc(values, at);
                if (!len || len.next + len.value > values.length)
                    return undefined;
                out.push(values.toString('utf8', len.next, len.next + len.value));
                at = len.next + len.value;
            }
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./lib/queries/mysql/tap.js
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




/** Flags the client must not see: each would make the rest of the stream unreadable to us. */
const HIDDEN_CAPABILITIES = Capability.CLIENT_SSL |
    Capability.CLIENT_COMPRESS |
    Capability.CLIENT_ZSTD_COMPRESSION_ALGORITHM |
    Capability.CLIENT_QUERY_ATTRIBUTES |
    Capability.CLIENT_OPTIONAL_RESULTSET_METADATA;
/** MariaDB extensions that change reply framing (metadata skipping, progress packets, COM_MULTI). */
const HIDDEN_MARIADB_CAPABILITIES = MariadbCapability.CACHE_METADATA | MariadbCapability.PROGRESS | MariadbCapability.COM_MULTI;
const SERVER_CAPTURE_BYTES = 64;
/** ERR code MariaDB uses for progress reports (only sent when the client asked for them). */
const PROGRESS_ERR_CODE = 0xffff;
const TLS_REFUSED_MESSAGE = "perfgate's query-counting proxy does not terminate TLS, and this client requires an encrypted connection. " +
    'Connect through the proxy without TLS: ssl-mode=DISABLED or PREFERRED (mysql/mariadb CLI: --ssl-mode=DISABLED or --skip-ssl; ' +
    'mysql2/mariadb npm: leave out the `ssl` option; JDBC: sslMode=DISABLED). The proxy listens on 127.0.0.1 only.';
/** Reads one statement's reply: OK, ERR, or a result set (column count, columns, [EOF], rows, EOF/OK). */
class ResultReader {
    deprecateEof;
    state;
    columnsLeft = 0;
    constructor(deprecateEof, startInRows = false) {
        this.deprecateEof = deprecateEof;
        this.state = startInRows ? 'rows' : 'first';
    }
    /** The reply so far is only a LOCAL INFILE request: the client is now sending the file. */
    get awaitingInfile() {
        return this.state === 'first' && this.infileRequested;
    }
    infileRequested = false;
    /** Inside the rows: only end (0xFE) and error (0xFF) packets need their bytes read. */
    get inRows() {
        return this.state === 'rows';
    }
    /** Returns the result once the statement's reply is complete, else null. */
    next(p) {
        const head = p.first;
        if (head === 0xff) {
            if (errCode(p.payload) === PROGRESS_ERR_CODE)
                return null;
            return this.done('failed', 0);
        }
        switch (this.state) {
            case 'first':
                if (head === 0x00 || head === 0xfe)
                    return this.done('ok', okStatusFlags(p.payload));
                if (head === 0xfb) {
                    // LOCAL INFILE request: the client streams the file, then the server answers OK/ERR.
                    this.infileRequested = true;
                    return null;
                }
                this.columnsLeft = readLenenc(p.payload, 0)?.value ?? 0;
                this.state = this.columnsLeft > 0 ? 'columns' : 'rows';
                return null;
            case 'columns':
                if (--this.columnsLeft === 0)
                    this.state = this.deprecateEof ? 'rows' : 'columnsEof';
                return null;
            case 'columnsEof': {
                const status = eofStatusFlags(p.payload);
                // A read-only cursor (COM_STMT_EXECUTE with a cursor flag) sends no rows until COM_STMT_FETCH.
                if (status & ServerStatus.CURSOR_EXISTS)
                    return this.done('ok', status);
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
    done(outcome, status) {
        this.state = 'first';
        this.infileRequested = false;
        return { outcome, more: outcome === 'ok' && (status & ServerStatus.MORE_RESULTS_EXISTS) !== 0 };
    }
}
class MysqlTap {
    connectionId;
    onStatement;
    now;
    phase = 'handshake';
    /**
     * Replies are read only up to their status flags (an OK packet's are within its first 21 bytes,
     * PREPARE_OK is 12): rows are never copied.
     */
    serverFramer = new MysqlFramer(SERVER_CAPTURE_BYTES);
    clientFramer = new MysqlFramer();
    /** Bytes of the server greeting / client handshake response held until complete (both small). */
    serverHeld = Buffer.alloc(0);
    clientHeld = Buffer.alloc(0);
    serverCapabilities = 0;
    capabilities = 0;
    /** Compression or another unreadable extension was negotiated anyway: relay blindly after auth. */
    unreadableAfterAuth = false;
    /** Between a LOCAL INFILE request and the client's empty end-of-file packet. */
    uploadingFile = false;
    pending = [];
    statements = new Map();
    lastPreparedId = -1;
    /** Arrival time of the chunk being read. */
    chunkAt = 0n;
    /** When the server last completed a reply (or one statement of a multi-statement query). */
    lastDoneAt = 0n;
    constructor(connectionId, onStatement, now = process.hrtime.bigint) {
        this.connectionId = connectionId;
        this.onStatement = onStatement;
        this.now = now;
    }
    /** Capabilities both sides agreed on (after the proxy's rewrite); 0 before the client answered. */
    get negotiatedCapabilities() {
        return this.capabilities;
    }
    /** Commands sent whose replies have not completed yet. */
    get pendingCommands() {
        return this.pending.length;
    }
    fromServer(chunk) {
        this.chunkAt = this.now();
        try {
            if (this.serverHeld !== null)
                return this.holdGreeting(chunk);
            if (this.phase !== 'opaque')
                this.onServerBytes(chunk);
        }
        catch {
            this.phase = 'opaque';
        }
        return { forward: chunk };
    }
    fromClient(chunk) {
        this.chunkAt = this.now();
        try {
            if (this.clientHeld !== null && this.serverHeld === null)
                return this.holdHandshakeResponse(chunk);
            if (this.phase !== 'opaque')
                this.onClientBytes(chunk);
        }
        catch {
            this.phase = 'opaque';
        }
        return { forward: chunk };
    }
    // ── handshake ────────────────────────────────────────────────────────────────────────────────
    holdGreeting(chunk) {
        const held = Buffer.concat([this.serverHeld, chunk]);
        // Not a MySQL greeting (wrong upstream, or a server that sends something else first): relay blindly
        // rather than wait for bytes that may never come.
        if (held.length >= 5 && (declaredLength(held) > MAX_HELD_PACKET || (held[4] !== 10 && held[4] !== 0xff)))
            return this.giveUpServer(held);
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
            if (rest.length > 0 && this.phase !== 'opaque')
                this.onServerBytes(rest);
            return { forward: rest.length > 0 ? Buffer.concat([greeting, rest]) : greeting };
        }
        catch {
            return this.giveUpServer(held);
        }
    }
    giveUpServer(held) {
        this.serverHeld = null;
        this.clientHeld = null;
        this.phase = 'opaque';
        return { forward: held };
    }
    /** Clears HIDDEN_CAPABILITIES in place in the Initial Handshake v10 payload; false if it is not one. */
    rewriteGreeting(payload) {
        if (payload.length < 1 || payload[0] !== 10)
            return false;
        const versionEnd = payload.indexOf(0, 1);
        if (versionEnd === -1)
            return false;
        const low = versionEnd + 1 + 4 + 8 + 1;
        if (low + 2 > payload.length)
            return false;
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
    holdHandshakeResponse(chunk) {
        const held = Buffer.concat([this.clientHeld, chunk]);
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
        }
        catch {
            this.phase = 'opaque';
            return { forward: held };
        }
    }
    onHandshakeResponse(held, total) {
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
        if (!(this.capabilities & Capability.CLIENT_PROTOCOL_41) ||
            // Clients may claim flags the server never offered (mysql2 always sets QUERY_ATTRIBUTES); only the
            // intersection takes effect.
            this.capabilities & HIDDEN_CAPABILITIES ||
            mariadbExt & HIDDEN_MARIADB_CAPABILITIES) {
            this.unreadableAfterAuth = true;
        }
        const rest = held.subarray(total);
        if (rest.length > 0 && this.phase !== 'opaque')
            this.onClientBytes(rest);
        return { forward: held };
    }
    // ── packets ──────────────────────────────────────────────────────────────────────────────────
    onServerPacket = (packet) => {
        if (this.phase === 'auth')
            this.onAuthReply(packet);
        else if (this.phase === 'command') {
            this.onReply(packet);
            const head = this.pending[0];
            const reader = head !== undefined && 'reader' in head ? head.reader : undefined;
            this.serverFramer.captureFromFirstByte = reader?.inRows ? 0xfe : 0;
            if (reader?.awaitingInfile)
                this.uploadingFile = true;
        }
    };
    onClientPacket = (packet) => {
        if (this.uploadingFile) {
            // LOCAL INFILE data ends with an empty packet. Its sequence ids wrap past 255 to 0, so they
            // cannot tell file data from commands.
            if (packet.length === 0)
                this.uploadingFile = false;
            return;
        }
        // Sequence id 0 starts a command; anything else continues an exchange (auth data).
        if (this.phase === 'command' && packet.sequenceId === 0 && packet.length > 0)
            this.onCommand(packet);
    };
    onServerBytes(chunk) {
        this.serverFramer.feed(chunk, this.onServerPacket);
    }
    onClientBytes(chunk) {
        this.clientFramer.feed(chunk, this.onClientPacket);
    }
    /** Authentication: OK ends it, ERR ends the connection, anything else (auth switch, more data) continues. */
    onAuthReply(packet) {
        const head = packet.first;
        if (head === 0x00)
            this.phase = this.unreadableAfterAuth ? 'opaque' : 'command';
        else if (head === 0xff)
            this.phase = 'opaque';
    }
    onCommand(packet) {
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
                        if (stmt)
                            stmt.longData = true;
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
    onReply(packet) {
        const cmd = this.pending[0];
        if (cmd === undefined)
            return; // unsolicited (e.g. an ERR before the server closes an idle connection)
        if (this.replyCompletes(cmd, packet)) {
            this.lastDoneAt = this.chunkAt;
            this.pending.shift();
            this.applyNoReplyHead();
        }
    }
    /** Feeds one reply packet to the command at the head of the queue; true when its reply is complete. */
    replyCompletes(cmd, packet) {
        const head = packet.first;
        switch (cmd.kind) {
            case 'query': {
                const result = cmd.reader.next(packet);
                if (result === null)
                    return false;
                this.emit(this.nthStatement(cmd, result.more), undefined, result.outcome, cmd.sentAt);
                return !result.more;
            }
            case 'execute': {
                const result = cmd.reader.next(packet);
                if (result === null)
                    return false;
                if (result.outcome === 'failed')
                    cmd.failed = true;
                if (result.more)
                    return false; // a CALL's several results are still one execute
                this.emitExecute(cmd.payload, cmd.failed ? 'failed' : 'ok', cmd.sentAt);
                return true;
            }
            case 'prepare':
                if (cmd.remaining === -1) {
                    if (head !== 0x00 || packet.payload.length < 9)
                        return true; // ERR: nothing was prepared
                    cmd.remaining = this.registerPrepared(cmd.sql, packet.payload);
                }
                else
                    cmd.remaining--;
                return cmd.remaining === 0;
            case 'drain':
                return cmd.reader.next(packet) !== null;
            case 'single':
                return true;
            case 'resetConnection':
                if (head === 0x00)
                    this.forgetStatements();
                return true;
            case 'changeUser':
                if (head === 0x00)
                    this.forgetStatements();
                return head === 0x00 || head === 0xff;
            case 'noReply':
                return true;
        }
    }
    /** Records a PREPARE_OK and returns how many definition packets follow it. */
    registerPrepared(sql, payload) {
        const id = payload.readUInt32LE(1);
        const numColumns = payload.readUInt16LE(5);
        const numParams = payload.readUInt16LE(7);
        this.statements.set(id, { sql, numParams, longData: false });
        this.lastPreparedId = id;
        const eofs = this.capabilities & Capability.CLIENT_DEPRECATE_EOF ? 0 : (numParams > 0 ? 1 : 0) + (numColumns > 0 ? 1 : 0);
        return numParams + numColumns + eofs;
    }
    applyNoReplyHead() {
        while (this.pending.length > 0 && this.pending[0].kind === 'noReply') {
            this.pending.shift().apply();
        }
    }
    forgetStatements() {
        this.statements.clear();
        this.lastPreparedId = -1;
    }
    /** The text of the current statement of a (possibly multi-statement) COM_QUERY. */
    nthStatement(cmd, more) {
        const index = cmd.index++;
        // Split only when the server's replies show the text held several statements.
        if (index === 0 && !more)
            return cmd.sql;
        cmd.pieces ??= (0,sql_tokenizer/* splitStatements */.X)(cmd.sql, 'mysql');
        return cmd.pieces[index] ?? cmd.sql;
    }
    emitExecute(payload, outcome, sentAt) {
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
    executeParams(stmt, payload) {
        const n = stmt.numParams;
        if (n === 0)
            return [];
        let at = 10;
        const bitmap = payload.subarray(at, at + ((n + 7) >> 3));
        at += bitmap.length;
        if (at >= payload.length)
            return undefined;
        if (payload[at++] === 1) {
            if (at + 2 * n > payload.length)
                return undefined;
            stmt.types = Buffer.from(payload.subarray(at, at + 2 * n));
            at += 2 * n;
        }
        if (!stmt.types || stmt.longData)
            return undefined;
        return decodeParams(payload, at, bitmap, stmt.types);
    }
    emit(sql, params, outcome, sentAt) {
        const completedAt = this.chunkAt;
        const statement = { sql, outcome, connectionId: this.connectionId, completedAt };
        statement.startedAt = sentAt > this.lastDoneAt ? sentAt : this.lastDoneAt;
        this.lastDoneAt = completedAt;
        if (params !== undefined)
            statement.params = params;
        this.onStatement(statement);
    }
}
/** The handshake packets the tap holds back are small (a greeting is ~100 bytes, a response with
 * connection attributes a few hundred); anything claiming more is not the MySQL handshake. */
const MAX_HELD_PACKET = 64 * 1024;
function declaredLength(buf) {
    return buf[0] | (buf[1] << 8) | (buf[2] << 16);
}
/** Byte length of the first complete wire packet in `buf`, or null if it is not all there yet. */
function completePacketLength(buf) {
    if (buf.length < 4)
        return null;
    const total = 4 + buf.readUIntLE(0, 3);
    return buf.length >= total ? total : null;
}
const createMysqlTap = (connectionId, onStatement, now) => new MysqlTap(connectionId, onStatement, now);

;// CONCATENATED MODULE: ./lib/queries/mysql/index.js
// Plugs the MySQL/MariaDB wire tap into the protocol-agnostic proxy. Importing this module is what
// makes `database.protocol: mysql` (and `perfgate proxy --protocol mysql`) work.


(0,proxy/* registerTapFactory */.P)('mysql', createMysqlTap);




/***/ })

};
