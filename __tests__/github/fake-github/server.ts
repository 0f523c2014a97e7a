// A local stand-in for api.github.com and the Actions artifact backend (twirp service + blob
// storage), on 127.0.0.1. It implements only what perfgate calls, keeps state in memory, and checks
// every REST response it sends against GitHub's OpenAPI description: `problems` must stay empty.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FULL_NAME, OWNER, REPO, pullRequest, repository, user, workflowRunTemplate, type PrShape } from './payloads.js';
import { validateResponse } from './openapi.js';

export interface RunRecord {
  id: number;
  workflowId: number;
  event: string;
  headBranch: string;
  headSha: string;
  headRepo: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | null;
  createdAt: string;
  backendId: string;
}

export interface ArtifactRecord {
  id: number;
  runId: number;
  name: string;
  bytes?: Buffer;
  blocks: Map<string, Buffer>;
  expired: boolean;
  /** Listed as not expired, but the download answers 410 (deleted/expired meanwhile). */
  gone: boolean;
  finalized: boolean;
  createdAt: string;
  /** What CreateArtifact and FinalizeArtifact were told. */
  expiresAt?: string;
  finalizedSize?: string;
  finalizedHash?: string;
}

export interface CommentRecord {
  id: number;
  issue: number;
  body: string;
  login: string;
  type: 'User' | 'Bot';
  createdAt: string;
  updatedAt: string;
}

interface Identity {
  login: string;
  type: 'User' | 'Bot';
  /** GITHUB_TOKEN: GET /user is forbidden to it. */
  installation: boolean;
  readOnly: boolean;
}

interface Fault {
  method: string;
  pattern: RegExp;
  status: number;
  remaining: number;
  headers: Record<string, string>;
  message: string;
}

export const WORKFLOW_ID = 161335;
export const TOKEN = 'ghs_fake_installation_token';
export const READONLY_TOKEN = 'ghs_fake_fork_readonly_token';
const BOT = 'github-actions[bot]';

export class FakeGitHub {
  readonly runs = new Map<number, RunRecord>();
  readonly artifacts = new Map<number, ArtifactRecord>();
  readonly comments: CommentRecord[] = [];
  readonly pulls = new Map<number, PrShape>();
  readonly permissions = new Map<string, string>([['Codertocat', 'admin']]);
  readonly reruns: number[] = [];
  readonly problems: string[] = [];
  readonly log: string[] = [];
  private readonly faults: Fault[] = [];
  /** Every ACTIONS_RUNTIME_TOKEN handed out: the artifact service's calls must carry one. */
  private readonly runtimeTokens = new Set<string>();
  private readonly tokens = new Map<string, Identity>([
    [TOKEN, { login: BOT, type: 'Bot', installation: true, readOnly: false }],
    [READONLY_TOKEN, { login: BOT, type: 'Bot', installation: true, readOnly: true }],
  ]);
  private server?: http.Server;
  private nextId = 7000;
  private clock = Date.parse('2026-01-01T00:00:00Z');
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        this.problems.push(`fake crashed on ${req.method} ${req.url}: ${(error as Error).stack}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A personal access token acting as `login` (GET /user answers for it). */
  addUserToken(token: string, login: string): void {
    this.tokens.set(token, { login, type: 'User', installation: false, readOnly: false });
  }

  /** The next `count` requests matching method + path answer `status`. */
  failNext(method: string, pattern: RegExp, status: number, count = 1, headers: Record<string, string> = {}, message = 'Server Error'): void {
    this.faults.push({ method, pattern, status, remaining: count, headers, message });
  }

  /** The next matching request hits the primary rate limit (403, remaining 0, reset in 1 s). */
  rateLimitNext(method: string, pattern: RegExp): void {
    const reset = String(Math.ceil(Date.now() / 1000) + 1);
    this.failNext(method, pattern, 403, 1, { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, 'API rate limit exceeded for installation.');
  }

  /** The next matching request hits a secondary rate limit (403 with retry-after, as GitHub answers). */
  secondaryRateLimitNext(method: string, pattern: RegExp, retryAfterSeconds = 1): void {
    this.failNext(method, pattern, 403, 1, { 'retry-after': String(retryAfterSeconds) }, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.');
  }

  /** An artifact of `runId` holding exactly `bytes` (which need not be a zip), already finalized. */
  addArtifact(runId: number, name: string, bytes: Buffer): ArtifactRecord {
    const a: ArtifactRecord = { id: ++this.nextId, runId, name, bytes, blocks: new Map(), expired: false, gone: false, finalized: true, createdAt: this.now() };
    this.artifacts.set(a.id, a);
    return a;
  }

  private now(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString().replace(/\.\d+Z$/, 'Z');
  }

  startRun(run: Partial<RunRecord> & Pick<RunRecord, 'event' | 'headSha' | 'headBranch'>): RunRecord {
    const rec: RunRecord = {
      id: ++this.nextId,
      workflowId: WORKFLOW_ID,
      headRepo: FULL_NAME,
      status: 'in_progress',
      conclusion: null,
      createdAt: this.now(),
      backendId: randomUUID(),
      ...run,
    };
    this.runs.set(rec.id, rec);
    return rec;
  }

  completeRun(id: number, conclusion: 'success' | 'failure'): void {
    const run = this.runs.get(id)!;
    run.status = 'completed';
    run.conclusion = conclusion;
  }

  /** ACTIONS_RUNTIME_TOKEN for a run: a JWT whose `scp` claim names the backend ids. */
  runtimeToken(runId: number): string {
    const run = this.runs.get(runId)!;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ scp: `Actions.GenericRead:0 Actions.Results:${run.backendId}:${randomUUID()}` })}.sig`;
    this.runtimeTokens.add(token);
    return token;
  }

