// Reads perfgate.yml into the normalized PerfgateConfig. Every problem — YAML syntax, unknown key,
// wrong type, bad duration, missing key, duplicate scenario, bad upstream — becomes one ConfigError
// listing each issue with the file, line, key path and what was expected.
import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type YAMLError } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { expandConfigValues, hasVariables, type Vars } from './expand.js';
import { Locator, formatPath, type KeyPath } from './locate.js';
import { normalizeConfig } from './normalize.js';
import type { RawConfig } from './schema.js';
import type { PerfgateConfig } from './types.js';
import { schemaProblems } from './validate.js';

/** The file `perfgate run` reads when no `-c` is given. */
export const DEFAULT_CONFIG_FILE = 'perfgate.yml';

export interface LoadOptions {
  /** Variables for `${VAR}` expansion (default: process.env). */
  env?: Vars;
}

/** Reads and parses a config file. A missing or unreadable file is a ConfigError too. */
export async function loadConfig(file: string, opts: LoadOptions = {}): Promise<PerfgateConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `config file not found: expected a perfgate.yml here, or pass its path with -c (see docs/configuration.md)`
        : code === 'EISDIR'
          ? 'expected a config file, got a directory (pass the file, e.g. -c dir/perfgate.yml)'
          : `cannot read the config file: ${(err as Error).message}`;
    throw new ConfigError(file, [{ path: '', message }]);
  }
  return parseConfig(text, file, opts.env ?? process.env);
}

/**
 * Parses config text. `file` names the source in messages and anchors relative paths (service.cwd,
 * baseline.file); `env` supplies `${VAR}` values. Pure apart from resolving `file` to an absolute path.
 */
export function parseConfig(text: string, file: string, env: Vars): PerfgateConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const locator = new Locator(doc, lineCounter);
  if (doc.errors.length > 0) throw new ConfigError(file, doc.errors.map((e) => yamlIssue(e, locator, text)));

  keepNumberText(doc.contents, []);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    // yaml names no position for an alias whose anchor comes later (or never): find it ourselves.
    const unresolved: ConfigIssue[] = [];
    visit(doc, {
      Alias(_key, alias) {
        if (alias.resolve(doc) !== undefined) return;
        const line = alias.range ? lineCounter.linePos(alias.range[0]).line : undefined;
        unresolved.push({ path: '', line, message: `alias *${alias.source} has no anchor &${alias.source} before it: define the anchor first` });
      },
    });
    if (unresolved.length > 0) throw new ConfigError(file, unresolved);
    throw new ConfigError(file, [{ path: '', message: `cannot read the YAML: ${(err as Error).message}` }]);
  }
  if (raw === null || raw === undefined) {
    throw new ConfigError(file, [
      { path: '', line: 1, message: 'the file is empty: expected a mapping with at least service.start and scenarios' },
    ]);
  }

  const issues: ConfigIssue[] = [];
  const at = (path: KeyPath, anchor: 'key' | 'value' | 'parent', message: string) => {
    const pos = locator.position(path, anchor);
    issues.push({ path: formatPath(path), line: pos?.line, column: pos?.column, message });
  };
  const expanded = expandConfigValues(raw, env, (path, message) => at(path, 'value', message));
  const expansionFailed = new Set(issues.map((i) => i.path));
  for (const problem of schemaProblems(expanded)) {
    // An unexpanded `${VAR}` also fails its pattern; the expansion error already says why.
    if (!expansionFailed.has(formatPath(problem.path))) at(problem.path, problem.anchor, problem.message);
  }
  if (issues.length > 0) throw new ConfigError(file, sortByLine(issues));

  const result = normalizeConfig(expanded as RawConfig, file, locator);
  if (result.config === undefined) throw new ConfigError(file, sortByLine(result.issues));
  // Requests are sent expanded but shown as written, so a secret in a path stays out of results and reports.
  result.config.scenarios.forEach((s, i) => {
    const template = (raw as RawConfig).scenarios[i]?.request.path;
    if (typeof template === 'string' && hasVariables(template)) s.request.shownPath = template;
  });
  return result.config;
}

/** Mappings whose values are strings handed on verbatim (environment variables, HTTP headers). */
const VERBATIM_MAPS = new Set(['env', 'headers']);

/**
 * In env and headers a value is text, however it looks: `MODE: 0755`, `X-Id: 007` and `V: 1.10`
 * must arrive as written, not as the numbers YAML reads (755, 7, 1.1). The scalar's source text is kept.
 */
function keepNumberText(node: unknown, path: readonly string[]): void {
  if (isMap(node)) {
    const verbatim = VERBATIM_MAPS.has(path[path.length - 1] ?? '');
    for (const pair of node.items) {
      const value = pair.value;
      if (verbatim && isScalar(value) && typeof value.value === 'number' && typeof value.source === 'string') value.value = value.source;
      else keepNumberText(value, [...path, isScalar(pair.key) ? String(pair.key.value) : '']);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) keepNumberText(item, [...path, '[]']);
  }
}

function yamlIssue(error: YAMLError, locator: Locator, text: string): ConfigIssue {
  const offset = error.pos[0];
  const { line, column } = locator.positionOfOffset(offset);
  let message = error.code === 'DUPLICATE_KEY' ? 'duplicate key: expected each key once per mapping' : `YAML syntax error: ${error.message}`;
  const source = text.split(/\r?\n/)[line - 1] ?? '';
  // `rps: >= 1500` starts a YAML block scalar; the fix is not obvious from the parser's message.
  if (/:\s*[>|]=/.test(source)) message += ` (quote values starting with ">" or "|", e.g. rps: ">= 1500")`;
  return { path: formatPath(locator.pathAt(offset)), line, column, message };
}

function sortByLine(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
