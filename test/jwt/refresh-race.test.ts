/**
 * Refresh-token rotation under concurrency, on every bundled store, with every store call delayed a
 * few milliseconds so that concurrent refreshes and logouts really overlap at the store.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { memoryStore, type SessionStore } from 'hallpass';
import type { TokenPair, Tokens } from 'hallpass/jwt';
import { memcachedStore } from 'hallpass/memcached';
import { postgresStore } from 'hallpass/postgres';
import { redisStore } from 'hallpass/redis';
import { withStoreLatency } from 'hallpass/testing';
import { Redis } from 'ioredis';
import memjs from 'memjs';
import pg from 'pg';
import { frozenClock } from '../support/clock.js';
import { MEMCACHED_HOW_TO, memcachedInstalled, startMemcached } from '../support/memcached-server.js';
import { deleteKeysUnder, needService, reachable } from '../support/services.js';
import { durableStore, hsTokens } from './fixtures.js';
import { rejection } from './forge.js';

const LATENCY_MS = 3;
const CONCURRENT = 12;
const run = `jwt_race_${process.pid}_${randomBytes(3).toString('hex')}`;

const redisSkip = needService('Redis at 127.0.0.1:6379', await reachable(6379), 'Start it or run scripts/ci-services.sh.');
const postgresSkip = needService('PostgreSQL at 127.0.0.1:5432', await reachable(5432), 'Start it or run scripts/ci-services.sh.');
const memcachedSkip = needService('memcached', memcachedInstalled(), MEMCACHED_HOW_TO);

const redis = redisSkip ? undefined : new Redis({ port: 6379, host: '127.0.0.1' });
const pool = postgresSkip ? undefined : new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', max: 10 });
const memcached = memcachedSkip ? undefined : await startMemcached();
const memjsClient = memcached ? memjs.Client.create(`127.0.0.1:${memcached.port}`, { logger: { log() {} } }) : undefined;
const postgres = pool && postgresStore(pool, { table: run, cleanupIntervalMs: 0 });

after(async () => {
  if (redis) {
    await deleteKeysUnder(redis, `${run}:`);
    redis.disconnect();
  }
  if (pool) {
    await pool.query(`DROP TABLE IF EXISTS "${run}"`);
    await pool.end();
  }
  memjsClient?.close();
  await memcached?.stop();
});

/**
 * memoryStore and memcachedStore declare `evicts: true`, so createTokens refuses them for token
 * state (config.test.ts proves it). Here they are declared durable for the test only: what these
 * tests prove is that rotation over each store's compareAndSet lets exactly one refresh win.
 */
const declaredDurable = (store: SessionStore): SessionStore => ({ ...store, evicts: false });

const stores: Array<{ name: string; skip: string | false; make: () => SessionStore }> = [
  { name: 'memoryStore', skip: false, make: () => declaredDurable(memoryStore()) },
  { name: 'sqliteStore', skip: false, make: () => durableStore() },
  { name: 'postgresStore', skip: postgresSkip, make: () => postgres as SessionStore },
  { name: 'redisStore (ioredis)', skip: redisSkip, make: () => redisStore(redis as Redis, { prefix: `${run}:` }) },
  { name: 'memcachedStore', skip: memcachedSkip, make: () => declaredDurable(memcachedStore(memjsClient as memjs.Client)) },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts the family of `pair` is over: its refresh token refuses, its access token is revoked. */
async function assertFamilyEnded(tokens: Tokens, pair: TokenPair, what: string): Promise<void> {
  const refused = await rejection(tokens.refresh(pair.refreshToken));
  assert.equal(refused.code, 'ERR_JWT_REFRESH', `${what}: the latest refresh token must be refused (${refused.message})`);
  const revoked = await rejection(tokens.verify(pair.accessToken));
  assert.equal(revoked.code, 'ERR_JWT_REVOKED', `${what}: the latest access token must be revoked (${revoked.message})`);
}

for (const { name, skip, make } of stores) {
  describe(`refresh rotation on ${name} (store latency ${LATENCY_MS} ms)`, { skip }, () => {
    const setup = () => {
      // A frozen clock for the tokens; the store keeps its own time, and the TTLs are durations.
      const { tokens } = hsTokens(
        { store: withStoreLatency(make(), LATENCY_MS), storePrefix: `${run}:${randomBytes(4).toString('hex')}:` },
        frozenClock(),
      );
      return tokens;
    };

    it(`${CONCURRENT} concurrent refreshes with one token: exactly one succeeds, and the family then refuses everything`, async () => {
      const tokens = setup();
      const login = await tokens.issuePair({ sub: 'alice' });
      const outcomes = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => tokens.refresh(login.refreshToken)));
      const winners = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
      const codes = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as { code: string }).code] : []));
      assert.equal(winners.length, 1, `exactly one refresh must succeed, ${winners.length} did`);
      // Every other one lost: detected as reuse, or refused outright once a loser had ended the family.
      assert.ok(codes.includes('ERR_JWT_REFRESH_REUSED'), `the losers must be detected as reuse: ${codes.join(', ')}`);
      assert.deepEqual(
        codes.filter((code) => code !== 'ERR_JWT_REFRESH_REUSED' && code !== 'ERR_JWT_REFRESH'),
        [],
        'no other failure',
      );
      // Reuse ends the whole family, the winner's new pair included (two parties held one token).
      await assertFamilyEnded(tokens, winners[0] as TokenPair, 'after the race');
      assert.equal((await rejection(tokens.refresh(login.refreshToken))).code, 'ERR_JWT_REFRESH');
    });

    it('a logout racing a refresh loop leaves no live family', async () => {
      const tokens = setup();
      for (let round = 0; round < 6; round++) {
        const login = await tokens.issuePair({ sub: `user-${round}` });
        let latest = login;
        let refreshed = 0;
        const loop = (async () => {
          for (let i = 0; i < 40; i++) {
            try {
              latest = await tokens.refresh(latest.refreshToken);
              refreshed++;
            } catch {
              return;
            }
          }
        })();
        // The logout lands at a different point of the loop each round, presenting the login's token.
        await sleep(2 + round * 5);
        const logout = tokens.revokeRefresh(login.refreshToken).then(
          () => 'ended',
          (error: { code?: string }) => error.code,
        );
        const [, ended] = await Promise.all([loop, logout]);
        assert.equal(ended, 'ended', `round ${round}: the logout must succeed`);
        assert.ok(refreshed < 40, `round ${round}: the loop refreshed ${refreshed} times, past the logout`);
        await assertFamilyEnded(tokens, latest, `round ${round} (${refreshed} refreshes before the logout won)`);
      }
    });
  });
}
