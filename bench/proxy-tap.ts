// In-process cost of the Postgres tap per pgbench -S extended transaction (client's
// Parse/Bind/Describe/Execute/Sync and the server's reply), against a pass-through tap as the peer.
//   node --import tsx bench/proxy-tap.ts
import { performance } from 'node:perf_hooks';
import { createPostgresTap } from '../src/queries/postgres/tap.js';
import type { WireTap } from '../src/queries/types.js';
import { be, fe } from '../__tests__/queries/pg-messages.js';

const client = Buffer.concat([
  fe.parse('', 'SELECT abalance FROM pgbench_accounts WHERE aid = $1;'),
  fe.bind('', '', ['12345']),
  fe.describe('P', ''),
  fe.execute(),
  fe.sync(),
]);
const server = Buffer.concat([be.parseComplete(), be.bindComplete(), be.dataRow('0'), be.commandComplete('SELECT 1'), be.ready()]);
const N = 200_000;

function measure(tap: WireTap): number {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    tap.fromClient(client);
    tap.fromServer(server);
  }
  return ((performance.now() - t0) * 1000) / N;
}

let counted = 0;
const pgTap = createPostgresTap(1, () => counted++);
pgTap.fromClient(fe.startup());
const passThrough: WireTap = { fromClient: (c) => ({ forward: c }), fromServer: (c) => ({ forward: c }) };
for (let round = 1; round <= 3; round++) {
  const tap = measure(pgTap);
  const peer = measure(passThrough);
  console.log(`round ${round}: postgres tap ${tap.toFixed(2)} µs/transaction, pass-through ${peer.toFixed(2)} µs, difference ${(tap - peer).toFixed(2)} µs`);
}
if (counted !== 3 * N) throw new Error(`tap counted ${counted}, expected ${3 * N}`);
