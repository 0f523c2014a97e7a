// Real HTTP servers on 127.0.0.1 for the load tests, each answering in one particular way.
import http from 'node:http';
import net from 'node:net';

export interface TestServer {
  baseUrl: string;
  close(): Promise<void>;
}

export async function httpServer(
  handler: http.RequestListener,
  configure: (server: http.Server) => void = () => {},
): Promise<TestServer> {
  const server = http.createServer(handler);
  // Longer than any round here, so keep-alive never ends a connection mid-test.
  server.keepAliveTimeout = 30_000;
  configure(server);
  return listen(server, () => {
    server.closeAllConnections();
  });
}

/** A raw TCP server, for behaviour node:http will not produce (closing without `Connection: close`). */
export async function tcpServer(onConnection: (socket: net.Socket) => void): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  return listen(server, () => {
    for (const s of sockets) s.destroy();
  });
}

async function listen(server: net.Server, dropConnections: () => void): Promise<TestServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        dropConnections();
      }),
  };
}

/** Answers each HTTP/1.1 request on a socket with `ok`, then closes the socket (no Connection header). */
export function answerOnceThenClose(socket: net.Socket): void {
  let buffered = '';
  socket.on('data', (chunk) => {
    buffered += chunk.toString('latin1');
    if (!buffered.includes('\r\n\r\n')) return;
    socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok');
  });
}

export const GET_ROOT = { method: 'GET', path: '/', headers: {}, body: null };