  addPull(pr: PrShape): void {
    this.pulls.set(pr.number, pr);
  }

  commentsOn(issue: number): CommentRecord[] {
    return this.comments.filter((c) => c.issue === issue);
  }

  // -------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const fault = this.faults.find((f) => f.remaining > 0 && f.method === method && f.pattern.test(url.pathname));
    if (fault) {
      fault.remaining--;
      this.log.push(`${method} ${url.pathname} -> ${fault.status} (injected)`);
      // Injected outages and rate limits mimic GitHub's answers, which the description does not document.
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end(JSON.stringify({ message: fault.message, documentation_url: 'https://docs.github.com/rest' }));
      return;
    }
    if (url.pathname.startsWith('/twirp/')) {
      if (!this.runtimeTokens.has(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '')) {
        this.problems.push(`twirp ${url.pathname} without the runtime token as bearer`);
      }
      return this.twirp(url, body, res);
    }
    if (url.pathname.startsWith('/blob/')) {
      // Azure refuses a Put Blob without its type (the block and block-list calls need none).
      if (method === 'PUT' && !url.searchParams.get('comp') && req.headers['x-ms-blob-type'] !== 'BlockBlob') {
        this.problems.push(`Put Blob ${url.pathname} without x-ms-blob-type: BlockBlob`);
      }
      return this.blob(method, url, body, res);
    }
    const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      for (const p of validateResponse(method, url.pathname, status, payload)) this.problems.push(p);
      this.log.push(`${method} ${url.pathname}${url.search} -> ${status}`);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const who = auth ? this.tokens.get(auth) : undefined;
    if (!who) return reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    if (who.readOnly && method !== 'GET') {
      return reply(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' });
    }
    const repoPrefix = `/repos/${OWNER}/${REPO}`;
    if (!url.pathname.startsWith(repoPrefix) && url.pathname !== '/user') return reply(404, notFound());
    const p = url.pathname.slice(repoPrefix.length);
    let m: RegExpExecArray | null;

    if (url.pathname === '/user' && method === 'GET') {
      if (who.installation) return reply(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user', status: '403' });
      return reply(200, { ...user(who.login, 1), name: null, company: null, blog: null, location: null, email: null, hireable: null, bio: null, public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: this.now(), updated_at: this.now() });
    }
    if ((m = /^\/actions\/runs\/(\d+)$/.exec(p)) && method === 'GET') {
      const run = this.runs.get(Number(m[1]));
      return run ? reply(200, this.runJson(run)) : reply(404, notFound());
    }
    if ((m = /^\/actions(?:\/workflows\/([^/]+))?\/runs$/.exec(p)) && method === 'GET') {
      const q = url.searchParams;
      const runs = [...this.runs.values()]
        .filter((r) => m![1] === undefined || String(r.workflowId) === m![1])
        .filter((r) => !q.get('branch') || r.headBranch === q.get('branch'))
        .filter((r) => !q.get('event') || r.event === q.get('event'))
        .filter((r) => !q.get('head_sha') || r.headSha === q.get('head_sha'))
        .filter((r) => q.get('status') !== 'success' || r.conclusion === 'success')
        .sort((a, b) => b.id - a.id);
      const { slice, headers } = page(url, runs);
      return reply(200, { total_count: runs.length, workflow_runs: slice.map((r) => this.runJson(r)) }, headers);
    }
    if ((m = /^\/actions\/runs\/(\d+)\/artifacts$/.exec(p)) && method === 'GET') {
      const name = url.searchParams.get('name');
      const list = [...this.artifacts.values()].filter((a) => a.runId === Number(m![1]) && a.finalized && (!name || a.name === name));
      return reply(200, { total_count: list.length, artifacts: list.map((a) => this.artifactJson(a)) });
    }
    if ((m = /^\/actions\/artifacts\/(\d+)\/zip$/.exec(p)) && method === 'GET') {
      const a = this.artifacts.get(Number(m[1]));
      if (!a) return reply(404, notFound());
      if (a.gone || a.expired) return reply(410, { message: 'Artifact has expired', documentation_url: 'https://docs.github.com/rest/actions/artifacts#download-an-artifact', status: '410' });
      return reply(302, undefined, { location: `${this.url}/blob/download/${a.id}/${encodeURIComponent(a.name)}.zip?sig=fake-signature` });
    }
    if ((m = /^\/actions\/runs\/(\d+)\/rerun$/.exec(p)) && method === 'POST') {
      if (!this.runs.has(Number(m[1]))) return reply(404, notFound());
      this.reruns.push(Number(m[1]));
      return reply(201, {});
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(p))) {
      const issue = Number(m[1]);
      if (method === 'GET') {
        const { slice, headers } = page(url, this.commentsOn(issue));
        return reply(200, slice.map((c) => this.commentJson(c)), headers);
      }
      if (method === 'POST') {
        const c: CommentRecord = { id: ++this.nextId, issue, body: JSON.parse(body.toString()).body, login: who.login, type: who.type, createdAt: this.now(), updatedAt: this.now() };
        if (c.body.length > 65536) return reply(422, { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] });
        this.comments.push(c);
        return reply(201, this.commentJson(c), { location: `${this.url}${repoPrefix}/issues/comments/${c.id}` });
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(p)) && method === 'PATCH') {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (!c) return reply(404, notFound());
      c.body = JSON.parse(body.toString()).body;
      c.updatedAt = this.now();
      return reply(200, this.commentJson(c));
    }
    if ((m = /^\/collaborators\/([^/]+)\/permission$/.exec(p)) && method === 'GET') {
      const login = decodeURIComponent(m[1]);
      const permission = this.permissions.get(login) ?? 'read';
      const u = { ...user(login, 4242), permissions: { admin: permission === 'admin', maintain: false, push: permission !== 'read', triage: false, pull: true }, role_name: permission };
      return reply(200, { permission, role_name: permission, user: u });
    }
    if ((m = /^\/pulls\/(\d+)$/.exec(p)) && method === 'GET') {
      const pr = this.pulls.get(Number(m[1]));
      return pr ? reply(200, pullRequest(pr)) : reply(404, notFound());
    }
    if (p === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head');
      const list = [...this.pulls.values()].filter((pr) => !head || `${(pr.headRepo ?? FULL_NAME).split('/')[0]}:${pr.headRef}` === head);
      return reply(200, list.map((pr) => pullRequest(pr)));
    }
    return reply(404, notFound());
  }

  private runJson(r: RunRecord): any {
    const t = workflowRunTemplate();
    const base = `https://api.github.com/repos/${FULL_NAME}/actions/runs/${r.id}`;
    return {
      ...t,
      id: r.id,
      node_id: `WFR_${r.id}`,
      name: 'perfgate',
      display_title: 'perfgate',
      path: '.github/workflows/perfgate.yml',
      workflow_id: r.workflowId,
      run_number: r.id,
      run_attempt: 1,
      event: r.event,
      head_branch: r.headBranch,
      head_sha: r.headSha,
      status: r.status,
      conclusion: r.conclusion,
      created_at: r.createdAt,
      updated_at: r.createdAt,
      run_started_at: r.createdAt,
      url: base,
      html_url: `https://github.com/${FULL_NAME}/actions/runs/${r.id}`,
      jobs_url: `${base}/jobs`,
      logs_url: `${base}/logs`,
      artifacts_url: `${base}/artifacts`,
      cancel_url: `${base}/cancel`,
      rerun_url: `${base}/rerun`,
      pull_requests: [],
      head_commit: { ...t.head_commit, id: r.headSha },
      repository: repository(),
      head_repository: repository(r.headRepo, r.headRepo === FULL_NAME ? 186853002 : 999),
      actor: user('Codertocat', 21031067),
      triggering_actor: user('Codertocat', 21031067),
    };
  }

  private artifactJson(a: ArtifactRecord): any {
    const run = this.runs.get(a.runId)!;
    return {
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.bytes?.length ?? 0,
      url: `https://api.github.com/repos/${FULL_NAME}/actions/artifacts/${a.id}`,
      archive_download_url: `https://api.github.com/repos/${FULL_NAME}/actions/artifacts/${a.id}/zip`,
      expired: a.expired,
      created_at: a.createdAt,
      updated_at: a.createdAt,
      expires_at: a.createdAt.replace(/^(\d{4})/, (y) => String(Number(y) + 1)),
      digest: null,
      workflow_run: { id: run.id, repository_id: 186853002, head_repository_id: run.headRepo === FULL_NAME ? 186853002 : 999, head_branch: run.headBranch, head_sha: run.headSha },
    };
  }

  private commentJson(c: CommentRecord): any {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `https://api.github.com/repos/${FULL_NAME}/issues/comments/${c.id}`,
      html_url: `https://github.com/${FULL_NAME}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `https://api.github.com/repos/${FULL_NAME}/issues/${c.issue}`,
      body: c.body,
      user: user(c.login, c.type === 'Bot' ? 41898282 : 5000, c.type),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
    };
  }

  // --- artifact backend --------------------------------------------------------------------------

  private twirp(url: URL, body: Buffer, res: http.ServerResponse): void {
    const method = url.pathname.split('/').pop();
    const raw = JSON.parse(body.toString() || '{}');
    // protobuf JSON: the client sends proto field names (snake_case); accept camelCase too.
    const req = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.replace(/_([a-z])/g, (_x, c: string) => c.toUpperCase()), v])) as any;
    const send = (status: number, payload: unknown) => {
      this.log.push(`POST twirp ${method} -> ${status}`);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    const run = [...this.runs.values()].find((r) => r.backendId === req.workflowRunBackendId);
    if (!run) return send(404, { code: 'not_found', msg: `no run with backend id ${req.workflowRunBackendId}` });
    if (method === 'CreateArtifact') {
      if ([...this.artifacts.values()].some((a) => a.runId === run.id && a.name === req.name)) {
        return send(409, { code: 'already_exists', msg: `an artifact named ${req.name} already exists in this run` });
      }
      const a: ArtifactRecord = { id: ++this.nextId, runId: run.id, name: req.name, blocks: new Map(), expired: false, gone: false, finalized: false, createdAt: this.now(), expiresAt: req.expiresAt };
      this.artifacts.set(a.id, a);
      return send(200, { ok: true, signedUploadUrl: `${this.url}/blob/upload/devstoreaccount1/actions-results/${a.id}/${encodeURIComponent(req.name)}.zip?sig=fake-signature&sv=2023-11-03` });
    }
    if (method === 'FinalizeArtifact') {
      const a = [...this.artifacts.values()].find((x) => x.runId === run.id && x.name === req.name);
      if (!a || !a.bytes) return send(404, { code: 'not_found', msg: 'nothing uploaded' });
      a.finalized = true;
      a.finalizedSize = req.size;
      a.finalizedHash = req.hash;
      return send(200, { ok: true, artifactId: String(a.id) });
    }
    return send(404, { code: 'bad_route', msg: `unknown method ${method}` });
  }

  private blob(method: string, url: URL, body: Buffer, res: http.ServerResponse): void {
    this.log.push(`${method} blob ${url.pathname}${url.search ? '?' + url.searchParams.get('comp') : ''}`);
    const headers = { 'x-ms-request-id': randomUUID(), 'x-ms-version': '2023-11-03', date: new Date().toUTCString() };
    const upload = /^\/blob\/upload\/devstoreaccount1\/actions-results\/(\d+)\//.exec(url.pathname);
    if (upload && method === 'PUT') {
      const a = this.artifacts.get(Number(upload[1]))!;
      const comp = url.searchParams.get('comp');
      if (comp === 'block') {
        a.blocks.set(url.searchParams.get('blockid')!, body);
        res.writeHead(201, headers).end();
        return;
      }
      if (comp === 'blocklist') {
        const ids = [...body.toString().matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)<\//g)].map((x) => x[1]);
        a.bytes = Buffer.concat(ids.map((id) => a.blocks.get(id) ?? Buffer.alloc(0)));
        res.writeHead(201, { ...headers, etag: `"0x${a.id}"`, 'last-modified': new Date().toUTCString() }).end();
        return;
      }
      // Single-shot Put Blob.
      a.bytes = body;
      res.writeHead(201, { ...headers, etag: `"0x${a.id}"`, 'last-modified': new Date().toUTCString() }).end();
      return;
    }
    const download = /^\/blob\/download\/(\d+)\//.exec(url.pathname);
    if (download && method === 'GET') {
      const a = this.artifacts.get(Number(download[1]));
      if (!a?.bytes) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': 'application/zip', 'content-length': String(a.bytes.length) }).end(a.bytes);
      return;
    }
    res.writeHead(400).end();
  }
}

/** One page of a list, as GitHub pages: `per_page` (default 30) and `page`, a `link` to the next. */
function page<T>(url: URL, all: T[]): { slice: T[]; headers: Record<string, string> } {
  const perPage = Number(url.searchParams.get('per_page') ?? 30);
  const n = Number(url.searchParams.get('page') ?? 1);
  const headers: Record<string, string> = {};
  if (n * perPage < all.length) {
    const next = new URL(url);
    next.searchParams.set('page', String(n + 1));
    headers.link = `<${next.href}>; rel="next"`;
  }
  return { slice: all.slice((n - 1) * perPage, n * perPage), headers };
}

function notFound() {
  return { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
