/**
 * `hallpass/redis-http` bundled as a Worker bundler would (esbuild, platform `neutral`: a `node:`
 * import fails the build) and run in a V8 context that has only the Web APIs a Worker has (`fetch`,
 * `crypto`, `TextEncoder`, `URL`, timers): no `process`, no `Buffer`, no `require`. There it keeps
 * a session through the local REST server and real Redis.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { build } from 'esbuild';
import type { redisHttpStore } from 'hallpass/redis-http';
import { type RedisRestServer, startRedisRestServer } from '../support/redis-rest-server.js';
import { needRedis } from '../support/services.js';

const skip = await needRedis();
const token = randomBytes(24).toString('base64url');
const rest = skip ? undefined : await startRedisRestServer({ token });
after(() => rest?.close());

/** The globals of a Worker that the store could use; anything Node-only is absent. */
const webGlobals = () => ({
  fetch,
  crypto,
  TextEncoder,
  TextDecoder,
  URL,
  Headers,
  Request,
  Response,
  AbortSignal,
  setTimeout,
  clearTimeout,
  console,
});

describe('hallpass/redis-http with Web APIs only', { skip }, () => {
  it('bundles with no Node builtin and keeps a session in a context without process, Buffer or require', async () => {
    const entry = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'stores', 'redis-http', 'index.ts');
    const bundle = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'neutral',
      format: 'iife',
      globalName: 'hallpassRedisHttp',
      logLevel: 'silent',
    });
    const context = createContext(webGlobals());
    runInContext(bundle.outputFiles[0]?.text ?? '', context);
    // Joined in the context: an array made there has another realm's prototype.
    assert.equal(runInContext('[typeof process, typeof Buffer, typeof require].join()', context), 'undefined,undefined,undefined');

    const make = (context as { hallpassRedisHttp: { redisHttpStore: typeof redisHttpStore } }).hallpassRedisHttp.redisHttpStore;
    const store = make({ url: (rest as RedisRestServer).url, token }, { prefix: `hallpass-test:${randomBytes(6).toString('hex')}:` });
    const record = { data: { cart: ['pear'] } as never, createdAt: 1_700_000_000, lastSeenAt: 1_700_000_000, userId: 'alice' };
    await store.set('k1', record, 60);
    assert.equal(await store.patch('k1', { set: { n: 1 }, unset: [], lastSeenAt: 1_700_000_005 }, 60), true);
    const got = await store.get('k1');
    assert.deepEqual(JSON.parse(JSON.stringify(got)), {
      data: { cart: ['pear'], n: 1 },
      createdAt: 1_700_000_000,
      lastSeenAt: 1_700_000_005,
      userId: 'alice',
    });
    assert.equal(await store.destroyByUser('alice'), 1);
    assert.equal(await store.get('k1'), null);
  });
});
