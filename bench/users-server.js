// The shared-resource condition of bench/verdicts-aa-power.ts: one endpoint that looks a user up by
// email (`SELECT … FROM users WHERE email = $1`) in the database named by DATABASE_URL. Base and head
// each get their own database on the same PostgreSQL server; head's has no index on users.email, so
// each of its requests scans 100k rows — CPU of the database server that base's queries need too.
// The bench creates and seeds both databases before the service starts.
//
//   DATABASE_URL=postgres://… PORT=3000 node users-server.js
//   GET /health · GET /user?email=user42@example.com
import http from 'node:http';
import pg from 'pg';

function start() {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 8 });
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://users');
    try {
      if (url.pathname === '/health') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
        return;
      }
      if (req.method === 'GET' && url.pathname === '/user') {
        const { rows } = await pool.query('SELECT id, email, name FROM users WHERE email = $1', [url.searchParams.get('email') ?? '']);
        const body = JSON.stringify(rows[0] ?? null);
        res.writeHead(rows[0] ? 200 : 404, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
        return;
      }
      res.writeHead(404).end();
    } catch (error) {
      console.error(`users: ${req.url} failed: ${error.stack ?? error}`);
      res.writeHead(500).end();
    }
  });
  server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  const stop = () => {
    server.close(() => pool.end().then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) start();
