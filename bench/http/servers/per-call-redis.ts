/**
 * The Redis operations of `npm run bench -- calls`: one store round trip each, awaited, against a
 * Redis server on 127.0.0.1 (port `BENCH_REDIS_PORT`, default 6379). They show what a client costs
 * per command and per reply element, beside what hallpass's Redis store adds to the same command.
 * A session of three data fields and its meta fields, as the HTTP benchmark's are.
 */
import { randomBytes } from 'node:crypto';
import { redisStore } from 'hallpass/redis';
import { Redis } from 'ioredis';
import { createClient } from 'redis';

export interface RedisOperation {
  call: () => Promise<unknown>;
  close: () => Promise<unknown>;
}

const port = Number(process.env.BENCH_REDIS_PORT ?? 6379);
const prefix = `hallpass-bench-calls:${randomBytes(4).toString('hex')}:`;
const record = { data: { count: 1, theme: 'dark', cart: ['apple'] }, createdAt: 1_700_000_000, lastSeenAt: 1_700_000_000 };
// What a script answers for that session: its six fields and values as one array, or as one JSON string.
const ARRAY_REPLY = `return {'count','1','theme','"dark"','cart','["apple"]','\\0c','1700000000','\\0s','1700000000'}`;
const STRING_REPLY = `return '["count","1","theme","\\\\"dark\\\\"","cart","[\\\\"apple\\\\"]","\\\\u0000c","1700000000","\\\\u0000s","1700000000"]'`;

async function ioredis(): Promise<Redis> {
  const client = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: true });
  await client.ping();
  return client;
}

async function nodeRedis() {
  const client = createClient({ socket: { host: '127.0.0.1', port } });
  await client.connect();
  return client;
}

/** An EVALSHA of `script` on ioredis, as the store sends its commands (`call`). */
async function ioredisScript(script: string, parse: boolean): Promise<RedisOperation> {
  const client = await ioredis();
  const sha = (await client.script('LOAD', script)) as string;
  return {
    call: async () => {
      const reply = await client.call('EVALSHA', sha, '1', `${prefix}k`);
      return parse ? JSON.parse(reply as string) : reply;
    },
    close: () => client.quit(),
  };
}

async function storeGet(kind: 'ioredis' | 'node-redis'): Promise<RedisOperation> {
  const client = kind === 'ioredis' ? await ioredis() : await nodeRedis();
  const store = redisStore(client, { prefix });
  await store.set('k', record, 600);
  return { call: () => store.get('k'), close: () => client.quit() };
}

export const REDIS_OPERATIONS: Record<string, () => Promise<RedisOperation>> = {
  'redis: ioredis EVALSHA answering an integer': () => ioredisScript('return 1', false),
  'redis: ioredis EVALSHA answering a session as ten strings': () => ioredisScript(ARRAY_REPLY, false),
  'redis: ioredis EVALSHA answering the same as one JSON string, parsed': () => ioredisScript(STRING_REPLY, true),
  'redis: hallpass redisStore get on ioredis': () => storeGet('ioredis'),
  'redis: hallpass redisStore get on node-redis': () => storeGet('node-redis'),
};
