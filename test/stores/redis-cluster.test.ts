/**
 * The Redis store on a real three-node Redis Cluster (three masters on free ports, started here
 * and torn down afterwards), through both ioredis `Cluster` and node-redis `createCluster`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { redisStore } from 'hallpass/redis';
import { describeSessionsOverStore, describeStoreConformance } from 'hallpass/testing';
import { Cluster, Redis } from 'ioredis';
import { createCluster } from 'redis';
import { hasBinary, startRedisCluster } from '../support/redis-server.js';
import { needService } from '../support/services.js';

const skip = needService(
  'redis-server and redis-cli (for a local Redis Cluster)',
  hasBinary('redis-server') && hasBinary('redis-cli'),
  'Install them with `apt-get install -y redis-server` (Debian) or run scripts/ci-services.sh.',
);
const cluster = skip ? undefined : await startRedisCluster();
const nodes = (cluster?.ports ?? []).map((port) => ({ host: '127.0.0.1', port }));
const io = skip ? undefined : new Cluster(nodes, { lazyConnect: true });
const node = skip ? undefined : createCluster({ rootNodes: nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
if (io && node) await Promise.all([io.connect(), node.connect()]);

after(async () => {
  await io?.quit();
  await node?.close();
  await cluster?.stop();
});

const prefix = `hallpass-cluster:${randomBytes(4).toString('hex')}:`;
const factoryOf = (client: Parameters<typeof redisStore>[0] | undefined, label: string) => async () => ({
  store: redisStore(client as Parameters<typeof redisStore>[0], { prefix: `${prefix}${label}:` }),
  close: async () => {},
});

describeStoreConformance('redisStore (ioredis Cluster)', factoryOf(io, 'io'), { skip });
describeSessionsOverStore('redisStore (ioredis Cluster)', factoryOf(io, 'io'), { skip });
describeStoreConformance('redisStore (node-redis cluster)', factoryOf(node, 'node'), { skip });
describeSessionsOverStore('redisStore (node-redis cluster)', factoryOf(node, 'node'), { skip });

describe('redisStore on a three-node cluster', { skip }, () => {
  it('spreads sessions over all three masters, and the user index works across them', async () => {
    const store = redisStore(io as Cluster, { prefix: `${prefix}spread:` });
    const keys = Array.from({ length: 30 }, () => randomBytes(32).toString('base64url'));
    await Promise.all(
      keys.map((key, i) => store.set(key, { data: { i }, createdAt: 1_700_000_000, lastSeenAt: 1_700_000_000, userId: `u${i % 3}` }, 60)),
    );
    const perNode = await Promise.all(
      (cluster?.ports ?? []).map(async (port) => {
        const direct = new Redis({ port, host: '127.0.0.1' });
        try {
          return (await direct.keys(`${prefix}spread:*`)).length;
        } finally {
          direct.disconnect();
        }
      }),
    );
    assert.equal(
      perNode.reduce((a, b) => a + b, 0),
      33,
      'thirty session hashes and three user indexes',
    );
    assert.ok(
      perNode.every((count) => count > 0),
      `every master holds some sessions: ${perNode.join(', ')}`,
    );
    for (let user = 0; user < 3; user++) {
      const listed = await store.listByUser?.(`u${user}`);
      assert.equal(listed?.length, 10, `user u${user} has ten sessions on several nodes`);
    }
    assert.equal(await store.destroyByUser?.('u1', [keys[1] as string]), 9);
  });
});
