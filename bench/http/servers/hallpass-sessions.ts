/** The hallpass configurations the benchmark measures, built the way an app would build them. */

import { createSessions, memoryStore, type SessionOptions, type Sessions, secretboxCodec } from 'hallpass';
import { redisStore } from 'hallpass/redis';
import { Redis } from 'ioredis';
import type { ServerContext } from './context.js';

export const HALLPASS_VARIANTS = [
  'hallpass-sealed',
  'hallpass-signed',
  'hallpass-secretbox',
  'hallpass-memory',
  'hallpass-redis',
  'hallpass-redis-node',
  'hallpass-multi',
] as const;
export type HallpassVariant = (typeof HALLPASS_VARIANTS)[number];

/**
 * Extra options from `HALLPASS_BENCH_OPTIONS` (JSON), merged into every hallpass config of this
 * server: how the harness turns a verified-cookie cache off for the pool scenario.
 */
function extraOptions(): Partial<SessionOptions> {
  const raw = process.env.HALLPASS_BENCH_OPTIONS;
  return raw ? (JSON.parse(raw) as Partial<SessionOptions>) : {};
}

export async function hallpassSessions(variant: HallpassVariant, ctx: ServerContext): Promise<Sessions<{ count: number }>> {
  const extra = extraOptions();
  switch (variant) {
    case 'hallpass-sealed':
      return createSessions({ secret: ctx.secret, ...extra });
    case 'hallpass-signed':
      return createSessions({ secret: ctx.secret, codec: 'signed', ...extra });
    case 'hallpass-secretbox': {
      const { default: sodium } = await import('sodium-native');
      return createSessions({ codec: secretboxCodec(sodium, [ctx.secret]), ...extra });
    }
    case 'hallpass-memory':
      // Sized for the 10,000-cookie pool plus the sessions the checks create.
      return createSessions({ store: memoryStore({ max: 50_000 }), ...extra });
    case 'hallpass-redis': {
      // The settings the store's documentation recommends; BENCH_IOREDIS_OPTIONS (JSON) adds others, e.g. enableAutoPipelining.
      const tuning = JSON.parse(process.env.BENCH_IOREDIS_OPTIONS ?? '{}') as Record<string, unknown>;
      const client = new Redis({ host: '127.0.0.1', port: ctx.redisPort, enableOfflineQueue: false, commandTimeout: 1000, ...tuning });
      await new Promise<void>((resolve, reject) => {
        client.once('ready', () => resolve());
        client.once('error', reject);
      });
      return createSessions({ store: redisStore(client, { prefix: `${ctx.prefix}hp:` }), ...extra });
    }
    case 'hallpass-multi': {
      // Cookie mode on several instances: the default sealed cookie, logouts kept in a shared durable
      // store (Redis), so every instance refuses a logged-out cookie. Each request whose cookie holds a
      // user asks Redis whether it was revoked.
      const client = new Redis({ host: '127.0.0.1', port: ctx.redisPort, enableOfflineQueue: false, commandTimeout: 1000 });
      await new Promise<void>((resolve, reject) => {
        client.once('ready', () => resolve());
        client.once('error', reject);
      });
      return createSessions({ secret: ctx.secret, revocationStore: redisStore(client, { prefix: `${ctx.prefix}rv:` }), ...extra });
    }
    case 'hallpass-redis-node': {
      // The client connect-redis uses, so the comparison with express-session isolates the session layer.
      const { createClient } = await import('redis');
      const client = await createClient({ url: `redis://127.0.0.1:${ctx.redisPort}`, disableOfflineQueue: true }).connect();
      return createSessions({ store: redisStore(client, { prefix: `${ctx.prefix}hpn:` }), ...extra });
    }
  }
}

/** The part of a hallpass session the `/write` route uses. */
export interface CountSession {
  readonly id: string;
  userId: string | undefined;
  set(key: 'count', value: number): void;
}

/**
 * How a hallpass server's `/write` stores the count. The multi-instance config also logs a user in
 * on a session's first write, as an app does at login: only a session that holds a user can be
 * revoked, so only its cookie costs the revocation check this config is here to measure.
 */
export function countWriter(variant: HallpassVariant): (session: CountSession, count: number) => void {
  if (variant !== 'hallpass-multi') return (session, count) => session.set('count', count);
  return (session, count) => {
    if (session.userId === undefined) session.userId = `user-${session.id}`;
    session.set('count', count);
  };
}

export const isHallpass = (library: string): library is HallpassVariant => (HALLPASS_VARIANTS as readonly string[]).includes(library);
