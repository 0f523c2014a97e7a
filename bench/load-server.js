// The trivial server the load benchmark drives: one small keep-alive response, nothing else, so the
// numbers measure the load generators. Run as its own process so it has its own core; prints its
// port on stdout.
import http from 'node:http';

const body = Buffer.from('{"ok":true}');
const server = http.createServer((_req, res) => {
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', body.length);
  res.end(body);
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
