import type { RequestSpec } from '../config/types.js';

/**
 * The absolute URL a scenario's request goes to. A base URL with a path prefix keeps it
 * (`http://h/api` + `/books` → `http://h/api/books`), unlike `new URL(path, base)`.
 */
export function requestUrl(baseUrl: string, request: RequestSpec): URL {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = request.path.startsWith('/') ? request.path : `/${request.path}`;
  return new URL(`${base.origin}${prefix}${path}`);
}

/**
 * `METHOD url`, as shown in messages. A path naming `${VAR}` is shown as written (not through URL,
 * which would percent-encode the braces), so the value of a secret never reaches a message.
 */
export function describeRequest(baseUrl: string, request: RequestSpec): string {
  const shown = request.shownPath;
  if (shown === undefined || shown === request.path) return `${request.method.toUpperCase()} ${requestUrl(baseUrl, request).href}`;
  const base = new URL(baseUrl);
  return `${request.method.toUpperCase()} ${base.origin}${base.pathname.replace(/\/+$/, '')}${shown.startsWith('/') ? '' : '/'}${shown}`;
}
