// JSON Schema of results files as they are READ back (baselines, artifacts from other runs, which a
// fork PR can forge): required structure and types are checked, unknown fields are allowed so a newer
// perfgate's results still load. The TypeScript interfaces in types.ts describe what we WRITE.
// Every number is finite (io.ts turns on ajv's strictNumbers: JSON.parse reads 1e999 as Infinity)
// and not negative: no measured quantity here can be below zero, and a forged -5 µs p99 would pass
// any budget. Every string has a length cap, so no field can push the report's tables out of the
// comment size limit.
import { Type, type TSchema } from '@sinclair/typebox';

const Num = Type.Number({ minimum: 0 });
/** A short label: runner OS, Node version, tool name and version, CPU model, timestamp. */
const Label = Type.String({ maxLength: 200 });
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
  processPair: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});
// Database time (src/queries/db-time.ts): read by the per-statement comparison, so bounded too.
const Samples = Type.Array(Num, { maxItems: 1000 });
const StatementTime = Type.Object({ calls: Num, callsPerRequest: Num, perRequestUs: Num, p50Us: Num, p99Us: Num, samplesUs: Samples });
const Statement = Type.Object({
  fingerprint: Type.String({ maxLength: 200 }),
  sql: Type.String({ maxLength: 100_000 }),
  count: Num,
  distinctParams: Type.Optional(NonNegInt),
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
  transactionControl: Type.Optional(Num),
  background: Type.Optional(Num),
});
const Scenario = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 500 }),
  request: Type.Optional(Type.Object({ method: Type.String({ maxLength: 20 }), path: Type.String({ maxLength: 8000 }) })),
  load: Type.Optional(Load),
  solo: Type.Optional(Load),
  queries: Type.Optional(Queries),
  error: Type.Optional(Type.String({ maxLength: 100_000 })),
  // The confidence the verdict is made from comes from here: a forged file must not make it laxer
  // (compare.ts never goes below 99% either).
  stop: Type.Optional(
    Type.Object({
      schedule: Type.Optional(Type.String({ maxLength: 40 })),
      rounds: NonNegInt,
      processPairs: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
      restartMs: Type.Optional(Num),
      looks: Type.Integer({ minimum: 1, maximum: 10_000 }),
      maxLooks: Type.Integer({ minimum: 1, maximum: 10_000 }),
      confidence: Type.Number({ minimum: 0.5, exclusiveMaximum: 1 }),
      reason: Type.String({ maxLength: 40 }),
      regressed: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 })),
      pending: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 })),
      ruledOut: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 })),
      roundMs: Type.Optional(Num),
      roundSizing: Type.Optional(Type.String({ maxLength: 500 })),
    }),
  ),
});
export const ResultsFileSchema: TSchema = Type.Object({
  schema: Type.Literal('perfgate/results@1'),
  tool: Type.Object({ name: Label, version: Label }),
  meta: Type.Object({
    commit: Type.Optional(Type.String({ maxLength: 200 })),
    ref: Type.Optional(Type.String({ maxLength: 500 })),
    timestamp: Label,
    runner: Type.Object({ os: Label, cpus: Num, cpuModel: Type.Optional(Label), node: Label }),
    configFile: Type.Optional(Type.String({ maxLength: 4096 })),
    mode: Type.Optional(Type.String({ maxLength: 40 })),
    schedule: Type.Optional(Type.String({ maxLength: 40 })),
  }),
  scenarios: Type.Array(Scenario, { maxItems: 1000 }),
  base: Type.Optional(
    Type.Object({ commit: Type.Optional(Type.String({ maxLength: 200 })), ref: Type.Optional(Type.String({ maxLength: 500 })), scenarios: Type.Array(Scenario, { maxItems: 1000 }) }),
  ),
});
