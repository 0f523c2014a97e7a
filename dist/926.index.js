export const id = 926;
export const ids = [926,733];
export const modules = {

/***/ 82926:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  explainMysql: () => (/* binding */ explainMysql)
});

// EXTERNAL MODULE: ./lib/queries/explain/pg-plan.js
var pg_plan = __webpack_require__(93523);
;// CONCATENATED MODULE: ./lib/queries/explain/mysql-plan.js
// Problems flagged in a MySQL/MariaDB `EXPLAIN FORMAT=JSON` plan: a full table scan (access_type
// ALL) on a big table, "Using filesort", "Using temporary". Pure. MySQL 8 and MariaDB name things
// differently (using_filesort vs a "filesort" block; rows_examined_per_scan vs rows): both are read.

function walk(v, visit) {
    if (Array.isArray(v))
        for (const x of v)
            walk(x, visit);
    else if (v !== null && typeof v === 'object') {
        const o = v;
        visit(o);
        for (const x of Object.values(o))
            walk(x, visit);
    }
}
function flagMysqlPlan(plan, opts) {
    const flags = new Set();
    walk(plan, (o) => {
        if (o.access_type === 'ALL' && typeof o.table_name === 'string') {
            const rows = Number(o.rows_examined_per_scan ?? o.rows ?? NaN);
            if (Number.isFinite(rows) && rows >= opts.seqScanRows)
                flags.add(`full table scan on ${o.table_name} (≈${(0,pg_plan/* formatRows */.dZ)(rows)} rows, access_type ALL)`);
        }
        if (o.using_filesort === true || 'filesort' in o)
            flags.add('Using filesort');
        if (o.using_temporary_table === true || 'temporary_table' in o)
            flags.add('Using temporary');
    });
    return [...flags];
}

// EXTERNAL MODULE: ./lib/queries/explain/request.js
var request = __webpack_require__(54065);
// EXTERNAL MODULE: ./lib/queries/explain/postgres.js
var postgres = __webpack_require__(55733);
;// CONCATENATED MODULE: ./lib/queries/explain/mysql.js



async function explainMysql(requests, settings) {
    const fail = (message) => requests.map((r) => ({ fingerprint: r.fingerprint, sql: r.sql, reason: r.reason, analyze: false, error: message, flags: [] }));
    let mysql;
    try {
        mysql = await __webpack_require__.e(/* import() */ 588).then(__webpack_require__.t.bind(__webpack_require__, 27588, 19));
    }
    catch {
        return fail('EXPLAIN for MySQL needs the mysql2 package, which this installation lacks');
    }
    let conn;
    try {
        conn = await mysql.createConnection({ uri: settings.url, connectTimeout: 5000, multipleStatements: false });
    }
    catch (error) {
        return fail(`could not connect for EXPLAIN: ${(0,request/* redactUrl */.B)(error.message, settings.url)}`);
    }
    conn.on('error', () => undefined);
    try {
        const plans = [];
        for (const r of requests) {
            const plan = { fingerprint: r.fingerprint, sql: r.sql, reason: r.reason, analyze: false, flags: [] };
            if (settings.analyze)
                plan.note = 'ANALYZE is not used for MySQL/MariaDB: plain EXPLAIN shown';
            try {
                await conn.query('START TRANSACTION READ ONLY');
                // MariaDB's limit is in seconds, MySQL's in ms for SELECT; whichever the server knows applies.
                await conn.query(`SET SESSION max_statement_time = ${postgres.EXPLAIN_TIMEOUT_MS / 1000}`).catch(() => conn.query(`SET SESSION max_execution_time = ${postgres.EXPLAIN_TIMEOUT_MS}`).catch(() => undefined));
                // mysql2 puts the values in as escaped literals (client-side), the same values the service sent.
                const [rows] = await conn.query(`EXPLAIN FORMAT=JSON ${r.sql}`, r.params ?? []);
                const first = rows[0];
                const text = first ? String(Object.values(first)[0]) : '';
                const json = JSON.parse(text);
                plan.text = JSON.stringify(json, null, 2);
                plan.flags = flagMysqlPlan(json, { seqScanRows: settings.seqScanRows });
            }
            catch (error) {
                plan.error = (0,request/* redactUrl */.B)(error.message, settings.url);
            }
            finally {
                await conn.query('ROLLBACK').catch(() => undefined);
            }
            plans.push(plan);
        }
        return plans;
    }
    finally {
        await conn.end().catch(() => undefined);
    }
}


