// Would relaying in several processes beat one? pgbench -S -M extended -c 4 direct, through one
// relay process (this one), and through two cluster workers that share the listening port
// (round-robin accept: each worker relays about half of the connections). The relay is a plain
// 'data'-event relay that parses nothing, so the figure is about process count alone.
// docs/benchmarks.md, "Postgres proxy", has the result and why the proxy stays one process.
//   node --import tsx bench/proxy-processes.ts [--rounds 4] [--seconds 5]
import cluster from 'node:cluster';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { median } from '../src/compare/stats.js';

function relayServer(upstreamPort: number): net.Server {
  return net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: upstreamPort, noDelay: true });
    const pipe = (from: net.Socket, to: net.Socket) =>
      from.on('data', (d) => {
        if (!to.write(d)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
      });
    pipe(client, upstream);
    pipe(upstream, client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
}

if (cluster.isWorker) {
  relayServer(Number(process.env.UPSTREAM_PORT)).listen(Number(process.env.LISTEN_PORT), '127.0.0.1');
} else {
  const arg = (name: string, def: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    return i === -1 ? def : Number(process.argv[i + 1]);
  };
  const ROUNDS = arg('rounds', 4);
  const SECONDS = arg('seconds', 5);
  const { startEmbeddedPostgres } = await import('../src/demo/embedded-postgres.js');
  const db = await startEmbeddedPostgres();
  const env = { ...process.env, PGPASSWORD: db.password, PGSSLMODE: 'disable' };
  try {
    spawnSync('pgbench', ['-h', '127.0.0.1', '-p', String(db.port), '-U', db.user, '-i', '-s', '1', '-q', db.database], { env });
    const single = relayServer(db.port);
    await new Promise<void>((resolve) => single.listen(0, '127.0.0.1', () => resolve()));
    const singlePort = (single.address() as net.AddressInfo).port;
    const free = net.createServer();
    const clusterPort = await new Promise<number>((resolve) => free.listen(0, '127.0.0.1', () => resolve((free.address() as net.AddressInfo).port)));
    await new Promise((resolve) => free.close(resolve));
    cluster.schedulingPolicy = cluster.SCHED_RR;
    const workers = [0, 1].map(() => cluster.fork({ LISTEN_PORT: String(clusterPort), UPSTREAM_PORT: String(db.port) }));
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('listening', resolve))));
    const tps = (port: number): Promise<number> =>
      new Promise((resolve, reject) => {
        const child = spawn('pgbench', ['-h', '127.0.0.1', '-p', String(port), '-U', db.user, '-n', '-S', '-M', 'extended', '-c', '4', '-j', '2', '-T', String(SECONDS), db.database], { env });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => (code === 0 ? resolve(Number(/tps = ([\d.]+)/.exec(out)?.[1])) : reject(new Error(out))));
      });
    const ratios = { one: [] as number[], two: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      const direct = await tps(db.port);
      const one = await tps(singlePort);
      const two = await tps(clusterPort);
      ratios.one.push(one / direct);
      ratios.two.push(two / direct);
      console.log(`round ${r + 1}: direct ${direct.toFixed(0)}, one process ${one.toFixed(0)}, two processes ${two.toFixed(0)}`);
    }
    console.log(`median ratio to direct: one process ${median(ratios.one).toFixed(2)}×, two processes ${median(ratios.two).toFixed(2)}×`);
    for (const w of workers) w.kill();
    single.close();
  } finally {
    await db.stop();
  }
  process.exit(0);
}
