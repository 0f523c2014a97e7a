// `${VAR}` expansion. Everything in perfgate.yml is expanded when it is loaded, except the service's
// start, build, env values, ready.url and baseUrl: those may name perfgate's own exports
// (PERFGATE_DB_HOST, PERFGATE_DB_PORT, PERFGATE_PORT, …), which exist only once the pipeline has
// started the proxy and picked ports, so the pipeline expands them with expandServiceConfig.
//
// start and build are shell commands, and the values of variables (a branch name, a password) must
// never become shell syntax: pasting `$(touch x)` into `sh -c` runs it. So those two are not
// expanded here; their references are checked, and the shell expands them from the command's
// environment, which holds the same variables (the shell's `${NAME}` and `${NAME:-fallback}` mean
// what ours do, and a value the shell expands is data, not code).
//
// Syntax: `${NAME}`; `${NAME:-fallback}` (fallback when NAME is unset or empty); `$${` for a literal
// `${`. Any other `$` is left alone, so shell forms in commands (`$HOME`, `$(date)`, `$$`) reach the
// shell untouched. Pure: no I/O.
import { ConfigError, type ConfigIssue } from '../errors.js';
import { isRunnerCredential, withoutRunnerCredentials } from '../service/child-env.js';
import type { ServiceConfig } from './types.js';

export type Vars = Readonly<Record<string, string | undefined>>;

export type Expansion = { ok: true; value: string } | { ok: false; message: string; variable?: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Prefix of the variables perfgate itself exports to the service; unknown until the pipeline runs. */
export const PERFGATE_EXPORT_PREFIX = 'PERFGATE_';

/** Expands one string. Never throws: a missing variable or a malformed reference is a result. */
export function expandString(text: string, vars: Vars): Expansion {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    if (text.startsWith('$${', dollar)) {
      out += '${';
      i = dollar + 3;
      continue;
    }
    if (text[dollar + 1] !== '{') {
      out += '$';
      i = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    if (close < 0) {
      return { ok: false, message: 'unterminated "${": expected ${NAME} (write "$${" for a literal "${")' };
    }
    const ref = parseReference(text.slice(dollar + 2, close));
    if (!ref) {
      return {
        ok: false,
        message: `"${text.slice(dollar, close + 1)}" is not a variable reference: expected \${NAME} or \${NAME:-fallback} (write "$\${" for a literal "\${")`,
      };
    }
    const value = vars[ref.name];
    if (value !== undefined && !(ref.fallback !== undefined && value === '')) out += value;
    else if (ref.fallback !== undefined) out += ref.fallback;
    else return { ok: false, variable: ref.name, message: missingMessage(ref.name) };
    i = close + 1;
  }
  return { ok: true, value: out };
}

/** The variables a template needs (those without a fallback), for checking before they are known. */
export function requiredVariables(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/(\$?)\$\{([^}]*)\}/g)) {
    if (m[1] === '$') continue;
    const ref = parseReference(m[2]);
    if (ref && ref.fallback === undefined) names.push(ref.name);
  }
  return names;
}

