/**
 * One benchmark server per process: `node --import tsx bench/http/servers/main.ts <framework> <library>`.
 * The harness pins it to a core, reads `listening <port>` from stdout and stops it with SIGTERM.
 * Settings come from the environment: BENCH_SECRET, BENCH_REDIS_PORT, BENCH_PREFIX, and
 * BENCH_MARKERS=1 for the instruction counter (bench/http/instructions.ts).
 */
import type { Server } from 'node:http';
import { getPriority, hostname } from 'node:os';
import { announce, listen, type ServerContext, type Starter } from './context.js';
import { expressServers } from './express.js';
import { fastifyServers } from './fastify.js';
import { honoServers } from './hono.js';
import { koaServers } from './koa.js';
import { nodeServers } from './node.js';

const SERVERS: Record<string, Record<string, Starter>> = {
  node: nodeServers,
  express: expressServers,
  fastify: fastifyServers,
  hono: honoServers,
  koa: koaServers,
};

async function main() {
  const [framework = '', library = ''] = process.argv.slice(2);
  const start = SERVERS[framework]?.[library];
  if (!start) throw new Error(`no server ${framework}/${library}`);
  const ctx: ServerContext = {
    secret: process.env.BENCH_SECRET ?? '',
    redisPort: Number(process.env.BENCH_REDIS_PORT ?? 6379),
    prefix: process.env.BENCH_PREFIX ?? 'hallpass-bench:',
  };
  const server: Server = await start(ctx);
  if (!server.listening) await listen(server);
  server.keepAliveTimeout = 60_000;
  announce(server);
  // process.exit runs the exit hooks, so `--cpu-prof` writes its profile.
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (process.env.BENCH_MARKERS === '1') markWindowsOnStdin();
}

/**
 * Under callgrind, each line the harness writes to stdin calls a libuv function the counter
 * watches: the odd ones `uv_os_gethostname` (`--zero-before`: the window starts), the even ones
 * `uv_os_getpriority` (`--dump-before`: the window's count is written). Neither is called anywhere
 * else in a server. The `mark <n>` answer on stdout tells the harness the mark was made, so no
 * request of the window can overtake it.
 */
function markWindowsOnStdin(): void {
  let marks = 0;
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    for (let i = 0; i < chunk.split('\n').length - 1; i++) {
      if (marks++ % 2 === 0) hostname();
      else getPriority();
      process.stdout.write(`mark ${marks}\n`);
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
