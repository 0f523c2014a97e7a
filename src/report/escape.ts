// Untrusted text in the report. Scenario names, request paths, SQL, error messages and the runner and
// tool fields all come from results files, which a pull request controls (its config, its service, or
// a forged artifact in the fork workflow). Each string is data: it is capped, stripped of the line
// breaks that would end the construct it sits in, escaped for that construct, and its @mentions and
// issue references are broken so the bot's comment never pings anyone or links anything.
// Hand-written because no maintained library escapes for GitHub's markdown contexts (table cells,
// headings, <summary>, fenced blocks) together with GitHub's mention and reference syntax; the tests
// check the result through cmark-gfm, GitHub's own renderer.

/** Caps, in characters, for the kinds of untrusted text the report shows. */
export const MAX_CHARS = { name: 200, text: 500, field: 100, code: 4000 } as const;

/** U+200B ZERO WIDTH SPACE: invisible, and GitHub's mention/reference matchers stop at it. */
const ZWSP = '\u200B';

// CommonMark line endings are \n, \r\n and a lone \r; the rest of C0 (and DEL) has no business in a
// name or message and some of it (NUL, \f, \v) is treated as whitespace or replaced by renderers.
const LINE_BREAKS = /\r\n?|\n/g;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u2028\u2029]/g;

/**
 * Breaks `@user`, `@org/team` and e-mail addresses (GitHub links and notifies them), `#123`,
 * `GH-123` and `owner/repo#123` (cross-references: they link and leave a mention on the other issue).
 */
export function neutralizeReferences(text: string): string {
  return text
    .replace(/@(?=[A-Za-z0-9])/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\b(GH-)(?=\d)/gi, `$1${ZWSP}`);
}

/** Shortens text to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

function oneLine(text: string, max: number): string {
  return truncate(String(text).replace(LINE_BREAKS, ' ').replace(CONTROL, ' '), max);
}

// Every ASCII character that can open inline markup (emphasis, code, links and images via '[',
// raw HTML, entities, strikethrough, math, table cells, headings' closing #s) is escaped with a
// backslash, which CommonMark defines for all ASCII punctuation. Escaping ':' before '//' stops
// `https://…` autolinks and '.' after www stops `www.…` ones (e-mail ones lose their '@' above).
const INLINE_SPECIAL = /[\\`*_[\]<>&|~$#]|:(?=\/\/)/g;

/**
 * Text for inline markdown: a table cell, a heading, a list item or a blockquote line. One line,
 * at most `max` characters, every markup character escaped, mentions broken.
 */
export function inlineText(text: string, max: number = MAX_CHARS.text): string {
  const escaped = neutralizeReferences(oneLine(text, max))
    .replace(INLINE_SPECIAL, (c) => `\\${c}`)
    .replace(/\b(www)\./gi, '$1\\.');
  // At the start of a line a leading -, +, = or "1." would start a list, a setext underline or an
  // ordered list when the text is the first thing in a block (a reason in the fail list).
  return escaped.replace(/^([-+=])/, '\\$1').replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/** Text inside raw HTML (a <summary>): one line (a blank line would end the HTML block), entities. */
export function htmlText(text: string, max: number = MAX_CHARS.text): string {
  return neutralizeReferences(oneLine(text, max))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** An inline code span that cannot be closed early or spill onto another line. */
export function codeSpan(text: string, max: number = MAX_CHARS.text): string {
  const body = oneLine(text, max);
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(body) ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * A fenced code block. Line endings become \n (a lone \r is a line ending to GitHub but not to a
 * caller splitting on \n, so an indented block would end early there); the fence is longer than any
 * backtick run inside, and the info string is ours.
 */
export function codeBlock(code: string, lang = '', max: number = MAX_CHARS.code): string {
  const body = truncate(String(code).replace(LINE_BREAKS, '\n').replace(CONTROL, ' '), max);
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${body}\n${fence}`;
}
