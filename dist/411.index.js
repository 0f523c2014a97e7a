export const id = 411;
export const ids = [411];
export const modules = {

/***/ 67411:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  measure: () => (/* binding */ measure)
});

// UNUSED EXPORTS: soloRoundsFor

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(31421);
// EXTERNAL MODULE: ./lib/errors.js
var errors = __webpack_require__(452);
// EXTERNAL MODULE: external "node:dns/promises"
var promises_ = __webpack_require__(71553);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
;// CONCATENATED MODULE: ./lib/load/http-response.js
// Where an HTTP/1.x response ends, from the bytes of one connection. Pure: bytes in, events out.
//
// Hand-written for the reconnecting load generator (reconnecting.ts): node:http's client cost ~1.7×
// the CPU per request of a raw socket against a server that closes connections (measured here:
// ~260 vs ~155 µs per request, both including the connect), and on a 2-core runner the load
// generator's CPU is taken from the service. The client needs only the status, whether the server
// will close, and where each response ends: by Content-Length, chunked transfer coding, or the
// connection's end (RFC 9112 §6.3). Body bytes are skipped, never kept.
/** Longest response head accepted; a larger one is a protocol error rather than unbounded buffering. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF_CRLF = Buffer.from('\r\n\r\n');
class ResponseFramer {
    headRequest;
    state = { kind: 'head' };
    /** Unparsed bytes of a head, a chunk-size line or trailers, kept across chunks. */
    pending = Buffer.alloc(0);
    current;
    /**
     * `headRequest`: the requests are HEAD, whose responses have no body whatever their headers say
     * (as 204 and 304 responses; RFC 9112 §6.3 rule 1).
     */
    constructor(headRequest = false) {
        this.headRequest = headRequest;
    }
    /** True while a response has started but not ended. */
    get inResponse() {
        return this.state.kind !== 'head' || this.pending.length > 0;
    }
    /** Feeds bytes; returns the responses they complete, in order. Throws on a malformed response. */
    push(chunk) {
        const done = [];
        let data = chunk;
        while (data.length > 0)
            data = this.step(data, done);
        return done;
    }
    /**
     * The connection ended. Returns the response this completes (a body delimited by the close), or
     * undefined. `inResponse` afterwards says whether a response was cut off.
     */
    end() {
        if (this.state.kind !== 'until-close')
            return undefined;
        const response = this.current;
        this.reset();
        return response;
    }
    reset() {
        this.state = { kind: 'head' };
        this.current = undefined;
        this.pending = Buffer.alloc(0);
    }
    /** Consumes a prefix of `data`, returns the rest. */
    step(data, done) {
        const state = this.state;
        switch (state.kind) {
            case 'head': {
                const joined = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
                const at = joined.indexOf(CRLF_CRLF);
                if (at < 0) {
                    if (joined.length > MAX_HEAD_BYTES)
                        throw new Error(`response head longer than ${MAX_HEAD_BYTES} bytes`);
                    this.pending = joined;
                    return Buffer.alloc(0);
                }
                this.pending = Buffer.alloc(0);
                this.startBody(joined.toString('latin1', 0, at), done);
                return joined.subarray(at + 4);
            }
            case 'length': {
                const take = Math.min(state.left, data.length);
                state.left -= take;
                if (state.left === 0)
                    this.finish(done);
                return data.subarray(take);
            }
            case 'chunk-size':
            case 'trailers': {
                const joined = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
                const at = joined.indexOf('\r\n');
                if (at < 0) {
                    if (joined.length > MAX_HEAD_BYTES)
                        throw new Error('chunk-size line or trailer too long');
                    this.pending = joined;
                    return Buffer.alloc(0);
                }
                this.pending = Buffer.alloc(0);
                const line = joined.toString('latin1', 0, at);
                if (state.kind === 'trailers') {
                    if (line === '')
                        this.finish(done);
                }
                else {
                    const size = parseInt(line.split(';', 1)[0].trim(), 16);
                    if (!Number.isFinite(size) || size < 0 || !/^[0-9a-f]+$/i.test(line.split(';', 1)[0].trim())) {
                        throw new Error(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`);
                    }
                    this.state = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', left: size };
                }
                return joined.subarray(at + 2);
            }
            case 'chunk-data': {
                const take = Math.min(state.left, data.length);
                state.left -= take;
                if (state.left === 0)
                    this.state = { kind: 'chunk-crlf', left: 2 };
                return data.subarray(take);
            }
            case 'chunk-crlf': {
                const take = Math.min(state.left, data.length);
                state.left -= take;
                if (state.left === 0)
                    this.state = { kind: 'chunk-size' };
                return data.subarray(take);
            }
            case 'until-close':
                return Buffer.alloc(0);
        }
    }
    startBody(head, done) {
        const lines = head.split('\r\n');
        const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]);
        if (!statusLine)
            throw new Error(`bad status line ${JSON.stringify(lines[0].slice(0, 60))}`);
        const http10 = statusLine[1] === '0';
        const status = Number(statusLine[2]);
        let contentLength;
        let chunked = false;
        let connection = '';
        for (let i = 1; i < lines.length; i++) {
            const line = lines[i];
            const colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const name = line.slice(0, colon).trim().toLowerCase();
            const value = line.slice(colon + 1).trim();
            if (name === 'content-length') {
                if (!/^\d+$/.test(value))
                    throw new Error(`bad Content-Length ${JSON.stringify(value)}`);
                contentLength = Number(value);
            }
            else if (name === 'transfer-encoding')
                chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
            else if (name === 'connection')
                connection += `${value.toLowerCase()},`;
        }
        // 1xx answers (100 Continue) precede the real response on the same request.
        if (status >= 100 && status < 200)
            return;
        const close = /\bclose\b/.test(connection) || (http10 && !/\bkeep-alive\b/.test(connection));
        this.current = { status, close };
        if (this.headRequest || status === 204 || status === 304)
            this.finish(done);
        else if (chunked)
            this.state = { kind: 'chunk-size' };
        else if (contentLength !== undefined) {
            this.state = { kind: 'length', left: contentLength };
            if (contentLength === 0)
                this.finish(done);
        }
        else
            this.state = { kind: 'until-close' };
    }
    finish(done) {
        done.push(this.current);
        this.reset();
    }
}

;// CONCATENATED MODULE: ./lib/load/request.js
/**
 * The absolute URL a scenario's request goes to. A base URL with a path prefix keeps it
 * (`http://h/api` + `/books` → `http://h/api/books`), unlike `new URL(path, base)`.
 */
function requestUrl(baseUrl, request) {
    const base = new URL(baseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    const path = request.path.startsWith('/') ? request.path : `/${request.path}`;
    return new URL(`${base.origin}${prefix}${path}`);
}
/**
 * `METHOD url`, as shown in messages. A path naming `${VAR}` is shown as written (not through URL,
 * which would percent-encode the braces), so the value of a secret never reaches a message.
 */
function describeRequest(baseUrl, request) {
    const shown = request.shownPath;
    if (shown === undefined || shown === request.path)
        return `${request.method.toUpperCase()} ${requestUrl(baseUrl, request).href}`;
    const base = new URL(baseUrl);
    return `${request.method.toUpperCase()} ${base.origin}${base.pathname.replace(/\/+$/, '')}${shown.startsWith('/') ? '' : '/'}${shown}`;
}

// EXTERNAL MODULE: ./node_modules/hdr-histogram-js/dist/index.js
var dist = __webpack_require__(32960);
;// CONCATENATED MODULE: ./lib/load/histogram.js
// Latency histograms in integer microseconds. autocannon's own histogram has a lowest value of 1 ms, so
// a 0.4 ms endpoint reads p50 = 0 there; we record autocannon's fractional-ms response times here.
// Pure: no I/O. Uses hdr-histogram-js's pure-JS build (WebAssembly is opt-in and would complicate the
// bundle for ~70 ns/record we do not need to save).

/** 1 µs .. 60 s at 3 significant digits (0.1% resolution): ~70 KB per histogram. */
function createLatencyHistogram() {
    return dist.build({
        lowestDiscernibleValue: 1,
        highestTrackableValue: 60_000_000,
        numberOfSignificantValueDigits: 3,
        // A response slower than 60 s (a timeout far above the default) must not throw mid-run.
        autoResize: true,
        useWebAssembly: false,
    });
}
function percentilesOf(histogram) {
    if (histogram.totalCount === 0)
        return { p50: 0, p90: 0, p99: 0, max: 0 };
    // A percentile reads the top of its bucket (up to 0.1% above the values in it) while maxValue is
    // the largest value recorded; clamp so a report never shows p99 > max.
    const max = histogram.maxValue;
    const at = (percentile) => Math.min(histogram.getValueAtPercentile(percentile), max);
    return { p50: at(50), p90: at(90), p99: at(99), max };
}
/** A new histogram holding every value of the inputs; the inputs are left untouched. */
function mergeHistograms(histograms) {
    const merged = createLatencyHistogram();
    for (const h of histograms)
        merged.add(h);
    return merged;
}
// Round results are plain data that go into results JSON; the histogram behind each one stays in
// memory beside it so aggregating rounds can merge exact distributions instead of averaging
// percentiles. A WeakMap keeps it off the serialized object and lets it go with the round.
const histogramOfRound = new WeakMap();
function attachHistogram(round, histogram) {
    histogramOfRound.set(round, histogram);
}
/** The µs histogram a round was computed from, when this process measured it. */
function histogramOf(round) {
    return histogramOfRound.get(round);
}

;// CONCATENATED MODULE: ./lib/load/round-meter.js

const RSS_SAMPLE_MS = 100;
class RoundMeter {
    meter;
    onMeterError;
    start = process.hrtime.bigint();
    clientCpuStart = process.cpuUsage();
    serviceCpuStart;
    peakRss;
    rssTimer;
    sendingNs;
    roundNs;
    clientCpu = { user: 0, system: 0 };
    serviceCpuUs = 0;
    /** The first failure to read the meter (the service is gone): the round ends and rethrows it. */
    error;
    /** Starts the clock. `onMeterError` ends the round when the service can no longer be read. */
    constructor(meter, onMeterError) {
        this.meter = meter;
        this.onMeterError = onMeterError;
        this.serviceCpuStart = meter ? meter.readCpuUs() : 0;
        this.peakRss = meter ? meter.readRssBytes() : 0;
        if (meter)
            this.rssTimer = setInterval(() => this.sampleRss(), RSS_SAMPLE_MS);
    }
    /** Milliseconds since the round started. */
    elapsedMs() {
        return Number(process.hrtime.bigint() - this.start) / 1e6;
    }
    /** Sending has stopped; what follows is the drain. */
    stopSending() {
        this.sendingNs ??= process.hrtime.bigint() - this.start;
    }
    /** The round is over: read the clock, the client's CPU and the service's CPU and RSS, once. */
    end() {
        if (this.roundNs !== undefined)
            return;
        this.roundNs = process.hrtime.bigint() - this.start;
        this.sendingNs ??= this.roundNs;
        this.clientCpu = process.cpuUsage(this.clientCpuStart);
        clearInterval(this.rssTimer);
        if (!this.meter)
            return;
        try {
            this.serviceCpuUs = this.meter.readCpuUs() - this.serviceCpuStart;
        }
        catch (err) {
            this.error ??= err;
        }
        this.sampleRss();
    }
    /** The round's result from its tally; its µs histogram stays attached (histogramOf). */
    resultOf(tally, extra = {}) {
        this.end();
        const roundNs = this.roundNs;
        const durationMs = Number(roundNs) / 1e6;
        const { responses, errors, non2xx, histogram } = tally;
        const round = {
            rps: durationMs > 0 ? responses / (durationMs / 1000) : 0,
            latencyUs: percentilesOf(histogram),
            requests: responses,
            errors,
            non2xx,
            durationMs,
            drainMs: Number(roundNs - this.sendingNs) / 1e6,
            ...extra,
        };
        // Per-request figures are left out, not NaN, when nothing completed.
        if (responses > 0)
            round.clientCpuUsPerRequest = (this.clientCpu.user + this.clientCpu.system) / responses;
        if (this.meter) {
            if (responses > 0)
                round.cpuUsPerRequest = this.serviceCpuUs / responses;
            round.peakRssBytes = this.peakRss;
        }
        attachHistogram(round, histogram);
        return round;
    }
    sampleRss() {
        try {
            const rss = this.meter.readRssBytes();
            if (rss > this.peakRss)
                this.peakRss = rss;
        }
        catch (err) {
            this.error ??= err;
            this.onMeterError();
        }
    }
}

;// CONCATENATED MODULE: ./lib/load/tally.js
// What one round counts, fed by autocannon's events. Kept apart from the runner so the per-request
// path can be measured on its own (bench/load-handler-cost.ts). Pure: no I/O.

class RoundTally {
    histogram = createLatencyHistogram();
    responses = 0;
    non2xx = 0;
    errors = 0;
    /** False once the measured window has closed: later events belong to no round. */
    open = true;
    /**
     * autocannon's `response` event: (client, statusCode, bytes, responseTime in fractional ms).
     * The per-request path: a few comparisons and one histogram record (tens of ns).
     */
    onResponse = (_client, statusCode, _bytes, responseTimeMs) => {
        if (!this.open)
            return;
        this.responses++;
        if (statusCode < 200 || statusCode > 299)
            this.non2xx++;
        this.histogram.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
    };
    /** autocannon's `reqError` event (connection errors and timeouts), or requests lost on a closed socket. */
    onErrors = (count = 1) => {
        if (this.open)
            this.errors += count;
    };
    close() {
        this.open = false;
    }
}

;// CONCATENATED MODULE: ./lib/load/reconnecting.js
// One measured round of closed-loop load against a server that closes connections: each of
// `connections` slots sends a request, waits for its answer, and opens a new connection whenever the
// server closes one (after every response, or every N), the way wrk and ab do. Same contract and
// semantics as runner.ts (the keep-alive rounds): the sending window is timed with hrtime, requests
// still in flight when it ends are awaited and counted, timeouts count as errors, service CPU divides
// by the requests that used it. Latency runs from the start of connecting (for a request on a new
// connection) to the last byte of the answer: connection setup is part of what is measured.
//
// Why not autocannon (9.0, lib/httpClient.js): its `reconnectRate` option resets the connection
// after the Nth response *instead of* emitting it (the `response` event is skipped), so every Nth
// request goes uncounted; and when the server closes, the request it already wrote on the closing
// socket stays in its queue: never counted, and the next response is timed from its send time
// (measured with autocannon 9 against a server that closes: half the requests vanished with 0
// errors). Nor node:http: its client cost ~1.7× the CPU per request of a raw socket here
// (http-response.ts), CPU a 2-core runner takes from the service.







/** Past the per-request timeout, how long the drain may still wait before giving up on a slot. */
const DRAIN_GRACE_MS = 2000;
/** One measured round with a new connection per request (or per `requestsPerConnection`). */
async function runReconnectingLoad(opts) {
    opts.signal?.throwIfAborted();
    const url = requestUrl(opts.baseUrl, opts.request);
    if (url.protocol !== 'http:') {
        throw new errors/* EnvironmentError */.eG(`${url.origin} closes connections, and perfgate measures servers that close connections over plain HTTP ` +
            'only: point service.baseUrl at the service\'s http:// port, or enable keep-alive in it.');
    }
    const port = Number(url.port || 80);
    const host = await reachableAddress(url.hostname.replace(/^\[|\]$/g, ''), port);
    const perConnection = Math.max(1, Math.floor(opts.requestsPerConnection ?? 1));
    const bytes = { keepOpen: requestBytes(url, opts.request, false), closing: requestBytes(url, opts.request, true) };
    const headRequest = opts.request.method.toUpperCase() === 'HEAD';
    const timeoutNs = BigInt(Math.round(opts.timeoutMs * 1e6));
    const tally = new RoundTally();
    const roundMeter = new RoundMeter(opts.meter, () => endRound());
    let sending = true;
    let inFlight = 0;
    let resolveRound;
    const roundEnded = new Promise((resolve) => (resolveRound = resolve));
    /** Counts the request in flight as answered (or failed, without a response). */
    const settle = (slot, response) => {
        const elapsedNs = process.hrtime.bigint() - slot.startedNs;
        slot.startedNs = undefined;
        inFlight--;
        if (response)
            tally.onResponse(undefined, response.status, 0, Number(elapsedNs) / 1e6);
        else
            tally.onErrors(1);
    };
    /** A failed request: counted, and its connection closed (the slot goes on once 'close' is emitted). */
    const fail = (slot) => {
        if (slot.startedNs !== undefined)
            settle(slot, undefined);
        slot.socket.destroy();
    };
    const makeSlot = () => {
        const slot = { socket: new external_node_net_.Socket(), framer: new ResponseFramer(headRequest), open: false, used: 0 };
        const { socket } = slot;
        socket.on('data', (chunk) => {
            if (slot.startedNs === undefined)
                return;
            let ended;
            try {
                ended = slot.framer.push(chunk);
            }
            catch {
                fail(slot); // a malformed response is a failed request
                return;
            }
            // One request is in flight per slot, so at most one response ends here.
            const response = ended[0];
            if (!response)
                return;
            settle(slot, response);
            if (response.close || slot.used >= perConnection)
                socket.destroy();
            else
                next(slot);
        });
        // 'close' follows 'end', 'error' and destroy(): a body delimited by the close ends here;
        // otherwise a request still in flight was lost (refused, reset, or closed without an answer).
        socket.on('close', () => {
            slot.open = false;
            if (slot.startedNs !== undefined) {
                const response = slot.framer.end();
                settle(slot, response ? { ...response, close: true } : undefined);
            }
            next(slot);
        });
        socket.on('error', () => { });
        return slot;
    };
    const slots = Array.from({ length: Math.max(1, opts.connections) }, makeSlot);
    const next = (slot) => {
        if (!sending || !tally.open) {
            if (slot.open)
                slot.socket.destroy();
            if (inFlight === 0)
                endRound();
            return;
        }
        slot.startedNs = process.hrtime.bigint();
        inFlight++;
        if (!slot.open) {
            slot.open = true;
            slot.used = 0;
            slot.framer = new ResponseFramer(headRequest);
            slot.socket.connect({ port, host });
        }
        slot.used++;
        slot.socket.write(slot.used >= perConnection ? bytes.closing : bytes.keepOpen);
    };
    let drainTimer;
    function endRound() {
        if (!tally.open)
            return;
        // What is still in flight when the drain bound is hit never answered: count it as failed.
        tally.onErrors(inFlight);
        tally.close();
        roundMeter.end();
        for (const slot of slots)
            if (slot.open)
                slot.socket.destroy();
        resolveRound();
    }
    const stopSending = () => {
        if (!sending || !tally.open)
            return;
        sending = false;
        roundMeter.stopSending();
        if (inFlight === 0)
            endRound();
        else
            drainTimer = setTimeout(endRound, opts.timeoutMs + DRAIN_GRACE_MS);
    };
    // Per-request timeouts by sweeping the slots a few times a second rather than a timer per request.
    const sweep = () => {
        const now = process.hrtime.bigint();
        for (const slot of slots) {
            if (slot.startedNs !== undefined && now - slot.startedNs > timeoutNs)
                fail(slot);
        }
    };
    const sweepTimer = setInterval(sweep, Math.max(10, Math.min(100, opts.timeoutMs / 10)));
    const windowTimer = setTimeout(stopSending, opts.durationMs);
    const progressTimer = opts.onProgress
        ? setInterval(() => opts.onProgress(roundMeter.elapsedMs(), tally.responses), 1000)
        : undefined;
    const onAbort = () => endRound();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
        for (const slot of slots)
            next(slot);
        await roundEnded;
    }
    finally {
        endRound();
        clearTimeout(windowTimer);
        if (drainTimer)
            clearTimeout(drainTimer);
        clearInterval(sweepTimer);
        clearInterval(progressTimer);
        opts.signal?.removeEventListener('abort', onAbort);
    }
    opts.signal?.throwIfAborted();
    if (roundMeter.error !== undefined)
        throw roundMeter.error;
    return roundMeter.resultOf(tally, { requestsPerConnection: perConnection });
}
/**
 * The address to connect to, resolved once: a name would otherwise be looked up for every
 * connection. `localhost` may resolve to ::1 and 127.0.0.1 while the service listens on one of them,
 * so the first address that accepts a connection is taken.
 */
async function reachableAddress(name, port) {
    if (external_node_net_.isIP(name))
        return name;
    const addresses = await (0,promises_.lookup)(name, { all: true });
    for (const { address } of addresses) {
        const accepted = await new Promise((resolve) => {
            const socket = external_node_net_.connect({ host: address, port }, () => {
                socket.destroy();
                resolve(true);
            });
            socket.on('error', () => resolve(false));
        });
        if (accepted)
            return address;
    }
    // None accepts: the round counts the refused connections as errors.
    return addresses[0]?.address ?? name;
}
/** The request as bytes, written once per round and reused for every request. */
function requestBytes(url, request, closing) {
    const lines = [`${request.method.toUpperCase()} ${url.pathname}${url.search} HTTP/1.1`];
    const own = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);
    const headers = Object.entries(request.headers);
    if (!headers.some(([name]) => name.toLowerCase() === 'host'))
        lines.push(`Host: ${url.host}`);
    for (const [name, value] of headers) {
        if (/[\r\n]/.test(name) || /[\r\n]/.test(String(value))) {
            throw new Error(`request header ${JSON.stringify(name)} contains a line break`);
        }
        if (!own.has(name.toLowerCase()))
            lines.push(`${name}: ${value}`);
    }
    const body = request.body === null ? undefined : Buffer.from(request.body, 'utf8');
    if (body || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(request.method.toUpperCase())) {
        lines.push(`Content-Length: ${body?.length ?? 0}`);
    }
    if (closing)
        lines.push('Connection: close');
    const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
    return body ? Buffer.concat([head, body]) : head;
}

// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __webpack_require__(643);
;// CONCATENATED MODULE: ./lib/load/runner.js
// One measured round of closed-loop load with autocannon, driven in-process (not its workers mode:
// worker events are not forwarded and the bundle would have to carry worker.js).
//
// What we take from autocannon and what we do ourselves, and why:
// - Latency: autocannon's histogram floors to whole ms; we record the `response` event's fractional-ms
//   responseTime into a µs histogram.
// - The round's end: autocannon's stop() destroys its sockets with requests in flight, which the
//   service keeps running (their CPU was charged to the requests that completed, and their database
//   statements landed in whatever came next). At the end of the sending window we stop each
//   connection from sending more and wait until what it has in flight has answered or timed out
//   (counted as errors); the round lasts from the first request to the last answer. By Little's law
//   the drained tail adds about as many responses as it adds time, so rps stays the closed-loop rate.
// - Lost requests: when a server closes a keep-alive socket with a request in flight, autocannon
//   reconnects without counting anything (and times the next response from the lost request's send
//   time). We watch each connection and count those requests as errors.




const runner_RSS_SAMPLE_MS = 100;
/**
 * How often autocannon checks its stop flag. runLoad returns at the first check after the round ends
 * (autocannon's callback), so every round, and every turn of one (baseline.turns), waits up to this
 * long measuring nothing. Round lengths are multiples of 50 ms, as were autocannon's checks, so the
 * wait was a whole interval: 53 ms per turn at 50, 14 ms at 10 through `perfgate run`
 * (bench/turn-gap.ts, docs/benchmarks.md), with no change in the generator's CPU per request. The
 * check itself is a few histogram records.
 */
const AUTOCANNON_SAMPLE_MS = 10;
let loaded;
/**
 * autocannon, loaded on first use: its chunk of the bundle decompresses and compiles a WebAssembly
 * histogram when it loads (~100 ms), which a run starts while the service boots (measure.ts).
 */
function loadAutocannon() {
    loaded ??= __webpack_require__.e(/* import() */ 174).then(__webpack_require__.t.bind(__webpack_require__, 88174, 19)).then((m) => m.default);
    return loaded;
}
/** One measured round. The result's µs histogram is available through `histogramOf(result)`. */
async function runLoad(opts) {
    const autocannon = await loadAutocannon();
    opts.signal?.throwIfAborted();
    const tally = new RoundTally();
    const meter = opts.meter;
    let peakRss = meter ? meter.readRssBytes() : 0;
    // A meter read fails when the service is gone (/proc entries vanish). Timers must not throw, so
    // the first failure is kept, the load stopped, and the failure rethrown from runLoad.
    let meterError;
    const sampleRss = () => {
        try {
            const rss = meter.readRssBytes();
            if (rss > peakRss)
                peakRss = rss;
        }
        catch (err) {
            meterError ??= err;
            endRound();
        }
    };
    const rssTimer = meter ? setInterval(sampleRss, runner_RSS_SAMPLE_MS) : undefined;
    const serviceCpuStart = meter ? meter.readCpuUs() : 0;
    const clientCpuStart = process.cpuUsage();
    // Whether perfgate's own thread kept up: its event-loop delay over the round.
    const loopDelay = (0,external_node_perf_hooks_.monitorEventLoopDelay)({ resolution: 10 });
    loopDelay.enable();
    const start = process.hrtime.bigint();
    const clients = [];
    let instance;
    const finished = new Promise((resolve, reject) => {
        try {
            instance = autocannon({
                url: requestUrl(opts.baseUrl, opts.request).href,
                method: opts.request.method.toUpperCase(),
                headers: opts.request.headers,
                body: opts.request.body ?? undefined,
                connections: opts.connections,
                pipelining: opts.pipelining,
                timeout: Math.max(1, opts.timeoutMs / 1000),
                // We stop it ourselves; this is only a backstop should our timers never fire.
                duration: (opts.durationMs + opts.timeoutMs) / 1000 + 30,
                sampleInt: AUTOCANNON_SAMPLE_MS,
                // Its summary (percentiles of its own histograms) is never read: the round is tallied above.
                skipAggregateResult: true,
                setupClient: (client) => {
                    clients.push(client);
                    countLostRequests(client, tally.onErrors);
                },
            }, (err, result) => (err ? reject(err) : resolve(result)));
        }
        catch (err) {
            reject(err);
        }
    });
    instance.on('response', tally.onResponse);
    // Failed requests are counted per client in countLostRequests, not from 'reqError': with
    // pipelining P a timeout makes autocannon emit reqError P times for each of its P lost requests.
    let sendingNs;
    let roundNs = 0n;
    let serviceCpuUs = 0;
    let clientCpu = { user: 0, system: 0 };
    let drainTimer;
    const endRound = () => {
        if (!tally.open)
            return;
        if (drainTimer)
            clearTimeout(drainTimer);
        // Whatever is still queued when the drain bound is hit never answered: count it as failed.
        for (const c of clients) {
            const left = c.destroyed ? 0 : c.pipelinedRequests?.size() ?? 0;
            if (left > 0)
                tally.onErrors(left);
        }
        tally.close();
        roundNs = process.hrtime.bigint() - start;
        sendingNs ??= roundNs;
        clientCpu = process.cpuUsage(clientCpuStart);
        loopDelay.disable();
        instance?.stop?.();
        if (meter) {
            try {
                serviceCpuUs = meter.readCpuUs() - serviceCpuStart;
            }
            catch (err) {
                meterError ??= err;
            }
            sampleRss();
        }
    };
    const stopSending = () => {
        if (sendingNs !== undefined || !tally.open)
            return;
        sendingNs = process.hrtime.bigint() - start;
        if (!drainClients(clients, endRound)) {
            endRound();
            return;
        }
        // autocannon times out each request itself (counted as errors); this bound only guards against
        // a connection that neither answers nor times out.
        drainTimer = setTimeout(endRound, opts.timeoutMs + runner_DRAIN_GRACE_MS);
    };
    const windowTimer = setTimeout(stopSending, opts.durationMs);
    const progressTimer = opts.onProgress
        ? setInterval(() => opts.onProgress(Number(process.hrtime.bigint() - start) / 1e6, tally.responses), 1000)
        : undefined;
    const onAbort = () => endRound();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
        await finished;
    }
    finally {
        // autocannon ends early only on error (or abort); make sure our round is closed either way.
        endRound();
        clearTimeout(windowTimer);
        if (drainTimer)
            clearTimeout(drainTimer);
        clearInterval(rssTimer);
        clearInterval(progressTimer);
        opts.signal?.removeEventListener('abort', onAbort);
    }
    opts.signal?.throwIfAborted();
    if (meterError !== undefined)
        throw meterError;
    const durationMs = Number(roundNs) / 1e6;
    const { responses, errors, non2xx, histogram } = tally;
    const round = {
        rps: durationMs > 0 ? responses / (durationMs / 1000) : 0,
        latencyUs: percentilesOf(histogram),
        requests: responses,
        errors,
        non2xx,
        durationMs,
        drainMs: Number(roundNs - (sendingNs ?? roundNs)) / 1e6,
    };
    // The histogram's floor is its resolution (10 ms): below that it only says "on time".
    if (loopDelay.count > 0)
        round.clientLoopDelayUs = Math.round(loopDelay.percentile(99) / 1000);
    // Per-request figures are left out, not NaN, when nothing completed.
    if (responses > 0)
        round.clientCpuUsPerRequest = (clientCpu.user + clientCpu.system) / responses;
    if (meter) {
        if (responses > 0)
            round.cpuUsPerRequest = serviceCpuUs / responses;
        round.peakRssBytes = peakRss;
    }
    attachHistogram(round, histogram);
    return round;
}
/** Past the per-request timeout, how long a drain may still wait before giving up on a connection. */
const runner_DRAIN_GRACE_MS = 2000;
/**
 * Stops every client from sending new requests; each destroys itself once its last in-flight request
 * has answered (or timed out: autocannon then reconnects and asks for new requests, which a draining
 * client does not send). Calls `onDrained` when the last one is done. Returns false when the client
 * internals this relies on are missing (then the round ends at once, as autocannon's stop() would).
 */
function drainClients(clients, onDrained) {
    if (clients.length === 0 || clients.some((c) => !c.pipelinedRequests || typeof c.destroy !== 'function'))
        return false;
    let open = clients.length;
    const finish = (c) => {
        if (c.draining === 'done')
            return;
        c.draining = 'done';
        c.destroy();
        if (--open === 0)
            onDrained();
    };
    for (const c of clients) {
        if (c.destroyed) {
            c.draining = 'done';
            if (--open === 0)
                onDrained();
            continue;
        }
        c.draining = 'waiting';
        // autocannon calls _doRequest after each response (and after reconnecting): instead of a new
        // request, a draining client checks whether anything is still in flight.
        // Checked on the next turn: after a timeout autocannon reconnects (calling this) before it emits
        // the 'timeout' events that count the lost requests, which must land in this round.
        c._doRequest = () => {
            setImmediate(() => {
                if (c.pipelinedRequests.size() === 0)
                    finish(c);
            });
        };
        if (c.pipelinedRequests.size() === 0)
            finish(c);
    }
    return true;
}
/**
 * Warm-up as its own short run, so nothing of it reaches the measured numbers. Returns the round
 * anyway: errors during warm-up are worth a warning.
 */
function runWarmup(opts) {
    return runLoad({ ...opts, meter: undefined });
}
function countLostRequests(client, onLost) {
    const c = client;
    // One 'timeout' per request that timed out.
    client.on('timeout', () => onLost(1));
    const connect = c._connect;
    if (typeof connect !== 'function' || !c.pipelinedRequests)
        return;
    c._connect = function () {
        connect.call(this);
        const conn = this.conn;
        const queue = this.pipelinedRequests;
        if (!conn || !queue)
            return;
        // Prepended so they run before autocannon's own handlers, which reconnect and queue new requests.
        conn.prependListener('end', () => {
            const lost = queue.size();
            if (this.destroyed || lost === 0)
                return;
            queue.clear();
            onLost(lost);
        });
        // A socket error loses what was in flight on it; clearing the queue also keeps the next
        // response's latency from being timed from the failed request's send time.
        conn.prependListener('error', () => {
            const lost = queue.size();
            queue.clear();
            if (lost > 0)
                onLost(lost);
        });
    };
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
;// CONCATENATED MODULE: ./lib/load/errors.js

/**
 * A scenario cannot be measured as configured. The pipeline records it as the scenario's `error`
 * and carries on with the other scenarios; exit code 3 if it ends the run.
 */
class ScenarioError extends errors/* EnvironmentError */.eG {
    reason;
    status;
    constructor(reason, message, options = {}) {
        super(message, options.details);
        this.reason = reason;
        this.status = options.status;
    }
}

;// CONCATENATED MODULE: ./lib/load/connection.js
// How a scenario's load uses connections, decided from what the probe saw and `load.connection`.
// Pure: no I/O.
//
// autocannon keeps connections open; against a server that closes them it silently loses requests,
// so such servers are loaded by the reconnecting client (reconnecting.ts says how autocannon loses
// them), which opens a new connection per request, or per N requests when the server allows N, the
// way wrk and ab do.
// Many real deployments close: gunicorn's default sync worker, uWSGI without http-keepalive, PHP's
// built-in server, Python's http.server and wsgiref, proxies that close upstream connections.

/** How a Python (or any) user can give the server keep-alive, for messages. */
const KEEP_ALIVE_ADVICE = 'To measure with persistent connections, enable HTTP keep-alive in the service: gunicorn\'s default sync worker ' +
    'closes every connection, run it with `--worker-class gthread --keep-alive 10` (or uvicorn/gevent workers); ' +
    'uWSGI needs `--http-keepalive`; nginx and Node: raise keepalive_requests / maxRequestsPerSocket.';
/**
 * The plan for a scenario's rounds. Throws ScenarioError for what cannot be measured honestly:
 * keep-alive forced against a server that closes, and pipelining on connections that close.
 */
function planConnections(setting, observed, options) {
    const closes = observed.closesAfter !== undefined;
    if (setting === 'close')
        return { connectionMode: 'close', requestsPerConnection: 1 };
    if (!closes)
        return { connectionMode: 'keep-alive' };
    const closesAfter = observed.closesAfter;
    const saw = observed.announced
        ? `answered "Connection: close" after ${closesAfter} request(s) on a connection`
        : `closed the keep-alive connection after ${closesAfter} request(s)`;
    const reason = observed.announced ? 'connection-close' : 'socket-closed';
    if (setting === 'keep-alive') {
        throw new ScenarioError(reason, `probe ${options.what}: the server ${saw}, and load.connection is keep-alive. The keep-alive load generator ` +
            'would silently lose requests on connections the server closes. Set load.connection: auto (or close) to ' +
            `measure with a new connection per request, connection setup included. ${KEEP_ALIVE_ADVICE}`);
    }
    if (options.pipelining > 1) {
        throw new ScenarioError(reason, `probe ${options.what}: the server ${saw}, and load.pipelining is ${options.pipelining}: pipelined requests ` +
            'behind a closed connection are never answered. Set load.pipelining: 1 to measure with a new connection ' +
            `per request. ${KEEP_ALIVE_ADVICE}`);
    }
    return { connectionMode: 'close', requestsPerConnection: closesAfter };
}
/** "new connection per request" / "new connection every 5 requests", for reports and progress lines. */
function describeConnections(requestsPerConnection) {
    return requestsPerConnection <= 1 ? 'new connection per request' : `new connection every ${requestsPerConnection} requests`;
}

;// CONCATENATED MODULE: ./lib/load/probe.js
// The probe sends a scenario's request a few times over one keep-alive connection before any load,
// and watches what the server does with the connection. autocannon loses requests silently when a
// server answers `Connection: close` or caps requests per connection (src/load/connection.ts says how), so the probe's
// finding decides how the rounds connect (connection.ts): keep-alive when the connection stayed open,
// otherwise a new connection per request (or per N) through the reconnecting client.




const BODY_EXCERPT_CHARS = 200;
/**
 * Sends `request` `count` times (default 3), reusing the connection while the server keeps it, and
 * checks that each answer is 2xx. Throws ScenarioError when the request fails, and when the server's
 * connection handling cannot be measured as configured (planConnections).
 */
async function probeRequest(baseUrl, request, options = {}) {
    const count = Math.max(2, options.count ?? 3);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const what = describeRequest(baseUrl, request);
    const agent = new external_node_http_.Agent({ keepAlive: true, maxSockets: 1 });
    const latencyUs = [];
    let previous;
    let last;
    let observed;
    /** Requests answered on the current connection, and whether the last one announced its close. */
    let onSocket = 0;
    let announced = false;
    /** `Keep-Alive: max=N` on a connection's first response: the server's cap, announced (Node, Apache). */
    let advertisedMax;
    const connectionEnded = () => {
        observed ??= { closesAfter: onSocket, announced };
        onSocket = 0;
        announced = false;
    };
    try {
        for (let i = 0; i < count; i++) {
            let res;
            try {
                res = await send(agent, baseUrl, request, timeoutMs);
            }
            catch (err) {
                const reused = err.reusedSocket === true;
                if (i > 0 && reused && previous !== undefined) {
                    // The server closed the connection silently as the request went out: try it once more
                    // on a new connection (which is not reused, so this cannot repeat).
                    connectionEnded();
                    previous = undefined;
                    i--;
                    continue;
                }
                throw new ScenarioError('connect', `probe ${what} failed: ${err.message}. Is the service listening there? ` +
                    'Check service.ready.url (the base URL comes from its origin) and the request path.');
            }
            latencyUs.push(res.latencyUs);
            if (res.status < 200 || res.status > 299) {
                const excerpt = res.body.toString('utf8', 0, Math.min(res.body.length, BODY_EXCERPT_CHARS * 4));
                throw new ScenarioError('status', `probe ${what} answered HTTP ${res.status}; load is only sent to a request that answers 2xx. ` +
                    'Check the scenario request (method, path, headers, body) and the service log.', { status: res.status, details: `response body: ${excerpt.slice(0, BODY_EXCERPT_CHARS)}` });
            }
            if (previous !== undefined && (res.socket !== previous || !res.reusedSocket))
                connectionEnded();
            const max = /\bmax=(\d+)/i.exec(res.keepAliveHeader);
            if (onSocket === 0 && max && Number(max[1]) > 0)
                advertisedMax ??= Number(max[1]);
            onSocket++;
            announced = /\bclose\b/i.test(res.connectionHeader);
            previous = res.socket;
            last = res;
        }
    }
    finally {
        agent.destroy();
    }
    if (observed === undefined && announced)
        observed = { closesAfter: onSocket, announced };
    // A cap larger than the probe's requests is only seen in the header; without it keep-alive rounds
    // would lose a request every N (counted as errors, but lost all the same).
    if (observed === undefined && advertisedMax !== undefined)
        observed = { closesAfter: advertisedMax, announced: true };
    const plan = planConnections(options.connection ?? 'auto', observed ?? { announced: false }, {
        what,
        pipelining: options.pipelining ?? 1,
    });
    return {
        status: last.status,
        bodyBytes: last.body.length,
        requests: count,
        latencyUs,
        ...(observed ? { closesAfter: observed.closesAfter } : {}),
        plan,
    };
}
function send(agent, baseUrl, request, timeoutMs) {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const req = external_node_http_.request(requestUrl(baseUrl, request), {
            agent,
            method: request.method.toUpperCase(),
            headers: request.headers,
            timeout: timeoutMs,
        });
        let socket;
        req.on('socket', (s) => (socket = s));
        req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
        req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
        req.on('response', (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
                resolve({
                    status: res.statusCode ?? 0,
                    body: Buffer.concat(chunks),
                    connectionHeader: String(res.headers.connection ?? ''),
                    keepAliveHeader: String(res.headers['keep-alive'] ?? ''),
                    socket: socket,
                    reusedSocket: req.reusedSocket,
                    latencyUs: Math.round(Number(process.hrtime.bigint() - started) / 1000),
                });
            });
        });
        req.end(request.body ?? undefined);
    });
}

;// CONCATENATED MODULE: ./lib/load/aggregate.js


/** Share of one core the load generator may use before its own CPU may be what limits throughput. */
const CLIENT_SATURATION_SHARE = 0.85;
/**
 * Aggregates a scenario's rounds: rps = total requests / total measured seconds; latency
 * percentiles from the merged µs histograms of all rounds; CPU per request = total / total requests.
 * `histograms` defaults to the ones runLoad kept beside each round in this process.
 */
function aggregateRounds(rounds, histograms = rounds.map(histogramOf)) {
    const result = combineRounds(rounds, mergedHistogram(rounds, histograms));
    const warnings = loadWarnings(rounds);
    if (warnings.length > 0)
        result.warnings = warnings;
    return result;
}
/**
 * aggregateRounds' numbers, without the caveats (a round merged from turns has no place for them).
 * `merged` is the rounds' merged histogram, when every round has one.
 */
function combineRounds(rounds, merged) {
    const requests = sum(rounds, (r) => r.requests);
    const seconds = sum(rounds, (r) => r.durationMs) / 1000;
    const result = {
        rounds: [...rounds],
        rps: seconds > 0 ? requests / seconds : 0,
        latencyUs: merged === undefined ? medianLatency(rounds) : percentilesOf(merged),
        requests,
        errors: sum(rounds, (r) => r.errors),
        non2xx: sum(rounds, (r) => r.non2xx),
    };
    const cpuPerRequest = weightedPerRequest(rounds, (r) => r.cpuUsPerRequest);
    if (cpuPerRequest !== undefined)
        result.cpuUsPerRequest = cpuPerRequest;
    const clientCpu = weightedPerRequest(rounds, (r) => r.clientCpuUsPerRequest);
    if (clientCpu !== undefined)
        result.clientCpuUsPerRequest = clientCpu;
    const rss = rounds.map((r) => r.peakRssBytes).filter((v) => v !== undefined);
    if (rss.length > 0)
        result.peakRssBytes = Math.max(...rss);
    const perConnection = rounds.map((r) => r.requestsPerConnection).filter((v) => v !== undefined);
    if (perConnection.length > 0)
        result.requestsPerConnection = Math.min(...perConnection);
    return result;
}
/**
 * One side's turns of an alternating round (baseline.turns) as that side's one round: requests, time
 * and CPU summed, latency from the merged histograms — what one turn of their total length measures,
 * except that the other side ran in between. One turn is its own round.
 */
function mergeTurns(turns) {
    if (turns.length === 1)
        return turns[0];
    const merged = mergedHistogram(turns, turns.map(histogramOf));
    const load = combineRounds(turns, merged);
    const max = (value) => {
        const values = turns.map(value).filter((v) => v !== undefined);
        return values.length > 0 ? Math.max(...values) : undefined;
    };
    const drainMs = turns.some((t) => t.drainMs !== undefined) ? sum(turns, (t) => t.drainMs ?? 0) : undefined;
    const loopDelay = max((t) => t.clientLoopDelayUs);
    const round = {
        rps: load.rps,
        latencyUs: load.latencyUs,
        requests: load.requests,
        errors: load.errors,
        non2xx: load.non2xx,
        durationMs: sum(turns, (t) => t.durationMs),
        ...(drainMs === undefined ? {} : { drainMs }),
        ...(load.requestsPerConnection === undefined ? {} : { requestsPerConnection: load.requestsPerConnection }),
        ...(load.cpuUsPerRequest === undefined ? {} : { cpuUsPerRequest: load.cpuUsPerRequest }),
        ...(load.peakRssBytes === undefined ? {} : { peakRssBytes: load.peakRssBytes }),
        ...(load.clientCpuUsPerRequest === undefined ? {} : { clientCpuUsPerRequest: load.clientCpuUsPerRequest }),
        ...(loopDelay === undefined ? {} : { clientLoopDelayUs: loopDelay }),
        turns: turns.length,
    };
    if (merged !== undefined)
        attachHistogram(round, merged);
    return round;
}
/** Fraction of one core the load generator used during a round (undefined when unknown). */
function clientCpuShare(round) {
    if (round.clientCpuUsPerRequest === undefined || round.durationMs <= 0)
        return undefined;
    return (round.clientCpuUsPerRequest * round.requests) / (round.durationMs * 1000);
}
/** Caveats a reader of the numbers should see: saturated load generator, errors. */
function loadWarnings(rounds) {
    const warnings = [];
    const shares = rounds.map(clientCpuShare).filter((v) => v !== undefined);
    const busiest = shares.length > 0 ? Math.max(...shares) : 0;
    if (busiest > CLIENT_SATURATION_SHARE) {
        warnings.push(`the load generator used ${Math.round(busiest * 100)}% of a CPU core in its busiest round: ` +
            'req/s may be limited by perfgate rather than the service. Compare service CPU per request instead, ' +
            'or run on a machine with more cores.');
    }
    const perConnection = rounds.map((r) => r.requestsPerConnection).filter((v) => v !== undefined);
    if (perConnection.length > 0) {
        warnings.push(`${describeConnections(Math.min(...perConnection))}: the server closes connections, so latency includes ` +
            'connection setup and is not comparable with keep-alive numbers.');
    }
    const silent = rounds.filter((r) => r.requests === 0).length;
    if (silent > 0) {
        warnings.push(`no request completed in ${silent} of ${rounds.length} rounds: the service answers slower than a round lasts ` +
            '(or not at all); requests still in flight when a round ends are not counted. Raise load.duration or fix the endpoint.');
    }
    const failed = sum(rounds, (r) => r.errors + r.non2xx);
    if (failed > 0) {
        const total = sum(rounds, (r) => r.requests + r.errors);
        warnings.push(`${failed} of ${total} requests failed (socket errors or non-2xx): latency includes failures.`);
    }
    return warnings;
}
/** One histogram of every round's values; undefined unless each round has its histogram. */
function mergedHistogram(rounds, histograms) {
    if (rounds.length === 0 || histograms.length !== rounds.length)
        return undefined;
    if (!histograms.every((h) => h !== undefined))
        return undefined;
    return mergeHistograms(histograms);
}
/**
 * Rounds read back from results JSON have no histograms. Percentiles cannot be merged exactly from
 * percentiles, so take the median of each across rounds (robust to one noisy round) and the true maximum.
 */
function medianLatency(rounds) {
    if (rounds.length === 0)
        return { p50: 0, p90: 0, p99: 0, max: 0 };
    return {
        p50: median(rounds.map((r) => r.latencyUs.p50)),
        p90: median(rounds.map((r) => r.latencyUs.p90)),
        p99: median(rounds.map((r) => r.latencyUs.p99)),
        max: Math.max(...rounds.map((r) => r.latencyUs.max)),
    };
}
/** Σ(value × requests) / Σ requests over the rounds that have the value. */
function weightedPerRequest(rounds, perRequest) {
    let total = 0;
    let requests = 0;
    for (const r of rounds) {
        const v = perRequest(r);
        if (v === undefined)
            continue;
        total += v * r.requests;
        requests += r.requests;
    }
    return requests > 0 ? total / requests : undefined;
}
function sum(rounds, value) {
    let total = 0;
    for (const r of rounds)
        total += value(r);
    return total;
}
function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

;// CONCATENATED MODULE: ./lib/load/index.js









/**
 * One measured round: autocannon over keep-alive connections (runner.ts), or, when the server closes
 * connections, the reconnecting client (reconnecting.ts), with the same contract and semantics.
 */
function load_runLoad(opts) {
    return opts.connectionMode === 'close' ? runReconnectingLoad(opts) : runLoad(opts);
}
/**
 * Warm-up as its own short run, so nothing of it reaches the measured numbers. Returns the round
 * anyway: errors during warm-up are worth a warning.
 */
function load_runWarmup(opts) {
    return load_runLoad({ ...opts, meter: undefined });
}

// EXTERNAL MODULE: ./lib/net/free-port.js
var free_port = __webpack_require__(42313);
// EXTERNAL MODULE: external "node:timers/promises"
var external_node_timers_promises_ = __webpack_require__(58500);
;// CONCATENATED MODULE: ./lib/queries/attribution.js
// Attribution of executed statements to probe requests. Probes are sequential, so every statement
// that completes inside a request's window belongs to it, whichever pooled connection ran it.
// Pure: statements and windows in, groups out.
/** `until`: when probing ended (after the last window's quiet gap); later statements are ignored. */
function attributeStatements(statements, windows, until) {
    const perWindow = windows.map(() => []);
    const background = [];
    if (windows.length === 0)
        return { perWindow, background };
    const order = windows.map((w, i) => ({ w, i })).sort((a, b) => (a.w.sentAt < b.w.sentAt ? -1 : a.w.sentAt > b.w.sentAt ? 1 : 0));
    const first = order[0].w.sentAt;
    const lastEnd = order.reduce((m, o) => (o.w.endAt > m ? o.w.endAt : m), order[0].w.endAt);
    const last = until !== undefined && until > lastEnd ? until : lastEnd;
    for (const s of statements) {
        const t = s.completedAt;
        // Before probing started (warm-ups) or after it ended: not part of this measurement.
        if (t < first || t > last)
            continue;
        const hit = order.find((o) => t >= o.w.sentAt && t <= o.w.endAt);
        if (hit)
            perWindow[hit.i].push(s);
        else
            background.push(s);
    }
    return { perWindow, background };
}

// EXTERNAL MODULE: ./lib/queries/fingerprint.js
var queries_fingerprint = __webpack_require__(28616);
;// CONCATENATED MODULE: ./lib/queries/nplusone.js
// From statements per probe request to the QueryResult of results JSON: the median count, the
// statement shapes of the median probe, N+1 suspects and duplicate queries. Pure.
//
// N+1 rule (docs/queries.md, "N+1 and duplicate queries"): a SELECT fingerprint executed ≥ threshold times in one request with ≥ 2
// distinct parameter/literal sets. The same statement with identical parameters repeated is a
// "duplicate query" instead. Transaction control, SET/SHOW and catalog queries never count.

const DEFAULT_NPLUSONE_THRESHOLD = 3;
/**
 * Index of the median probe. For an even count the lower middle, so the reported statements are
 * those of a probe that really happened rather than an average of two.
 */
function medianIndex(counts) {
    const sorted = counts.map((c, i) => ({ c, i })).sort((a, b) => a.c - b.c || a.i - b.i);
    return sorted[Math.floor((sorted.length - 1) / 2)].i;
}
function buildQueryResult(perProbe, opts) {
    const counts = perProbe.map((p) => p.length);
    if (counts.length === 0) {
        return { source: 'proxy', perRequest: 0, stable: true, probes: 0, perProbe: [], statements: [], nPlusOne: [], duplicates: [] };
    }
    const median = perProbe[medianIndex(counts)];
    const analysis = analyzeRequest(median, opts.dialect, opts.nPlusOneThreshold ?? DEFAULT_NPLUSONE_THRESHOLD);
    const result = {
        source: 'proxy',
        perRequest: median.length,
        stable: counts.every((c) => c === counts[0]),
        probes: counts.length,
        perProbe: counts,
        statements: analysis.statements,
        nPlusOne: analysis.nPlusOne,
        duplicates: analysis.duplicates,
        transactionControl: analysis.transactionControl,
    };
    if (opts.background !== undefined)
        result.background = opts.background;
    return result;
}
/** Groups one request's statements by fingerprint and applies the N+1 and duplicate rules. */
function analyzeRequest(statements, dialect, threshold) {
    const groups = new Map();
    let transactionControl = 0;
    for (const s of statements) {
        const fp = (0,queries_fingerprint/* fingerprintSql */.B_)(s.sql, dialect);
        const kind = (0,queries_fingerprint/* classifyStatement */.cp)(s.sql, dialect);
        if (kind === 'transaction')
            transactionControl++;
        let g = groups.get(fp.fingerprint);
        if (!g)
            groups.set(fp.fingerprint, (g = { sql: fp.normalized, kind, instances: [] }));
        g.instances.push(s);
    }
    const counts = [];
    const nPlusOne = [];
    const duplicates = [];
    for (const [fingerprint, g] of groups) {
        counts.push({ fingerprint, sql: g.sql, count: g.instances.length });
        if (g.kind !== 'select' || g.instances.length < 2)
            continue;
        const sets = new Map();
        for (const [i, s] of g.instances.entries()) {
            // A call is its bound values and the literals written into its text (inline literals can come
            // with zero bound parameters, over the extended protocol too). Placeholders whose values the
            // tap could not decode say nothing: count such a call as distinct rather than as a repeat.
            const unknown = s.params === undefined && (0,queries_fingerprint/* countPlaceholders */.E_)(s.sql, dialect) > 0;
            const key = unknown ? `unknown ${i}` : JSON.stringify([s.params ?? [], (0,queries_fingerprint/* extractLiterals */.On)(s.sql, dialect)]);
            sets.set(key, (sets.get(key) ?? 0) + 1);
        }
        if (g.instances.length >= threshold && sets.size >= 2) {
            nPlusOne.push({ fingerprint, sql: g.sql, count: g.instances.length, distinctParams: sets.size });
            continue;
        }
        // Identical repeats: a result the request could have reused.
        const repeats = Math.max(...sets.values());
        if (repeats >= 2)
            duplicates.push({ fingerprint, sql: g.sql, count: repeats });
    }
    const byCount = (a, b) => b.count - a.count || a.sql.localeCompare(b.sql);
    return { statements: counts.sort(byCount), nPlusOne: nPlusOne.sort(byCount), duplicates: duplicates.sort(byCount), transactionControl };
}

// EXTERNAL MODULE: ./lib/queries/db-time.js + 1 modules
var db_time = __webpack_require__(95000);
;// CONCATENATED MODULE: ./lib/queries/probe.js
// Query probes: a scenario's request sent a few times, one at a time, with the statements the
// database executed meanwhile attributed to each (or, in header mode, the count the service reports).







/**
 * Wait after each response before closing its window. A service may answer before its database
 * work completes (fire-and-forget writes, a COMMIT issued after the response is flushed); those
 * statements still belong to the request. 50 ms covers a loopback round trip many times over, with
 * room for a busy CI runner. As long again follows each window before the next request, so a
 * statement later than that shows up as background instead of in the next probe's count; a 5-probe
 * scenario spends half a second waiting.
 */
const SETTLE_MS = 50;
/**
 * Before the probes, the database must be quiet: statements still arriving from earlier requests
 * (a slow request of perfgate's still running in the service, a job the warm-up started) would be
 * counted as the probes'. Quiet means no statement for QUIET_GAP_MS; after QUIET_LIMIT_MS perfgate
 * probes anyway and says so in the results.
 */
const QUIET_GAP_MS = 200;
const QUIET_LIMIT_MS = 10_000;
/** Waits until the proxy has seen no statement for `gapMs` (recording must be on), at most `limitMs`. */
async function waitForQuiet(proxy, gapMs, limitMs) {
    const deadline = Date.now() + limitMs;
    let statements = 0;
    for (;;) {
        await (0,external_node_timers_promises_.setTimeout)(gapMs);
        const arrived = proxy.drain().length;
        if (arrived === 0)
            return { reached: true, statements };
        statements += arrived;
        if (Date.now() >= deadline)
            return { reached: false, statements };
    }
}
async function probeQueries(opts) {
    return (await probeQueriesInterleaved([opts]))[0];
}
/**
 * Query probes of several sides (a rerun's base and head, each with its own service and proxy),
 * interleaved in time: probe i of every side is sent before probe i + 1 of any, in a random order per
 * probe. Probed one side after the other, each side's samples came from its own second or two of
 * the machine; a slow spell during one side's probes (measured: +35% over half of them, on a quiet
 * 2-core machine) then read as a database-time change the unpaired interval took for real, and an
 * unchanged pull request failed. Interleaved, a slow spell lands on both sides alike. The rank
 * interval of statement-times.ts stays valid — it is conservative when each side's sample shares
 * the other's drift — and still serves per-call samples, which cannot be paired across sides.
 * Results in the order of `sides`.
 */
async function probeQueriesInterleaved(sides, random = Math.random) {
    const sessions = [];
    try {
        // Warm-up and quiet for all before the first probe of any: a side's warm-up is not probing time.
        for (const opts of sides)
            sessions.push(await openProbeSession(opts));
        const probes = Math.max(...sides.map((o) => o.scenario.queries.probes));
        for (let i = 0; i < probes; i++) {
            const order = sessions.map((session) => ({ session, key: random() })).sort((a, b) => a.key - b.key);
            for (const { session } of order)
                if (i < session.opts.scenario.queries.probes)
                    await session.probe();
        }
        return sessions.map((session) => session.finish());
    }
    finally {
        for (const session of sessions)
            session.close();
    }
}
async function openProbeSession(opts) {
    const { scenario } = opts;
    const settleMs = opts.settleMs ?? SETTLE_MS;
    const agent = new external_node_http_.Agent({ keepAlive: true, maxSockets: 1 });
    let restore;
    const close = () => {
        restore?.();
        restore = undefined;
        agent.destroy();
    };
    try {
        for (let i = 0; i < scenario.queries.warmupRequests; i++)
            await probe_send(opts.baseUrl, scenario, agent);
        const header = scenario.queries.header;
        if (header !== undefined) {
            // The service counts its own statements: no proxy, no windows, no database time.
            const counts = [];
            return {
                opts,
                probe: async () => {
                    counts.push(countFromHeader(opts, await probe_send(opts.baseUrl, scenario, agent), header));
                },
                finish: () => headerResult(counts),
                close,
            };
        }
        const proxy = opts.proxy;
        if (proxy === undefined) {
            throw new errors/* EnvironmentError */.eG(`scenario "${scenario.name}": query counting needs either a database proxy (database: in perfgate.yml) or queries.header`);
        }
        const wasRecording = proxy.setRecording(true);
        restore = () => {
            proxy.drain(); // after a failed probe: no stale statement for the next scenario's quiet wait
            proxy.setRecording(wasRecording);
        };
        // Warm-up statements are not part of the measurement, nor anything else still arriving.
        const quiet = await waitForQuiet(proxy, opts.quietGapMs ?? QUIET_GAP_MS, opts.quietLimitMs ?? QUIET_LIMIT_MS);
        const windows = [];
        const latenciesUs = [];
        // The proxy keeps every statement since recording began; each window is matched at the end.
        // Another side's probes fall between this side's windows and reach another proxy.
        return {
            opts,
            probe: async () => {
                const sentAt = process.hrtime.bigint();
                await probe_send(opts.baseUrl, scenario, agent);
                latenciesUs.push(Number(process.hrtime.bigint() - sentAt) / 1000);
                await (0,external_node_timers_promises_.setTimeout)(settleMs);
                windows.push({ sentAt, endAt: process.hrtime.bigint() });
                // A quiet gap before the next window (and before draining, after the last): a statement
                // later than the settle time is reported as background, not added to the next request.
                await (0,external_node_timers_promises_.setTimeout)(settleMs);
            },
            finish: () => {
                const probingEnded = process.hrtime.bigint();
                const statements = proxy.drain();
                close();
                const { perWindow, background } = attributeStatements(statements, windows, probingEnded);
                const counted = buildQueryResult(perWindow, {
                    dialect: opts.dialect ?? 'postgres',
                    nPlusOneThreshold: scenario.queries.nPlusOneThreshold,
                    background: background.length,
                });
                if (!quiet.reached) {
                    counted.notes = [
                        `the database was not quiet before probing: ${quiet.statements} statements arrived in the ${QUIET_LIMIT_MS / 1000} s perfgate waited ` +
                            '(a background job, or requests still running); probe counts may include some of them',
                    ];
                }
                return (0,db_time/* withDbTime */.a$)(counted, perWindow, latenciesUs, opts.dialect ?? 'postgres');
            },
            close,
        };
    }
    catch (error) {
        close();
        throw error;
    }
}
function countFromHeader(opts, res, header) {
    const value = res.headers[header.toLowerCase()];
    const count = parseQueryCountHeader(header, Array.isArray(value) ? value.join(', ') : value);
    if (count === undefined) {
        throw new errors/* EnvironmentError */.eG(`scenario "${opts.scenario.name}": response to ${opts.scenario.request.method} ${opts.scenario.request.shownPath ?? opts.scenario.request.path} has no usable ` +
            `${header} header (got ${value === undefined ? 'none' : JSON.stringify(value)}); expected e.g. "${header}: 7"` +
            (header.toLowerCase() === 'server-timing' ? ' or Server-Timing: db;desc="7"' : ''));
    }
    return count;
}
function headerResult(counts) {
    return {
        source: 'header',
        perRequest: counts.length === 0 ? 0 : counts[medianIndex(counts)],
        stable: counts.every((c) => c === counts[0]),
        probes: counts.length,
        perProbe: counts,
        statements: [],
        nPlusOne: [],
        duplicates: [],
    };
}
/**
 * The query count a service reports about itself. Any header: a plain non-negative integer.
 * Server-Timing: the metric named `db` or `queries`, its count in `desc` (`db;desc="7"`, a leading
 * integer such as `desc="7 queries"` works too), or for `queries` in `dur` (`queries;dur=7`).
 */
function parseQueryCountHeader(name, value) {
    if (value === undefined)
        return undefined;
    if (name.toLowerCase() !== 'server-timing') {
        const m = /^\s*(\d+)\s*$/.exec(value);
        return m ? Number(m[1]) : undefined;
    }
    for (const metric of value.split(',')) {
        const [rawName, ...params] = metric.split(';').map((p) => p.trim());
        const metricName = (rawName ?? '').toLowerCase();
        if (metricName !== 'db' && metricName !== 'queries')
            continue;
        const param = (key) => {
            for (const p of params) {
                const eq = p.indexOf('=');
                if (eq !== -1 && p.slice(0, eq).trim().toLowerCase() === key)
                    return p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
            }
            return undefined;
        };
        const desc = /^\s*(\d+)\b/.exec(param('desc') ?? '');
        if (desc)
            return Number(desc[1]);
        const dur = param('dur');
        if (metricName === 'queries' && dur !== undefined && /^\d+(\.0*)?$/.test(dur))
            return Number.parseInt(dur, 10);
    }
    return undefined;
}
function probe_send(baseUrl, scenario, agent) {
    const url = requestUrl(baseUrl, scenario.request); // keeps a baseUrl path prefix (http://host/api)
    const { method, headers, body } = scenario.request;
    return new Promise((resolve, reject) => {
        const req = external_node_http_.request(url, { method, headers, agent, timeout: scenario.load.timeoutMs }, (res) => {
            res.resume(); // the body is not needed, only its end
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
            res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`no response within ${scenario.load.timeoutMs} ms`)));
        req.on('error', (err) => reject(new errors/* EnvironmentError */.eG(`scenario "${scenario.name}": query probe ${describeRequest(baseUrl, scenario.request)} failed: ${err.message}`)));
        req.end(body ?? undefined);
    });
}

