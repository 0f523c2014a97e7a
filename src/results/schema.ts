// JSON Schema of results files as they are READ back (baselines, artifacts from other runs, which a
// fork PR can forge): required structure and types are checked, unknown fields are allowed so a newer
// perfgate's results still load. The TypeScript interfaces in types.ts describe what we WRITE.
import { Type, type TSchema } from '@sinclair/typebox';

const Num = Type.Number();
const NonNegInt = Type.Integer({ minimum: 0 });
const Latency = Type.Object({ p50: Num, p90: Num, p99: Num, max: Num });
const Round = Type.Object({
  rps: Num,
  latencyUs: Latency,
  requests: NonNegInt,
  errors: NonNegInt,
  non2xx: NonNegInt,
  durationMs: Type.Optional(Num),
  cpuUsPerRequest: Type.Optional(Num),
  peakRssBytes: Type.Optional(Num),
  clientCpuUsPerRequest: Type.Optional(Num),
});
// Database time (src/queries/db-time.ts): read by the per-statement comparison, so bounded too.
const Samples = Type.Array(Num, { maxItems: 1000 });
const StatementTime = Type.Object({ calls: Num, callsPerRequest: Num, perRequestUs: Num, p50Us: Num, p99Us: Num, samplesUs: Samples });
const Statement = Type.Object({
  fingerprint: Type.String({ maxLength: 200 }),
  sql: Type.String({ maxLength: 100_000 }),
  count: Num,
  time: Type.Optional(StatementTime),
});
const Plan = Type.Object({
  fingerprint: Type.String({ maxLength: 200 }),
  sql: Type.String({ maxLength: 100_000 }),
  text: Type.Optional(Type.String({ maxLength: 200_000 })),
  error: Type.Optional(Type.String({ maxLength: 10_000 })),
  flags: Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 100 }),
});
const Load = Type.Object({
  rounds: Type.Array(Round, { maxItems: 10_000 }),
  rps: Num,
  latencyUs: Latency,
  requests: Type.Optional(NonNegInt),
  errors: NonNegInt,
  non2xx: Type.Optional(NonNegInt),
  cpuUsPerRequest: Type.Optional(Num),
  peakRssBytes: Type.Optional(Num),
  warnings: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 100 })),
});
const Queries = Type.Object({
  perRequest: Num,
  stable: Type.Boolean(),
  probes: NonNegInt,
  statements: Type.Array(Statement, { maxItems: 10_000 }),
  nPlusOne: Type.Array(Statement, { maxItems: 10_000 }),
  duplicates: Type.Optional(Type.Array(Statement, { maxItems: 10_000 })),
  dbTimeUs: Type.Optional(Num),
  perProbeDbTimeUs: Type.Optional(Samples),
  latencyUs: Type.Optional(Num),
  perProbeLatencyUs: Type.Optional(Samples),
  plans: Type.Optional(Type.Array(Plan, { maxItems: 1000 })),
});
const Scenario = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 500 }),
  request: Type.Optional(Type.Object({ method: Type.String({ maxLength: 20 }), path: Type.String({ maxLength: 8000 }) })),
  load: Type.Optional(Load),
  solo: Type.Optional(Load),
  queries: Type.Optional(Queries),
  // The confidence the verdict is made from comes from here: a forged file must not make it laxer.
  stop: Type.Optional(
    Type.Object({
      rounds: NonNegInt,
      looks: Type.Integer({ minimum: 1, maximum: 1000 }),
      maxLooks: Type.Integer({ minimum: 1, maximum: 1000 }),
      confidence: Type.Number({ minimum: 0.5, exclusiveMaximum: 1 }),
      reason: Type.String({ maxLength: 50 }),
    }),
  ),
  error: Type.Optional(Type.String({ maxLength: 100_000 })),
});
export const ResultsFileSchema: TSchema = Type.Object({
  schema: Type.Literal('perfgate/results@1'),
  tool: Type.Object({ name: Type.String(), version: Type.String() }),
  meta: Type.Object({
    commit: Type.Optional(Type.String({ maxLength: 200 })),
    ref: Type.Optional(Type.String({ maxLength: 500 })),
    timestamp: Type.String(),
    runner: Type.Object({ os: Type.String(), cpus: Num, node: Type.String() }),
  }),
  scenarios: Type.Array(Scenario, { maxItems: 1000 }),
  base: Type.Optional(Type.Object({ scenarios: Type.Array(Scenario, { maxItems: 1000 }) })),
});
