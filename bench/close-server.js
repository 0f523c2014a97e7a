// The trivial server bench/close-vs-wrk.ts drives: one small response with `Connection: close`, as
// gunicorn's sync worker answers, so every request needs a new connection. Counts the requests it
// answered and reports the count over the IPC channel when asked: the reference for lost requests.
// Prints its port on stdout.
import http from 'node:http';

const body = Buffer.from('{"ok":true}');
let answered = 0;
const server = http.createServer((_req, res) => {
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', body.length);
  res.setHeader('Connection', 'close');
  res.on('finish', () => answered++);
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('message', () => process.send?.({ answered }));
process.on('SIGTERM', () => process.exit(0));
