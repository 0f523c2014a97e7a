// The service the end-to-end runs benchmark: tiny, no database, answers in microseconds.
// With PERFGATE_E2E_TIMES set, it appends to that file when its process started, when it listened,
// and its first and last request other than /health (bench/action-overhead.ts reads them).
import { appendFileSync } from 'node:fs';
import http from 'node:http';

const timesFile = process.env.PERFGATE_E2E_TIMES;
let first = 0;
let last = 0;

const server = http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  last = Date.now();
  first ||= last;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ hello: req.url }));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  if (timesFile) appendFileSync(timesFile, JSON.stringify({ pid: process.pid, started: Math.round(performance.timeOrigin), listening: Date.now() }) + '\n');
});
process.on('SIGTERM', () => {
  if (timesFile) appendFileSync(timesFile, JSON.stringify({ pid: process.pid, firstRequest: first, lastRequest: last }) + '\n');
  server.close(() => process.exit(0));
});