/***/ }),

/***/ 93523:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bc: () => (/* binding */ flagPgPlan),
/* harmony export */   Hu: () => (/* binding */ renderPgPlan),
/* harmony export */   Zs: () => (/* binding */ seqScannedTables),
/* harmony export */   dZ: () => (/* binding */ formatRows)
/* harmony export */ });
/* unused harmony export ESTIMATE_FACTOR */
// Problems a reviewer looks for first in a PostgreSQL plan, one line each. Pure: the JSON of
// `EXPLAIN (FORMAT JSON[, ANALYZE])` and table sizes in, flag lines out.
/** Actual rows this many times off the estimate (either way) is flagged, with ANALYZE. */
const ESTIMATE_FACTOR = 10;
/** ...and only when the miss is at least this many rows: 1 vs 12 rows misleads no planner. */
const ESTIMATE_MIN_ROWS = 100;
/** 123456 → "123k", 1500000 → "1.5M": sizes as a reviewer reads them. */
function formatRows(n) {
    if (n >= 1e6)
        return `${Number((n / 1e6).toPrecision(2))}M`;
    if (n >= 1e3)
        return `${Number((n / 1e3).toPrecision(3))}k`;
    return String(Math.round(n));
}
/** Every relation a plan scans sequentially (the names pg_class is asked about). */
function seqScannedTables(root) {
    const out = new Set();
    walk(root, (n) => {
        if (n['Node Type'] === 'Seq Scan' && n['Relation Name'])
            out.add(n['Relation Name']);
    });
    return [...out];
}
function walk(n, visit) {
    visit(n);
    for (const c of n.Plans ?? [])
        walk(c, visit);
}
function flagPgPlan(root, opts) {
    const flags = [];
    const seen = new Set();
    const add = (line) => {
        if (!seen.has(line))
            flags.push(line);
        seen.add(line);
    };
    walk(root, (n) => {
        const table = n['Relation Name'];
        if (n['Node Type'] === 'Seq Scan' && table) {
            const rows = opts.tableRows.get(table);
            if (rows !== undefined && rows >= opts.seqScanRows)
                add(`sequential scan on ${table} (≈${formatRows(rows)} rows)`);
        }
        if (n['Node Type'] === 'Nested Loop') {
            // The inner side runs once per outer row: a sequential scan there reads the table each time.
            const inner = (n.Plans ?? []).find((c) => c['Parent Relationship'] === 'Inner') ?? n.Plans?.[1];
            let innerScan;
            if (inner)
                walk(inner, (c) => {
                    if (innerScan === undefined && c['Node Type'] === 'Seq Scan')
                        innerScan = c['Relation Name'] ?? '?';
                });
            if (innerScan !== undefined)
                add(`nested loop over a sequential scan on ${innerScan}`);
        }
        if (n['Sort Space Type'] === 'Disk')
            add(`sort spilled to disk (${n['Sort Space Used'] ?? '?'} kB)`);
        const actual = n['Actual Rows'];
        const planned = n['Plan Rows'];
        if (actual !== undefined && planned !== undefined) {
            const hi = Math.max(actual, planned);
            const lo = Math.max(1, Math.min(actual, planned));
            if (hi / lo >= ESTIMATE_FACTOR && hi - lo >= ESTIMATE_MIN_ROWS) {
                add(`estimated ${formatRows(planned)} rows, got ${formatRows(actual)} (${n['Node Type']}${table ? ` on ${table}` : ''})`);
            }
        }
    });
    return flags;
}
/** Node fields shown beside a node in the collapsed plan (conditions say why an index was or was not used). */
const DETAIL_FIELDS = ['Index Name', 'Index Cond', 'Filter', 'Join Filter', 'Hash Cond', 'Merge Cond', 'Sort Key', 'Rows Removed by Filter'];
/**
 * The plan as indented text, close to EXPLAIN's own text format: one line per node with its
 * estimated (and, with ANALYZE, actual) rows, then the conditions. Rendered from the JSON so that
 * EXPLAIN ANALYZE runs the statement once, not once per format.
 */
