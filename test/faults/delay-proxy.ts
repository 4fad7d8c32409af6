/**
 * A TCP proxy that delays what clients send to a real server by `delayMs` (changeable at any time),
 * to make a store slow without touching it. Order is kept: every chunk waits the same delay.
 */
import { connect, createServer, type Socket } from 'node:net';

export async function startDelayProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  const proxy = {
    delayMs: 0,
    port: 0,
    close,
  };
  const server = createServer((client) => {
    const upstream = connect({ port: targetPort, host: '127.0.0.1' });
    sockets.add(client).add(upstream);
    // One queue per connection, drained in order: a chunk sent after the delay dropped to zero
    // still waits for the chunks before it, so requests never overtake each other.
    const queue: Array<{ at: number; chunk: Buffer }> = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = () => {
      timer = undefined;
      while (queue.length > 0 && (queue[0]?.at ?? 0) <= Date.now()) {
        const next = queue.shift() as { chunk: Buffer };
        if (!upstream.destroyed) upstream.write(next.chunk);
      }
      if (queue.length > 0) timer = setTimeout(pump, (queue[0]?.at ?? 0) - Date.now());
    };
    client.on('data', (chunk: Buffer) => {
      queue.push({ at: Math.max(Date.now() + proxy.delayMs, queue.at(-1)?.at ?? 0), chunk });
      if (!timer) pump();
    });
    upstream.on('data', (chunk) => client.destroyed || client.write(chunk));
    const end = () => {
      clearTimeout(timer);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;

  function close(): Promise<void> {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  }
  return proxy;
}
