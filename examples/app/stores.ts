/**
 * The demo's server-side store, chosen by SESSION_STORE. Each store module is imported only when
 * chosen, so the default cookie mode loads no database client.
 */
import { ConfigError, memoryStore, type SessionStore } from 'hallpass';
import type { DemoEnvironment } from './config.js';

export interface ChosenStore {
  name: string;
  store: SessionStore;
  close: () => Promise<void>;
}

const STORES = ['memory', 'sqlite', 'redis', 'memcached', 'postgres'] as const;

/**
 * better-sqlite3 on Node 20 and 22; Node's own `node:sqlite` from Node 24 on, where better-sqlite3 12
 * aborts at exit. `sqliteStore` takes either.
 */
export async function openSqlite(path: string): Promise<{ close(): void } & import('hallpass/sqlite').SqliteDatabase> {
  if (Number(process.versions.node.split('.')[0]) >= 24) {
    const { DatabaseSync } = await import('node:sqlite' as string);
    return new DatabaseSync(path);
  }
  const { default: Database } = await import('better-sqlite3');
  return new Database(path);
}

/** Opens the store SESSION_STORE names (`undefined` for cookie mode). */
export async function storeFrom(env: DemoEnvironment): Promise<ChosenStore | undefined> {
  const name = env.SESSION_STORE;
  if (!name) return undefined;
  switch (name) {
    case 'memory':
      return { name, store: memoryStore(), close: async () => {} };
    case 'sqlite': {
      const { sqliteStore } = await import('hallpass/sqlite');
      const db = await openSqlite(env.SQLITE_PATH ?? '.hallpass/sessions.sqlite');
      const store = sqliteStore(db);
      return { name, store, close: async () => void db.close() };
    }
    case 'redis': {
      const [{ Redis }, { redisStore }] = await Promise.all([import('ioredis'), import('hallpass/redis')]);
      const client = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, enableOfflineQueue: false });
      // Without a listener ioredis prints every reconnection failure; say it once per outage.
      let down = false;
      client.on('error', (error: Error) => {
        if (!down) console.error(`redis unavailable (${error.message}); requests with a session cookie answer 503 until it is back`);
        down = true;
      });
      client.on('ready', () => {
        if (down) console.error('redis is back');
        down = false;
      });
      return { name, store: redisStore(client), close: async () => void client.disconnect() };
    }
    case 'memcached': {
      const [{ default: memjs }, { memcachedStore }] = await Promise.all([import('memjs'), import('hallpass/memcached')]);
      const client = memjs.Client.create(env.MEMCACHED_SERVERS ?? '127.0.0.1:11211', { retries: 1, timeout: 0.5 });
      return { name, store: memcachedStore(client), close: async () => client.close() };
    }
    case 'postgres': {
      const [{ default: pg }, { postgresStore }] = await Promise.all([import('pg'), import('hallpass/postgres')]);
      const pool = new pg.Pool({ connectionString: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
      return { name, store: postgresStore(pool), close: () => pool.end() };
    }
    default:
      throw new ConfigError('ERR_OPTION', `SESSION_STORE must be one of ${STORES.join(', ')}, got ${JSON.stringify(name)}.`);
  }
}
