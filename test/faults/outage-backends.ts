/**
 * The stores the outage tests break, each on a private server process on a free port, with its
 * client configured as `docs/stores-network.md` recommends.
 */
import { once } from 'node:events';
import type { SessionStore } from 'hallpass';
import { memcachedStore } from 'hallpass/memcached';
import { redisStore } from 'hallpass/redis';
import { Redis } from 'ioredis';
import memjs from 'memjs';
import { createClient } from 'redis';
import { MEMCACHED_HOW_TO, memcachedInstalled, startMemcached } from '../support/memcached-server.js';
import { hasBinary, type ServerProcess, startRedisServer } from '../support/redis-server.js';

export interface Backend {
  name: string;
  installed: boolean;
  howTo: string;
  start(port?: number): Promise<ServerProcess & { stop(): Promise<void> }>;
  /** A client and its store for the server on `port`; `ready` waits for a first connection. */
  connect(port: number): { store: SessionStore; ready(): Promise<void>; close(): Promise<void> };
}

/** The recommended ioredis settings: fail fast while disconnected, reconnect forever, at most a second apart. */
export const IOREDIS_SETTINGS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1000,
  connectTimeout: 1000,
  retryStrategy: (times: number) => Math.min(times * 100, 1000),
};

/** The recommended node-redis settings: the same, in its words. */
export const NODE_REDIS_SETTINGS = {
  disableOfflineQueue: true,
  socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(retries * 100, 1000) },
};

/** The recommended memjs settings: a one-second socket timeout, no retries (the session layer has its own deadline). */
export const MEMJS_SETTINGS = { timeout: 1, conntimeout: 1, retries: 1, keepAlive: true };

export const redisBackend: Backend = {
  name: 'Redis (ioredis)',
  installed: hasBinary('redis-server'),
  howTo: 'Install redis-server (apt-get install -y redis-server).',
  start: (port) => startRedisServer({ port }),
  connect(port) {
    const client = new Redis({ host: '127.0.0.1', port, ...IOREDIS_SETTINGS });
    client.on('error', () => {}); // an app logs these; ioredis warns about unhandled ones
    return {
      store: redisStore(client),
      ready: async () => {
        if (client.status !== 'ready') await once(client, 'ready');
      },
      close: async () => client.disconnect(),
    };
  },
};

export const nodeRedisBackend: Backend = {
  name: 'Redis (node-redis)',
  installed: hasBinary('redis-server'),
  howTo: 'Install redis-server (apt-get install -y redis-server).',
  start: (port) => startRedisServer({ port }),
  connect(port) {
    const client = createClient({ url: `redis://127.0.0.1:${port}`, ...NODE_REDIS_SETTINGS });
    client.on('error', () => {}); // node-redis crashes the process on an unhandled error event
    // Not awaited: connect() resolves only once Redis answers, and the app must start without it.
    const connected = client.connect().catch(() => {});
    return {
      store: redisStore(client),
      ready: async () => {
        await connected;
      },
      close: async () => client.destroy(),
    };
  },
};

export const memcachedBackend: Backend = {
  name: 'Memcached (memjs)',
  installed: memcachedInstalled(),
  howTo: MEMCACHED_HOW_TO,
  start: (port) => startMemcached({ port }),
  connect(port) {
    const client = memjs.Client.create(`127.0.0.1:${port}`, { ...MEMJS_SETTINGS, logger: { log() {} } });
    return { store: memcachedStore(client), ready: async () => {}, close: async () => client.close() };
  },
};
