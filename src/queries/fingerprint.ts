// SQL fingerprints: one identity per statement shape, so `... where author_id = 7` and `... = 9`
// group together. Built on our own tokenizer (see docs/fingerprints.md for why not libpg-query).
// Pure; results are cached by exact text because services repeat the same strings endlessly.

import { createHash } from 'node:crypto';
import { tokenize, type Dialect, type Token } from './sql-tokenizer.js';

export type { Dialect } from './sql-tokenizer.js';

export interface Fingerprint {
  /** Stable short hash of `normalized` (16 hex chars). */
  fingerprint: string;
  /** Readable SQL: literals → ?, placeholders kept, IN-lists → (...), comments dropped, case folded. */
  normalized: string;
}

export type StatementClass = 'select' | 'insert' | 'update' | 'delete' | 'transaction' | 'set-show' | 'catalog' | 'other';

interface Analysis extends Fingerprint {
  literals: string[];
  /** Bind placeholders (`$1`, `?`) in the text: values the SQL alone does not show. */
  placeholders: number;
  kind: StatementClass;
}

/** Words after which "-"/"+" is a sign, not subtraction. */
const SIGN_CONTEXT = new Set([
  'select', 'where', 'and', 'or', 'not', 'then', 'else', 'when', 'in', 'values', 'between', 'like',
  'return', 'returning', 'limit', 'offset', 'set', 'by', 'is', 'case', 'on', 'having', 'as', 'interval',
]);

/** Quoted identifiers equal to their unquoted form, except words the parser treats specially. */
const RESERVED = new Set([
  'user', 'order', 'group', 'select', 'from', 'where', 'table', 'column', 'limit', 'offset', 'all',
  'and', 'or', 'not', 'null', 'true', 'false', 'case', 'end', 'default', 'check', 'to', 'desc', 'asc',
]);
const PLAIN_IDENT = /^[a-z_][a-z0-9_$]*$/;

const CACHE_LIMIT = 10_000;
const cache = new Map<string, Analysis>();

function cached(sql: string, dialect: Dialect): Analysis {
  const key = dialect === 'postgres' ? sql : `m:${sql}`;
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = analyze(sql, dialect);
    // A crude bound: services have few distinct texts, but unbounded literals would grow forever.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, hit);
  }
  return hit;
}

export function fingerprintSql(sql: string, dialect: Dialect = 'postgres'): Fingerprint {
  const a = cached(sql, dialect);
  return { fingerprint: a.fingerprint, normalized: a.normalized };
}

/** How many bind placeholders (`$n`, or `?` in MySQL) the statement has. */
export function countPlaceholders(sql: string, dialect: Dialect = 'postgres'): number {
  return cached(sql, dialect).placeholders;
}

/** The literal values of a statement in order (strings and numbers, as written), for N+1 detection. */
export function extractLiterals(sql: string, dialect: Dialect = 'postgres'): string[] {
  return cached(sql, dialect).literals;
}

export function classifyStatement(sql: string, dialect: Dialect = 'postgres'): StatementClass {
  return cached(sql, dialect).kind;
}

function analyze(sql: string, dialect: Dialect): Analysis {
  const tokens = tokenize(sql, dialect).filter((t) => t.kind !== 'comment');
  const out: string[] = [];
  const literals: string[] = [];
  let placeholders = 0;
  const text = (t: Token): string => sql.slice(t.start, t.end);
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    switch (tok.kind) {
      case 'string':
      case 'number':
        literals.push(text(tok));
        out.push('?');
        break;
      case 'param':
        placeholders++;
        out.push(text(tok));
        break;
      case 'ident': {
        const raw = text(tok);
        const inner = raw.slice(1, -1);
        out.push(PLAIN_IDENT.test(inner) && !RESERVED.has(inner) ? inner : raw);
        break;
      }
      case 'word': {
        const w = text(tok).toLowerCase();
        // true/false/null are literals too: `flag = true` and `flag = false` are one shape.
        if (w === 'true' || w === 'false') {
          literals.push(w);
          out.push('?');
        } else out.push(w);
        break;
      }
      default: {
        const op = text(tok);
        const nextTok = tokens[i + 1];
        if ((op === '-' || op === '+') && nextTok?.kind === 'number' && isSignPosition(out)) {
          literals.push(op + text(nextTok));
          out.push('?');
          i++;
        } else out.push(op);
      }
    }
  }
  // A trailing semicolon is not part of the statement: `begin;` and `begin` are one shape.
  while (out[out.length - 1] === ';') out.pop();
  const folded = renumberPlaceholders(collapseLists(out));
  const normalized = join(folded);
  const fingerprint = createHash('sha1').update(normalized).digest('hex').slice(0, 16);
  return { fingerprint, normalized, literals, placeholders, kind: classify(out) };
}

