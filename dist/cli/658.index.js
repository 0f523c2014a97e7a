export const id = 658;
export const ids = [658];
export const modules = {

/***/ 2658:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  measure: () => (/* binding */ measure)
});

// UNUSED EXPORTS: soloRoundsFor

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: ./lib/config/expand.js
var expand = __webpack_require__(4431);
// EXTERNAL MODULE: ./lib/errors.js
var errors = __webpack_require__(2409);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
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
/** `METHOD url`, as shown in messages. */
function describeRequest(baseUrl, request) {
    return `${request.method.toUpperCase()} ${requestUrl(baseUrl, request).href}`;
}

;// CONCATENATED MODULE: ./lib/load/probe.js
// The probe sends a scenario's request a few times over one keep-alive socket before any load.
// autocannon reconnects silently when a server closes the connection, so a server that answers
// `Connection: close` or caps requests per socket loses about half the requests with 0 errors
// reported (DESIGN.md). We refuse such scenarios here, with a message saying what to change.



const BODY_EXCERPT_CHARS = 200;
/**
 * Sends `request` `count` times (default 3) over ONE keep-alive socket and checks that each answer
 * is 2xx and keeps the connection open. Throws ScenarioError otherwise.
 */
async function probeRequest(baseUrl, request, options = {}) {
    const count = Math.max(2, options.count ?? 3);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const what = describeRequest(baseUrl, request);
    const agent = new external_node_http_.Agent({ keepAlive: true, maxSockets: 1 });
    const latencyUs = [];
    let previous;
    let last;
    try {
        for (let i = 0; i < count; i++) {
            let res;
            try {
                res = await send(agent, baseUrl, request, timeoutMs);
            }
            catch (err) {
                const reused = err.reusedSocket === true;
                if (i > 0 && reused)
                    throw socketClosed(what, i);
                throw new ScenarioError('connect', `probe ${what} failed: ${err.message}. Is the service listening there? ` +
                    'Check service.ready.url (the base URL comes from its origin) and the request path.');
            }
            latencyUs.push(res.latencyUs);
            if (res.status < 200 || res.status > 299) {
                const excerpt = res.body.toString('utf8', 0, Math.min(res.body.length, BODY_EXCERPT_CHARS * 4));
                throw new ScenarioError('status', `probe ${what} answered HTTP ${res.status}; load is only sent to a request that answers 2xx. ` +
                    'Check the scenario request (method, path, headers, body) and the service log.', { status: res.status, details: `response body: ${excerpt.slice(0, BODY_EXCERPT_CHARS)}` });
            }
            if (/\bclose\b/i.test(res.connectionHeader)) {
                throw new ScenarioError('connection-close', `probe ${what} answered "Connection: close". The load generator keeps connections open, ` +
                    'and against a server that closes them it silently loses requests. Enable HTTP keep-alive in the service ' +
                    '(and remove any "Connection: close" response header).', { status: res.status });
            }
            if (previous !== undefined && (res.socket !== previous || !res.reusedSocket))
                throw socketClosed(what, i);
            previous = res.socket;
            last = res;
        }
    }
    finally {
        agent.destroy();
    }
    return { status: last.status, bodyBytes: last.body.length, requests: count, latencyUs };
}
function socketClosed(what, answered) {
    return new ScenarioError('socket-closed', `probe ${what}: the server closed the keep-alive connection after ${answered} request(s). ` +
        'The load generator reuses connections, and against a server that caps requests per connection it silently ' +
        'loses requests. Raise or remove the per-connection request limit (e.g. keepalive_requests, ' +
        'maxRequestsPerSocket) and make the keep-alive timeout longer than the scenario duration.');
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
                    socket: socket,
                    reusedSocket: req.reusedSocket,
                    latencyUs: Math.round(Number(process.hrtime.bigint() - started) / 1000),
                });
            });
        });
        req.end(request.body ?? undefined);
    });
}

// EXTERNAL MODULE: ../../main/node_modules/autocannon/autocannon.js
var autocannon = __webpack_require__(996);
// EXTERNAL MODULE: ../../main/node_modules/hdr-histogram-js/dist/index.js
var dist = __webpack_require__(7614);
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

