// `perfgate proxy`: the interactive N+1 inspector. Statements stream to stderr as they pass; on
// SIGINT/SIGTERM the JSON summary goes to stdout (docs/queries.md, "`perfgate proxy`").
import { UsageError } from '../errors.js';
import { runInspector } from './inspector.js';

export function parseHostPort(value: string, what: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) throw new UsageError(`${what} must be HOST:PORT (e.g. 127.0.0.1:5432), got "${value}"`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

export async function runProxyCommand(opts: { upstream: string; listen: string; protocol: 'postgres' | 'mysql'; progress: (l: string) => void }): Promise<number> {
  const upstream = parseHostPort(opts.upstream, '--upstream');
  const listenPort = Number(opts.listen);
  if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65535) throw new UsageError(`--listen must be a port number, got "${opts.listen}"`);
  const inspector = await runInspector({ upstream, listenPort, protocol: opts.protocol, out: (line) => process.stderr.write(line + '\n') });
  opts.progress(`listening on 127.0.0.1:${inspector.port}, relaying to ${upstream.host}:${upstream.port} (${opts.protocol}); Ctrl-C for the summary`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const summary = await inspector.stop();
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  return 0;
}
