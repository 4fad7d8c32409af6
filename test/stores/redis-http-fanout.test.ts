/**
 * "Log out everywhere" for a user with thousands of sessions: over HTTP the store batches its
 * per-session commands through `/pipeline` instead of one `POST` each, and over TCP it sends them
 * in bounded chunks; either way the whole call fits in one store deadline.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redis as UpstashRedis } from '@upstash/redis';
import { createSessions } from 'hallpass';
import { redisStore } from 'hallpass/redis';
import { redisHttpStore } from 'hallpass/redis-http';
import { Redis } from 'ioredis';
import { startRedisRestServer } from '../support/redis-rest-server.js';
import { deleteKeysUnder, needRedis } from '../support/services.js';

const skip = await needRedis();
const token = randomBytes(16).toString('hex');
const rest = skip ? undefined : await startRedisRestServer({ token });
const io = skip ? undefined : new Redis({ port: 6379, host: '127.0.0.1' });
const prefix = `hallpass-test:${randomBytes(6).toString('hex')}:`;
const SESSIONS = 3000;

after(async () => {
  if (!io || !rest) return;
  await deleteKeysUnder(io, prefix);
  io.disconnect();
  await rest.close();
});

/** Gives `userId` that many sessions, written over TCP (the layout is the same). */
async function seed(label: string, userId: string): Promise<void> {
  const tcp = redisStore(io as Redis, { prefix: `${prefix}${label}:` });
  for (let i = 0; i < SESSIONS; i += 250) {
    await Promise.all(
      Array.from({ length: 250 }, (_, j) => tcp.set(`s${i + j}`, { data: {}, createdAt: i + j, lastSeenAt: 1, userId }, 3600)),
    );
  }
}

describe(`destroyByUser and listByUser with ${SESSIONS} sessions`, { skip }, () => {
  const transports = {
    'fetch client': (label: string) => redisHttpStore({ url: rest?.url as string, token }, { prefix: `${prefix}${label}:` }),
    '@upstash/redis': (label: string) =>
      redisHttpStore(new UpstashRedis({ url: rest?.url as string, token, retry: false, enableTelemetry: false }), {
        prefix: `${prefix}${label}:`,
      }),
    'TCP (ioredis)': (label: string) => redisStore(io as Redis, { prefix: `${prefix}${label}:` }),
  };
  for (const [name, makeStore] of Object.entries(transports)) {
    it(`${name}: lists and logs out everywhere within the store deadline`, async () => {
      const label = name.replace(/\W/g, '');
      await seed(label, 'mallory');
      const store = makeStore(label);
      // A deadline that thousands of round trips miss and a few dozen meet, on a loaded machine too.
      const sessions = createSessions({ store, storeTimeout: 3000 });
      const posts = rest?.requests.length ?? 0;
      const listed = await sessions.listByUser('mallory');
      assert.equal(listed.length, SESSIONS);
      assert.equal(await sessions.destroyByUser('mallory'), SESSIONS);
      assert.deepEqual(await store.listByUser('mallory'), []);
      if (name !== 'TCP (ioredis)') {
        const sent = (rest?.requests.length ?? 0) - posts;
        assert.ok(sent <= 2 * Math.ceil(SESSIONS / 100) + 10, `${sent} requests for ${SESSIONS} sessions`);
      }
    });
  }
});
