export const id = 667;
export const ids = [667];
export const modules = {

/***/ 63667:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   uploadArtifact: () => (/* binding */ uploadArtifact)
/* harmony export */ });
/* unused harmony exports zipFiles, backendIds */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(51455);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(76760);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(57075);
/* harmony import */ var _actions_http_client__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(44942);
/* harmony import */ var fflate__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(51306);
/* harmony import */ var _octokit_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(49192);
// Uploads one artifact of the current run the way @actions/artifact (v2+) does: twirp
// CreateArtifact → one PUT of the zip to the signed blob URL it answers with → FinalizeArtifact.
//
// Why not @actions/artifact itself: its upload client and the Azure storage SDK it streams with are
// 3.6 MB of JavaScript (half of everything a measuring job loads), and compiling it cost a few
// hundred ms of CPU before the first request of every push and pull-request run
// (docs/benchmarks.md, "Action overhead"). perfgate's artifacts are at most four small JSON files,
// so the zip is built in memory (fflate) and sent as a single Put Blob; the two twirp calls are
// JSON over @actions/http-client (the runner's proxy settings apply, as for every other call).
// What is kept from @actions/artifact: the request fields (proto names, as its JSON client sends
// them), the backend ids from ACTIONS_RUNTIME_TOKEN's `scp` claim, the retention clamp to
// GITHUB_RETENTION_DAYS, the sha256 of the zip in FinalizeArtifact, retries on 5xx/429 and dropped
// connections, and the refusal on GitHub Enterprise Server (which has no such artifact service).
// The end-to-end tests upload through this against the fake artifact service, and the baseline
// tests download what it uploaded through the REST API.







