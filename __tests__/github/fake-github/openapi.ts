// Validates the fake's responses against GitHub's official OpenAPI description (@octokit/openapi).
// The description is 13 MB: it is parsed once per process and only the schemas actually used are
// compiled (lazily, cached per operation and status).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  responses: Record<string, any>;
}

let loaded: { ajv: Ajv; operations: Operation[] } | undefined;
const cache = new Map<string, ValidateFunction | null>();

function load() {
  if (loaded) return loaded;
  // Read the file directly: the package's index.js would parse all ten descriptions (~500 MB).
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const spec = JSON.parse(readFileSync(file, 'utf8'));
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'gh', components: spec.components }, undefined, undefined, false);
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries<any>(spec.paths)) {
    const regex = new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      if (item[method]) operations.push({ method: method.toUpperCase(), template, regex, responses: item[method].responses });
    }
  }
  // Literal segments beat parameters: /actions/runs/{id} must not match /actions/workflows/{id}/runs
  // by accident, and the most specific template should win.
  operations.sort((a, b) => b.template.replace(/\{[^}]+\}/g, '').length - a.template.replace(/\{[^}]+\}/g, '').length);
  loaded = { ajv, operations };
  return loaded;
}

function rewriteRefs(node: any): any {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `gh${v}` : rewriteRefs(v);
    return out;
  }
  return node;
}

export function findOperation(method: string, pathname: string): Operation | undefined {
  return load().operations.find((op) => op.method === method && op.regex.test(pathname));
}

/**
 * Checks one response. Returns a list of problems (empty when the response is valid): an
 * undocumented status, or a body that does not match the documented schema.
 */
export function validateResponse(method: string, pathname: string, status: number, body: unknown): string[] {
  const { ajv } = load();
  const op = findOperation(method, pathname);
  if (!op) return [`${method} ${pathname}: no such operation in GitHub's OpenAPI description`];
  let response = op.responses[String(status)];
  if (!response) return [`${method} ${op.template}: status ${status} is not documented`];
  if (response.$ref) {
    const name = response.$ref.split('/').pop();
    response = (ajv.getSchema('gh')!.schema as any).components.responses[name];
  }
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) return body === undefined || body === '' ? [] : [`${method} ${op.template} ${status}: documented without a body, but one was sent`];
  const key = `${method} ${op.template} ${status}`;
  let validate = cache.get(key);
  if (validate === undefined) {
    validate = ajv.compile(rewriteRefs(schema));
    cache.set(key, validate);
  }
  if (validate && !validate(body)) {
    return [`${key}: ${ajv.errorsText(validate.errors, { separator: '; ' })}`];
  }
  return [];
}