// EXTERNAL MODULE: ./lib/results/types.js
var types = __webpack_require__(61727);
// EXTERNAL MODULE: ./lib/service/registry.js
var registry = __webpack_require__(75688);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
;// CONCATENATED MODULE: ./lib/service/log-dir.js
// The folder a run's service and build logs go to, and whether it stays afterwards: kept when the run
// fails (any non-zero exit code, including Ctrl-C) or when asked (`--keep-logs`, the action's
// `keep-logs` input), removed at exit otherwise — one folder per run would otherwise pile up in the
// temp folder. On GitHub it lives under $RUNNER_TEMP, which the runner empties after the job.



/** `$RUNNER_TEMP/perfgate-<pid>` on GitHub, `<system temp>/perfgate-<pid>` elsewhere. */
function logDirPath(env = process.env, pid = process.pid) {
    return external_node_path_.join(env.RUNNER_TEMP || external_node_os_.tmpdir(), `perfgate-${pid}`);
}
/** Whether the logs stay, given how the process ends. */
function keepsLogs(exitCode, keepAsked) {
    return keepAsked || exitCode !== 0;
}
const dirs = new Map();
/**
 * Creates this process's log folder (if needed) and returns its path. The decision to keep or remove
 * it is taken once, on process exit, from the exit code: only then is it known whether the run failed.
 */