;// CONCATENATED MODULE: ./lib/load/runner.js
// One measured round of closed-loop load with autocannon, driven in-process (not its workers mode:
// worker events are not forwarded and the bundle would have to carry worker.js).
//
// What we take from autocannon and what we do ourselves, and why:
// - Latency: autocannon's histogram floors to whole ms; we record the `response` event's fractional-ms
//   responseTime into a µs histogram.
// - The measured window: autocannon only checks its stop flag on its sample tick, so a run can overrun
//   `duration` by up to one sample interval. We time the window ourselves with hrtime, count only
//   responses inside it, then stop the instance.
// - Lost requests: when a server closes a keep-alive socket with a request in flight, autocannon
//   reconnects without counting anything (and times the next response from the lost request's send
//   time). We watch each connection and count those requests as errors.




const RSS_SAMPLE_MS = 100;
/** How often autocannon checks its stop flag; small so stop() takes effect soon after our window. */
const AUTOCANNON_SAMPLE_MS = 50;
/** One measured round. The result's µs histogram is available through `histogramOf(result)`. */
async function runLoad(opts) {
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
            endWindow();
        }
    };
    const rssTimer = meter ? setInterval(sampleRss, RSS_SAMPLE_MS) : undefined;
    const serviceCpuStart = meter ? meter.readCpuUs() : 0;
    const clientCpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
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
                // We stop it ourselves; this is only a backstop should our timer never fire.
                duration: opts.durationMs / 1000 + 30,
                sampleInt: AUTOCANNON_SAMPLE_MS,
                setupClient: (client) => countLostRequests(client, tally.onErrors),
            }, (err, result) => (err ? reject(err) : resolve(result)));
        }
        catch (err) {
            reject(err);
        }
    });
    instance.on('response', tally.onResponse);
    // Failed requests are counted per client in countLostRequests, not from 'reqError': with
    // pipelining P a timeout makes autocannon emit reqError P times for each of its P lost requests.
    let windowNs = 0n;
    let serviceCpuUs = 0;
    let clientCpu = { user: 0, system: 0 };
    const endWindow = () => {
        if (!tally.open)
            return;
        tally.close();
        windowNs = process.hrtime.bigint() - start;
        clientCpu = process.cpuUsage(clientCpuStart);
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
    const windowTimer = setTimeout(endWindow, opts.durationMs);
    const progressTimer = opts.onProgress
        ? setInterval(() => opts.onProgress(Number(process.hrtime.bigint() - start) / 1e6, tally.responses), 1000)
        : undefined;
    const onAbort = () => endWindow();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
        await finished;
    }
    finally {
        // autocannon ends early only on error (or abort); make sure our window is closed either way.
        endWindow();
        clearTimeout(windowTimer);
        clearInterval(rssTimer);
        clearInterval(progressTimer);
        opts.signal?.removeEventListener('abort', onAbort);
    }
    opts.signal?.throwIfAborted();
    if (meterError !== undefined)
        throw meterError;
    const durationMs = Number(windowNs) / 1e6;
    const { responses, errors, non2xx, histogram } = tally;
    const round = {
        rps: durationMs > 0 ? responses / (durationMs / 1000) : 0,
        latencyUs: percentilesOf(histogram),
        requests: responses,
        errors,
        non2xx,
        durationMs,
    };
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

;// CONCATENATED MODULE: ./lib/load/aggregate.js

/** Share of one core the load generator may use before its own CPU may be what limits throughput. */
const CLIENT_SATURATION_SHARE = 0.85;
/**
 * Aggregates a scenario's rounds: rps = total requests / total measured seconds; latency
 * percentiles from the merged µs histograms of all rounds; CPU per request = total / total requests.
 * `histograms` defaults to the ones runLoad kept beside each round in this process.
 */
