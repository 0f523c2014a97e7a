// `perfgate compare` without `-c`: thresholds and failOn come from the same defaults a config file
// would get, so there is one source of defaults (the schema), not a second copy here.
import { stringify } from 'yaml';
import { parseConfig } from './load.js';
import type { PerfgateConfig } from './types.js';
import type { Results } from '../results/types.js';

export function defaultsConfigFor(head: Results, source: string): PerfgateConfig {
  const seen = new Set<string>();
  const scenarios = head.scenarios
    .filter((s) => !seen.has(s.name) && seen.add(s.name))
    .map((s) => ({ name: s.name, request: { method: s.request?.method ?? 'GET', path: s.request?.path?.startsWith('/') ? s.request.path : '/' } }));
  const text = stringify({ service: { start: 'true' }, scenarios: scenarios.length > 0 ? scenarios : [{ name: 'none', request: { path: '/' } }] });
  return parseConfig(text, `${source} (defaults)`, {});
}
