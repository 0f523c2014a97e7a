// The config module's public surface.
export { DEFAULT_CONFIG_FILE, loadConfig, parseConfig, type LoadOptions } from './load.js';
export { expandServiceConfig, expandTemplate, expandString, type Vars } from './expand.js';
export { configJsonSchema } from './json-schema.js';
export { parseDurationMs, parseDurationUs, parseMinRate, parsePercent, parseSizeBytes, parseHostPort } from './durations.js';
export type * from './types.js';