function aggregateRounds(rounds, histograms = rounds.map(histogramOf)) {
    const requests = sum(rounds, (r) => r.requests);
    const seconds = sum(rounds, (r) => r.durationMs) / 1000;
    const result = {
        rounds: [...rounds],
        rps: seconds > 0 ? requests / seconds : 0,
        latencyUs: mergedLatency(rounds, histograms),
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
    const warnings = loadWarnings(rounds);
    if (warnings.length > 0)
        result.warnings = warnings;
    return result;
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
function mergedLatency(rounds, histograms) {
    if (rounds.length === 0)
        return { p50: 0, p90: 0, p99: 0, max: 0 };
    if (histograms.length === rounds.length && histograms.every((h) => h !== undefined)) {
        return percentilesOf(mergeHistograms(histograms));
    }
    // Rounds read back from results JSON have no histograms. Percentiles cannot be merged exactly
    // from percentiles, so take the median of each across rounds (robust to one noisy round) and the
    // true maximum.
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
// The load stage: probe a scenario's request, warm up, run measured rounds, aggregate them.







// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./lib/net/free-port.js

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it; we release it at once). */
function freePort(host = '127.0.0.1') {
    return new Promise((resolve, reject) => {
        const server = external_node_net_.createServer();
        server.unref();
        server.once('error', reject);
        server.listen(0, host, () => {
            const address = server.address();
            const port = typeof address === 'object' && address ? address.port : 0;
            server.close(() => resolve(port));
        });
    });
}

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(8500);
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
var queries_fingerprint = __webpack_require__(4959);
;// CONCATENATED MODULE: ./lib/queries/nplusone.js
// From statements per probe request to the QueryResult of results JSON: the median count, the
// statement shapes of the median probe, N+1 suspects and duplicate queries. Pure.
//
// N+1 rule (DESIGN.md): a SELECT fingerprint executed ≥ threshold times in one request with ≥ 2
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
async function probeQueries(opts) {
    const { scenario } = opts;
    const settleMs = opts.settleMs ?? SETTLE_MS;
    const agent = new external_node_http_.Agent({ keepAlive: true, maxSockets: 1 });
    try {
        for (let i = 0; i < scenario.queries.warmupRequests; i++)
            await probe_send(opts.baseUrl, scenario, agent);
        if (scenario.queries.header !== undefined)
            return await probeHeader(opts, agent, scenario.queries.header);
        if (opts.proxy === undefined) {
            throw new errors/* EnvironmentError */.eG(`scenario "${scenario.name}": query counting needs either a database proxy (database: in perfgate.yml) or queries.header`);
        }
        // The warm-up's settle time and quiet gap, as after every probe window below.
        await (0,promises_.setTimeout)(2 * settleMs);
        opts.proxy.drain(); // warm-up statements are not part of the measurement
        const wasRecording = opts.proxy.setRecording(true);
        const windows = [];
        let statements;
        let probingEnded;
        try {
            for (let i = 0; i < scenario.queries.probes; i++) {
                const sentAt = process.hrtime.bigint();
                await probe_send(opts.baseUrl, scenario, agent);
                await (0,promises_.setTimeout)(settleMs);
                windows.push({ sentAt, endAt: process.hrtime.bigint() });
                // A quiet gap before the next window (and before draining, after the last): a statement
                // later than the settle time is reported as background, not added to the next request.
                await (0,promises_.setTimeout)(settleMs);
            }
        }
        finally {
            probingEnded = process.hrtime.bigint();
            statements = opts.proxy.drain();
            opts.proxy.setRecording(wasRecording);
        }
        const { perWindow, background } = attributeStatements(statements, windows, probingEnded);
        return buildQueryResult(perWindow, {
            dialect: opts.dialect ?? 'postgres',
            nPlusOneThreshold: scenario.queries.nPlusOneThreshold,
            background: background.length,
        });
    }
    finally {
        agent.destroy();
    }
}
async function probeHeader(opts, agent, header) {
    const counts = [];
    for (let i = 0; i < opts.scenario.queries.probes; i++) {
        const res = await probe_send(opts.baseUrl, opts.scenario, agent);
        const value = res.headers[header.toLowerCase()];
        const count = parseQueryCountHeader(header, Array.isArray(value) ? value.join(', ') : value);
        if (count === undefined) {
            throw new errors/* EnvironmentError */.eG(`scenario "${opts.scenario.name}": response to ${opts.scenario.request.method} ${opts.scenario.request.path} has no usable ` +
                `${header} header (got ${value === undefined ? 'none' : JSON.stringify(value)}); expected e.g. "${header}: 7"` +
                (header.toLowerCase() === 'server-timing' ? ' or Server-Timing: db;desc="7"' : ''));
        }
        counts.push(count);
    }
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
        req.on('error', (err) => reject(new errors/* EnvironmentError */.eG(`scenario "${scenario.name}": query probe ${method} ${url.href} failed: ${err.message}`)));
        req.end(body ?? undefined);
    });
}