function isSignPosition(out: string[]): boolean {
  const prev = out[out.length - 1];
  if (prev === undefined) return true;
  if (prev === ')' || prev === ']' || prev === '?' || /^\$\d+$/.test(prev)) return false;
  if (SIGN_CONTEXT.has(prev)) return true;
  // Any other operator or punctuation ("=", "(", ",", "<") puts a sign in front of a value.
  return !/^[a-z_0-9"`]/.test(prev);
}

const LIST_ITEM = (s: string): boolean => s === '?' || /^\$\d+$/.test(s);

/** `in (?, ?, ?)` → `in (...)` and `array[?, ?]` → `array[...]`, so list length is not identity. */
function collapseLists(out: string[]): string[] {
  const res: string[] = [];
  for (let i = 0; i < out.length; i++) {
    const tok = out[i]!;
    res.push(tok);
    const open = out[i + 1];
    if (!((tok === 'in' && open === '(') || (tok === 'array' && open === '['))) continue;
    const close = open === '(' ? ')' : ']';
    let j = i + 2;
    let items = 0;
    // Items are literals/placeholders, each optionally cast (`?::int`), separated by commas.
    for (;;) {
      if (!LIST_ITEM(out[j] ?? '')) break;
      j++;
      if (out[j] === '::' && out[j + 1] !== undefined) j += 2;
      items++;
      if (out[j] === ',') {
        j++;
        continue;
      }
      break;
    }
    if (items > 0 && out[j] === close) {
      res.push(open, '...', close);
      i = j;
    }
  }
  return res;
}

/**
 * `$n` numbered by first appearance after lists collapsed: `in ($1, $2) and s = $3` and
 * `in ($1) and s = $2` are one shape, `… (...) and s = $1`. A repeated `$n` keeps one number.
 */
function renumberPlaceholders(tokens: string[]): string[] {
  const numbers = new Map<string, string>();
  return tokens.map((t) => {
    if (!/^\$\d+$/.test(t)) return t;
    let n = numbers.get(t);
    if (n === undefined) numbers.set(t, (n = `$${numbers.size + 1}`));
    return n;
  });
}

const NO_SPACE_BEFORE = new Set([',', ')', ']', '.', '::', ';']);
const NO_SPACE_AFTER = new Set(['(', '[', '.', '::']);
/** Keywords a parenthesis follows with a space: `from (select …)`, `exists (…)`, `over (…)`. */
const SPACED_BEFORE_PAREN = new Set([
  ...SIGN_CONTEXT, 'from', 'join', 'lateral', 'exists', 'using', 'over', 'filter', 'within', 'into', 'table', 'union', 'all', 'intersect', 'except',
]);

/** Function calls and subscripts read better glued (`count(*)`, `arr[1]`); column lists do not. */
function gluesToParen(tokens: string[], i: number): boolean {
  const prev = tokens[i - 1]!;
  if (!/^[a-z_][a-z0-9_$]*$/.test(prev) || SPACED_BEFORE_PAREN.has(prev)) return false;
  const before = tokens[i - 2];
  // `insert into t (a, b)`, `create table t (…)`: the name is a relation, not a function.
  return !(before === 'into' || before === 'table' || (before === '.' && (tokens[i - 4] === 'into' || tokens[i - 4] === 'table')));
}

function join(tokens: string[]): string {
  let s = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (i > 0 && !NO_SPACE_BEFORE.has(t) && !NO_SPACE_AFTER.has(tokens[i - 1]!)) {
      if (!((t === '(' || t === '[') && gluesToParen(tokens, i))) s += ' ';
    }
    s += t;
  }
  return s;
}

const CATALOG_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'mysql', 'performance_schema', 'sys']);

function classify(words: string[]): StatementClass {
  let i = 0;
  while (words[i] === '(') i++;
  const first = words[i];
  switch (first) {
    case 'select':
    case 'values':
    case 'table':
      return readsCatalog(words) ? 'catalog' : 'select';
    case 'with':
      return classifyWith(words, i + 1);
    case 'insert':
    case 'replace':
      return 'insert';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    case 'begin':
    case 'start':
    case 'commit':
    case 'end':
    case 'rollback':
    case 'abort':
    case 'savepoint':
    case 'release':
      return 'transaction';
    case 'prepare':
    case 'xa':
      return words[i + 1] === 'transaction' || first === 'xa' ? 'transaction' : 'other';
    case 'set':
    case 'show':
    case 'reset':
    case 'discard':
    case 'use':
      return 'set-show';
    default:
      return 'other';
  }
}

/** WITH ... AS (...) [, ...] <verb>: the verb at parenthesis depth 0 decides. */
function classifyWith(words: string[], from: number): StatementClass {
  let depth = 0;
  for (let i = from; i < words.length; i++) {
    const w = words[i]!;
    if (w === '(') depth++;
    else if (w === ')') depth--;
    else if (depth === 0 && (w === 'select' || w === 'insert' || w === 'update' || w === 'delete')) {
      if (w === 'select') return readsCatalog(words) ? 'catalog' : 'select';
      return w;
    }
  }
  return 'other';
}

function readsCatalog(words: string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (CATALOG_SCHEMAS.has(w) && words[i + 1] === '.') return true;
    if ((w === 'from' || w === 'join') && /^pg_/.test(words[i + 1] ?? '')) return true;
  }
  return false;
}
