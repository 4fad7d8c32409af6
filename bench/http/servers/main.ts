/**
 * One benchmark server per process: `node --import tsx bench/http/servers/main.ts <framework> <library>`.
 * The harness pins it to a core, reads `listening <port>` from stdout and stops it with SIGTERM.
 * Settings come from the environment: BENCH_SECRET, BENCH_REDIS_PORT, BENCH_PREFIX.
 */
import type { Server } from 'node:http';
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
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