const SERVICE = 'github.actions.results.api.v1.ArtifactService';
const CONTENT_TYPE = 'application/zip';
/** Artifact format version @actions/artifact 2+ creates (zip archives). */
const ARTIFACT_VERSION = 7;
/** As @actions/artifact's default compression level. */
const ZIP_LEVEL = 6;
class RetryableError extends Error {
}
/** Uploads `files` (each under rootDir, kept relative to it) as artifact `name`; resolves to its id. */
async function uploadArtifact(name, files, rootDir, options = {}) {
    const env = options.env ?? process.env;
    if (isGhes(env.GITHUB_SERVER_URL))
        throw new Error('artifact upload is not supported on GitHub Enterprise Server by this client');
    const token = env.ACTIONS_RUNTIME_TOKEN;
    if (!token)
        throw new Error('Unable to get the ACTIONS_RUNTIME_TOKEN env variable');
    if (!env.ACTIONS_RESULTS_URL)
        throw new Error('Unable to get the ACTIONS_RESULTS_URL env variable');
    const base = new URL(env.ACTIONS_RESULTS_URL).origin;
    const ids = backendIds(token);
    const zip = await zipFiles(files, rootDir);
    const client = new _actions_http_client__WEBPACK_IMPORTED_MODULE_4__/* .HttpClient */ .Qq('perfgate', [], { keepAlive: false });
    try {
        const call = (method, body) => twirp(client, `${base}/twirp/${SERVICE}/${method}`, token, method, body, options);
        const expiresAt = expiration(options.retentionDays, env.GITHUB_RETENTION_DAYS, options.log);
        const created = await call('CreateArtifact', {
            workflow_run_backend_id: ids.run,
            workflow_job_run_backend_id: ids.job,
            name,
            mime_type: CONTENT_TYPE,
            version: ARTIFACT_VERSION,
            ...(expiresAt ? { expires_at: expiresAt } : {}),
        });
        const url = created.signed_upload_url ?? created.signedUploadUrl;
        if (created.ok !== true || typeof url !== 'string')
            throw new Error('CreateArtifact: response from backend was not ok');
        await retrying(options, 'blob upload', () => putBlob(client, url, zip));
        const finalized = await call('FinalizeArtifact', {
            workflow_run_backend_id: ids.run,
            workflow_job_run_backend_id: ids.job,
            name,
            size: String(zip.length),
            hash: `sha256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(zip).digest('hex')}`,
        });
        const id = Number(finalized.artifact_id ?? finalized.artifactId);
        if (finalized.ok !== true || !Number.isFinite(id))
            throw new Error('FinalizeArtifact: response from backend was not ok');
        return id;
    }
    finally {
        client.dispose();
    }
}
/** The zip of `files`, named relative to rootDir (forward slashes), as @actions/artifact names them. */
async function zipFiles(files, rootDir) {
    const entries = {};
    for (const file of files) {
        const rel = node_path__WEBPACK_IMPORTED_MODULE_2__.relative(rootDir, file);
        if (rel.startsWith('..') || node_path__WEBPACK_IMPORTED_MODULE_2__.isAbsolute(rel))
            throw new Error(`${file} is not under ${rootDir}`);
        const [bytes, info] = await Promise.all([(0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)(file), (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(file)]);
        entries[rel.split(node_path__WEBPACK_IMPORTED_MODULE_2__.sep).join('/')] = [bytes, { mtime: info.mtime }];
    }
    if (Object.keys(entries).length === 0)
        throw new Error('no files to upload');
    return Buffer.from((0,fflate__WEBPACK_IMPORTED_MODULE_6__/* .zipSync */ .L)(entries, { level: ZIP_LEVEL }));
}
/** The run's and the job's backend ids: the `Actions.Results:<run>:<job>` scope of the token's `scp` claim. */
function backendIds(token) {
    const invalid = new Error('Failed to get backend IDs: The provided JWT token is invalid and/or missing claims');
    let claims;
    try {
        claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    }
    catch {
        throw invalid;
    }
    if (typeof claims?.scp !== 'string')
        throw invalid;
    for (const scope of claims.scp.split(' ')) {
        const parts = scope.split(':');
        if (parts[0] !== 'Actions.Results')
            continue;
        if (parts.length !== 3)
            throw invalid;
        return { run: parts[1], job: parts[2] };
    }
    throw invalid;
}
function expiration(days, maxSetting, log) {
    if (!days)
        return undefined;
    const max = Number.parseInt(maxSetting ?? '', 10);
    if (Number.isFinite(max) && max < days) {
        log?.(`artifact retention: ${days} days is more than the repository allows; using ${max}`);
        days = max;
    }
    const at = new Date();
    at.setDate(at.getDate() + days);
    return at.toISOString();
}
async function twirp(client, url, token, method, body, options) {
    return retrying(options, method, async () => {
        const response = await client.post(url, JSON.stringify(body), { 'content-type': 'application/json', authorization: `Bearer ${token}` });
        const status = response.message.statusCode ?? 0;
        const text = await response.readBody();
        let json = {};
        try {
            json = JSON.parse(text);
        }
        catch {
            // An HTML error page from a proxy: the status says enough.
        }
        if (status >= 200 && status < 300)
            return json;
        const message = `${method}: the artifact service answered ${status}${typeof json.msg === 'string' ? `: ${json.msg}` : ''}`;
        if (retryableStatus(status))
            throw new RetryableError(message);
        throw new Error(message);
    });
}
async function putBlob(client, url, zip) {
    const response = await client.sendStream('PUT', url, node_stream__WEBPACK_IMPORTED_MODULE_3__.Readable.from([zip]), {
        'content-type': CONTENT_TYPE,
        'content-length': String(zip.length),
        'x-ms-blob-type': 'BlockBlob',
        'x-ms-blob-content-type': CONTENT_TYPE,
        'x-ms-version': '2023-11-03',
    });
    const status = response.message.statusCode ?? 0;
    await response.readBody();
    // The URL carries a signature: never in a message.
    const message = `blob storage answered ${status} to the upload to ${new URL(url).host}`;
    if (status === 201 || status === 200)
        return;
    if (retryableStatus(status) || status === 408)
        throw new RetryableError(message);
    throw new Error(message);
}
async function retrying(options, what, once) {
    const retries = options.retries ?? _octokit_js__WEBPACK_IMPORTED_MODULE_5__/* .DEFAULT_RETRIES */ .TU;
    for (let attempt = 0;; attempt++) {
        try {
            return await once();
        }
        catch (error) {
            const retryable = error instanceof RetryableError || isNetworkError(error);
            if (!retryable || attempt >= retries)
                throw error;
            const wait = (0,_octokit_js__WEBPACK_IMPORTED_MODULE_5__/* .retryWaitMs */ .Ko)(attempt, options.retryAfterBaseValue);
            options.log?.(`artifact upload: ${what}: ${error.message}; retrying in ${wait} ms`);
            await new Promise((resolve) => setTimeout(resolve, wait));
        }
    }
}
function retryableStatus(status) {
    return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}
/** Refused, reset or cut (ECONNRESET, EPIPE, UND_ERR_SOCKET, ...): worth another try. */
function isNetworkError(error) {
    const code = error?.code;
    return typeof code === 'string' && /^(E[A-Z]+|UND_ERR_\w+)$/.test(code) && !code.startsWith('ERR');
}
/** As @actions/artifact: github.com, *.ghe.com and *.localhost have the artifact service; other hosts are GHES. */
function isGhes(serverUrl) {
    const host = new URL(serverUrl || 'https://github.com').hostname.trimEnd().toUpperCase();
    return !(host === 'GITHUB.COM' || host.endsWith('.GHE.COM') || host.endsWith('.LOCALHOST'));
}


/***/ })

};
