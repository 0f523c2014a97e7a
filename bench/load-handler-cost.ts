// What perfgate adds to autocannon's per-request path: the `response` listener (RoundTally) that
// records each latency into the µs histogram. Emits the event the way autocannon does (an
// EventEmitter with the same arguments), with and without our listener, interleaved.
//   node --import tsx bench/load-handler-cost.ts [--events 5000000] [--reps 5]
import { EventEmitter } from 'node:events';
import { parseArgs } from 'node:util';
import { RoundTally } from '../src/load/tally.js';

const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '5000000' }, reps: { type: 'string', default: '5' } },
});
const events = Number(args.events);
const reps = Number(args.reps);

const bare = new EventEmitter();
// Bare autocannon emits 'response' to no listener; perfgate adds exactly one.
const withTally = new EventEmitter();
const tally = new RoundTally();
withTally.on('response', tally.onResponse);

function nsPerEvent(ee: EventEmitter): number {
  const client = {};
  const start = process.hrtime.bigint();
  // Latencies spread over 50–1100 µs so the histogram touches many buckets, as a real run does.
  for (let i = 0; i < events; i++) ee.emit('response', client, 200, 120, 0.05 + (i & 1023) / 1000);
  return Number(process.hrtime.bigint() - start) / events;
}

const extra: number[] = [];
for (let r = 0; r < reps; r++) {
  const a = nsPerEvent(bare);
  const b = nsPerEvent(withTally);
  extra.push(b - a);
  console.error(`rep ${r + 1}/${reps}: bare emit ${a.toFixed(1)} ns, with RoundTally ${b.toFixed(1)} ns`);
}
extra.sort((x, y) => x - y);
const median = extra[extra.length >> 1];
console.log(`perfgate adds a median ${median.toFixed(1)} ns per response (${reps} reps × ${events} events)`);
console.log(
  `against autocannon's ~10 µs of client CPU per request (bench/load-vs-peers.ts) that is ` +
    `${((median / 10_000) * 100).toFixed(2)}%`,
);
