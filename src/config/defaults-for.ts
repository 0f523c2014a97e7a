// `perfgate compare` without `-c`: thresholds and failOn come from the same defaults a config file
// would get, so there is one source of defaults (the schema), not a second copy here.
import { stringify } from 'yaml';
import { parseConfig } from './load.js';
import { HTTP_METHODS } from './rules.js';
import type { PerfgateConfig } from './types.js';
import type { Results } from '../results/types.js';

/**
 * Names and paths in results were expanded when they were measured: a `${` in them is literal text
 * (written `$${` in the config). The rebuilt config is expanded again, so it gets that escape back.
 */
function literal(text: string): string {
  return text.replaceAll('${', () => '$${'); // a function: in a replacement string "$$" means "$"
}

/** The method only labels the scenario here; one the config schema does not know must not fail the compare. */
function knownMethod(method: string | undefined): string {
  return (HTTP_METHODS as readonly string[]).includes(method ?? '') ? method! : 'GET';
}

export function defaultsConfigFor(head: Results, source: string): PerfgateConfig {
  const seen = new Set<string>();
  const scenarios = head.scenarios
    .filter((s) => !seen.has(s.name) && seen.add(s.name))
    .map((s) => ({
      name: literal(s.name),
      request: { method: knownMethod(s.request?.method), path: s.request?.path?.startsWith('/') ? literal(s.request.path) : '/' },
    }));
  const text = stringify({ service: { start: 'true' }, scenarios: scenarios.length > 0 ? scenarios : [{ name: 'none', request: { path: '/' } }] });
  return parseConfig(text, `${source} (defaults)`, {});
}