/** Whether `text` refers to any variable (`$${` is a literal, not a reference). */
export function hasVariables(text: string): boolean {
  return [...text.matchAll(/\$\$\{|\$\{/g)].some((m) => m[0] === '${');
}

/**
 * Expands `text` or throws a ConfigError naming `keyPath` (and the file and line when given).
 * For callers outside the loader, e.g. a template taken from the config at run time.
 */
export function expandTemplate(text: string, vars: Vars, keyPath: string, where?: { file: string; line?: number }): string {
  const result = expandString(text, vars);
  if (result.ok) return result.value;
  throw new ConfigError(where?.file ?? 'perfgate.yml', [{ path: keyPath, line: where?.line, message: result.message }]);
}

/**
 * Expands the service's templates with the final variables (the environment plus perfgate's
 * exports) and derives baseUrl from ready.url when it was not set. Call it once per service start:
 * expanding twice would expand what `$${` escaped.
 */
export function expandServiceConfig(service: ServiceConfig, vars: Vars): ServiceConfig {
  const issues: ConfigIssue[] = [];
  const expand = (text: string, keyPath: string, from: Vars = vars): string => {
    const result = expandString(text, from);
    if (result.ok) return result.value;
    issues.push({ path: keyPath, line: service.origin?.lines[keyPath], message: result.message });
    return text;
  };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(service.env)) env[name] = expand(value, `service.env.${name}`);
  // What the command's shell will see: the environment the service gets (service/child-env.ts).
  const commandVars: Vars = { ...withoutRunnerCredentials(vars), ...env };
  const command = (text: string, keyPath: string): string => {
    expand(text, keyPath, commandVars); // reports a missing variable now, with file and line
    return shellTemplate(text);
  };
  const readyUrl = expand(service.ready.url, 'service.ready.url');
  const explicitBase = service.baseUrl === '' ? undefined : expand(service.baseUrl, 'service.baseUrl');
  const expanded: ServiceConfig = {
    ...service,
    start: command(service.start, 'service.start'),
    ...(service.build === undefined ? {} : { build: command(service.build, 'service.build') }),
    env,
    ready: { ...service.ready, url: readyUrl },
    baseUrl: '',
  };
  if (issues.length === 0) {
    const ready = httpUrl(readyUrl);
    if (typeof ready === 'string') issues.push({ path: 'service.ready.url', line: service.origin?.lines['service.ready.url'], message: ready });
    if (explicitBase === undefined) {
      if (typeof ready !== 'string') expanded.baseUrl = ready.origin;
    } else {
      const base = httpUrl(explicitBase);
      if (typeof base === 'string') issues.push({ path: 'service.baseUrl', line: service.origin?.lines['service.baseUrl'], message: base });
      else expanded.baseUrl = trimBaseUrl(base);
    }
  }
  if (issues.length > 0) throw new ConfigError(service.origin?.file ?? 'perfgate.yml', issues);
  return expanded;
}

/**
 * A start/build template in the shell's own terms, for `sh -c` with the variables in the
 * environment: `${NAME}` and `${NAME:-fallback}` stay as they are (the shell expands them the same
 * way), and our escape `$${` becomes the shell's `\${`.
 */
export function shellTemplate(text: string): string {
  return text.replaceAll('$${', '\\${');
}

/** Parses an http(s) URL, or returns what was expected instead. */
export function httpUrl(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected an http:// or https:// URL like http://127.0.0.1:3000/health, got ${JSON.stringify(text)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `expected an http:// or https:// URL, got ${JSON.stringify(text)} (protocol ${url.protocol})`;
  }
  return url;
}

/** A base URL keeps its path prefix (http://host/api) but no trailing slash, query or fragment. */
export function trimBaseUrl(url: URL): string {
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function parseReference(inner: string): { name: string; fallback?: string } | undefined {
  const sep = inner.indexOf(':-');
  const name = sep < 0 ? inner : inner.slice(0, sep);
  if (!NAME.test(name)) return undefined;
  return sep < 0 ? { name } : { name, fallback: inner.slice(sep + 2) };
}

function missingMessage(name: string): string {
  if (isRunnerCredential(name)) {
    return (
      `\${${name}} is not available to service commands (perfgate keeps the runner's credentials away from the code ` +
      `under test): to pass it on purpose, set it in service.env, e.g. \`TOKEN: \${${name}}\`, and use \${TOKEN}`
    );
  }
  if (name.startsWith(PERFGATE_EXPORT_PREFIX)) {
    return (
      `\${${name}} is not set: perfgate's own variables exist only in service.start, build, env, ready.url and ` +
      'baseUrl, and PERFGATE_DB_HOST/PERFGATE_DB_PORT only when `database` is configured'
    );
  }
  return `\${${name}} is not set: set ${name} in the environment or write \${${name}:-fallback}`;
}

/** Key paths expanded later by expandServiceConfig, not when the file is loaded. */
export function isDeferredPath(path: readonly (string | number)[]): boolean {
  if (path[0] !== 'service') return false;
  const [, key, sub] = path;
  return (
    (path.length === 2 && (key === 'start' || key === 'build' || key === 'baseUrl')) ||
    (path.length === 3 && key === 'env') ||
    (path.length === 3 && key === 'ready' && sub === 'url')
  );
}

/**
 * Expands every string in a parsed config except the deferred service templates, reporting each
 * failure with its key path. Deferred templates are checked now as far as possible: their syntax,
 * and variables that are neither set nor perfgate's own (PERFGATE_*), so a typo surfaces before
 * anything is started.
 */
export function expandConfigValues(
  value: unknown,
  vars: Vars,
  report: (path: (string | number)[], message: string) => void,
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    if (isDeferredPath(path)) {
      const result = expandString(value, withPerfgateExports(vars));
      if (!result.ok) report(path, result.message);
      return value;
    }
    const result = expandString(value, vars);
    if (result.ok) return result.value;
    report(path, result.message);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => expandConfigValues(item, vars, report, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = expandConfigValues(item, vars, report, [...path, key]);
    return out;
  }
  return value;
}

// Stands in for the exports the pipeline will provide, so only genuinely unknown names fail early.
function withPerfgateExports(vars: Vars): Vars {
  return new Proxy(vars, {
    get: (target, name) =>
      typeof name === 'string' && name.startsWith(PERFGATE_EXPORT_PREFIX) ? (target[name] ?? '') : target[name as string],
  });
}