function createLogDir(opts) {
    const dir = logDirPath(opts.env);
    (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
    const known = dirs.get(dir);
    if (known) {
        known.keep ||= Boolean(opts.keep);
        return dir;
    }
    const entry = { keep: Boolean(opts.keep), progress: opts.progress };
    dirs.set(dir, entry);
    process.on('exit', (code) => settleLogDir(dir, entry, code));
    return dir;
}
function settleLogDir(dir, entry, exitCode) {
    if (keepsLogs(exitCode, entry.keep)) {
        const why = exitCode !== 0 ? `the run ended with exit code ${exitCode}` : 'asked to keep them';
        entry.progress(`service and build logs kept in ${dir} (${why})`);
        return;
    }
    try {
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    }
    catch {
        // the process is exiting: a folder left in the temp folder is the worst case
    }
}

// EXTERNAL MODULE: ./lib/service/child-env.js
var child_env = __webpack_require__(62083);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(57975);
;// CONCATENATED MODULE: ./lib/rerun/worktree.js
// Rerun mode checks the base commit out beside the head so both can be built and measured on the
// same runner. git is run with argument arrays (never a shell): refs can come from a pull request.







const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
async function git(cwd, args) {
    try {
        const { stdout } = await run('git', args, { cwd, maxBuffer: 16 * 1024 * 1024, env: (0,child_env/* withoutRunnerCredentials */.D)(process.env) });
        return stdout.trim();
    }
    catch (error) {
        const e = error;
        throw new errors/* EnvironmentError */.eG(`git ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
    }
}
/** The ref to compare against when none is configured: the PR's base branch on GitHub, else main. */
function defaultBaseRefs(env = process.env) {
    const refs = [];
    if (env.GITHUB_BASE_REF)
        refs.push(`origin/${env.GITHUB_BASE_REF}`);
    refs.push('origin/main', 'main', 'origin/master', 'master');
    return refs;
}
async function prepareBaseWorktree(opts) {
    const headDir = external_node_path_.dirname(opts.configFile);
    const root = await git(headDir, ['rev-parse', '--show-toplevel']).catch(() => {
        throw new errors/* EnvironmentError */.eG(`baseline.source: rerun needs a git checkout, and ${headDir} is not inside one`);
    });
    const candidates = opts.ref ? [opts.ref] : defaultBaseRefs();
    let ref;
    let commit;
    for (const candidate of candidates) {
        try {
            commit = await git(root, ['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`]);
            ref = candidate;
            break;
        }
        catch {
            // try the next candidate
        }
    }
    if (!ref || !commit) {
        throw new errors/* EnvironmentError */.eG(`baseline.source: rerun could not find the base commit (tried ${candidates.join(', ')}); ` +
            'set baseline.ref, and on GitHub check out with `fetch-depth: 0` so the base branch is present');
    }
    // Compare against where the branch left the base, not the base's newest commit.
    const mergeBase = await git(root, ['merge-base', 'HEAD', commit]).catch(() => commit);
    const dir = external_node_path_.join((0,external_node_fs_.mkdtempSync)(external_node_path_.join(external_node_os_.tmpdir(), 'perfgate-base-')), 'checkout');
    opts.progress(`base: checking out ${ref} (${mergeBase.slice(0, 12)}) into ${dir}`);
    await git(root, ['worktree', 'add', '--detach', dir, mergeBase]);
    const removeSync = () => {
        try {
            (0,external_node_child_process_.execFileSync)('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore', env: (0,child_env/* withoutRunnerCredentials */.D)(process.env) });
        }
        catch {
            // removed below; `git worktree prune` forgets the entry later
        }
        (0,external_node_fs_.rmSync)(external_node_path_.dirname(dir), { recursive: true, force: true });
    };
    return {
        ref,
        commit: mergeBase,
        dir,
        mapPath: (headPath) => external_node_path_.join(dir, external_node_path_.relative(root, headPath)),
        // Teardown runs once, at the end or from a signal handler; blocking for git's few ms is fine.
        remove: async () => removeSync(),
        removeSync,
    };
}

// EXTERNAL MODULE: ./lib/config/expand.js
var expand = __webpack_require__(69392);
// EXTERNAL MODULE: ./lib/queries/proxy.js + 3 modules
var queries_proxy = __webpack_require__(85981);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./lib/service/log.js
// The service's stdout/stderr go straight to a file descriptor (no pipe through perfgate), so a chatty
// service can never block on a full pipe and its output survives perfgate crashing.


