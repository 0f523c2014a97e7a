// CPU cost of the MySQL tap alone (no sockets): one COM_QUERY and its reply, replayed through a tap
// in command phase, for a one-row and a 50-row text result set. Measured as process CPU time, so
// other load on a shared machine inflates it less than wall time would.
//   node --import tsx bench/mysql-tap-cost.ts
import { MysqlTap } from '../src/queries/mysql/tap.js';
import { encodePacket } from '../src/queries/mysql/framer.js';
import { Capability } from '../src/queries/mysql/packets.js';

function connectedTap(onStatement: () => void): MysqlTap {
  const tap = new MysqlTap(1, onStatement);
  const caps = Capability.CLIENT_PROTOCOL_41 | Capability.CLIENT_SECURE_CONNECTION | Capability.CLIENT_PLUGIN_AUTH;
  const greeting = Buffer.concat([Buffer.from([10]), Buffer.from('10.11\0'), Buffer.alloc(4), Buffer.alloc(8), Buffer.from([0]), u16(caps & 0xffff), Buffer.from([45]), u16(2), u16(caps >>> 16), Buffer.from([21]), Buffer.alloc(10), Buffer.alloc(13), Buffer.from('mysql_native_password\0')]);
  tap.fromServer(encodePacket(greeting, 0));
  const response = Buffer.alloc(32);
  response.writeUInt32LE(caps, 0);
  tap.fromClient(encodePacket(Buffer.concat([response, Buffer.from('app\0'), Buffer.from([0])]), 1));
  tap.fromServer(encodePacket(Buffer.from([0, 0, 0, 2, 0, 0, 0]), 2));
  return tap;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}

function reply(rows: number): Buffer {
  const def = Buffer.concat([Buffer.from([3]), Buffer.from('def'), Buffer.alloc(40, 1)]);
  const eof = Buffer.from([0xfe, 0, 0, 2, 0]);
  const row = Buffer.from([2, 0x34, 0x32, 6, 0x62, 0x6f, 0x6f, 0x6b, 0x20, 0x34]);
  return Buffer.concat([
    encodePacket(Buffer.from([2]), 1),
    encodePacket(def, 2),
    encodePacket(def, 3),
    encodePacket(eof, 4),
    ...Array.from({ length: rows }, (_, i) => encodePacket(row, 5 + i)),
    encodePacket(eof, 5 + rows),
  ]);
}

const query = encodePacket(Buffer.concat([Buffer.from([3]), Buffer.from('SELECT id, title FROM books WHERE id = 42')]), 0);
for (const rows of [1, 50]) {
  let statements = 0;
  const tap = connectedTap(() => statements++);
  const r = reply(rows);
  const n = rows === 1 ? 500_000 : 100_000;
  for (let i = 0; i < 10_000; i++) tap.fromClient(query), tap.fromServer(r); // warm up the JIT
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) tap.fromClient(query), tap.fromServer(r);
  const used = process.cpuUsage(before);
  if (statements !== n + 10_000) throw new Error(`counted ${statements}, expected ${n + 10_000}`);
  console.log(`${String(rows).padStart(2)}-row result: ${(((used.user + used.system) * 1000) / n).toFixed(0)} ns CPU per statement (query + reply through the tap)`);
}
