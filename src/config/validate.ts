// Checks a parsed perfgate.yml against ConfigSchema with ajv and turns ajv's errors into messages a
// user can act on: which key, what was expected, what was found, and a "did you mean" for typos.
// Pure: no I/O.
import type { ErrorObject } from 'ajv';
import { validate } from './config-validator.generated.js';
import { describeValue } from './durations.js';
import type { Anchor, KeyPath } from './locate.js';
import { explainKeyPattern, explainPattern } from './rules.js';

export interface SchemaProblem {
  path: KeyPath;
  anchor: Anchor;
  message: string;
}

/** Every way `data` misses the schema, one problem per offending key. */
export function schemaProblems(data: unknown): SchemaProblem[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const consumed = new Set<ErrorObject>();
  const problems: SchemaProblem[] = [];
  // A union (anyOf) fails as a whole: its branch errors are explained together, once.
  for (const error of errors) {
    if (error.keyword !== 'anyOf') continue;
    const branches = errors.filter((e) => e !== error && e.schemaPath.startsWith(`${error.schemaPath}/`));
    branches.forEach((e) => consumed.add(e));
    consumed.add(error);
    problems.push({ path: toKeyPath(data, error.instancePath), anchor: 'value', message: explainUnion(error, branches) });
  }
  for (const error of errors) {
    if (consumed.has(error)) continue;
    problems.push(explain(data, error));
  }
  return dedupe(problems);
}

function explain(data: unknown, error: ErrorObject): SchemaProblem {
  const path = toKeyPath(data, error.instancePath);
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const got = describeValue(error.data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const keyPattern = Object.keys(parent.patternProperties ?? {})[0];
      if (keyPattern && !parent.properties) {
        const expected = explainKeyPattern(keyPattern) ?? `a key matching ${keyPattern}`;
        return { path: [...path, key], anchor: 'key', message: `${JSON.stringify(key)} is not a valid key here: expected ${expected}` };
      }
      const allowed = Object.keys(parent.properties ?? {});
      return {
        path: [...path, key],
        anchor: 'key',
        message: `unknown key ${JSON.stringify(key)} (expected one of: ${allowed.join(', ')})${didYouMean(key, allowed)}`,
      };
    }
    case 'required': {
      const key = String(error.params.missingProperty);
      const description = parent.properties?.[key]?.description;
      return {
        path: [...path, key],
        anchor: 'parent',
        message: `missing required key ${JSON.stringify(key)}${description ? `: expected ${summary(description)}` : ''}`,
      };
    }
    case 'type': {
      const fromPattern = parent.pattern ? explainPattern(parent.pattern, error.data) : undefined;
      const expected = describeTypes([String(error.params.type)]);
      return { path, anchor: 'value', message: fromPattern ?? `expected ${expected}, got ${got}` };
    }
    case 'pattern': {
      const pattern = String(error.params.pattern);
      return { path, anchor: 'value', message: explainPattern(pattern, error.data) ?? `expected text matching /${pattern}/, got ${got}` };
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const typo = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      return { path, anchor: 'value', message: `expected one of: ${allowed.join(', ')}, got ${got}${typo}` };
    }
    case 'const':
      return { path, anchor: 'value', message: `expected ${JSON.stringify(error.params.allowedValue)}, got ${got}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const kind = parent.type === 'integer' ? 'a whole number' : 'a number';
      return { path, anchor: 'value', message: `expected ${kind} ${error.params.comparison} ${error.params.limit}, got ${got}` };
    }
    case 'minItems':
      return { path, anchor: 'value', message: `expected at least ${error.params.limit} item(s), got ${itemCount(error.data)}` };
    case 'minLength':
      return { path, anchor: 'value', message: `expected a non-empty string, got ${got}` };
    case 'uniqueItems': {
      const later = Math.max(Number(error.params.i), Number(error.params.j));
      return {
        path: [...path, later],
        anchor: 'value',
        message: `duplicate entry ${describeValue((error.data as unknown[])[later])}: expected each value once`,
      };
    }
    default:
      return { path, anchor: 'value', message: `${error.message ?? 'invalid value'}, got ${got}` };
  }
}

interface SchemaNode {
  type?: string;
  pattern?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
}

function explainUnion(error: ErrorObject, branches: ErrorObject[]): string {
  const union = (error.parentSchema ?? {}) as SchemaNode;
  const options = union.anyOf ?? [];
  const numberAllowed = options.some((o) => o.type === 'number' || o.type === 'integer');
  const patterned = options.find((o) => o.pattern !== undefined);
  if (patterned?.pattern) {
    const message = explainPattern(patterned.pattern, error.data, numberAllowed);
    if (message) return message;
  }
  const types = options.map((o) => o.type).filter((t): t is string => t !== undefined);
  const limits = branches.filter((b) => b.keyword === 'minimum').map((b) => ` ${b.params.comparison} ${b.params.limit}`);
  return `expected ${describeTypes(types)}${limits[0] ?? ''}, got ${describeValue(error.data)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'an empty value',
  object: 'a mapping (key: value)',
  array: 'a list',
};

function describeTypes(types: string[]): string {
  const names = [...new Set(types.map((t) => TYPE_NAMES[t] ?? t))];
  if (names.length <= 1) return names[0] ?? 'a different value';
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function toKeyPath(data: unknown, pointer: string): KeyPath {
  const path: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path.push(Number(seg));
      node = node[Number(seg)];
    } else {
      path.push(seg);
      node = (node as Record<string, unknown> | undefined)?.[seg];
    }
  }
  return path;
}

function dedupe(problems: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path.join('\u0000')}\u0001${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function itemCount(value: unknown): string {
  return Array.isArray(value) && value.length === 0 ? 'an empty list' : describeValue(value);
}

// The first clause of a schema description, to say what a missing key should hold.
function summary(description: string): string {
  const clause = description.split(/ \(|\. |[:;]/)[0].replace(/\.$/, '');
  return clause.charAt(0).toLowerCase() + clause.slice(1);
}

/** `; did you mean "duration"?` when one allowed word is a small edit away from `word`. */
export function didYouMean(word: string, allowed: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  const tolerance = Math.max(1, Math.floor(word.length / 3));
  return best !== undefined && bestDistance <= tolerance ? `; did you mean ${JSON.stringify(best)}?` : '';
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions ("strat" → "start" is 1).
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
