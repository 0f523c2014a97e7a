// A small SQL lexer: enough to strip literals, drop comments and find statement boundaries for
// PostgreSQL and MySQL text. It is not a parser and never rejects input: anything it does not
// recognise becomes a one-character 'op' token, so every byte of the text lands in some token.

export type Dialect = 'postgres' | 'mysql';

export type TokenKind =
  | 'word' // keyword or unquoted identifier
  | 'ident' // quoted identifier: "x" (postgres), `x` (mysql)
  | 'string' // any string literal, incl. E'', B'', X'', N'', U&'' and $tag$...$tag$
  | 'number'
  | 'param' // $1 (postgres), ? (mysql and JDBC-style text)
  | 'op'
  | 'comment';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
}

const enum C {
  Tab = 9,
  Nl = 10,
  Cr = 13,
  Space = 32,
  Bang = 33,
  DQuote = 34,
  Hash = 35,
  Dollar = 36,
  Quote = 39,
  LParen = 40,
  Star = 42,
  Plus = 43,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Question = 63,
  Backslash = 92,
  Backtick = 96,
}

function isDigit(c: number): boolean {
  return c >= C.Zero && c <= C.Nine;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === C.Dollar;
}

function isSpace(c: number): boolean {
  return c === C.Space || c === C.Tab || c === C.Nl || c === C.Cr || c === 12 || c === 11;
}

/** Characters that combine into multi-character operators (Postgres' operator alphabet). */
const OPERATOR_CHARS = new Set('+-*/<>=~!@#%^&|?'.split('').map((c) => c.charCodeAt(0)));
/** Signs an operator run may not end in (Postgres's rule for operator names). */
const TRAILING_SIGN = new Set([C.Plus, C.Minus]);

/** End of a quoted run closed by `quote`, where a doubled quote is an escaped quote. */
function endOfQuoted(sql: string, from: number, quote: number, backslashEscapes: boolean): number {
  let i = from;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === C.Backslash) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return n; // unterminated: the rest of the text is the literal
}

/** Returns the end of a $tag$...$tag$ string starting at `from`, or -1 if `from` does not open one. */
function endOfDollarQuoted(sql: string, from: number): number {
  let i = from + 1;
  while (i < sql.length && sql.charCodeAt(i) !== C.Dollar) {
    const c = sql.charCodeAt(i);
    if (!(isIdentStart(c) || (i > from + 1 && isDigit(c)))) return -1;
    i++;
  }
  if (i >= sql.length) return -1;
  const tag = sql.slice(from, i + 1);
  const close = sql.indexOf(tag, i + 1);
  return close === -1 ? sql.length : close + tag.length;
}

