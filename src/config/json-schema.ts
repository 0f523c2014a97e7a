// `perfgate schema`: the JSON Schema editors use for completion and validation of perfgate.yml,
// derived from the same TypeBox schema the loader validates with.
import { ConfigSchema } from './schema.js';

// A URN, not a URL: the schema is not hosted anywhere; users write it next to their config with
// `perfgate schema > perfgate.schema.json` and point their editor at that file.
export const CONFIG_SCHEMA_ID = 'urn:perfgate:config:v1';

export function configJsonSchema(): Record<string, unknown> {
  // Round-tripping through JSON drops TypeBox's symbol-keyed metadata and copies the schema, so
  // callers cannot mutate the one the loader validates with.
  const schema = JSON.parse(JSON.stringify(ConfigSchema)) as Record<string, unknown>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: CONFIG_SCHEMA_ID,
    ...schema,
  };
}