function renderPgPlan(root, depth = 0) {
    const n = root;
    const pad = '  '.repeat(depth);
    const arrow = depth === 0 ? '' : '->  ';
    const on = n['Relation Name'] ? ` on ${n['Relation Name']}` : '';
    const actual = n['Actual Rows'] !== undefined ? ` (actual rows=${n['Actual Rows']} loops=${n['Actual Loops'] ?? 1})` : '';
    const lines = [`${pad}${arrow}${n['Node Type']}${on}  (rows=${n['Plan Rows'] ?? '?'})${actual}`];
    for (const field of DETAIL_FIELDS) {
        const v = n[field];
        if (v !== undefined)
            lines.push(`${pad}      ${field}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
    }
    if (n['Sort Space Type'] !== undefined)
        lines.push(`${pad}      Sort Method: ${String(n['Sort Method'] ?? '?')}  ${n['Sort Space Type']}: ${n['Sort Space Used'] ?? '?'}kB`);
    for (const c of n.Plans ?? [])
        lines.push(renderPgPlan(c, depth + 1));
    return lines.join('\n');
}


/***/ }),

/***/ 55733:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EXPLAIN_TIMEOUT_MS: () => (/* binding */ EXPLAIN_TIMEOUT_MS),
/* harmony export */   explainPostgres: () => (/* binding */ explainPostgres)
/* harmony export */ });
/* harmony import */ var pg__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(83849);
/* harmony import */ var _fingerprint_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(28616);
/* harmony import */ var _sql_tokenizer_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(60768);
/* harmony import */ var _pg_plan_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(93523);
/* harmony import */ var _request_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(54065);
// EXPLAIN over perfgate's own PostgreSQL connection (database.explain.url), for statements that are
// new or slower on head. How it stays safe:
// - plain EXPLAIN plans without executing; ANALYZE (which executes) is opt-in and used only for
//   statements that classify as SELECT;
// - every EXPLAIN runs inside BEGIN READ ONLY … ROLLBACK, with a statement timeout, so even a SELECT
//   that calls a writing function cannot change data, and nothing outlives the check;
// - the text goes over the extended protocol (one statement per message), so SQL text holding
//   several statements is refused by the server instead of run (a generic plan, for statements
//   whose parameters were not seen, needs the simple protocol: only for text that is one statement);
// - errors are reported without the connection URL or its password.





/** Longest an EXPLAIN (or EXPLAIN ANALYZE) may run: plans are diagnostics, not worth a stuck job. */
const EXPLAIN_TIMEOUT_MS = 10_000;
async function explainPostgres(requests, settings) {
    const client = new pg__WEBPACK_IMPORTED_MODULE_0__/* ["default"].Client */ .Ay.Client({ connectionString: settings.url, connectionTimeoutMillis: 5000, statement_timeout: EXPLAIN_TIMEOUT_MS });
    client.on('error', () => {
        // A dropped connection surfaces as the next query's error; an unhandled 'error' would crash.
    });
    try {
        await client.connect();
    }
    catch (error) {
        const message = `could not connect for EXPLAIN: ${(0,_request_js__WEBPACK_IMPORTED_MODULE_3__/* .redactUrl */ .B)(error.message, settings.url)}`;
        return requests.map((r) => ({ fingerprint: r.fingerprint, sql: r.sql, reason: r.reason, analyze: false, error: message, flags: [] }));
    }
    try {
        const version = Number((await client.query('SHOW server_version_num')).rows[0]?.server_version_num ?? 0);
        const plans = [];
        for (const r of requests)
            plans.push(await explainOne(client, r, settings, version));
        return plans;
    }
    finally {
        await client.end().catch(() => undefined);
    }
}
async function explainOne(client, r, settings, version) {
    const plan = { fingerprint: r.fingerprint, sql: r.sql, reason: r.reason, analyze: false, flags: [] };
    const isSelect = (0,_fingerprint_js__WEBPACK_IMPORTED_MODULE_1__/* .classifyStatement */ .cp)(r.sql, 'postgres') === 'select';
    const options = ['FORMAT JSON'];
    if (settings.analyze && isSelect) {
        options.push('ANALYZE');
        plan.analyze = true;
    }
    else if (settings.analyze) {
        plan.note = 'ANALYZE refused: only SELECT statements are executed; plain EXPLAIN shown';
    }
    // Parameters or not, the extended protocol (one statement per message) unless a generic plan is needed.
    let values = r.params ?? [];
    if (r.params === undefined && (0,_fingerprint_js__WEBPACK_IMPORTED_MODULE_1__/* .countPlaceholders */ .E_)(r.sql, 'postgres') > 0) {
        // PostgreSQL 16+ plans a parameterized statement without values; older servers cannot.
        if (version < 160000 || plan.analyze) {
            plan.error = "the statement's parameters were not visible on the wire, so it cannot be planned with them";
            return plan;
        }
        // Bound values (even NULLs) would be planned with; a generic plan needs the simple protocol,
        // which accepts several statements in one text: only ever send it one.
        if ((0,_sql_tokenizer_js__WEBPACK_IMPORTED_MODULE_2__/* .splitStatements */ .X)(r.sql, 'postgres').length !== 1) {
            plan.error = 'the text holds more than one statement; not explained';
            return plan;
        }
        options.push('GENERIC_PLAN');
        values = undefined;
    }
    try {
        await client.query('BEGIN READ ONLY');
        const text = `EXPLAIN (${options.join(', ')}) ${r.sql}`;
        const res = await client.query(values === undefined ? text : { text, values, queryMode: 'extended' });
        const root = res.rows[0]?.['QUERY PLAN']?.[0]?.Plan;
        if (!root)
            throw new Error('EXPLAIN returned no plan');
        const tableRows = await tableSizes(client, (0,_pg_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .seqScannedTables */ .Zs)(root));
        plan.text = (0,_pg_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .renderPgPlan */ .Hu)(root);
        plan.flags = (0,_pg_plan_js__WEBPACK_IMPORTED_MODULE_4__/* .flagPgPlan */ .Bc)(root, { tableRows, seqScanRows: settings.seqScanRows });
    }
    catch (error) {
        plan.error = (0,_request_js__WEBPACK_IMPORTED_MODULE_3__/* .redactUrl */ .B)(error.message, settings.url);
    }
    finally {
        await client.query('ROLLBACK').catch(() => undefined);
    }
    return plan;
}
/**
 * Rows per table: the planner's count (reltuples, kept by ANALYZE, VACUUM and CREATE INDEX), or
 * before any of those ran (-1) the statistics collector's live rows; never a count(*), which would
 * scan the table.
 */
async function tableSizes(client, tables) {
    const out = new Map();
    for (const table of tables) {
        const res = await client.query(`SELECT (CASE WHEN c.reltuples >= 0 THEN c.reltuples ELSE COALESCE(s.n_live_tup, 0) END)::float8 AS rows
         FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
        WHERE c.oid = to_regclass(quote_ident($1))`, [table]);
        const rows = res.rows[0]?.rows;
        if (rows !== undefined && rows !== null)
            out.set(table, Number(rows));
    }
    return out;
}


/***/ })

};
