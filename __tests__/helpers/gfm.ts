// GitHub's markdown renderer (cmark-gfm, the C library GitHub runs, through its npm binding) and what a
// reader of the rendered comment would see: which HTML elements exist, and which @mentions and issue
// references GitHub would link in the text (it links them in text, never inside code).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cmark = require('cmark-gfm') as { renderHtmlSync(markdown: string, options: object): string };

/**
 * Renders like a GitHub comment: the GFM extensions on, and raw HTML kept (GitHub keeps <details>,
 * <img>, <a>, <h1> … through its sanitizer, so nothing here may rely on the sanitizer removing them).
 */
export function renderGfm(markdown: string): string {
  return cmark.renderHtmlSync(markdown, {
    unsafe: true,
    extensions: { table: true, strikethrough: true, autolink: true, tagfilter: true, tasklist: true },
  });
}

/** The element structure: every opening and closing tag name, in order. */
export function tagSkeleton(html: string): string[] {
  return [...html.matchAll(/<(\/?[A-Za-z][A-Za-z0-9-]*)/g)].map((m) => m[1].toLowerCase());
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** Text GitHub scans for mentions and references: everything outside <pre> and <code>. */
export function linkableText(html: string): string {
  return decodeEntities(html.replace(/<pre[\s\S]*?<\/pre>/g, ' ').replace(/<code>[\s\S]*?<\/code>/g, ' ').replace(/<[^>]*>/g, ' '));
}

/** @user, @org/team, #123, GH-123 and owner/repo#123 as GitHub would link them. */
export function references(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|[^A-Za-z0-9_`])(@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9][A-Za-z0-9-]*)?)/g)) found.push(m[1]);
  for (const m of text.matchAll(/(?:^|[^A-Za-z0-9_&])((?:[\w.-]+\/[\w.-]+)?#\d+)\b/g)) found.push(m[1]);
  for (const m of text.matchAll(/\b(GH-\d+)\b/gi)) found.push(m[1]);
  return found;
}