export function tokenize(sql: string, dialect: Dialect): Token[] {
  const tokens: Token[] = [];
  const n = sql.length;
  const mysql = dialect === 'mysql';
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number): void => {
    tokens.push({ kind, start, end });
    i = end;
  };
  while (i < n) {
    const c = sql.charCodeAt(i);
    const next = i + 1 < n ? sql.charCodeAt(i + 1) : 0;
    if (isSpace(c)) {
      i++;
      continue;
    }
    // Comments. MySQL wants whitespace after "--"; "#" is a comment only in MySQL.
    if (c === C.Minus && next === C.Minus && (!mysql || isSpace(sql.charCodeAt(i + 2)) || i + 2 >= n)) {
      const nl = sql.indexOf('\n', i);
      push('comment', i, nl === -1 ? n : nl);
      continue;
    }
    if (mysql && c === C.Hash) {
      const nl = sql.indexOf('\n', i);
      push('comment', i, nl === -1 ? n : nl);
      continue;
    }
    if (c === C.Slash && next === C.Star) {
      // Postgres nests block comments; MySQL does not.
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql.charCodeAt(j) === C.Star && sql.charCodeAt(j + 1) === C.Slash) {
          depth--;
          j += 2;
        } else if (!mysql && sql.charCodeAt(j) === C.Slash && sql.charCodeAt(j + 1) === C.Star) {
          depth++;
          j += 2;
        } else j++;
      }
      push('comment', i, Math.min(j, n));
      continue;
    }
    if (c === C.Quote) {
      // MySQL's default sql_mode treats backslash as an escape; Postgres (standard strings) does not.
      push('string', i, endOfQuoted(sql, i + 1, C.Quote, mysql));
      continue;
    }
    if (c === C.DQuote) {
      if (mysql) push('string', i, endOfQuoted(sql, i + 1, C.DQuote, true));
      else push('ident', i, endOfQuoted(sql, i + 1, C.DQuote, false));
      continue;
    }
    if (mysql && c === C.Backtick) {
      push('ident', i, endOfQuoted(sql, i + 1, C.Backtick, false));
      continue;
    }
    // Prefixed strings: E'..' (backslash escapes), B'..', X'..', N'..', U&'..'; MySQL _charset'..'.
    if (isIdentStart(c)) {
      const lower = c | 0x20;
      if (next === C.Quote && (lower === 101 || lower === 98 || lower === 120 || lower === 110)) {
        push('string', i, endOfQuoted(sql, i + 2, C.Quote, lower === 101 || mysql));
        continue;
      }
      if (lower === 117 && next === 38 && sql.charCodeAt(i + 2) === C.Quote) {
        push('string', i, endOfQuoted(sql, i + 3, C.Quote, false));
        continue;
      }
      let j = i + 1;
      while (j < n && isIdentPart(sql.charCodeAt(j))) j++;
      push('word', i, j);
      continue;
    }
    if (c === C.Dollar) {
      if (isDigit(next)) {
        let j = i + 1;
        while (j < n && isDigit(sql.charCodeAt(j))) j++;
        push('param', i, j);
        continue;
      }
      if (!mysql) {
        const end = endOfDollarQuoted(sql, i);
        if (end !== -1) {
          push('string', i, end);
          continue;
        }
      }
    }
    if (isDigit(c) || (c === C.Dot && isDigit(next))) {
      let j = i;
      if (c === C.Zero && (next | 0x20) === 120) {
        j += 2;
        while (j < n && /[0-9a-fA-F_]/.test(sql[j]!)) j++;
      } else {
        while (j < n && (isDigit(sql.charCodeAt(j)) || sql.charCodeAt(j) === 95)) j++;
        if (sql.charCodeAt(j) === C.Dot && sql.charCodeAt(j + 1) !== C.Dot) {
          j++;
          while (j < n && isDigit(sql.charCodeAt(j))) j++;
        }
        if ((sql.charCodeAt(j) | 0x20) === 101) {
          let k = j + 1;
          if (sql.charCodeAt(k) === C.Plus || sql.charCodeAt(k) === C.Minus) k++;
          if (isDigit(sql.charCodeAt(k))) {
            j = k;
            while (j < n && isDigit(sql.charCodeAt(j))) j++;
          }
        }
      }
      push('number', i, j);
      continue;
    }
    // In Postgres "?" is a jsonb operator (drivers send $n); in MySQL it is a placeholder.
    if (c === C.Question && mysql) {
      push('param', i, i + 1);
      continue;
    }
    if (c === C.Colon && next === C.Colon) {
      push('op', i, i + 2);
      continue;
    }
    if (OPERATOR_CHARS.has(c)) {
      let j = i + 1;
      // "-" or "/" starting a comment ends the operator; otherwise the run is one operator.
      while (j < n && OPERATOR_CHARS.has(sql.charCodeAt(j))) {
        const d = sql.charCodeAt(j);
        if ((d === C.Minus && sql.charCodeAt(j + 1) === C.Minus) || (d === C.Slash && sql.charCodeAt(j + 1) === C.Star)) break;
        if ((mysql && d === C.Question) || (mysql && d === C.Hash) || d === C.Backtick) break;
        // MySQL has no user-defined operators: a sign never continues one (`a=-5` is `=` then `-5`).
        if (mysql && (d === C.Minus || d === C.Plus)) break;
        j++;
      }
      // Postgres: a multi-character operator cannot end in + or - unless it also holds one of
      // ~ ! @ # % ^ & | ` ?, so `=-5` is `=` and `-5` (what the server parses too).
      while (!mysql && j - i > 1 && TRAILING_SIGN.has(sql.charCodeAt(j - 1)) && !/[~!@#%^&|`?]/.test(sql.slice(i, j))) j--;
      push('op', i, j);
      continue;
    }
    push('op', i, i + 1);
  }
  return tokens;
}

/**
 * Splits a multi-statement text at top-level semicolons, dropping empty pieces (the server does
 * not execute them either). Each piece is the original text, trimmed.
 */
export function splitStatements(sql: string, dialect: Dialect): string[] {
  const tokens = tokenize(sql, dialect);
  const pieces: string[] = [];
  let start = -1;
  let last = -1;
  // SQL-standard function bodies (BEGIN ATOMIC ... END) contain semicolons that do not end the statement.
  let atomicDepth = 0;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (tok.kind === 'comment') continue;
    if (tok.kind === 'word' && tok.end - tok.start <= 6) {
      const w = sql.slice(tok.start, tok.end).toLowerCase();
      if (w === 'atomic' && t > 0 && sql.slice(tokens[t - 1]!.start, tokens[t - 1]!.end).toLowerCase() === 'begin') atomicDepth++;
      else if (w === 'case' && atomicDepth > 0) atomicDepth++;
      else if (w === 'end' && atomicDepth > 0) atomicDepth--;
    }
    if (tok.kind === 'op' && tok.end - tok.start === 1 && sql.charCodeAt(tok.start) === 59 && atomicDepth === 0) {
      if (start !== -1) pieces.push(sql.slice(start, last).trim());
      start = -1;
      continue;
    }
    if (start === -1) start = tok.start;
    last = tok.end;
  }
  if (start !== -1) pieces.push(sql.slice(start, last).trim());
  return pieces;
}
