/**
 * Store round trips per request, counted exactly: Redis's MONITOR stream names each command's
 * sender, `[db ip:port]` for a client and `[db lua]` for a command a script ran. Only the client
 * commands are round trips; the count runs outside the timed load, with sequential requests.
 */
import { Socket } from 'node:net';
import { get } from './client.js';

export interface TripCount {
  perRequest: number;
  /** Client commands per request, by name (e.g. `evalsha 1`). */
  commands: Record<string, number>;
}

function monitor(port: number): Promise<{ lines: () => string[]; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let buffer = '';
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.write('MONITOR\r\n'));
    socket.on('data', (chunk) => {
      const first = buffer === '';
      buffer += chunk;
      if (first && buffer.startsWith('+OK')) resolve({ lines: () => buffer.split('\r\n'), stop: () => socket.destroy() });
    });
  });
}

/** Sends `requests` sequential GETs of `path` with the given cookies (round-robin) and counts Redis client commands. */
export async function countTrips(
  redisPort: number,
  serverPort: number,
  path: string,
  cookies: string[],
  requests = 200,
): Promise<TripCount> {
  const stream = await monitor(redisPort);
  for (let i = 0; i < requests; i++) {
    const reply = await get(serverPort, path, cookies[i % cookies.length]);
    if (reply.status !== 200) throw new Error(`${path} answered ${reply.status} while counting Redis commands`);
  }
  // MONITOR lines arrive after the replies that caused them; give them a moment.
  await new Promise((resolve) => setTimeout(resolve, 300));
  stream.stop();
  const commands: Record<string, number> = {};
  let total = 0;
  for (const line of stream.lines()) {
    const match = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
    if (!match || match[1] === 'lua') continue;
    const name = (match[2] as string).toLowerCase();
    commands[name] = (commands[name] ?? 0) + 1;
    total++;
  }
  for (const name of Object.keys(commands)) commands[name] = (commands[name] as number) / requests;
  return { perRequest: total / requests, commands };
}