/** How much of the end of a log file tailLog reads; 40 lines of even very long lines fit. */
const TAIL_BYTES = 256 * 1024;
/** Opens logFile for appending (creating its folder) and writes a header naming the command. */
function openLog(logFile, header) {
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(logFile), { recursive: true });
    const fd = (0,external_node_fs_.openSync)(logFile, 'a');
    (0,external_node_fs_.writeSync)(fd, `--- perfgate ${new Date().toISOString()}: ${header}\n`);
    return fd;
}
/** The last `count` lines of a text, without a trailing empty line. */
function lastLines(text, count) {
    const lines = text.split('\n');
    if (lines.at(-1) === '')
        lines.pop();
    return lines.slice(Math.max(0, lines.length - count)).join('\n');
}
function tailLog(logFile, count = 40) {
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(logFile, 'r');
    }
    catch {
        return '';
    }
    try {
        const size = (0,external_node_fs_.fstatSync)(fd).size;
        const length = Math.min(size, TAIL_BYTES);
        const buffer = Buffer.alloc(length);
        (0,external_node_fs_.readSync)(fd, buffer, 0, length, size - length);
        return lastLines(buffer.toString('utf8'), count);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
/** The details block an EnvironmentError shows under its message. */
function logDetails(logFile, count = 40) {
    const tail = tailLog(logFile, count);
    return tail ? `last ${count} lines of ${logFile}:\n${tail}` : `(${logFile} is empty)`;
}

;// CONCATENATED MODULE: ./lib/service/log-cap.js
// Caps a log file that a service appends to directly (its stdout and stderr are the file, log.ts):
// once it outgrows the cap, the middle is cut and the head and tail are kept, with a line in the file
// saying how many bytes were cut there. A chatty service logged 200 MB into the temp folder before.
//
// How: the file cannot be swapped under the service (it holds the descriptor), so it is cut in place.
// `fallocate --collapse-range` removes a block-aligned range atomically with respect to the service's
// appends (ext4, XFS — GitHub's runners): nothing is lost. Where the filesystem cannot do that
// (tmpfs), the tail is copied, the file truncated after the head and the tail appended again: what
// the service writes in the microseconds between the last read and the truncation is lost (and not
// counted), and what it writes between the truncation and the append lands before the tail. A cut
// after the service has stopped loses nothing either way.




/** 1 MiB of start-up and 4 MiB of the end: what a failure report or a reader needs, 5 MiB per log. */
const DEFAULT_LOG_CAP = { headBytes: 1 << 20, tailBytes: 4 << 20 };
/** The line that replaces the cut part; fixed width, so a later cut rewrites it in place. */
function cutMarker(cutBytes, limits) {
    return `\n--- perfgate: log capped: ${String(cutBytes).padStart(15)} bytes cut here (kept: the first ${limits.headBytes} and the last ${limits.tailBytes} bytes) ---\n`;
}
/** Where the kept head ends, the marker being its last bytes: block-aligned, as collapse-range needs. */
function headEnd(limits, blockSize) {
    return roundUp(limits.headBytes + cutMarker(0, limits).length, blockSize);
}
/**
 * The range to cut from a file of `size` bytes, or undefined while it is within the cap. It waits for a
 * quarter of the tail (at least a block) beyond the cap, so a steady writer is not cut on every check.
 */
function planCut(size, limits, blockSize) {
    const offset = headEnd(limits, blockSize);
    const slack = Math.max(blockSize, Math.floor(limits.tailBytes / 4));
    if (size <= offset + limits.tailBytes + slack)
        return undefined;
    const length = roundDown(size - limits.tailBytes - offset, blockSize);
    return length > 0 ? { offset, length } : undefined;
}
const runFile = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
class LogCap {
    file;
    limits;
    /** 'collapse' until the filesystem (or a missing `fallocate`) says no. */
    mode;
    /** Bytes of the service's output cut so far (the marker's count). */
    cutBytes = 0;
    blockSize;
    running;
    constructor(file, limits = DEFAULT_LOG_CAP, opts = {}) {
        this.file = file;
        this.limits = limits;
        this.mode = opts.collapse === false ? 'rewrite' : 'collapse';
        let blockSize = 4096;
        try {
            blockSize = (0,external_node_fs_.statfsSync)(external_node_path_.dirname(file)).bsize || blockSize;
        }
        catch {
            // keep the common block size
        }
        this.blockSize = blockSize;
    }
    /** Cuts the middle if the file has outgrown the cap. One cut at a time; never throws. */
    check() {
        this.running ??= this.cutIfNeeded()
            .catch(() => {
            // a log that cannot be capped is still a log: never fail the run over it
        })
            .finally(() => (this.running = undefined));
        return this.running;
    }
    /** After the writers have stopped: waits for a cut in progress, then cuts to the cap. */
    async settle() {
        await this.running;
        await this.check();
    }
    async cutIfNeeded() {
        const plan = planCut((0,external_node_fs_.statSync)(this.file).size, this.limits, this.blockSize);
        if (!plan)
            return;
        const first = this.cutBytes === 0;
        let removed;
        if (this.mode === 'collapse') {
            try {
                await runFile('fallocate', ['--collapse-range', '--offset', String(plan.offset), '--length', String(plan.length), this.file]);
                removed = plan.length;
            }
            catch {
                this.mode = 'rewrite'; // tmpfs, an old kernel, or no util-linux
                removed = this.rewrite(plan.offset);
            }
        }
        else {
            removed = this.rewrite(plan.offset);
        }
        // The first cut also overwrites the head's last bytes with the marker: those count as cut too.
        const marker = cutMarker(0, this.limits).length;
        this.cutBytes += removed + (first ? marker : 0);
        const fd = (0,external_node_fs_.openSync)(this.file, 'r+');
        try {
            (0,external_node_fs_.writeSync)(fd, cutMarker(this.cutBytes, this.limits), plan.offset - marker);
        }
        finally {
            (0,external_node_fs_.closeSync)(fd);
        }
    }
    /** Copy the tail, truncate after the head, append the tail: returns the bytes removed. */
    rewrite(offset) {
        const fd = (0,external_node_fs_.openSync)(this.file, 'r+');
        let tail;
        let size;
        try {
            size = (0,external_node_fs_.fstatSync)(fd).size;
            const start = Math.max(offset, size - this.limits.tailBytes);
            tail = readRange(fd, start, size);
            // Whatever arrived while reading belongs to the tail too (a few rounds: a writer may never pause).
            for (let round = 0, grown = (0,external_node_fs_.fstatSync)(fd).size; round < 3 && grown > size; round++, grown = (0,external_node_fs_.fstatSync)(fd).size) {
                tail = Buffer.concat([tail, readRange(fd, size, grown)]);
                size = grown;
            }
            (0,external_node_fs_.ftruncateSync)(fd, offset);
        }
        finally {
            (0,external_node_fs_.closeSync)(fd);
        }
        const append = (0,external_node_fs_.openSync)(this.file, 'a'); // O_APPEND: lands after anything written meanwhile
        try {
            (0,external_node_fs_.writeSync)(append, tail);
        }
        finally {
            (0,external_node_fs_.closeSync)(append);
        }
        return size - offset - tail.length;
    }
}
function readRange(fd, start, end) {
    const buffer = Buffer.alloc(end - start);
    let done = 0;
    while (done < buffer.length) {
        const n = (0,external_node_fs_.readSync)(fd, buffer, done, buffer.length - done, start + done);
        if (n === 0)
            break;
        done += n;
    }
    return buffer.subarray(0, done);
}
function roundUp(n, block) {
    return Math.ceil(n / block) * block;
}
function roundDown(n, block) {
    return Math.floor(n / block) * block;
}

;// CONCATENATED MODULE: ./lib/service/proc.js
// Pure parsers for the Linux /proc files the service module reads. No I/O here: the callers read the
// text and pass it in, so every format quirk is unit-tested on recorded samples.
/** Kernel clock ticks per second for /proc/<pid>/stat times. USER_HZ is 100 on every Linux ABI Node
 * supports (x86-64, arm64); reading it would need sysconf(_SC_CLK_TCK), which Node does not expose. */
const CLOCK_TICKS_PER_SECOND = 100;
const US_PER_TICK = 1_000_000 / CLOCK_TICKS_PER_SECOND;
/** Parses /proc/<pid>/stat. The command name is in parentheses and may itself contain spaces and
 * parentheses, so the fixed fields are located after the LAST ')'. */
function parseProcStat(text) {
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    if (open < 0 || close < open)
        throw new Error(`unrecognised /proc stat line: ${text.slice(0, 80)}`);
    const pid = Number(text.slice(0, open).trim());
    const rest = text.slice(close + 1).trim().split(/\s+/);
    // rest[0] is field 3 (state) in proc(5) numbering, so field N is rest[N - 3].
    const field = (n) => {
        const value = Number(rest[n - 3]);
        if (!Number.isFinite(value))
            throw new Error(`/proc stat field ${n} missing for pid ${pid}`);
        return value;
    };
    return {
        pid,
        comm: text.slice(open + 1, close),
        state: rest[0] ?? '?',
        ppid: field(4),
        pgrp: field(5),
        session: field(6),
        utimeTicks: field(14),
        stimeTicks: field(15),
        cutimeTicks: field(16),
        cstimeTicks: field(17),
        numThreads: field(20),
        startTime: field(22),
        rssPages: field(24),
    };
}
/** First field of /proc/<pid>/task/<tid>/schedstat: nanoseconds this thread has spent on a CPU. */
function parseSchedstat(text) {
    const first = text.trim().split(/\s+/)[0];
    if (!/^\d+$/.test(first))
        throw new Error(`unrecognised schedstat: ${text.slice(0, 80)}`);
    return Number(first);
}
/** VmRSS from /proc/<pid>/status in bytes; undefined for zombies and kernel threads, which have none. */
function parseStatusRssBytes(text) {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
}
/** Resident size from /proc/<pid>/statm (second field, in pages). */
function parseStatmRssBytes(text, pageSize) {
    const pages = Number(text.trim().split(/\s+/)[1]);
    if (!Number.isFinite(pages))
        throw new Error(`unrecognised statm: ${text.slice(0, 80)}`);
    return pages * pageSize;
}
/** True when /proc/<pid>/environ (NUL-separated) contains exactly `name=value`. */
function environHas(environ, name, value) {
    const needle = `${name}=${value}`;
    return environ.split('\0').includes(needle);
}
/**
 * The processes that belong to a service: the roots that are still alive (same pid AND start time, so
 * a recycled pid is never adopted) plus every process whose parent chain leads to one of them.
 */
function selectTree(procs, roots) {
    const byPid = new Map(procs.map((p) => [p.pid, p]));
    const children = new Map();
    for (const p of procs) {
        const list = children.get(p.ppid);
        if (list)
            list.push(p);
        else
            children.set(p.ppid, [p]);
    }
    const selected = new Map();
    const queue = [];
    for (const root of roots) {
        const p = byPid.get(root.pid);
        if (p && p.startTime === root.startTime && !selected.has(p.pid)) {
            selected.set(p.pid, p);
            queue.push(p);
        }
    }
    while (queue.length > 0) {
        const parent = queue.pop();
        for (const child of children.get(parent.pid) ?? []) {
            if (!selected.has(child.pid)) {
                selected.set(child.pid, child);
                queue.push(child);
            }
        }
    }
    return [...selected.values()];
}

;// CONCATENATED MODULE: ./lib/service/process-tree.js
// Finds the processes that belong to a service by reading /proc synchronously (synchronous so the same
// code can run inside a process 'exit' handler). Three links, because each alone misses something:
//   - the process group, which setsid() and double-forking daemons leave;
//   - parent links (ppid), which break once an intermediate process exits and its child is reparented;
//   - an environment marker (PERFGATE_SERVICE_ID) every descendant inherits unless it rewrites its
//     environment, which survives both.


const SERVICE_MARKER_ENV = 'PERFGATE_SERVICE_ID';
function readProcStat(pid) {
    try {
        return parseProcStat((0,external_node_fs_.readFileSync)(`/proc/${pid}/stat`, 'utf8'));
    }
    catch {
        return undefined; // exited between listing and reading, or not ours to read
    }
}
function listProcesses() {
    let entries;
    try {
        entries = (0,external_node_fs_.readdirSync)('/proc');
    }
    catch {
        return []; // no procfs (not Linux): tracking degrades to the process group alone
    }
    const procs = [];
    for (const entry of entries) {
        if (!/^\d+$/.test(entry))
            continue;
        const stat = readProcStat(Number(entry));
        if (stat)
            procs.push(stat);
    }
    return procs;
}
function hasMarker(pid, marker) {
    try {
        return environHas((0,external_node_fs_.readFileSync)(`/proc/${pid}/environ`, 'latin1'), SERVICE_MARKER_ENV, marker);
    }
    catch {
        return false;
    }
}
/** True while the process exists and is not a zombie (a zombie has already released everything). */
function isAlive(identity) {
    const stat = readProcStat(identity.pid);
    return stat !== undefined && stat.startTime === identity.startTime && stat.state !== 'Z' && stat.state !== 'X';
}
/**
 * Remembers every process ever seen in one service's tree, so a descendant that was reparented away
 * (daemonised) is still found and killed at teardown.
 */
class ProcessTracker {
    rootPid;
    marker;
    known = new Map();
    /** Processes whose environment was read and lacked the marker, by pid → start time. A process's
     * environment is inherited at fork, so one read per process is enough; this keeps scans cheap. */
    unmarked = new Map();
    constructor(rootPid, marker) {
        this.rootPid = rootPid;
        this.marker = marker;
        const root = readProcStat(rootPid);
        if (root)
            this.known.set(rootPid, { pid: rootPid, startTime: root.startTime });
    }
    /**
     * Current members of the tree (zombies excluded). `thorough` also reads every process's environment
     * for the marker: slower (one extra file per process), so periodic scans skip it.
     */
    scan(thorough) {
        const procs = listProcesses();
        const byPid = new Map(procs.map((p) => [p.pid, p]));
        const roots = [...this.known.values()];
        for (const p of procs) {
            if (p.pgrp === this.rootPid && p.pid !== process.pid)
                roots.push({ pid: p.pid, startTime: p.startTime });
            else if (thorough && p.pid !== process.pid && !this.known.has(p.pid) && this.unmarked.get(p.pid) !== p.startTime) {
                if (hasMarker(p.pid, this.marker))
                    roots.push({ pid: p.pid, startTime: p.startTime });
                else
                    this.unmarked.set(p.pid, p.startTime);
            }
        }
        const members = selectTree(procs, roots).filter((p) => p.pid !== process.pid);
        for (const p of members)
            this.known.set(p.pid, { pid: p.pid, startTime: p.startTime });
        // Forget identities whose pid is gone or recycled, so a recycled pid is never signalled.
        for (const [pid, id] of this.known) {
            const current = byPid.get(pid);
            if (!current || current.startTime !== id.startTime)
                this.known.delete(pid);
        }
        for (const [pid, startTime] of this.unmarked) {
            if (byPid.get(pid)?.startTime !== startTime)
                this.unmarked.delete(pid);
        }
        return members.filter((p) => p.state !== 'Z' && p.state !== 'X');
    }
    /** Every pid ever recorded as part of the tree and still present (for tests and diagnostics). */
    knownPids() {
        return [...this.known.keys()];
    }
}

;// CONCATENATED MODULE: ./lib/service/watchdog.js
// The service must not outlive perfgate, however perfgate dies. The registry's signal and 'exit'
// handlers cover Ctrl-C, SIGTERM and normal exits, but SIGKILL, the OOM killer and V8 aborting on
// heap exhaustion run no JavaScript at all. Linux's PR_SET_PDEATHSIG would have to be set inside the
// child (the service's /bin/sh cannot) and fires on the death of the spawning *thread*, so instead:
//
// one small watchdog process holds the read end of a pipe whose write end only perfgate holds (Node
// opens pipes close-on-exec, so no other child inherits it). The kernel closes that end when perfgate
// dies, for any reason; the watchdog reads EOF and tears down every process group still registered
// with it: SIGTERM, the group's grace period, SIGKILL. It also finds members that left their group
// (setsid daemons) by the service marker in their environment, as the process tracker does.
//
// The watchdog runs in its own session, so a signal to perfgate's process group (Ctrl-C in a terminal)
// does not take it down first, and it gets an empty environment: it never holds a credential.


// Plain JavaScript text, run with `node -e`: a string, so the bundler leaves it alone. Protocol on
// stdin, one line each: `+ <pgid> <marker> <graceMs>` registers a group, `- <pgid>` forgets it.
const WATCHDOG_SOURCE = String.raw `
const fs = require('node:fs');
const groups = new Map();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const [op, pgid, marker, grace] = pending.slice(0, nl).split(' ');
    pending = pending.slice(nl + 1);
    if (op === '+') groups.set(Number(pgid), { marker, graceMs: Number(grace) });
    else groups.delete(Number(pgid));
  }
});
const MARKER_ENV = ${JSON.stringify(SERVICE_MARKER_ENV)};
function members(marker) {
  const found = [];
  let entries = [];
  try { entries = fs.readdirSync('/proc'); } catch {}
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (!fs.readFileSync('/proc/' + e + '/environ', 'latin1').split('\0').includes(MARKER_ENV + '=' + marker)) continue;
      const stat = fs.readFileSync('/proc/' + e + '/stat', 'utf8');
      found.push({ pid: Number(e), pgrp: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) });
    } catch {}
  }
  return found;
}
function signalAll(signal) {
  let alive = 0;
  for (const [pgid, g] of groups) {
    const found = members(g.marker);
    alive += found.length;
    // The group is signalled only while a marked process is still in it: process ids are reused
    // (pid_max is often 32768), and an id whose group has ended may now lead someone else's.
    if (found.some((m) => m.pgrp === pgid)) { try { process.kill(-pgid, signal); } catch {} }
    for (const m of found) { try { process.kill(m.pid, signal); } catch {} }
  }
  return alive;
}
function teardown() {
  if (groups.size === 0) process.exit(0);
  const grace = Math.max(...[...groups.values()].map((g) => g.graceMs));
  if (signalAll('SIGTERM') === 0) process.exit(0);
  const killAt = Date.now() + grace;
  const tick = setInterval(() => {
    const left = Date.now() < killAt ? signalAll(0) : signalAll('SIGKILL');
    if (left === 0 || Date.now() > killAt + 3000) { clearInterval(tick); process.exit(0); }
  }, 50);
}
process.stdin.on('end', teardown);
process.stdin.on('error', teardown);
`;
let watchdog;
function start() {
    const child = (0,external_node_child_process_.spawn)(process.execPath, ['-e', WATCHDOG_SOURCE], { detached: true, env: {}, stdio: ['pipe', 'ignore', 'ignore'] });
    const stdin = child.stdin;
    // Neither the watchdog nor its pipe may keep perfgate's event loop alive.
    child.unref();
    stdin.unref();
    stdin.on('error', () => {
        // The watchdog died (someone killed it): the in-process teardown still covers normal exits.
        watchdog = undefined;
    });
    return { child, stdin };
}
/**
 * Puts a process group under the watchdog until the returned function is called (after the group
 * has been stopped). Linux only: elsewhere there is no /proc to find the members by.
 */
function watchGroup(pgid, marker, graceMs) {
    if (process.platform !== 'linux')
        return () => { };
    watchdog ??= start();
    const { stdin } = watchdog;
    stdin.write(`+ ${pgid} ${marker} ${Math.round(graceMs)}\n`);
    return () => {
        if (!stdin.destroyed)
            stdin.write(`- ${pgid}\n`);
    };
}

;// CONCATENATED MODULE: ./lib/service/group.js
// A shell command running in its own process group, with its output in a log file, and a teardown that
// leaves nothing behind: SIGTERM to the group and to every descendant that left it, a grace period,
// then SIGKILL.










/** After SIGKILL, how long to wait for the kernel to take the processes away. */
const KILL_WAIT_MS = 3000;
const POLL_MS = 50;
function spawnGroup(opts) {
    const marker = `${process.pid}-${(0,external_node_crypto_.randomUUID)()}`;
    const logFd = openLog(opts.logFile, opts.command);
    let child;
    try {
        // The command is the config's template, passed to the shell as one argument; variables reach
        // it through the environment, never pasted into the text (config/expand.ts). detached: the
        // shell leads a new session and process group.
        child = (0,external_node_child_process_.spawn)('/bin/sh', ['-c', opts.command], {
            cwd: opts.cwd,
            env: { ...opts.env, [SERVICE_MARKER_ENV]: marker },
            detached: true,
            stdio: ['ignore', logFd, logFd],
        });
    }
    finally {
        (0,external_node_fs_.closeSync)(logFd); // the child has its own copy
    }
    let running = true;
    let spawnError;
    const exited = new Promise((resolve) => {
        child.once('exit', (code, signal) => {
            running = false;
            resolve({ code, signal });
        });
        child.once('error', (err) => {
            spawnError = err;
            running = false;
            resolve({ code: null, signal: null });
        });
    });
    const pid = child.pid;
    if (pid === undefined) {
        throw new errors/* EnvironmentError */.eG(`could not start \`${opts.command}\` in ${opts.cwd}`, `spawning /bin/sh failed${spawnError ? `: ${spawnError.message}` : ''}; check that the directory exists and /bin/sh is available`);
    }
    const tracker = new ProcessTracker(pid, marker);
    const logCap = new LogCap(opts.logFile, opts.logCap ?? DEFAULT_LOG_CAP);
    const watcher = setInterval(() => {
        tracker.scan(false);
        void logCap.check();
    }, opts.scanIntervalMs ?? 1000);
    watcher.unref();
    const signalAll = (signal) => {
        try {
            process.kill(-pid, signal);
        }
        catch {
            // ESRCH: the group is empty; the stray scan below still runs
        }
        const strays = tracker.scan(true).filter((p) => p.pgrp !== pid);
        for (const p of strays) {
            try {
                process.kill(p.pid, signal);
            }
            catch {
                // already gone
            }
        }
        return strays.length;
    };
    const remaining = () => tracker.scan(true).length + (running ? 1 : 0);
    // Wakes as soon as the group's leader exits, which is when a service that handles SIGTERM is
    // usually gone: a run's last request is not followed by a fixed 50 ms wait.
    const pause = () => (running ? Promise.race([(0,external_node_timers_promises_.setTimeout)(POLL_MS), exited]) : (0,external_node_timers_promises_.setTimeout)(POLL_MS));
    let stopping;
    let unregister = () => { };
    const stop = () => {
        stopping ??= (async () => {
            clearInterval(watcher);
            signalAll('SIGTERM');
            const graceEnd = Date.now() + opts.stopTimeoutMs;
            // Each count reads /proc for every process on the machine: the last one is reused, not repeated.
            let left = remaining();
            while (left > 0 && Date.now() < graceEnd) {
                await pause();
                left = remaining();
            }
            const killEnd = Date.now() + KILL_WAIT_MS;
            // Re-sent each turn: a process may fork between a scan and the signal.
            while (left > 0 && Date.now() < killEnd) {
                signalAll('SIGKILL');
                await (0,external_node_timers_promises_.setTimeout)(POLL_MS);
                left = remaining();
            }
            await logCap.settle(); // nothing writes any more: this cut loses nothing
            unregister();
        })();
        return stopping;
    };
    const killNow = () => {
        clearInterval(watcher);
        signalAll('SIGKILL');
    };
    const group = { pid, tracker, exited, isRunning: () => running, stop, killNow };
    // The registry stops the group when perfgate exits or is signalled; the watchdog when it is killed.
    const unwatch = watchGroup(pid, marker, opts.stopTimeoutMs);
    const unregisterChild = (0,registry/* registerChild */.Q8)(group);
    unregister = () => {
        unregisterChild();
        unwatch();
    };
    return group;
}

;// CONCATENATED MODULE: ./lib/service/format.js
/** 60000 → "60s", 1500 → "1.5s", 250 → "250ms": durations as a user wrote them in the config. */
function formatMs(ms) {
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    return `${Number((ms / 1000).toFixed(1))}s`;
}

;// CONCATENATED MODULE: ./lib/service/build.js
// The optional `service.build` step: run to completion in its own process group, output to a log.






/** Grace period for a build that timed out or left processes behind. */
const BUILD_STOP_GRACE_MS = 2000;
async function runBuild(opts) {
    if (!(0,external_node_fs_.existsSync)(opts.cwd)) {
        throw new errors/* EnvironmentError */.eG(`build directory ${opts.cwd} does not exist`, 'check service.cwd in the config');
    }
    opts.progress?.(`build: ${opts.command} (log: ${opts.logFile})`);
    const started = Date.now();
    const group = spawnGroup({
        command: opts.command,
        cwd: opts.cwd,
        env: { ...(0,child_env/* withoutRunnerCredentials */.D)(process.env), ...opts.env },
        logFile: opts.logFile,
        stopTimeoutMs: BUILD_STOP_GRACE_MS,
    });
    let timer;
    const timedOut = new Promise((resolve) => {
        if (opts.timeoutMs !== undefined)
            timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
    });
    const outcome = await Promise.race([group.exited, timedOut]);
    clearTimeout(timer);
    // Also on success: a build has no business leaving processes running (watchers, stray servers).
    await group.stop();
    if (outcome === 'timeout') {
        throw new errors/* EnvironmentError */.eG(`build did not finish within ${formatMs(opts.timeoutMs ?? 0)}: ${opts.command}`, logDetails(opts.logFile));
    }
    if (outcome.code !== 0) {
        const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
        throw new errors/* EnvironmentError */.eG(`build command ${how}: ${opts.command}`, logDetails(opts.logFile));
    }
    opts.progress?.(`build: done in ${formatMs(Date.now() - started)}`);
}

;// CONCATENATED MODULE: ./lib/service/cpu-ledger.js
// Cumulative CPU time of a changing process tree, as one monotonic number. Pure: the meter feeds it
// samples read from /proc, the tests feed it hand-made ones.
//
// Why per-thread schedstat rather than utime+stime: /proc/<pid>/stat times are in clock ticks (10 ms).
// A round of ~1 s in which the service burns ~100 ms of CPU would carry up to 10% quantisation error
// per process, on the metric (CPU µs per request) we trust most. The first field of
// /proc/<pid>/task/<tid>/schedstat is the scheduler's exact runtime in ns (sum_exec_runtime), but only
// for that one thread, and it vanishes when the thread or process exits. Hence the bookkeeping here:
//   - threads that disappear from a live process keep their last value (deadThreadsNs), and threads
//     we never saw (a worker that lived between two reads) count through utime+stime, a floor;
//   - processes that exit keep their last value (folded into retiredUs);
//   - children we never saw (short-lived, reaped between two reads) still count through their
//     parent's cutime+cstime, minus what the children we did see contributed to it, so nothing is
//     counted twice.
// Ticks (utime+stime) are used only when schedstat cannot be read (kernels without it).
class TreeCpuLedger {
    records = new Map();
    retiredUs = 0;
    lastTotalUs = 0;
    /** Records one snapshot of the tree (every member alive right now) and returns the cumulative CPU µs. */
    observe(samples) {
        const seen = new Set();
        for (const sample of samples) {
            const key = `${sample.pid}:${sample.startTime}`;
            seen.add(key);
            let record = this.records.get(key);
            if (!record) {
                record = { pid: sample.pid, ppid: sample.ppid, threadNs: new Map(), deadThreadsNs: 0, ownUs: 0, reapedUs: 0, observedChildrenUs: 0 };
                this.records.set(key, record);
            }
            updateRecord(record, sample);
        }
        this.retireExited(seen);
        let total = this.retiredUs;
        for (const record of this.records.values())
            total += contribution(record);
        // Tick-resolution reaped time and a child that exited but is not yet reaped can make the raw sum dip
        // for a moment; callers subtract readings, so never let it go backwards.
        this.lastTotalUs = Math.max(this.lastTotalUs, Math.round(total));
        return this.lastTotalUs;
    }
    retireExited(seen) {
        const exited = [...this.records.entries()].filter(([key]) => !seen.has(key));
        // Children before parents (a child's pid record is younger), so a parent dying in the same interval
        // still learns what its children contributed before it retires itself.
        exited.sort(([a], [b]) => Number(b.split(':')[1]) - Number(a.split(':')[1]));
        for (const [key, record] of exited) {
            this.retiredUs += contribution(record);
            const parent = this.findByPid(record.ppid);
            // What the parent's cutime will include for this child: its own time plus everything it reaped,
            // which covers the exited children we saw even if its cutime was read before it reaped them.
            if (parent)
                parent.observedChildrenUs += record.ownUs + Math.max(record.reapedUs, record.observedChildrenUs);
            this.records.delete(key);
        }
    }
    findByPid(pid) {
        for (const record of this.records.values())
            if (record.pid === pid)
                return record;
        return undefined;
    }
}
function updateRecord(record, sample) {
    record.ppid = sample.ppid;
    record.reapedUs = Math.max(record.reapedUs, sample.reapedUs);
    if (!sample.threadNs) {
        record.ownUs = Math.max(record.ownUs, sample.ownTicksUs);
        return;
    }
    for (const [tid, ns] of record.threadNs) {
        if (!sample.threadNs.has(tid)) {
            record.deadThreadsNs += ns;
            record.threadNs.delete(tid);
        }
    }
    let liveNs = 0;
    for (const [tid, ns] of sample.threadNs) {
        const value = Math.max(ns, record.threadNs.get(tid) ?? 0);
        record.threadNs.set(tid, value);
        liveNs += value;
    }
    const exactUs = (liveNs + record.deadThreadsNs) / 1000;
    // A thread that started and exited between two reads never shows in schedstat, but its time is in
    // the process's utime+stime, which includes exited threads. Ticks are coarse (10 ms), so they
    // serve only as a floor, and relative to the first read: threads gone before we started watching
    // must not make every later reading tick-resolution.
    record.ticksGapUs ??= Math.max(0, sample.ownTicksUs - exactUs);
    record.ownUs = Math.max(record.ownUs, exactUs, sample.ownTicksUs - record.ticksGapUs);
}
function contribution(record) {
    return record.ownUs + Math.max(0, record.reapedUs - record.observedChildrenUs);
}

;// CONCATENATED MODULE: ./lib/service/meter.js
// CPU and memory of a running service's whole process tree, read synchronously from /proc.



/**
 * RSS is sampled every 100 ms during a round, on the load generator's event loop. A full tree scan
 * reads every process's /proc/<pid>/stat (3-11 ms with 80-380 processes on the machine), so between
 * full scans the samples read only the members already known; a process forked since then is seen
 * at the next rescan, at most this long later. CPU reads always scan in full (once per round end).
 */
const RSS_RESCAN_MS = 1000;
function createResourceMeter(tracker, now = Date.now) {
    const ledger = new TreeCpuLedger();
    let members = [];
    let scannedAt = -Infinity;
    const scan = () => {
        const procs = tracker.scan(true);
        members = procs.map((p) => p.pid);
        scannedAt = now();
        return procs;
    };
    return {
        readCpuUs: () => ledger.observe(scan().map(cpuSample)),
        readRssBytes: () => {
            if (now() - scannedAt >= RSS_RESCAN_MS)
                scan();
            let total = 0;
            for (const pid of members)
                total += readRssBytes(pid) ?? 0; // a member gone since reads undefined
            return total;
        },
    };
}
function cpuSample(stat) {
    return {
        pid: stat.pid,
        startTime: stat.startTime,
        ppid: stat.ppid,
        threadNs: readThreadNs(stat.pid),
        ownTicksUs: (stat.utimeTicks + stat.stimeTicks) * US_PER_TICK,
        reapedUs: (stat.cutimeTicks + stat.cstimeTicks) * US_PER_TICK,
    };
}
// Kernels built without CONFIG_SCHED_INFO have no schedstat files; then tick counts are all there is.
const schedstatAvailable = (0,external_node_fs_.existsSync)('/proc/self/schedstat');
function readThreadNs(pid) {
    if (!schedstatAvailable)
        return undefined;
    let tids;
    try {
        tids = (0,external_node_fs_.readdirSync)(`/proc/${pid}/task`);
    }
    catch {
        return undefined;
    }
    const threads = new Map();
    for (const tid of tids) {
        try {
            threads.set(Number(tid), parseSchedstat((0,external_node_fs_.readFileSync)(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')));
        }
        catch {
            // the thread exited between the listing and the read: the ledger keeps its last value
        }
    }
    return threads;
}
function readRssBytes(pid) {
    try {
        return parseStatusRssBytes((0,external_node_fs_.readFileSync)(`/proc/${pid}/status`, 'utf8'));
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
;// CONCATENATED MODULE: ./lib/service/ready.js
// One readiness probe: an HTTP GET with its own timeout. A result, never a throw, so the caller can
// say what the last attempt saw when it gives up.


function probe(url, timeoutMs) {
    try {
        new URL(url);
    }
    catch {
        return Promise.resolve({ kind: 'error', connected: false, message: `not a valid URL: ${url}` });
    }
    return new Promise((resolve) => {
        let connected = false;
        let settled = false;
        const finish = (result) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            request.destroy();
            resolve(result);
        };
        const client = url.startsWith('https:') ? external_node_https_ : external_node_http_;
        // A local health check of the user's own service: a self-signed certificate must not block it.
        const options = { agent: false, rejectUnauthorized: false, headers: { 'user-agent': 'perfgate-ready-probe' } };
        const request = client.get(url, options, (response) => {
            response.resume();
            finish({ kind: 'http', status: response.statusCode ?? 0 });
        });
        request.on('socket', (socket) => socket.once('connect', () => (connected = true)));
        request.on('error', (err) => {
            if (err.code === 'ECONNREFUSED')
                finish({ kind: 'refused' });
            else
                finish({ kind: 'error', connected, message: err.code ?? err.message });
        });
        const timer = setTimeout(() => finish({ kind: 'timeout', connected, timeoutMs }), timeoutMs);
    });
}
/** A configured ready.url must answer 2xx; the default one (`/`) only has to answer without a 5xx. */
function isReady(result, anyHttpStatus = false) {
    if (result.kind !== 'http')
        return false;
    return anyHttpStatus ? result.status >= 200 && result.status < 500 : result.status >= 200 && result.status < 300;
}
/** True when some process already holds the address (it answered, or at least accepted the connection). */
function somethingListens(result) {
    return result.kind === 'http' || ((result.kind === 'timeout' || result.kind === 'error') && result.connected);
}
function describeProbe(result) {
    switch (result.kind) {
        case 'http':
            return `HTTP ${result.status}`;
        case 'refused':
            return 'connection refused';
        case 'timeout':
            return `${result.connected ? 'connected but no response' : 'no connection'} within ${result.timeoutMs} ms`;
        case 'error':
            return result.message;
    }
}

;// CONCATENATED MODULE: ./lib/service/start.js
// Starting the user's service and waiting until it is ready, or failing with what the service printed.









/** Upper bound for one readiness attempt, so a hung endpoint cannot eat the whole ready timeout. */
const MAX_ATTEMPT_MS = 2000;
/** How often a still-waiting service is reported, so a slow start never looks hung. */
const PROGRESS_EVERY_MS = 5000;
const ADDRESS_IN_USE = /EADDRINUSE|address already in use/i;
/**
 * The pause while the connection is refused. A refused connection costs the service nothing, and
 * most services are ready as soon as they listen: polling at ready.interval (200 ms) there made
 * perfgate wait 100 ms on average past the boot.
 */
const REFUSED_POLL_MS = 20;
async function startService(opts) {
    const { name, config } = opts;
    const url = config.ready.url;
    if (!(0,external_node_fs_.existsSync)(config.cwd)) {
        throw new errors/* EnvironmentError */.eG(`service ${name}: working directory ${config.cwd} does not exist`, 'check service.cwd in the config');
    }
    // If the address answers before the service exists, "ready" would be a lie and perfgate would
    // benchmark whatever process already holds the port.
    const before = await probe(url, 1000);
    if (somethingListens(before)) {
        throw new errors/* EnvironmentError */.eG(`service ${name}: port already in use: ${url} answered (${describeProbe(before)}) before the service was started`, 'Another process is listening on that address, and perfgate would benchmark it instead of your service.\n' +
            'Stop it (`ss -ltnp` shows who holds the port), or change the port in service.env and service.ready.url.');
    }
    if (opts.announce !== false)
        opts.progress?.(`service ${name}: starting \`${config.start}\` (log: ${opts.logFile})`);
    const group = spawnGroup({
        command: config.start,
        cwd: config.cwd,
        env: { ...(0,child_env/* withoutRunnerCredentials */.D)(process.env), ...config.env, ...opts.extraEnv },
        logFile: opts.logFile,
        stopTimeoutMs: config.stopTimeoutMs,
    });
    opts.onSpawned?.();
    try {
        await waitUntilReady(group, opts);
    }
    catch (err) {
        await group.stop();
        if (err instanceof errors/* EnvironmentError */.eG) {
            // Details read after the teardown, so the service's last words are in the log.
            throw new errors/* EnvironmentError */.eG(err.message, logDetails(opts.logFile));
        }
        throw err;
    }
    if (ADDRESS_IN_USE.test(tailLog(opts.logFile, 200))) {
        opts.progress?.(`service ${name}: warning: its log mentions EADDRINUSE; check that ${url} is served by this service`);
    }
    if (opts.announce !== false)
        opts.progress?.(`service ${name}: ready (pid ${group.pid})`);
    return {
        pid: group.pid,
        logFile: opts.logFile,
        exited: group.exited,
        isRunning: group.isRunning,
        tailLog: (lines = 40) => tailLog(opts.logFile, lines),
        stop: group.stop,
        meter: createResourceMeter(group.tracker),
        knownPids: () => group.tracker.knownPids(),
    };
}
async function waitUntilReady(group, opts) {
    const { name, config } = opts;
    const { url, timeoutMs, intervalMs } = config.ready;
    const startedAt = Date.now();
    const deadline = startedAt + timeoutMs;
    const exitedEarly = group.exited.then((status) => ({ exited: status }));
    let last;
    let nextProgress = startedAt + PROGRESS_EVERY_MS;
    for (;;) {
        const left = deadline - Date.now();
        if (left <= 0)
            break;
        const fullAttemptMs = Math.min(MAX_ATTEMPT_MS, Math.max(intervalMs, 250));
        const attempt = probe(url, Math.min(fullAttemptMs, left));
        const outcome = await Promise.race([attempt.then((result) => ({ result })), exitedEarly]);
        if ('exited' in outcome)
            throw exitedError(name, outcome.exited, opts.logFile);
        if (isReady(outcome.result, config.ready.anyHttpStatus))
            return;
        // An attempt the deadline cut short says nothing about the service ("no response within 1 ms");
        // the error should name what the full attempts saw (e.g. HTTP 503).
        const cutShort = outcome.result.kind === 'timeout' && left < fullAttemptMs && last !== undefined;
        if (!cutShort)
            last = outcome.result;
        if (Date.now() >= nextProgress) {
            opts.progress?.(`service ${name}: waiting for ${url} (${formatMs(Date.now() - startedAt)}, last: ${describeProbe(last ?? outcome.result)})`);
            nextProgress += PROGRESS_EVERY_MS;
        }
        const pause = Math.min(outcome.result.kind === 'refused' ? Math.min(intervalMs, REFUSED_POLL_MS) : intervalMs, deadline - Date.now());
        if (pause > 0) {
            const woke = await Promise.race([(0,external_node_timers_promises_.setTimeout)(pause).then(() => undefined), exitedEarly]);
            if (woke)
                throw exitedError(name, woke.exited, opts.logFile);
        }
    }
    throw new errors/* EnvironmentError */.eG(`service ${name} not ready after ${formatMs(timeoutMs)} (polling ${url}: last result ${last ? describeProbe(last) : 'no attempt finished'})`);
}
function exitedError(name, status, logFile) {
    const how = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
    const portHint = ADDRESS_IN_USE.test(tailLog(logFile, 200))
        ? ': its port is already in use (EADDRINUSE in its log); stop the other process or change the port'
        : '';
    return new errors/* EnvironmentError */.eG(`service ${name} ${how} before it was ready${portHint}`);
}

;// CONCATENATED MODULE: ./lib/service/index.js
// The service lifecycle: build, start, readiness, resource metering and teardown.






;// CONCATENATED MODULE: ./lib/measure/side.js
// One side (head or base) booted for one pass. With a database, the count pass reaches it through
// perfgate's query proxy and the timing pass reaches it directly: perfgate's exports
// (PERFGATE_DB_HOST/PORT) are what differs, so a service configured from them needs no change.





const PASS_NAMES = {
    count: 'count pass (queries through the proxy)',
    timing: 'timing pass (no proxy)',
    both: 'count and timing',
};
async function bootSide(opts) {
    const { spec, database, progress } = opts;
    const exports = { PERFGATE_SIDE: spec.side, PERFGATE_PORT: String(spec.port) };
    let proxy;
    if (database && opts.proxied) {
        try {
            proxy = await (0,queries_proxy/* startQueryProxy */.V)({
                protocol: database.protocol,
                upstream: database.upstream,
                // Statements are only needed during the query probes (which switch recording on).
                keepStatements: false,
            });
        }
        catch (error) {
            throw new errors/* EnvironmentError */.eG(`could not start the ${database.protocol} query proxy: ${error.message}`);
        }
        const started = proxy;
        opts.cleanups.push(() => started.close());
        exports.PERFGATE_DB_HOST = proxy.host;
        exports.PERFGATE_DB_PORT = String(proxy.port);
        if (opts.announce !== false)
            progress(`${spec.side}: ${database.protocol} query proxy on ${proxy.host}:${proxy.port} → ${database.upstream.host}:${database.upstream.port}`);
    }
    else if (database) {
        exports.PERFGATE_DB_HOST = database.upstream.host;
        exports.PERFGATE_DB_PORT = String(database.upstream.port);
    }
    const vars = { ...process.env, ...opts.env, ...exports };
    const service = (0,expand/* expandServiceConfig */.S9)(spec.service, vars);
    const env = { ...opts.env, ...exports };
    const record = { side: spec.side, pass: opts.pass, bootMs: 0, proxied: proxy !== undefined };
    if (opts.build && service.build) {
        progress(`${spec.side}: building: ${service.build}`);
        const builtAt = Date.now();
        await runBuild({ command: service.build, cwd: service.cwd, env: { ...service.env, ...env }, logFile: external_node_path_.join(opts.logDir, `${spec.side}-build.log`), progress });
        record.buildMs = Date.now() - builtAt;
    }
    if (opts.announce !== false)
        progress(`${spec.side}: ${PASS_NAMES[opts.pass]}: starting: ${service.start}`);
    const bootAt = Date.now();
    let running;
    try {
        running = await startService({ name: spec.side, config: service, extraEnv: env, logFile: external_node_path_.join(opts.logDir, opts.pass === 'both' ? `${spec.side}-service.log` : `${spec.side}-${opts.pass}-service.log`), progress, onSpawned: opts.onSpawned, announce: opts.announce });
    }
    catch (error) {
        // Name the pass: a service that boots through the proxy but not straight to the database (or
        // the other way round) is a different problem from one that never boots.
        if (error instanceof errors/* PerfgateError */.f7 && opts.pass !== 'both') {
            throw new errors/* EnvironmentError */.eG(`${spec.side} service, ${PASS_NAMES[opts.pass]}: ${error.message}`, error.details);
        }
        throw error;
    }
    record.bootMs = Date.now() - bootAt;
    opts.record(record);
    opts.cleanups.push(() => running.stop());
    if (opts.announce !== false)
        progress(`${spec.side}: ready in ${(record.bootMs / 1000).toFixed(1)} s at ${service.baseUrl} (log: ${running.logFile})`);
    const stop = async () => {
        await running.stop();
        await proxy?.close();
    };
    return { side: spec.side, pass: opts.pass, service: running, proxy, dialect: database?.protocol, baseUrl: service.baseUrl, bootMs: record.bootMs, stop };
}

// EXTERNAL MODULE: ./lib/compare/verdict.js
var verdict = __webpack_require__(93474);
;// CONCATENATED MODULE: ./lib/load/round-length.js
// How long a round sends requests. Pure: data in, data out.
//
// A fixed 1 s round fits a 5 ms endpoint (thousands of requests) but not a 2 s one, where a round
// completed 0–8 requests and per-round rps swung by ±500%. A round must complete enough requests to
// be a sample: at least MIN_REQUESTS_PER_ROUND at the rate the warm-up completed them. The rate, not
// the warm-up's median latency: a handful of cold first requests on a fast endpoint can have a
// median of hundreds of ms, while the rate is set by all of them together.
/** Requests a round should complete; with fewer, one slow request moves the round's rps and p50. */
const MIN_REQUESTS_PER_ROUND = 40;
/** Longest a sized round may send for; slower endpoints get fewer requests per round (and a note). */
const MAX_ROUND_MS = 15_000;
/** `configuredMs` unless, at the warm-up's rate (requests per second), a round that long completes fewer than MIN_REQUESTS_PER_ROUND. */
function roundLength(configuredMs, warmupRps) {
    if (warmupRps === undefined || !(warmupRps > 0))
        return { roundMs: configuredMs };
    const neededMs = Math.ceil((MIN_REQUESTS_PER_ROUND / warmupRps) * 1000);
    if (neededMs <= configuredMs)
        return { roundMs: configuredMs };
    const roundMs = Math.min(MAX_ROUND_MS, Math.ceil(neededMs / 100) * 100);
    const expected = Math.floor((roundMs / 1000) * warmupRps);
    return {
        roundMs,
        sizing: `rounds of ${formatSeconds(roundMs)} instead of ${formatSeconds(configuredMs)}: the warm-up completed ` +
            `${warmupRps < 10 ? warmupRps.toFixed(1) : Math.round(warmupRps)} requests/s, so a round completes about ${expected} requests` +
            (roundMs === MAX_ROUND_MS && neededMs > MAX_ROUND_MS ? ` (capped at ${formatSeconds(MAX_ROUND_MS)}; ${MIN_REQUESTS_PER_ROUND} wanted)` : ''),
    };
}
/**
 * Requests a turn of an alternating round (baseline.turns) should complete. Every turn ends by
 * draining what its connections have in flight, so a turn of a few requests per connection spends
 * much of itself ramping down, and its side's load looks little like a steady one; the round's own
 * minimum, split over turns, would leave a slow endpoint's connections a request or two each.
 */
const MIN_REQUESTS_PER_TURN = MIN_REQUESTS_PER_ROUND;
/**
 * `configured` turns unless, at the warm-up's rate (requests per second), a turn of a `roundMs` round
 * would complete fewer than MIN_REQUESTS_PER_TURN requests: then as many as complete that many each,
 * at least one.
 */
function turnsFor(configured, roundMs, warmupRps) {
    if (configured <= 1 || warmupRps === undefined || !(warmupRps > 0))
        return { turns: configured };
    const perRound = (roundMs / 1000) * warmupRps;
    const turns = Math.max(1, Math.min(configured, Math.floor(perRound / MIN_REQUESTS_PER_TURN)));
    if (turns === configured)
        return { turns };
    return {
        turns,
        note: `${turns} turn${turns === 1 ? '' : 's'} per side and round instead of ${configured}: a round completes about ` +
            `${Math.floor(perRound)} requests at the warm-up's ${warmupRps < 10 ? warmupRps.toFixed(1) : Math.round(warmupRps)} requests/s, ` +
            `and a turn should complete ${MIN_REQUESTS_PER_TURN}`,
    };
}
function formatSeconds(ms) {
    return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

// EXTERNAL MODULE: ./lib/report/format.js
var format = __webpack_require__(87703);
// EXTERNAL MODULE: ./lib/report/stop.js
var report_stop = __webpack_require__(88596);
// EXTERNAL MODULE: ./lib/compare/compare.js
var compare = __webpack_require__(17172);
// EXTERNAL MODULE: ./lib/compare/metrics.js
var compare_metrics = __webpack_require__(62174);
;// CONCATENATED MODULE: ./lib/compare/sequential.js
// The stopping rule of adaptive rounds: after each block of rounds every metric is judged again, and
// measuring stops once all are conclusive. Judging the same growing data several times with a 99%
// interval would raise a false alarm far more often than 1% of the time (each look is one more chance
// for noise to cross zero), so each look uses a stricter interval. Together they are *repeated
// confidence intervals* (Jennison & Turnbull 1989): with probability ≥ plan.confidence the intervals
// of ALL looks cover the true shift at once, so a verdict drawn at whichever look measuring stopped
// keeps the single-look guarantee, whatever the reason for stopping there.
//
// The per-look levels come from a group-sequential alpha-spending design (Lan & DeMets 1983) with the
// O'Brien–Fleming-type spending function: almost no error is spent on the first looks, so the last
// look is nearly as narrow as a single fixed-size interval. docs/verdicts.md ("Adaptive rounds") has
// the simulation that chose it over Pocock, Bonferroni and an anytime-valid confidence sequence.
//
// The boundaries are computed for the standardized statistic of equal-size blocks, whose joint law
// is that of a Brownian motion at the looks (the sign statistic is a sum of independent signs, so
// this holds by the central limit theorem); the exact sign-test check in
// __tests__/compare/sequential.test.ts confirms the discrete intervals stay within the overall level.
//
// Hand-written numerics (an erfc and a recursive integration of ~60 lines) rather than a statistics
// package: it is the only place that needs them, and the classic algorithm fits on one screen.
/** The design perfgate uses (see the header comment and docs/verdicts.md). */
const SPENDING = 'obrien-fleming';
/**
 * Two-sided confidence for the intervals at look `look` (1-based, equal-size blocks of rounds).
 * Look 1 of a 1-look plan = plan.confidence. Always below 1, however early the look.
 */
function lookConfidence(plan, look) {
    return spendingLookConfidence(plan, look, SPENDING);
}
/** lookConfidence under a given spending function: for the simulation that compares designs. */
function spendingLookConfidence(plan, look, spending) {
    checkPlan(plan);
    if (!Number.isInteger(look) || look < 1 || look > plan.maxLooks) {
        throw new RangeError(`look must be an integer from 1 to maxLooks (${plan.maxLooks}), got ${look}`);
    }
    if (plan.maxLooks === 1)
        return plan.confidence;
    // The first looks of a long plan sit at 1 − 10⁻¹⁵ or closer, which a double rounds to exactly 1.
    // A level of 1 is no interval a results file can state (its schema asks < 1): a confirmation ruled
    // out at its first look once wrote a file it could not read back. Just below 1 judges alike (a sign
    // interval needs 53 rounds before 2⁻ⁿ falls under 2⁻⁵²) and loosens the design by at most 2⁻⁵².
    return Math.min(1 - 2 * upperTail(boundaries(plan, spending)[look - 1]), 1 - Number.EPSILON);
}
/**
 * The critical values |Z| of all looks of a plan: Z at look j is the standardized statistic of the
 * first j blocks. Cached: a plan is judged after every block, always with the same few plans.
 */
function boundaries(plan, spending) {
    checkPlan(plan);
    const key = `${spending}:${plan.maxLooks}:${plan.confidence}`;
    let b = cache.get(key);
    if (!b) {
        b = computeBoundaries(plan.maxLooks, 1 - plan.confidence, spending);
        cache.set(key, b);
    }
    return b;
}
const cache = new Map();
function checkPlan(plan) {
    if (!Number.isInteger(plan.maxLooks) || plan.maxLooks < 1) {
        throw new RangeError(`maxLooks must be a positive integer, got ${plan.maxLooks}`);
    }
    if (!(plan.confidence > 0 && plan.confidence < 1)) {
        throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${plan.confidence}`);
    }
}
/** Cumulative two-sided error allowed by look j of K (information fraction t = j/K). */
function spent(spending, alpha, t) {
    switch (spending) {
        case 'obrien-fleming':
            // Lan–DeMets' O'Brien–Fleming-type function for each side (α/2), as gsDesign's sfLDOF.
            return t >= 1 ? alpha : 4 * upperTail(upperQuantile(alpha / 4) / Math.sqrt(t));
        case 'pocock':
            return alpha * Math.log(1 + (Math.E - 1) * t);
        case 'bonferroni':
            return alpha * t;
    }
}
function computeBoundaries(K, alpha, spending) {
    if (spending === 'bonferroni') {
        // Each look at α/K on its own: the union bound, no use of the correlation between looks.
        return Array.from({ length: K }, () => upperQuantile(alpha / (2 * K)));
    }
    const result = [];
    // Sub-density of the score S_j = Z_j·√j on the continuation region, sampled on a uniform grid.
    let grid = new Float64Array(0);
    let density = new Float64Array(0);
    for (let j = 1; j <= K; j++) {
        const target = spent(spending, alpha, j / K) - spent(spending, alpha, (j - 1) / K);
        const crossAt = (z) => {
            const edge = z * Math.sqrt(j);
            if (j === 1)
                return 2 * upperTail(edge);
            // P(not stopped before, |S_j| ≥ edge) = ∫ g(u)·[Q(edge − u) + Q(edge + u)] du.
            return simpson(grid, (i) => density[i] * (upperTail(edge - grid[i]) + upperTail(edge + grid[i])));
        };
        const z = target <= 0 ? Infinity : solveDecreasing(crossAt, target);
        result.push(z);
        if (j === K)
            break;
        const edge = Math.min(z, MAX_Z) * Math.sqrt(j);
        const next = uniformGrid(edge);
        const nextDensity = new Float64Array(next.length);
        if (j === 1)
            for (let s = 0; s < next.length; s++)
                nextDensity[s] = normalPdf(next[s]);
        else {
            const w = simpsonWeights(grid);
            for (let i = 0; i < grid.length; i++)
                w[i] *= density[i];
            for (let s = 0; s < next.length; s++) {
                let sum = 0;
                for (let i = 0; i < grid.length; i++) {
                    const d = next[s] - grid[i];
                    if (d < 9 && d > -9)
                        sum += w[i] * Math.exp(-(d * d) / 2);
                }
                nextDensity[s] = sum / Math.sqrt(2 * Math.PI);
            }
        }
        grid = next;
        density = nextDensity;
    }
    return result;
}
/** Beyond this |Z| a look can never conclude from a realistic number of rounds. */
const MAX_Z = 9;
const GRID_STEP = 0.05;
function uniformGrid(edge) {
    let intervals = Math.max(2, Math.ceil((2 * edge) / GRID_STEP));
    if (intervals % 2)
        intervals++; // Simpson's rule needs an even number
    const g = new Float64Array(intervals + 1);
    for (let i = 0; i <= intervals; i++)
        g[i] = -edge + (2 * edge * i) / intervals;
    return g;
}
/** Simpson's rule weights for a uniform grid with an even number of intervals. */
function simpsonWeights(grid) {
    const n = grid.length - 1;
    const h = (grid[n] - grid[0]) / n;
    const w = new Float64Array(n + 1);
    for (let i = 0; i <= n; i++)
        w[i] = ((i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * h) / 3;
    return w;
}
function simpson(grid, f) {
    const w = simpsonWeights(grid);
    let s = 0;
    for (let i = 0; i < w.length; i++)
        s += w[i] * f(i);
    return s;
}
/** The z where a decreasing crossing probability equals the target (bisection; it is smooth and monotone). */
function solveDecreasing(f, target) {
    let lo = 0;
    let hi = MAX_Z;
    if (f(hi) > target)
        return hi;
    for (let i = 0; i < 60; i++) {
        const mid = (lo + hi) / 2;
        if (f(mid) > target)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}
function normalPdf(x) {
    return Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
}
/**
 * Q(z) = P(N(0,1) > z) with small *relative* error far into the tail (Numerical Recipes' erfcc,
 * fractional error < 1.2e-7): the first looks of a plan sit at |Z| of 5–9, where an absolute-error
 * approximation would return noise.
 */
function upperTail(z) {
    const x = Math.abs(z) / Math.SQRT2;
    const t = 1 / (1 + 0.5 * x);
    const erfc = t *
        Math.exp(-x * x -
            1.26551223 +
            t *
                (1.00002368 +
                    t *
                        (0.37409196 +
                            t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}
/** The z with Q(z) = p, for 0 < p < 1. */
function upperQuantile(p) {
    let lo = -40;
    let hi = 40;
    for (let i = 0; i < 100; i++) {
        const mid = (lo + hi) / 2;
        if (upperTail(mid) > p)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

;// CONCATENATED MODULE: ./lib/measure/judge.js





/**
 * Equal blocks of `rounds`, one look after each, as many as fit in `maxRounds` (the per-look levels
 * assume equal blocks, so a maxRounds that is not a multiple of rounds is rounded down).
 */
function planFor(scenario) {
    return { maxLooks: Math.max(1, Math.floor(scenario.maxRounds / scenario.rounds)), confidence: verdict/* VERDICT_CONFIDENCE */.xj };
}
/**
 * Looks to plan for, once the round length is known: the configured maximum, or fewer when only
 * that many blocks fit the time left. The per-look levels spend the whole error over the planned
 * looks, so a plan of 16 looks that the budget cuts after 2 (a 1 s endpoint's 5 s rounds) would end
 * at a level meant for an early look — far stricter than 99%, and inconclusive for want of rounds.
 * Planning for the looks that fit lets the last one use the full confidence. The plan depends only on
 * the warm-up's rate, never on the paired rounds, so the false-alarm bound holds as for a fixed plan.
 */
function plannedLooks(configuredLooks, block, leftMs) {
    const blockMs = block.rounds * (block.roundMs + block.drainMs) * block.sidesInTurn + (block.restartMs ?? 0);
    const fit = Math.floor(leftMs / blockMs);
    return Math.max(1, Math.min(configuredLooks, fit));
}
/** What users of the endpoint feel of a change, as opposed to what it costs (CPU, memory). */
const FELT = ['rps', 'p50', 'p90', 'p99'];
/** Decided, these two say whether the extra cost reaches users at all. */
const IMPACT = ['rps', 'p50'];
/** Decided, this says whether a slower endpoint does more work or waits longer. */
const COST = 'cpuUsPerRequest';
/**
 * Judges the paired rounds so far, at this look's confidence, for the stopping rule, and stops
 * waiting for a metric whose regression is ruled out at FUTILITY_CONFIDENCE. `decide`, when given,
 * is a confirmation by rerun: it narrows the rule to those metrics, since a confirmation replaces
 * only the verdicts of the metrics it was asked to confirm (compare/confirm.ts) and the others need
 * no more rounds. `futility: false` judges as before the bound, for the benches that replay recorded
 * rounds both ways (bench/futility-replay.ts, bench/confirm-replay.ts).
 */
function judgeLook(head, base, scenario, failOn, confidence, decide, futility = true) {
    const judged = (0,compare/* judgePairedRounds */.mu)(head, base, scenario, confidence);
    const metrics = decide ? judged.filter((m) => decide.includes(m.metric)) : judged;
    const undecided = (0,compare/* undecidedMetrics */.ph)(metrics, failOn);
    const ruledOut = futility ? ruledOutMetrics(head, base, scenario, undecided) : [];
    const pending = undecided.filter((k) => !ruledOut.includes(k));
    const regressed = failOn.includes('regression') ? metrics.filter((m) => m.verdict === 'regressed').map((m) => m.metric) : [];
    const label = (key) => (0,compare_metrics/* metricDef */.IH)(key).label;
    return {
        pending: pending.map(label),
        ...(ruledOut.length > 0 ? { ruledOut: ruledOut.map(label) } : {}),
        regressed: regressed.map(label),
        impactKnown: regressed.some((k) => FELT.includes(k)) || !pending.some((k) => IMPACT.includes(k)),
        costKnown: regressed.includes(COST) || !pending.includes(COST),
    };
}
/** Of the undecided metrics, those whose FUTILITY_CONFIDENCE interval rules the threshold out. */
function ruledOutMetrics(head, base, scenario, undecided) {
    if (undecided.length === 0)
        return [];
    const loose = (0,compare/* judgePairedRounds */.mu)(head, base, scenario, verdict/* FUTILITY_CONFIDENCE */.sZ);
    return undecided.filter((k) => {
        const v = loose.find((m) => m.metric === k)?.verdict;
        return v === 'unchanged' || v === 'improved';
    });
}
/**
 * Why measuring stops after this look, or undefined to measure another block.
 *
 * A regression that fails the check ends it once the report can also say how much users feel
 * (LookOutcome.impactKnown): the check fails whatever the remaining metrics would show, and the
 * sequential intervals cover the true change at every look together, so stopping at any look keeps
 * the false-alarm bound (src/compare/sequential.ts). Before, a regressed scenario measured until
 * every metric was decided: a quiet +10% CPU/request scenario had CPU/request and p50 regressed and
 * still ran to the 5 min budget for p90 and p99. Stopping at the first regression of any metric was
 * tried and measured: CPU/request is the most sensitive, so it stopped at 40–60 rounds with p50
 * and rps still inconclusive in 10 of 10 — a failed check that could not say whether the endpoint got
 * slower. The same holds the other way (LookOutcome.costKnown): with restarts between blocks, p50
 * or rps of a +10% CPU change regressed first in 3 of 10 comparisons (2026-12-05), and measuring
 * stopped at 30–40 rounds with CPU/request inconclusive at +13–16% — a slower endpoint whose report
 * could not say whether it does more work or waits longer.
 */
function stopAfterLook(outcome, look, plannedLooks, budgetCut) {
    if (outcome.regressed.length > 0 && outcome.impactKnown && outcome.costKnown)
        return 'regressed';
    if (outcome.pending.length === 0)
        return outcome.regressed.length > 0 ? 'regressed' : outcome.ruledOut?.length ? 'ruled-out' : 'conclusive';
    if (look >= plannedLooks)
        return budgetCut ? 'time-budget' : 'max-rounds';
    return undefined;
}
/**
 * Look number `look` (from 1) at the paired rounds so far: judged at that look's confidence, and
 * whether measuring stops. The measuring loop (timing.ts) and the benches that replay recorded rounds
 * (bench/replay.ts) take their looks here, so a replay stops where the pipeline would have.
 */
function takeLook(rule, look, head, base) {
    const confidence = lookConfidence(rule.plan, look);
    const outcome = judgeLook(head, base, rule.scenario, rule.failOn, confidence, rule.decide, rule.futility);
    const stop = stopAfterLook(outcome, look, rule.plan.maxLooks, rule.budgetCut);
    return { confidence, outcome, ...(stop ? { stop } : {}) };
}

;// CONCATENATED MODULE: ./lib/measure/order.js
// The order in which the sides take their turn, drawn afresh each time (RMIT: randomized multiple
// interleaved trials). Any fixed order gives one side a systematic position. Measured on the example
// bookshop (five A/A sittings): with the warm-ups in a fixed order (head, then base), head had sat
// idle through base's warm-up when the first round began, and in that round it cost more CPU per
// request than base in 33 of 44 scenarios that began on a warm process (median +4.7%) and in 239 of
// 418 blocks after a restart; in the later rounds 49–53% of the time (bench/process-pairs.ts, "d > 0";
// bench/results/process-pairs-2026-12-05.md). A drawn order turns that position into noise.
/** `sides` in order or reversed, with equal chance; one side (or none) comes back as it is. */
function inRandomOrder(sides, random = Math.random) {
    return sides.length > 1 && random() < 0.5 ? [...sides].reverse() : sides;
}
/**
 * The turns of an alternating round of `turns` turns per side (baseline.turns): the drawn order, then
 * its reverse, and so on (ABBA…), so neither side's turns sit earlier on average when `turns` is even,
 * and a steady drift of the machine's speed cancels within the round.
 */
function turnSequence(order, turns) {
    const reversed = [...order].reverse();
    return Array.from({ length: turns }, (_, t) => (t % 2 === 0 ? order : reversed)).flat();
}

;// CONCATENATED MODULE: ./lib/measure/restarts.js
// When rerun mode restarts base and head between blocks of rounds (baseline.restarts: auto).
//
// Paired rounds replicate within one process pair: every round of a scenario ran on the same head
// process and the same base process, so the interval narrows around that pair's difference, not the
// code's. Measured (docs/verdicts.md, "What the rounds replicate"): unchanged code read CPU/request
// changes that cluster per pair, run medians spread ±1.3% while scenarios within a run spread ±0.9%,
// and the inconclusive A/A comparisons sat in the pairs that differed most. A new pair per block
// turns the pair's difference into noise the rounds average out, as the repetition at the level of
// process executions in Kalibera & Jones, "Rigorous benchmarking in reasonable time" (ISMM 2013).
//
// A restart (stop, boot, warm-up) buys nothing the verdict uses until rounds have run on the pair, so
// the rule spends at most as much time restarting as measuring: a restart is due once the rounds since
// the last one took at least as long as that restart. A service that boots in a second restarts
// before every block; one that takes longer than a block restarts every few blocks. The rule reads
// only clock time, never a measured metric, so it cannot steer a verdict.
/** Whether both sides restart before the next block of rounds. */
function restartDue(roundsSinceRestartMs, restartMs) {
    return roundsSinceRestartMs >= restartMs;
}
/**
 * The time restarts add to one block on average, for planning how many blocks fit the budget: a
 * restart every ceil(restart / block) blocks, as restartDue spaces them.
 */
function restartShareMs(restartMs, blockMs) {
    if (restartMs <= 0 || blockMs <= 0)
        return 0;
    return restartMs / Math.ceil(restartMs / blockMs);
}

;// CONCATENATED MODULE: ./lib/measure/timing.js









/** Rounds of the head alone after simultaneous rounds: enough for budgets, a quarter of the load. */
function soloRoundsFor(rounds) {
    return Math.max(3, Math.ceil(rounds / 4));
}
async function timeScenario(opts) {
    const { scenario, progress, signal } = opts;
    let sides = opts.sides;
    const paired = sides.length > 1;
    const together = paired && opts.schedule === 'simultaneous';
    const wantedTurns = paired && !together ? opts.turns : 1;
    const tag = (s) => (paired ? `${s.side} ` : '');
    const startedAt = Date.now();
    const loadOptions = (s, durationMs) => ({
        baseUrl: s.baseUrl,
        request: scenario.request,
        connections: scenario.load.connections,
        durationMs,
        pipelining: scenario.load.pipelining,
        timeoutMs: scenario.load.timeoutMs,
        meter: s.service.meter,
        signal,
        ...opts.plans.get(s.side),
    });
    const warmedAt = Date.now();
    const warm = await warmUp(opts, sides, together, loadOptions);
    const warmMs = Date.now() - warmedAt;
    // The slowest side sets the length, so both sides' rounds are alike.
    const rates = warm.filter((w) => w.requests > 0).map((w) => w.rps);
    const warmupRps = rates.length === warm.length && rates.length > 0 ? Math.min(...rates) : undefined;
    const length = roundLength(scenario.load.durationMs, warmupRps);
    if (length.sizing)
        progress(length.sizing);
    const { turns, note: turnsNote } = turnsFor(wantedTurns, length.roundMs, warmupRps);
    if (turnsNote)
        progress(turnsNote);
    const sizing = [length.sizing, turnsNote].filter(Boolean).join('; ');
    const rounds = new Map(sides.map((s) => [s.side, []]));
    let processPair = 1;
    const record = (s, round, label, into) => {
        if (paired) {
            round.side = s.side;
            round.processPair = processPair;
        }
        into.push(round);
        if (!s.service.isRunning()) {
            throw new errors/* EnvironmentError */.eG(`the ${s.side} service exited during load on scenario "${scenario.name}"`, s.service.tailLog(40));
        }
        progress(`${tag(s)}${label}: ${describeRound(round)}`);
    };
    const runRound = async (label) => {
        if (signal?.aborted)
            throw new errors/* EnvironmentError */.eG('interrupted');
        // Drawn per round: a fixed order would give one side a systematic position — running first, or,
        // in a simultaneous round, opening its connections first (order.ts).
        const order = inRandomOrder(sides);
        if (together) {
            const measured = await Promise.all(order.map((s) => load_runLoad(loadOptions(s, length.roundMs))));
            measured.forEach((round, i) => record(order[i], round, label, rounds.get(order[i].side)));
            return;
        }
        // A side's round is recorded, and its service checked, as soon as its last turn ends.
        const parts = new Map(sides.map((s) => [s.side, []]));
        for (const s of turnSequence(order, turns)) {
            if (signal?.aborted)
                throw new errors/* EnvironmentError */.eG('interrupted');
            const taken = parts.get(s.side);
            taken.push(await load_runLoad(loadOptions(s, length.roundMs / turns)));
            if (taken.length === turns)
                record(s, mergeTurns(taken), label, rounds.get(s.side));
        }
    };
    const configured = planFor(scenario);
    const adaptive = paired && configured.maxLooks > 1;
    const restarting = adaptive && opts.restart !== undefined;
    const sidesInTurn = together ? 1 : sides.length;
    // Until one is measured, a restart is expected to take the boots and the warm-up this scenario had,
    // one round longer (warmUp says why).
    let restartMs = sides.reduce((sum, s) => sum + s.bootMs, 0) + warmMs + sidesInTurn * length.roundMs;
    let restartsMs = 0;
    // Equal blocks of `rounds` (the per-look levels assume it); a fixed plan is one block. An adaptive
    // plan has as many looks as blocks fit the time left (plannedLooks says why).
    const leftMs = Math.min(scenario.timeBudgetMs - (Date.now() - startedAt), opts.runBudgetLeftMs());
    const drainMs = Math.max(0, ...warm.map((w) => w.latencyUs.p50 / 1000));
    // Every turn drains its requests in flight.
    const roundsMs = scenario.rounds * (length.roundMs + turns * drainMs) * sidesInTurn;
    const block = { rounds: scenario.rounds, roundMs: length.roundMs, drainMs: turns * drainMs, sidesInTurn, restartMs: restarting ? restartShareMs(restartMs, roundsMs) : 0 };
    const looks = adaptive ? plannedLooks(configured.maxLooks, block, leftMs) : 1;
    const plan = { ...configured, maxLooks: looks };
    const budgetCut = adaptive && looks < configured.maxLooks;
    const rule = { plan, budgetCut, scenario, failOn: opts.failOn, ...(opts.decide ? { decide: opts.decide } : {}) };
    if (budgetCut) {
        progress(`the time budget fits ${looks} block${looks === 1 ? '' : 's'} of ${scenario.rounds} rounds (maxRounds ${scenario.maxRounds}): ` +
            `looks planned for ${looks * scenario.rounds} rounds, so the last one uses the full ${(plan.confidence * 100).toFixed(0)}%`);
    }
    let look = 0;
    let confidence = plan.confidence;
    let reason = 'fixed';
    let outcome = { pending: [], regressed: [], impactKnown: false, costKnown: false };
    const roundsStartedAt = Date.now();
    let pairStartedAt = roundsStartedAt;
    for (;;) {
        if (look > 0 && restarting && restartDue(Date.now() - pairStartedAt, restartMs)) {
            if (signal?.aborted)
                throw new errors/* EnvironmentError */.eG('interrupted');
            const restartedAt = Date.now();
            sides = await opts.restart(sides);
            await warmUp(opts, sides, together, loadOptions, length.roundMs);
            restartMs = Date.now() - restartedAt;
            restartsMs += restartMs;
            processPair++;
            pairStartedAt = Date.now();
            progress(`restarted ${sides.map((s) => s.side).join(' and ')} for the next block (process pair ${processPair}): ${(restartMs / 1000).toFixed(1)} s with the warm-up`);
        }
        const done = rounds.get('head').length;
        for (let r = 0; r < scenario.rounds; r++)
            await runRound(`round ${done + r + 1}/${adaptive ? done + scenario.rounds : scenario.rounds}`);
        look++;
        if (!adaptive)
            break;
        const taken = takeLook(rule, look, rounds.get('head'), rounds.get('base'));
        ({ confidence, outcome } = taken);
        if (taken.stop) {
            reason = taken.stop;
            break;
        }
        // Another block only if it fits: estimated from the time the blocks so far took.
        const measured = rounds.get('head').length;
        const nextBlockMs = ((Date.now() - roundsStartedAt) / measured) * scenario.rounds;
        const scenarioLeftMs = scenario.timeBudgetMs - (Date.now() - startedAt);
        if (nextBlockMs > scenarioLeftMs || nextBlockMs > opts.runBudgetLeftMs()) {
            reason = 'time-budget';
            break;
        }
        const ruledOut = outcome.ruledOut?.length ? `; ${outcome.ruledOut.join(', ')} no longer waited for (a regression of the threshold ruled out at ${(0,verdict/* formatConfidence */.Me)(verdict/* FUTILITY_CONFIDENCE */.sZ)})` : '';
        progress(`${outcome.pending.join(', ')} inconclusive after ${measured} rounds: measuring ${scenario.rounds} more${ruledOut}`);
    }
    const stop = {
        ...(paired ? { schedule: opts.schedule } : {}),
        ...(turns > 1 ? { turns } : {}),
        rounds: rounds.get('head').length,
        ...(paired ? { processPairs: processPair } : {}),
        ...(restartsMs > 0 ? { restartMs: restartsMs } : {}),
        looks: look,
        maxLooks: looks,
        // A look's confidence stays below 1 however early the look, as a results file's schema asks.
        confidence,
        reason,
        ...(outcome.regressed.length > 0 ? { regressed: outcome.regressed } : {}),
        ...(outcome.pending.length > 0 ? { pending: outcome.pending } : {}),
        ...(outcome.ruledOut?.length ? { ruledOut: outcome.ruledOut } : {}),
        roundMs: length.roundMs,
        ...(sizing ? { roundSizing: sizing } : {}),
    };
    progress((0,report_stop/* describeStop */.C)(stop));
    let solo;
    if (together) {
        const head = sides.find((s) => s.side === 'head');
        const alone = [];
        const count = soloRoundsFor(scenario.rounds);
        for (let r = 0; r < count; r++) {
            if (signal?.aborted)
                throw new errors/* EnvironmentError */.eG('interrupted');
            record(head, await load_runLoad(loadOptions(head, length.roundMs)), `alone ${r + 1}/${count} (budgets)`, alone);
        }
        solo = aggregateRounds(alone);
        for (const warning of solo.warnings ?? [])
            progress(`head alone: warning: ${warning}`);
    }
    const load = new Map();
    for (const s of sides) {
        const result = aggregateRounds(rounds.get(s.side));
        load.set(s.side, result);
        for (const warning of result.warnings ?? [])
            progress(`${tag(s)}warning: ${warning}`);
    }
    return { load, solo, stop, sides };
}
async function warmUp(opts, sides, together, loadOptions, 
/** After a restart: the round length, which the warm-up adds (a new process is still settling). */
restartRoundMs) {
    const { scenario } = opts;
    const progress = opts.progress;
    const afterRestart = restartRoundMs !== undefined;
    // After a restart the line that announces it covers the warm-up: one line per block, not three.
    const announce = afterRestart ? () => { } : progress;
    // A process that has just started is still settling after `warmup`: measured on the example
    // bookshop (Node, 2 s warm-up), each side's first round after a restart spent 1.42–1.51× the CPU
    // per request of its block's median, with the rounds after it within 4%, while a warm process (the
    // next scenario on the same pair) showed no such round (bench/process-pairs.ts, docs/verdicts.md).
    // Both sides settle alike, so it is noise in the paired ratio, not bias. With one round more of
    // warm-up the first round still cost 1.23–1.38×, yet its head/base ratio then carried as much of a
    // +10% change as any later round (the noisiest place before). Leaving that round out of the
    // samples instead would spend the same time, so the warm-up is longer and every round counts.
    const warmupMs = scenario.load.warmupMs + (restartRoundMs ?? 0);
    if (warmupMs <= 0)
        return [];
    const tag = (s) => (sides.length > 1 ? `${s.side} ` : '');
    // Failures during warm-up do not reach the numbers, but they say the service is not ready for the
    // load (a cold pool timing out, a crash loop): worth a line in the progress output.
    const report = (s, w) => {
        const failed = w.errors + w.non2xx;
        if (failed > 0)
            progress(`${tag(s)}warning: ${failed} of ${w.requests + w.errors} warm-up requests failed`);
    };
    if (together) {
        announce(`warm-up ${warmupMs / 1000}s (base and head at once)`);
        const warm = await Promise.all(sides.map((s) => load_runWarmup(loadOptions(s, warmupMs))));
        warm.forEach((w, i) => report(sides[i], w));
        return warm;
    }
    // One after the other in a drawn order: the side warmed first sits idle while the other warms up,
    // and in a fixed order that idle spell made the first round cost head more (order.ts).
    const warm = new Map();
    for (const s of inRandomOrder(sides)) {
        announce(`${tag(s)}warm-up ${warmupMs / 1000}s`);
        const w = await load_runWarmup(loadOptions(s, warmupMs));
        report(s, w);
        warm.set(s, w);
    }
    return sides.map((s) => warm.get(s));
}
function describeRound(round) {
    const failures = round.errors + round.non2xx > 0 ? `, ${round.errors} errors, ${round.non2xx} non-2xx` : '';
    const drain = round.drainMs !== undefined && round.drainMs >= 100 ? `, ${(round.drainMs / 1000).toFixed(1)}s draining` : '';
    return `${Math.round(round.rps)} req/s, p50 ${(0,format/* formatLatencyUs */.WY)(round.latencyUs.p50)}, p99 ${(0,format/* formatLatencyUs */.WY)(round.latencyUs.p99)}${failures}${drain}`;
}

;// CONCATENATED MODULE: ./lib/version.js
// Kept in code rather than read from package.json at run time: the bundle in dist/ has no
// package.json beside it. A test keeps the two in step.
const TOOL_NAME = 'perfgate';
const TOOL_VERSION = '0.1.0';

;// CONCATENATED MODULE: ./lib/measure.js
// Measuring: bring the service(s) up, count each scenario's queries, then time each scenario.
//
// With a database, a side is booted twice (database.timing: direct, the default): first through
// perfgate's query proxy for the count pass (every scenario's query probes), then straight to the
// database for the timing pass (warm-up and rounds). A TCP relay on the same 2 cores costs about as
// much as a fast query: measured through the proxy, a 1-SELECT endpoint read +23–45% p50. The extra
// boot is the price, recorded per pass in the results. Counting before any load also keeps counts
// independent of what ran before: no request of a load round is still running during a probe.
// `database.timing: proxied` keeps one boot (counting first, then timing through the proxy).
//
// In rerun mode the base commit runs beside the head: both are up for the count pass, their query
// probes interleaved in time (src/queries/probe.ts), and timed in paired rounds (src/measure/timing.ts).
















/** Runs every scenario and returns results; `onPartial` gets what exists so far if a later step throws. */
async function measure(options, onPartial) {
    const { config, progress } = options;
    const rerun = config.baseline.source === 'rerun';
    const logDir = createLogDir({ keep: options.keepLogs, progress });
    const results = emptyResults(config, rerun);
    const cleanups = [];
    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
    const selected = config.scenarios.filter((s, i) => !options.scenarioFilter || options.scenarioFilter(s.name, i));
    const measured = selected.map(() => new Map());
    const plans = selected.map(() => new Map());
    const passes = [];
    results.meta.passes = passes;
    const publish = () => {
        results.scenarios = measured.map((m) => m.get('head')).filter(Boolean);
        if (results.base)
            results.base.scenarios = measured.map((m) => m.get('base')).filter((s) => s !== undefined);
    };
    try {
        let worktree;
        if (rerun) {
            worktree = await prepareBaseWorktree({ configFile: config.file, ref: options.baselineRef ?? config.baseline.ref, progress });
            // Also on SIGINT/SIGTERM, which exit from the signal handler without reaching `finally`.
            const checkout = worktree;
            const unregister = (0,registry/* registerChild */.Q8)({ stop: () => checkout.remove(), killNow: () => checkout.removeSync() });
            cleanups.push(async () => {
                unregister();
                await checkout.remove();
            });
            results.base = { commit: worktree.commit, ref: worktree.ref, scenarios: [] };
        }
        const specs = [{ side: 'head', service: config.service, port: await (0,free_port/* freePort */.ov)() }];
        if (worktree)
            specs.push({ side: 'base', service: { ...config.service, cwd: worktree.mapPath(config.service.cwd) }, port: await (0,free_port/* freePort */.ov)() });
        for (const [i, scenario] of selected.entries()) {
            for (const spec of specs)
                measured[i].set(spec.side, { name: scenario.name, request: { method: scenario.request.method, path: scenario.request.shownPath ?? scenario.request.path } });
        }
        const counting = config.database !== undefined || selected.some((s) => s.queries.header !== undefined);
        const separateTiming = config.database !== undefined && config.database.timing === 'direct';
        const built = new Set();
        // Loading the load generator and the caller's work wait for the first spawn: until then they
        // would only delay it, and the service boots on the other core while they run.
        let overlapped;
        const overlap = () => {
            overlapped ??= Promise.all([loadAutocannon().catch(() => { }), options.whileBooting?.()]);
        };
        const boot = async (spec, pass, restart = false) => {
            const build = !built.has(spec.side);
            built.add(spec.side);
            const booted = await bootSide({
                spec,
                pass,
                database: config.database,
                proxied: pass !== 'timing' || !separateTiming,
                build,
                env: options.env,
                logDir,
                progress,
                cleanups,
                // A restart between blocks of rounds is counted in the scenario's stop info, not as a pass.
                record: (p) => {
                    if (!restart)
                        passes.push(p);
                },
                onSpawned: overlap,
                announce: !restart,
            });
            await overlapped;
            return booted;
        };
        const label = (i) => `[${i + 1}/${selected.length}] ${selected[i].name}`;
        // Count pass: every scenario's probes, before any load.
        const kept = new Map();
        if (counting) {
            if (config.database) {
                progress(separateTiming
                    ? 'count pass: each side boots through the query proxy for the query probes, then reboots straight to the database for the timed rounds'
                    : 'database.timing: proxied: one boot per side; the timed rounds go through the query proxy too');
            }
            // Both sides up for the count pass, their probes interleaved (probeQueriesInterleaved says why).
            const counted = [];
            for (const spec of specs)
                counted.push(await boot(spec, separateTiming ? 'count' : 'both'));
            for (const [i, scenario] of selected.entries()) {
                if (options.signal?.aborted)
                    throw new errors/* EnvironmentError */.eG('interrupted');
                await countScenario(scenario, counted, measured[i], plans[i], (line) => progress(`${label(i)}: ${line} (${elapsed()})`));
                publish();
                onPartial(results);
            }
            for (const booted of counted) {
                if (separateTiming)
                    await booted.stop();
                else
                    kept.set(booted.side, booted);
            }
        }
        // Timing pass: every side up at once (paired rounds need both), the proxy out of the path.
        // `let`: a scenario that restarts the sides hands the new ones on to the next (ScenarioTiming.sides).
        let sides = [];
        for (const spec of specs)
            sides.push(kept.get(spec.side) ?? (await boot(spec, counting ? 'timing' : 'both')));
        // A new process pair between blocks of rounds (src/measure/restarts.ts): both stop before either
        // boots, so a boot never shares the machine with the other side's service.
        const restart = async (current) => {
            for (const s of current)
                await s.stop();
            const next = [];
            for (const s of current)
                next.push(await boot(specs.find((spec) => spec.side === s.side), s.pass, true));
            return next;
        };
        let loadMs = 0;
        for (const [i, scenario] of selected.entries()) {
            if (options.signal?.aborted)
                throw new errors/* EnvironmentError */.eG('interrupted');
            const line = (text) => progress(`${label(i)}: ${text} (${elapsed()})`);
            const out = measured[i];
            if (!counting)
                for (const s of sides)
                    await probeHttp(scenario, s, out.get(s.side), plans[i], sides.length > 1, line);
            if (sides.some((s) => out.get(s.side).error !== undefined))
                continue;
            const scenarioStarted = Date.now();
            // The run's budget is shared fairly: a scenario may use its part of what is left, so a slow
            // first scenario cannot leave the last ones a single block.
            const share = (config.baseline.timeBudgetMs - loadMs) / (selected.length - i);
            const timing = await timeScenario({
                scenario,
                sides,
                plans: plans[i],
                schedule: config.baseline.schedule,
                turns: config.baseline.turns,
                failOn: config.failOn,
                decide: options.decideOnly?.(scenario.name),
                progress: line,
                signal: options.signal,
                runBudgetLeftMs: () => share - (Date.now() - scenarioStarted),
                ...(config.baseline.restarts === 'auto' ? { restart } : {}),
            });
            loadMs += Date.now() - scenarioStarted;
            sides = timing.sides;
            for (const s of sides) {
                const result = out.get(s.side);
                result.load = timing.load.get(s.side);
                result.stop = timing.stop;
            }
            if (timing.solo)
                out.get('head').solo = timing.solo;
            publish();
            onPartial(results);
        }
        publish();
        return results;
    }
    catch (error) {
        publish();
        onPartial(results);
        throw error;
    }
    finally {
        for (const cleanup of cleanups.reverse()) {
            await cleanup().catch((e) => progress(`cleanup failed: ${e.message}`));
        }
    }
}
/**
 * The HTTP probe (a few requests on one connection): whether the endpoint answers, and how the rounds
 * must connect (a server that closes connections gets a new one per request). A failure is the
 * scenario's error, not the run's.
 */
async function probeHttp(scenario, side, out, plans, paired, progress) {
    try {
        const { plan } = await probeRequest(side.baseUrl, scenario.request, { connection: scenario.load.connection, pipelining: scenario.load.pipelining });
        plans.set(side.side, plan);
        if (plan.connectionMode === 'close') {
            progress(`${paired ? `${side.side} ` : ''}${describeConnections(plan.requestsPerConnection ?? 1)}: the server closes connections (latency includes connecting)`);
        }
        return true;
    }
    catch (error) {
        if (!(error instanceof errors/* PerfgateError */.f7))
            throw error;
        out.error = error.message;
        progress(`${paired ? `${side.side} ` : ''}probe failed: ${error.message}`);
        return false;
    }
}
async function countScenario(scenario, sides, out, plans, progress) {
    const paired = sides.length > 1;
    const counting = [];
    for (const side of sides) {
        if (!(await probeHttp(scenario, side, out.get(side.side), plans, paired, progress)))
            continue;
        if (side.proxy || scenario.queries.header !== undefined)
            counting.push(side);
    }
    if (counting.length === 0)
        return;
    progress(`counting queries (${scenario.queries.probes} probes${counting.length > 1 ? ` per side, ${counting.map((s) => s.side).join(' and ')} interleaved` : ''})`);
    const counts = await probeQueriesInterleaved(counting.map((side) => ({ baseUrl: side.baseUrl, scenario, proxy: side.proxy, dialect: side.dialect })));
    for (const [k, side] of counting.entries()) {
        const queries = counts[k];
        const tag = paired ? `${side.side} ` : '';
        out.get(side.side).queries = queries;
        progress(`${tag}${queries.perRequest} statements/request${queries.stable ? '' : ` (unstable: ${queries.perProbe.join(', ')})`}` +
            `${queries.nPlusOne.length ? `, ${queries.nPlusOne.length} N+1 suspect(s)` : ''}`);
        for (const note of queries.notes ?? [])
            progress(`${tag}warning: ${note}`);
    }
}
function emptyResults(config, rerun) {
    return {
        schema: types/* RESULTS_SCHEMA */.B,
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        meta: {
            commit: process.env.GITHUB_SHA ?? gitHeadCommit(external_node_path_.dirname(config.file)),
            ref: process.env.GITHUB_REF ?? undefined,
            timestamp: new Date().toISOString(),
            runner: { os: `${external_node_os_.platform()} ${external_node_os_.release()}`, cpus: external_node_os_.cpus().length, cpuModel: external_node_os_.cpus()[0]?.model, node: process.version },
            mode: rerun ? 'rerun' : 'single',
            ...(rerun ? { schedule: config.baseline.schedule } : {}),
            ...(config.database ? { dbTiming: config.database.timing } : {}),
            configFile: external_node_path_.relative(process.cwd(), config.file) || config.file,
        },
        scenarios: [],
    };
}
/** The commit the config's checkout is at, for the report footer; undefined outside a git repository. */
function gitHeadCommit(cwd) {
    try {
        return (0,external_node_child_process_.execFileSync)('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: (0,child_env/* withoutRunnerCredentials */.D)(process.env) }).trim() || undefined;
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 42313:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AW: () => (/* binding */ listenOnFreePort),
/* harmony export */   lR: () => (/* binding */ listenOn),
/* harmony export */   ov: () => (/* binding */ freePort)
/* harmony export */ });
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77030);

// The ports freePort handed out in this process, for services that bind them later. A service port
// is picked once per run and released at once (the service must bind it itself), so until the
// service listens, and again while it restarts between blocks, the OS may give the same port to
// anything that binds port 0 — such as the query proxy perfgate starts next. A bench sitting hit it:
// the base's boot found "port already in use": something accepted its HTTP probe and reset it, as
// the head's Postgres proxy, started in between, would (inferred from the error and the order of
// binds; a pick of one port in ~14,000 cannot be replayed on demand). perfgate's own listeners skip these ports; so does freePort,
// which would otherwise hand head and base the same one.
const handedOut = new Set();
/** Tries before taking a handed-out port anyway (the OS would have to pick one of a few ports 20 times in a row). */
const MAX_TRIES = 20;
/**
 * Listens on a port the OS picks on `host`, but not on one freePort handed out for a service.
 * Rejects with the listen error, as `server.listen` would emit it.
 */
async function listenOnFreePort(server, host, avoid = handedOut) {
    for (let tries = 1;; tries++) {
        await listenOn(server, 0, host);
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        if (!avoid.has(port) || tries >= MAX_TRIES)
            return port;
        await new Promise((resolve) => server.close(() => resolve()));
    }
}
/** `server.listen` as a promise: resolves once listening, rejects with the listen error. */
function listenOn(server, port, host) {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
            server.off('error', reject);
            resolve();
        });
    });
}
/**
 * A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it; we release it at once).
 * `server` is for tests, where the OS's pick has to be scripted.
 */
async function freePort(host = '127.0.0.1', server = node_net__WEBPACK_IMPORTED_MODULE_0__.createServer()) {
    server.unref();
    const port = await listenOnFreePort(server, host);
    handedOut.add(port);
    await new Promise((resolve) => server.close(() => resolve()));
    return port;
}


/***/ }),

/***/ 85981:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  P: () => (/* binding */ registerTapFactory),
  V: () => (/* binding */ startQueryProxy)
});

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(77030);
// EXTERNAL MODULE: ./lib/errors.js
var errors = __webpack_require__(452);
// EXTERNAL MODULE: ./lib/net/free-port.js
var free_port = __webpack_require__(42313);
// EXTERNAL MODULE: ./lib/queries/sql-tokenizer.js
var sql_tokenizer = __webpack_require__(60768);
;// CONCATENATED MODULE: ./lib/queries/postgres/framer.js
// Incremental framing of the PostgreSQL wire protocol (protocol 3.0), one direction per instance.
// Pure: bytes in, whole messages out; no I/O. Modelled on brianc/node-postgres packages/pg-protocol,
// but observe-only: the proxy forwards every chunk unchanged, so the framer never owns the bytes.
// Message bodies are only gathered for the few types counting needs (and only up to a cap), all
// other bodies — DataRow, CopyData — are skipped by arithmetic without copying.
/** Startup-phase request codes (the untyped messages a client may open a connection with). */
const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
/** Bodies longer than this are delivered truncated (the head is enough for names and SQL). */
const DEFAULT_MAX_BODY = 1 << 20;
/**
 * Reads one untyped startup-phase message from the front of `buf`.
 * Returns 'need-more' until the whole message is there, 'malformed' for bytes that cannot be one
 * (e.g. a TLS ClientHello from a client using direct SSL) — the caller then stops parsing.
 */
function readStartupMessage(buf) {
    if (buf.length < 8)
        return 'need-more';
    const length = buf.readInt32BE(0);
    // The server rejects startup packets over 10000 bytes; anything outside is not Postgres.
    if (length < 8 || length > 10000)
        return 'malformed';
    if (buf.length < length)
        return 'need-more';
    const code = buf.readInt32BE(4);
    if (length === 8 && code === SSL_REQUEST_CODE)
        return { kind: 'ssl', length };
    if (length === 8 && code === GSSENC_REQUEST_CODE)
        return { kind: 'gssenc', length };
    if (length === 16 && code === CANCEL_REQUEST_CODE)
        return { kind: 'cancel', length };
    // Protocol major version 3 in the high 16 bits; 2.0 is long gone from the server.
    if (code >>> 16 !== 3)
        return 'malformed';
    return { kind: 'startup', length };
}
/**
 * Typed-message framer. push() may be given chunks split anywhere; onFrame is called once per
 * message, in order. After a malformed length it stops framing for good (`broken`), because no
 * later boundary can be trusted.
 */
class MessageFramer {
    keep;
    maxBody;
    /** Header bytes gathered so far when a header straddles chunks. */
    header = Buffer.alloc(5);
    headerHave = 0;
    /** Current message: its type and remaining body bytes (-1 = reading a header). */
    type = 0;
    length = 0;
    remaining = -1;
    body;
    bodyHave = 0;
    broken = false;
    constructor(options) {
        this.keep = new Uint8Array(256);
        for (const t of options.keepBodies)
            this.keep[t] = 1;
        this.maxBody = options.maxBody ?? DEFAULT_MAX_BODY;
    }
    push(chunk, onFrame) {
        if (this.broken)
            return;
        let off = 0;
        const end = chunk.length;
        while (off < end) {
            if (this.remaining < 0) {
                // Fast path: the whole header is in this chunk.
                if (this.headerHave === 0 && end - off >= 5) {
                    this.type = chunk[off];
                    this.length = chunk.readInt32BE(off + 1) - 4;
                    off += 5;
                }
                else {
                    const take = Math.min(5 - this.headerHave, end - off);
                    chunk.copy(this.header, this.headerHave, off, off + take);
                    this.headerHave += take;
                    off += take;
                    if (this.headerHave < 5)
                        return;
                    this.headerHave = 0;
                    this.type = this.header[0];
                    this.length = this.header.readInt32BE(1) - 4;
                }
                if (this.length < 0) {
                    this.broken = true;
                    return;
                }
                if (this.keep[this.type] === 1) {
                    const wanted = Math.min(this.length, this.maxBody);
                    // Zero-copy when the kept part of the body is already here.
                    if (end - off >= wanted) {
                        const body = chunk.subarray(off, off + wanted);
                        const skip = Math.min(this.length, end - off);
                        off += skip;
                        if (skip === this.length) {
                            onFrame({ type: this.type, length: this.length, body, truncated: wanted < this.length });
                            continue;
                        }
                        // Truncated body whose tail spans later chunks: deliver once the tail is skipped.
                        this.body = Buffer.from(body);
                        this.bodyHave = wanted;
                        this.remaining = this.length - skip;
                        continue;
                    }
                    this.body = Buffer.allocUnsafe(wanted);
                    this.bodyHave = 0;
                }
                else {
                    this.body = undefined;
                }
                this.remaining = this.length;
                if (this.remaining === 0) {
                    this.remaining = -1;
                    onFrame({ type: this.type, length: 0, body: this.body, truncated: false });
                    this.body = undefined;
                }
                continue;
            }
            const take = Math.min(this.remaining, end - off);
            if (this.body !== undefined && this.bodyHave < this.body.length) {
                const copy = Math.min(take, this.body.length - this.bodyHave);
                chunk.copy(this.body, this.bodyHave, off, off + copy);
                this.bodyHave += copy;
            }
            off += take;
            this.remaining -= take;
            if (this.remaining === 0) {
                this.remaining = -1;
                const body = this.body;
                this.body = undefined;
                onFrame({ type: this.type, length: this.length, body, truncated: body !== undefined && body.length < this.length });
            }
        }
    }
}
// ---------------------------------------------------------------------------------------------
// Decoders for the few messages counting needs. Each takes a (possibly truncated) body and never
// throws: a field cut off by truncation comes back empty.
/** Frontend message types (client → server). */
const F = {
    Query: 0x51, // 'Q'
    Parse: 0x50, // 'P'
    Bind: 0x42, // 'B'
    Execute: 0x45, // 'E'
    Sync: 0x53, // 'S'
    Close: 0x43, // 'C'
    Describe: 0x44, // 'D'
    Flush: 0x48, // 'H'
    Terminate: 0x58, // 'X'
    CopyData: 0x64, // 'd'
    CopyDone: 0x63, // 'c'
    CopyFail: 0x66, // 'f'
};
/** Backend message types (server → client). Same letters, different meanings: two parsers. */
const B = {
    CommandComplete: 0x43, // 'C'
    EmptyQueryResponse: 0x49, // 'I'
    ErrorResponse: 0x45, // 'E'
    ReadyForQuery: 0x5a, // 'Z'
    ParseComplete: 0x31, // '1'
    BindComplete: 0x32, // '2'
    PortalSuspended: 0x73, // 's'
    CopyInResponse: 0x47, // 'G'
    CopyOutResponse: 0x48, // 'H'
    CopyBothResponse: 0x57, // 'W'
    DataRow: 0x44, // 'D'
};
class Reader {
    buf;
    off = 0;
    constructor(buf) {
        this.buf = buf;
    }
    get left() {
        return this.buf.length - this.off;
    }
    cstring() {
        const nul = this.buf.indexOf(0, this.off);
        const stop = nul === -1 ? this.buf.length : nul;
        const s = this.buf.toString('utf8', this.off, stop);
        this.off = nul === -1 ? this.buf.length : nul + 1;
        return s;
    }
    int16() {
        if (this.left < 2) {
            this.off = this.buf.length;
            return 0;
        }
        const v = this.buf.readInt16BE(this.off);
        this.off += 2;
        return v;
    }
    int32() {
        if (this.left < 4) {
            this.off = this.buf.length;
            return 0;
        }
        const v = this.buf.readInt32BE(this.off);
        this.off += 4;
        return v;
    }
    bytes(n) {
        const b = this.buf.subarray(this.off, Math.min(this.buf.length, this.off + n));
        this.off += b.length;
        return b;
    }
    byte() {
        return this.left > 0 ? this.buf[this.off++] : 0;
    }
}
function decodeQuery(body) {
    return { sql: new Reader(body).cstring() };
}
function decodeParse(body) {
    const r = new Reader(body);
    const name = r.cstring();
    return { name, sql: r.cstring() };
}
/** Binary parameters longer than this are shown by their first bytes only. */
const MAX_BINARY_PARAM_SHOWN = 64;
function decodeBind(body) {
    const r = new Reader(body);
    const portal = r.cstring();
    const statement = r.cstring();
    const nFormats = r.int16();
    const formats = [];
    for (let i = 0; i < nFormats && r.left > 0; i++)
        formats.push(r.int16());
    const nParams = r.int16();
    const params = [];
    for (let i = 0; i < nParams && r.left >= 4; i++) {
        const len = r.int32();
        if (len < 0) {
            params.push(null);
            continue;
        }
        const value = r.bytes(len);
        const format = nFormats === 0 ? 0 : nFormats === 1 ? formats[0] : formats[i];
        if (format === 1) {
            const shown = value.subarray(0, MAX_BINARY_PARAM_SHOWN).toString('hex');
            params.push(`\\x${shown}${value.length > MAX_BINARY_PARAM_SHOWN ? '…' : ''}`);
        }
        else {
            params.push(value.toString('utf8'));
        }
    }
    return { portal, statement, params };
}
function decodeExecute(body) {
    const r = new Reader(body);
    const portal = r.cstring();
    return { portal, maxRows: r.int32() };
}
/** Close and Describe share a layout: 'S' (statement) or 'P' (portal), then a name. */
function decodeTarget(body) {
    const r = new Reader(body);
    const kind = r.byte();
    return { target: kind === 0x50 ? 'portal' : 'statement', name: r.cstring() };
}
/** CommandComplete's tag, e.g. "INSERT 0 1" or "SELECT 3". */
function decodeCommandComplete(body) {
    return { tag: new Reader(body).cstring() };
}
/** ErrorResponse / NoticeResponse: the SQLSTATE ('C') and message ('M') fields. */
function decodeErrorResponse(body) {
    const r = new Reader(body);
    let code = '';
    let message = '';
    while (r.left > 0) {
        const field = r.byte();
        if (field === 0)
            break;
        const value = r.cstring();
        if (field === 0x43)
            code = value;
        else if (field === 0x4d)
            message = value;
    }
    return { code, message };
}

;// CONCATENATED MODULE: ./lib/queries/postgres/tap.js
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


const NO_ENCRYPTION = Buffer.from('N');
/** Far beyond any real pipeline depth (pgbench/postgres.js pipelines are tens to hundreds deep). */
const MAX_PENDING = 100_000;
const FRONTEND_BODIES = new Set([F.Query, F.Parse, F.Bind, F.Execute, F.Close]);
// Counting needs only the backend's message types, never their bodies.
const BACKEND_BODIES = new Set();
class PostgresTap {
    connectionId;
    onStatement;
    now;
    client = new MessageFramer({ keepBodies: FRONTEND_BODIES });
    server = new MessageFramer({ keepBodies: BACKEND_BODIES });
    /** Startup phase: client bytes held until a whole untyped message is seen (a few bytes, once). */
    startup = Buffer.alloc(0);
    /** Stopped following the protocol (e.g. direct TLS): forward blindly, count nothing. */
    blind = false;
    pending = [];
    statements = new Map();
    portals = new Map();
    onClientFrame = (f) => this.clientMessage(f);
    onServerFrame = (f) => this.serverMessage(f);
    /** Arrival time of the chunk being read. */
    chunkAt = 0n;
    /** First Parse/Bind of the extended-protocol batch not yet closed by an Execute. */
    batchSentAt;
    /** When the server last finished something on this connection (a statement, ReadyForQuery). */
    lastDoneAt = 0n;
    constructor(connectionId, onStatement, now = process.hrtime.bigint) {
        this.connectionId = connectionId;
        this.onStatement = onStatement;
        this.now = now;
    }
    fromClient(chunk) {
        if (this.blind)
            return { forward: chunk };
        this.chunkAt = this.now();
        if (this.startup !== undefined)
            return this.startupBytes(chunk);
        try {
            this.client.push(chunk, this.onClientFrame);
            if (this.client.broken)
                this.blind = true;
        }
        catch {
            this.blind = true;
        }
        return { forward: chunk };
    }
    fromServer(chunk) {
        if (this.blind)
            return { forward: chunk };
        this.chunkAt = this.now();
        try {
            this.server.push(chunk, this.onServerFrame);
            if (this.server.broken)
                this.blind = true;
        }
        catch {
            this.blind = true;
        }
        return { forward: chunk };
    }
    startupBytes(chunk) {
        let buf = this.startup.length === 0 ? chunk : Buffer.concat([this.startup, chunk]);
        const forward = [];
        let reply;
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
            if (msg.kind === 'cancel')
                this.blind = true;
            else if (buf.length > msg.length)
                this.client.push(buf.subarray(msg.length), this.onClientFrame);
            break;
        }
        const decision = {};
        if (forward.length > 0)
            decision.forward = forward.length === 1 ? forward[0] : Buffer.concat(forward);
        if (reply)
            decision.reply = reply;
        return decision;
    }
    clientMessage(f) {
        if (this.blind)
            return;
        if (this.pending.length >= MAX_PENDING) {
            // Replies stopped matching requests (or never come): stop counting rather than grow forever.
            this.blind = true;
            this.pending.length = 0;
            return;
        }
        switch (f.type) {
            case F.Query: {
                const { sql } = decodeQuery(f.body);
                const statements = (0,sql_tokenizer/* splitStatements */.X)(sql, 'postgres');
                this.pending.push({ kind: 'query', statements, sql, next: 0, failed: false, sentAt: this.chunkAt });
                break;
            }
            case F.Parse: {
                const { name, sql } = decodeParse(f.body);
                this.statements.set(name, sql);
                this.batchSentAt ??= this.chunkAt;
                this.pending.push({ kind: 'parse', sql, sentAt: this.batchSentAt });
                break;
            }
            case F.Bind: {
                const bind = decodeBind(f.body);
                this.batchSentAt ??= this.chunkAt;
                this.portals.set(bind.portal, { sql: this.statements.get(bind.statement) ?? '', params: bind.params, counted: false });
                break;
            }
            case F.Execute: {
                const { portal } = decodeExecute(f.body);
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
                const { target, name } = decodeTarget(f.body);
                if (target === 'statement')
                    this.statements.delete(name);
                else
                    this.portals.delete(name);
                break;
            }
            default:
                break;
        }
    }
    serverMessage(f) {
        if (this.blind)
            return;
        switch (f.type) {
            case B.CommandComplete:
            case B.EmptyQueryResponse:
                this.completeHead('ok');
                break;
            case B.ErrorResponse:
                this.failHead();
                break;
            case B.ParseComplete:
                if (this.pending[0]?.kind === 'parse')
                    this.pending.shift();
                break;
            case B.PortalSuspended: {
                // Execute with a row limit (a cursor): the statement runs once however many batches are
                // fetched, and a client may Close the portal without draining it, so count the first batch.
                const head = this.pending[0];
                if (head?.kind !== 'execute')
                    break;
                this.pending.shift();
                if (head.portal === undefined || !head.portal.counted)
                    this.emit(head.sql, head.params, 'ok', head.sentAt);
                if (head.portal !== undefined)
                    head.portal.counted = true;
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
    completeHead(outcome) {
        // A Parse that was answered only by its later Execute's reply means we missed its ParseComplete
        // (e.g. a Flush); Parses never complete a statement, so skip them.
        while (this.pending[0]?.kind === 'parse')
            this.pending.shift();
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
            if (head.portal?.counted !== true)
                this.emit(head.sql, head.params, outcome, head.sentAt);
        }
    }
    failHead() {
        const head = this.pending[0];
        if (head === undefined || head.kind === 'sync')
            return; // e.g. an authentication or Sync-time error
        if (head.kind === 'query') {
            // The rest of a multi-statement query is aborted; ReadyForQuery closes it.
            if (!head.failed)
                this.emit(this.queryText(head), undefined, 'failed', head.sentAt);
            head.failed = true;
            return;
        }
        // Extended protocol: the failing Parse/Bind/Execute counts once; the server skips to Sync.
        this.emit(head.sql, head.kind === 'execute' ? head.params : undefined, 'failed', head.sentAt);
        while (this.pending.length > 0 && this.pending[0].kind !== 'sync')
            this.pending.shift();
    }
    closeCycle() {
        while (this.pending.length > 0) {
            const p = this.pending.shift();
            if (p.kind === 'sync' || p.kind === 'query')
                return;
        }
    }
    queryText(q) {
        // More completions than pieces means our split disagreed with the server's; the whole text is the honest answer.
        return q.statements[q.next] ?? q.sql;
    }
    emit(sql, params, outcome, sentAt) {
        const completedAt = this.chunkAt;
        const s = { sql, outcome, connectionId: this.connectionId, completedAt };
        if (sentAt !== undefined)
            s.startedAt = sentAt > this.lastDoneAt ? sentAt : this.lastDoneAt;
        this.lastDoneAt = completedAt;
        if (params !== undefined)
            s.params = params;
        try {
            this.onStatement(s);
        }
        catch {
            // A listener's bug must not break the connection.
        }
    }
}
const createPostgresTap = (connectionId, onStatement, now) => new PostgresTap(connectionId, onStatement, now);

;// CONCATENATED MODULE: ./lib/queries/relay.js
// Moves bytes between a client socket and its upstream, one RelayDirection per direction, showing
// every chunk to a decide() callback (the protocol tap) before forwarding what it returns.
//
// Why sockets read into buffers we own (net's `onread`) instead of 'data' events: on a
// request/response protocol every round trip is two small chunks per direction, and the stream path
// allocates a fresh ArrayBuffer per read and runs Readable's push / maybeReadMore machinery (a
// nextTick per chunk). With `onread`, libuv reads straight into our buffer and calls us directly; in
// bench/proxy-overhead.ts that cut the proxy's user CPU per pgbench transaction by a third
// (32 → 21 µs, docs/benchmarks.md). A buffer is read into again only once nothing references the
// bytes of the last read: when the forwarded write went to the kernel at once (the peer's
// writableLength is 0).
// Otherwise the next read gets a fresh buffer. So a tap must copy what it keeps past its return
// (src/queries/types.ts).
//
// Accepted sockets: net.Server has no `onread` option, so the accepted connection's handle is moved
// into a new net.Socket that has one (`adoptReading`). That uses the socket's `_handle`, which is not
// public API; when it is missing the connection is fed by 'data' events instead, same bytes, same taps.

/** libuv reads at most this much per callback; 64 KiB is what Node itself suggests for TCP. */
const READ_BUFFER_BYTES = 64 * 1024;
/**
 * One direction of a connection: chunks read from `from` go through decide() to `to`. Fed either by
 * `onread` (reads into buffers this object owns) or by calling deliver() from 'data' events. `from`
 * and `to` are set once both sockets exist (the upstream is created after the client's reader).
 */
class RelayDirection {
    decide;
    buffer;
    retire = true;
    waiting = false;
    from;
    to;
    constructor(decide) {
        this.decide = decide;
    }
    onread = {
        // Called before the first read and after every read: a new buffer only when the last one may
        // still be referenced by a pending write; `undefined` keeps reading into the current one.
        buffer: (() => {
            if (!this.retire && this.buffer !== undefined)
                return undefined;
            this.retire = false;
            this.buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
            return this.buffer;
        }),
        // true: keep reading (backpressure pauses `from` explicitly, as on the 'data' path).
        callback: (bytes, buffer) => {
            this.deliver(buffer.subarray(0, bytes));
            return true;
        },
    };
    /** Forwards one chunk as the tap decides. Backpressure: `from` pauses until `to` drains. */
    deliver(chunk) {
        const from = this.from;
        const to = this.to;
        const d = this.decide(chunk);
        if (d.reply !== undefined)
            from.write(d.reply);
        let copied = false;
        if (d.forward !== undefined && d.forward.length > 0 && !to.destroyed) {
            // Behind bytes already queued this write will queue too: send a copy of just these bytes and
            // keep reading into our buffer, instead of pinning a whole read buffer per small chunk while
            // the peer is slow (backpressure counts queued bytes, not the buffers they sit in).
            let bytes = d.forward;
            if (to.writableLength > 0 && this.buffer !== undefined && bytes.buffer === this.buffer.buffer) {
                bytes = Buffer.from(bytes);
                copied = true;
            }
            if (!to.write(bytes) && !this.waiting) {
                this.waiting = true;
                from.pause();
                to.once('drain', () => {
                    this.waiting = false;
                    from.resume();
                });
            }
        }
        // Bytes still queued (in libuv or in the Writable) may point into this buffer.
        if ((to.writableLength > 0 && !copied) || from.writableLength > 0)
            this.retire = true;
        if (d.close !== undefined) {
            from.end();
            to.end();
        }
    }
}
/**
 * Moves an accepted connection's handle into a socket that reads through `onread`. The server must
 * have been created with `pauseOnConnect: true`, so no read happened before. Returns undefined when
 * this Node's sockets do not expose `_handle` (the caller then relays with 'data' events).
 */
function adoptReading(accepted, onread) {
    const internal = accepted;
    const handle = internal._handle;
    if (handle === undefined || handle === null)
        return undefined;
    internal._handle = null;
    // Releases the server's bookkeeping for the old object (its connection count); the handle is ours now.
    accepted.destroy();
    const socket = new external_node_net_.Socket({ handle, onread, readable: true, writable: true });
    socket.setNoDelay(true);
    return socket;
}
/**
 * Ties the two sockets' lifetimes: an end on one side ends the other once written; an error or reset
 * destroys both, so a dead database or client never leaves a half-open pair behind.
 */
function linkLifetimes(from, to) {
    from.on('end', () => {
        if (!to.destroyed)
            to.end();
    });
    from.on('error', () => {
        to.destroy();
    });
    from.on('close', (hadError) => {
        if (hadError)
            to.destroy();
        else if (!to.destroyed) {
            to.end();
            // `to` closes only once it reads its peer's EOF. If it was paused waiting for `from` to drain,
            // that 'drain' never comes now: resume it (nothing more can be queued to a closed `from`).
            to.resume();
        }
    });
}

;// CONCATENATED MODULE: ./lib/queries/proxy.js
// The TCP proxy between the service and its database: accepts connections, opens one upstream
// connection per client, and relays bytes both ways (src/queries/relay.ts) through a protocol tap
// (src/queries/types.ts), which reports executed statements. Thin I/O only; all protocol knowledge
// lives in the taps.





const factories = new Map([['postgres', createPostgresTap]]);
/** Lets a protocol module (e.g. src/queries/mysql/) plug its tap in without the proxy importing it. */
function registerTapFactory(protocol, factory) {
    factories.set(protocol, factory);
}
/** Protocol modules load lazily so a Postgres-only run never pays for the others. */
async function loadFactory(protocol) {
    if (!factories.has(protocol) && protocol === 'mysql') {
        try {
            await __webpack_require__.e(/* import() */ 207).then(__webpack_require__.bind(__webpack_require__, 47588)); // registers itself
        }
        catch {
            // Reported below as "no wire tap registered".
        }
    }
    return factories.get(protocol);
}
async function startQueryProxy(opts) {
    const factory = opts.tapFactory ?? (await loadFactory(opts.protocol));
    if (factory === undefined) {
        throw new errors/* EnvironmentError */.eG(`no wire tap is registered for protocol "${opts.protocol}"; import its module (src/queries/${opts.protocol}/) ` +
            `or pass tapFactory to startQueryProxy`);
    }
    let keep = opts.keepStatements ?? true;
    let seen = [];
    const listener = (s) => {
        if (keep)
            seen.push(s);
        opts.onStatement?.(s);
    };
    const sockets = new Set();
    let nextId = 1;
    let active = 0;
    // pauseOnConnect: nothing is read before the relay takes the socket over (src/queries/relay.ts).
    const server = external_node_net_.createServer({ noDelay: true, pauseOnConnect: true }, (accepted) => {
        const id = nextId++;
        active++;
        let tap;
        try {
            tap = factory(id, listener);
        }
        catch {
            tap = undefined; // relay uncounted rather than refuse the connection
        }
        const decide = (fromClient, chunk) => {
            if (tap === undefined)
                return { forward: chunk };
            try {
                return fromClient ? tap.fromClient(chunk) : tap.fromServer(chunk);
            }
            catch {
                // Taps must not throw; if one does, stop counting on this connection and keep relaying.
                tap = undefined;
                return { forward: chunk };
            }
        };
        const up = new RelayDirection((chunk) => decide(true, chunk));
        const down = new RelayDirection((chunk) => decide(false, chunk));
        const adopted = opts.readIntoBuffers === false ? undefined : adoptReading(accepted, up.onread);
        const client = adopted ?? accepted;
        const upstream = external_node_net_.connect({
            host: opts.upstream.host,
            port: opts.upstream.port,
            noDelay: true,
            ...(adopted ? { onread: down.onread } : {}),
        });
        up.from = down.to = client;
        up.to = down.from = upstream;
        if (!adopted) {
            client.setNoDelay(true);
            client.on('data', (chunk) => up.deliver(chunk));
            upstream.on('data', (chunk) => down.deliver(chunk));
            client.resume();
        }
        linkLifetimes(client, upstream);
        linkLifetimes(upstream, client);
        sockets.add(client);
        sockets.add(upstream);
        let closed = false;
        for (const s of [client, upstream]) {
            s.on('close', () => {
                sockets.delete(s);
                if (!closed && !sockets.has(client) && !sockets.has(upstream)) {
                    closed = true;
                    active--;
                }
            });
        }
    });
    server.on('error', () => {
        // Accept errors (e.g. EMFILE) must not crash the process; the affected client sees a reset.
    });
    const host = opts.listenHost ?? '127.0.0.1';
    // A port of the OS's choosing must not be one a service of this run is about to bind (free-port.ts).
    await (opts.listenPort === undefined ? (0,free_port/* listenOnFreePort */.AW)(server, host) : (0,free_port/* listenOn */.lR)(server, opts.listenPort, host)).catch((err) => {
        throw new errors/* EnvironmentError */.eG(`could not listen on ${opts.listenHost ?? '127.0.0.1'}:${opts.listenPort ?? 0} for the ${opts.protocol} proxy: ${err.message}`);
    });
    const address = server.address();
    return {
        host: address.address,
        port: address.port,
        statements: () => seen.slice(),
        drain: () => {
            const out = seen;
            seen = [];
            return out;
        },
        setRecording: (on) => {
            const was = keep;
            keep = on;
            return was;
        },
        activeConnections: () => active,
        close: () => new Promise((resolve) => {
            for (const s of sockets)
                s.destroy();
            server.close(() => resolve());
        }),
    };
}


/***/ })

};