// EXTERNAL MODULE: ./lib/queries/proxy.js + 3 modules
var queries_proxy = __webpack_require__(5574);
;// CONCATENATED MODULE: ./lib/results/types.js
// The results contract (`perfgate/results@1`, see DESIGN.md). Written by every run, uploaded as the
// baseline artifact and read back by `compare`: extend it, never break it without bumping the schema.
const RESULTS_SCHEMA = 'perfgate/results@1';

// EXTERNAL MODULE: ./lib/service/index.js + 11 modules
var lib_service = __webpack_require__(5963);
// EXTERNAL MODULE: ./lib/service/registry.js
var registry = __webpack_require__(8341);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
;// CONCATENATED MODULE: ./lib/rerun/worktree.js
// Rerun mode checks the base commit out beside the head so both can be built and measured on the
// same runner. git is run with argument arrays (never a shell): refs can come from a pull request.






const run = (0,external_node_util_.promisify)(external_node_child_process_.execFile);
async function git(cwd, args) {
    try {
        const { stdout } = await run('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 });
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
            (0,external_node_child_process_.execFileSync)('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' });
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

// EXTERNAL MODULE: ./lib/version.js
var version = __webpack_require__(644);
;// CONCATENATED MODULE: ./lib/measure.js
// Measuring: bring the service(s) up, then per scenario probe → query probes → warm-up → rounds.
// In rerun mode the base commit runs beside the head and rounds are paired. The default schedule
// loads both sides at the same time in every round (each with its own connections), so whatever the
// machine does during a round it does to both — on 2 shared cores this halved the per-round noise
// of every metric against the alternating schedule (docs/verdicts.md), which runs one side after
// the other in a randomized order (AB or BA per round). Simultaneous rounds share the machine, so
// the head then also runs a few rounds alone: those carry its absolute numbers (budgets).















/** Runs every scenario and returns results; `onPartial` gets what exists so far if a later step throws. */
async function measure(options, onPartial) {
    const { config, progress } = options;
    const rerun = config.baseline.source === 'rerun';
    const logDir = external_node_path_.join(external_node_os_.tmpdir(), `perfgate-${process.pid}`);
    (0,external_node_fs_.mkdirSync)(logDir, { recursive: true });
    const results = emptyResults(config, rerun);
    const cleanups = [];
    const started = Date.now();
    const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
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
        const head = await bringUp('head', config.service, options, logDir, cleanups);
        const targets = [head];
        if (worktree) {
            const baseService = { ...config.service, cwd: worktree.mapPath(config.service.cwd) };
            targets.push(await bringUp('base', baseService, options, logDir, cleanups));
        }
        const selected = config.scenarios.filter((s, i) => !options.scenarioFilter || options.scenarioFilter(s.name, i));
        for (const [index, scenario] of selected.entries()) {
            if (options.signal?.aborted)
                throw new errors/* EnvironmentError */.eG('interrupted');
            const label = `[${index + 1}/${selected.length}] ${scenario.name}`;
            const measured = await measureScenario(scenario, targets, config.baseline.schedule, (line) => progress(`${label}: ${line} (${elapsed()})`), options.signal);
            results.scenarios.push(measured.head);
            if (results.base && measured.base)
                results.base.scenarios.push(measured.base);
            onPartial(results);
        }
        return results;
    }
    catch (error) {
        onPartial(results);
        throw error;
    }
    finally {
        for (const cleanup of cleanups.reverse()) {
            await cleanup().catch((e) => progress(`cleanup failed: ${e.message}`));
        }
    }
}
async function bringUp(side, serviceConfig, options, logDir, cleanups) {
    const { config, progress } = options;
    const exports = { PERFGATE_SIDE: side, PERFGATE_PORT: String(await freePort()) };
    let proxy;
    if (config.database) {
        try {
            proxy = await (0,queries_proxy/* startQueryProxy */.V)({
                protocol: config.database.protocol,
                upstream: config.database.upstream,
                // Statements are only needed during the query probes (which switch recording on);
                // keeping every statement of the load rounds would grow memory without bound.
                keepStatements: false,
            });
        }
        catch (error) {
            throw new errors/* EnvironmentError */.eG(`could not start the ${config.database.protocol} query proxy: ${error.message}`);
        }
        cleanups.push(() => proxy.close());
        exports.PERFGATE_DB_HOST = proxy.host;
        exports.PERFGATE_DB_PORT = String(proxy.port);
        progress(`${side}: ${config.database.protocol} query proxy on ${proxy.host}:${proxy.port} → ${config.database.upstream.host}:${config.database.upstream.port}`);
    }
    const vars = { ...process.env, ...options.env, ...exports };
    const service = (0,expand/* expandServiceConfig */.S9)(serviceConfig, vars);
    const env = { ...options.env, ...exports };
    if (service.build) {
        progress(`${side}: building: ${service.build}`);
        await (0,lib_service/* runBuild */.cM)({ command: service.build, cwd: service.cwd, env: { ...service.env, ...env }, logFile: external_node_path_.join(logDir, `${side}-build.log`), progress });
    }
    progress(`${side}: starting: ${service.start}`);
    const running = await (0,lib_service/* startService */.iL)({ name: side, config: service, extraEnv: env, logFile: external_node_path_.join(logDir, `${side}-service.log`), progress });
    cleanups.push(() => running.stop());
    progress(`${side}: ready at ${service.baseUrl} (log: ${running.logFile})`);
    return { side, service: running, proxy, dialect: config.database?.protocol, baseUrl: service.baseUrl };
}
/** Rounds of the head alone after simultaneous rounds: enough for budgets, a quarter of the load. */
function soloRoundsFor(rounds) {
    return Math.max(3, Math.ceil(rounds / 4));
}
async function measureScenario(scenario, targets, schedule, progress, signal) {
    const out = new Map();
    for (const t of targets)
        out.set(t.side, { name: scenario.name, request: { method: scenario.request.method, path: scenario.request.path } });
    const tag = (t) => (targets.length > 1 ? `${t.side} ` : '');
    const live = [];
    for (const target of targets) {
        try {
            await probeRequest(target.baseUrl, scenario.request);
            live.push(target);
        }
        catch (error) {
            if (!(error instanceof errors/* PerfgateError */.f7))
                throw error;
            out.get(target.side).error = error.message;
            progress(`${tag(target)}probe failed: ${error.message}`);
        }
    }
    if (live.length !== targets.length)
        return collect(out);
    for (const target of live) {
        if (target.proxy || scenario.queries.header) {
            progress(`${tag(target)}counting queries (${scenario.queries.probes} probes)`);
            const queries = await probeQueries({ baseUrl: target.baseUrl, scenario, proxy: target.proxy, dialect: target.dialect });
            out.get(target.side).queries = queries;
            progress(`${tag(target)}${queries.perRequest} statements/request${queries.stable ? '' : ' (unstable)'}${queries.nPlusOne.length ? `, ${queries.nPlusOne.length} N+1 suspect(s)` : ''}`);
        }
    }
    const loadOptions = (t, durationMs) => ({
        baseUrl: t.baseUrl,
        request: scenario.request,
        connections: scenario.load.connections,
        durationMs,
        pipelining: scenario.load.pipelining,
        timeoutMs: scenario.load.timeoutMs,
        meter: t.service.meter,
        signal,
    });
    const together = live.length > 1 && schedule === 'simultaneous';
    if (scenario.load.warmupMs > 0) {
        // Failures during warm-up do not reach the numbers, but they say the service is not ready for
        // the load (a cold pool timing out, a crash loop): worth a line in the progress output.
        const reportWarmup = (target, warm) => {
            const failed = warm.errors + warm.non2xx;
            if (failed > 0)
                progress(`${tag(target)}warning: ${failed} of ${warm.requests + warm.errors} warm-up requests failed`);
        };
        if (together) {
            progress(`warm-up ${scenario.load.warmupMs / 1000}s (base and head at once)`);
            const warm = await Promise.all(live.map((t) => runWarmup(loadOptions(t, scenario.load.warmupMs))));
            warm.forEach((w, i) => reportWarmup(live[i], w));
        }
        else {
            for (const target of live) {
                progress(`${tag(target)}warm-up ${scenario.load.warmupMs / 1000}s`);
                reportWarmup(target, await runWarmup(loadOptions(target, scenario.load.warmupMs)));
            }
        }
    }
    const rounds = new Map(live.map((t) => [t.side, []]));
    const record = (target, round, label, into) => {
        if (live.length > 1)
            round.side = target.side;
        into.push(round);
        if (!target.service.isRunning()) {
            throw new errors/* EnvironmentError */.eG(`the ${target.side} service exited during load on scenario "${scenario.name}"`, target.service.tailLog(40));
        }
        progress(`${tag(target)}${label}: ${describeRound(round)}`);
    };
    for (let r = 0; r < scenario.rounds; r++) {
        if (signal?.aborted)
            throw new errors/* EnvironmentError */.eG('interrupted');
        const label = `round ${r + 1}/${scenario.rounds}`;
        // Randomized order per round (RMIT): a fixed order would give one side a systematic position —
        // running first, or, in a simultaneous round, opening its connections first and having its
        // responses handled first by the load generator they share.
        const order = live.length > 1 && Math.random() < 0.5 ? [...live].reverse() : live;
        if (together) {
            const measured = await Promise.all(order.map((t) => runLoad(loadOptions(t, scenario.load.durationMs))));
            measured.forEach((round, i) => record(order[i], round, label, rounds.get(order[i].side)));
            continue;
        }
        for (const target of order) {
            if (signal?.aborted)
                throw new errors/* EnvironmentError */.eG('interrupted');
            record(target, await runLoad(loadOptions(target, scenario.load.durationMs)), label, rounds.get(target.side));
        }
    }
    if (together) {
        const head = live.find((t) => t.side === 'head');
        const solo = [];
        const count = soloRoundsFor(scenario.rounds);
        for (let r = 0; r < count; r++) {
            if (signal?.aborted)
                throw new errors/* EnvironmentError */.eG('interrupted');
            record(head, await runLoad(loadOptions(head, scenario.load.durationMs)), `alone ${r + 1}/${count} (budgets)`, solo);
        }
        const alone = aggregateRounds(solo);
        out.get('head').solo = alone;
        for (const warning of alone.warnings ?? [])
            progress(`head alone: warning: ${warning}`);
    }
    for (const target of live) {
        const load = aggregateRounds(rounds.get(target.side));
        out.get(target.side).load = load;
        for (const warning of load.warnings ?? [])
            progress(`${tag(target)}warning: ${warning}`);
    }
    return collect(out);
}
function collect(out) {
    return { head: out.get('head'), base: out.get('base') };
}
function describeRound(round) {
    const failures = round.errors + round.non2xx > 0 ? `, ${round.errors} errors, ${round.non2xx} non-2xx` : '';
    return `${Math.round(round.rps)} req/s, p50 ${formatUs(round.latencyUs.p50)}, p99 ${formatUs(round.latencyUs.p99)}${failures}`;
}
function formatUs(us) {
    return us < 1000 ? `${us}µs` : `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)}ms`;
}
function emptyResults(config, rerun) {
    return {
        schema: RESULTS_SCHEMA,
        tool: { name: version/* TOOL_NAME */.l, version: version/* TOOL_VERSION */.w },
        meta: {
            commit: process.env.GITHUB_SHA ?? gitHeadCommit(external_node_path_.dirname(config.file)),
            ref: process.env.GITHUB_REF ?? undefined,
            timestamp: new Date().toISOString(),
            runner: { os: `${external_node_os_.platform()} ${external_node_os_.release()}`, cpus: external_node_os_.cpus().length, cpuModel: external_node_os_.cpus()[0]?.model, node: process.version },
            mode: rerun ? 'rerun' : 'single',
            ...(rerun ? { schedule: config.baseline.schedule } : {}),
            configFile: external_node_path_.relative(process.cwd(), config.file) || config.file,
        },
        scenarios: [],
    };
}
/** The commit the config's checkout is at, for the report footer; undefined outside a git repository. */
function gitHeadCommit(cwd) {
    try {
        return (0,external_node_child_process_.execFileSync)('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
    }
    catch {
        return undefined;
    }
}


/***/ })

};
