/**
 * One logout, refused everywhere: Node, Deno, Bun, workerd and the edge runtime serve the demo with
 * the same secret and keep logouts in one Redis over HTTP (hallpass/redis-http, through the local
 * REST server in front of the real Redis on 6379). A cookie logged out on any one of them is a guest
 * on every other; a Node instance with logouts in its own memory only still takes it, which is what
 * the shared store is for.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoApp } from '../../examples/fetch/app.js';
import { demoSessions } from '../../examples/fetch/sessions.js';
import { call } from '../demo/client.js';
import { type RedisRestServer, startRedisRestServer } from '../support/redis-rest-server.js';
import { needRedis } from '../support/services.js';
import { BUN, DENO, needRuntime, WORKERD } from './binaries.js';
import { nodeCall, RUNTIME_SECRET, type RunningRuntime } from './contract.js';
import { startBun, startDeno, startEdge, startWorkerd } from './runtimes.js';

const skip =
  (await needRedis()) ||
  needRuntime('Deno', DENO, 'deno') ||
  needRuntime('Bun', BUN, 'bun') ||
  needRuntime('workerd', WORKERD, 'miniflare');

type Fetch = (request: Request) => Promise<Response>;

/** A runtime by name, answering one request with the greeting's message and the cookie it set. */
interface Instance {
  name: string;
  request(path: string, method: string, cookie?: string): Promise<{ message: unknown; cookie?: string }>;
}

function overHttp(name: string, running: RunningRuntime): Instance {
  return {
    name,
    request: async (path, method, cookie) => {
      const reply = await call(running.base, path, { method, cookie });
      assert.equal(reply.status, 200, `${name}: ${running.output()}`);
      return { message: (reply.json() as { message: unknown }).message, cookie: reply.cookie };
    },
  };
}

function inProcess(name: string, app: Fetch): Instance {
  return {
    name,
    request: async (path, method, cookie) => {
      const response = await app(new Request(`http://node.local${path}`, { method, headers: cookie ? { cookie } : {} }));
      const setCookie = response.headers.getSetCookie()[0];
      return { message: ((await response.json()) as { message: unknown }).message, cookie: setCookie?.slice(0, setCookie.indexOf(';')) };
    },
  };
}

describe('logouts shared by every runtime through Redis over HTTP', { skip, timeout: 180_000 }, () => {
  const token = randomBytes(24).toString('base64url');
  let rest: RedisRestServer | undefined;
  const running: RunningRuntime[] = [];
  const instances: Instance[] = [];

  before(async () => {
    rest = await startRedisRestServer({ token });
    const env = { SESSION_SECRET: RUNTIME_SECRET, UPSTASH_REDIS_REST_URL: rest.url, UPSTASH_REDIS_REST_TOKEN: token };
    const node = demoApp(demoSessions((name) => env[name as keyof typeof env]));
    instances.push(inProcess('Node', node));
    const started = await Promise.allSettled([startDeno(env), startBun(env), startWorkerd(env), startEdge(env)]);
    for (const result of started) if (result.status === 'fulfilled') running.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    for (const [i, name] of ['Deno', 'Bun', 'workerd', 'edge runtime'].entries())
      instances.push(overHttp(name, running[i] as RunningRuntime));
  });
  after(async () => {
    await Promise.all(running.map((runtime) => runtime.close()));
    await rest?.close();
  });

  it('refuses, on every other runtime, a cookie logged out on any one', async () => {
    for (const [i, loggingOut] of instances.entries()) {
      const loggingIn = instances[(i + 1) % instances.length] as Instance;
      const user = `user-${i}`;
      const { cookie } = await loggingIn.request(`/login?username=${user}`, 'POST');
      assert.ok(cookie, `${loggingIn.name} set no cookie`);
      for (const instance of instances) {
        assert.equal(
          (await instance.request('/', 'GET', cookie)).message,
          `Welcome back, user ${user}!`,
          `${instance.name} before the logout`,
        );
      }
      assert.equal((await loggingOut.request('/logout', 'POST', cookie)).message, 'Logged out successfully.');
      for (const instance of instances) {
        const { message } = await instance.request('/', 'GET', cookie);
        assert.equal(message, 'Hello, guest!', `logged in on ${loggingIn.name}, out on ${loggingOut.name}: replayed on ${instance.name}`);
      }
    }
  });

  it('is what the shared store is for: Node with logouts in its own memory still takes the replay', async () => {
    const [node, deno] = instances as [Instance, Instance];
    const { cookie } = await node.request('/login?username=zoe', 'POST');
    await deno.request('/logout', 'POST', cookie);
    assert.deepEqual((await nodeCall('/', { cookie })).body, { message: 'Welcome back, user zoe!' });
  });
});
