/**
 * Session identifiers: entropy and lack of structure (A1), opacity (A2), the cookie name (A3) and
 * the one channel IDs are accepted from (A7), black-box over HTTP against the demo.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSessions, memoryStore } from 'hallpass';
import { valueOfPair } from '../support/cookies.js';
import { SECRET } from '../support/core-fixtures.js';
import { type Demo, login, startDemo, whoAmI } from './support/demo.js';

/** Runs `count` tasks with at most `width` in flight; resolves their results in order. */
async function pooled<T>(count: number, width: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

/** Checks that every bit position of `samples` is set about half the time: within 5 standard deviations. */
function assertBitsBalanced(samples: readonly Buffer[], bits: number): void {
  const ones = new Array<number>(bits).fill(0);
  for (const sample of samples) {
    assert.equal(sample.length * 8, bits);
    for (let bit = 0; bit < bits; bit++) if ((sample[bit >> 3] as number) & (0x80 >> (bit & 7))) ones[bit] = (ones[bit] as number) + 1;
  }
  const n = samples.length;
  const bound = 5 * Math.sqrt(n / 4);
  for (let bit = 0; bit < bits; bit++) {
    assert.ok(Math.abs((ones[bit] as number) - n / 2) < bound, `bit ${bit} was set ${ones[bit]} times out of ${n}`);
  }
}

/** Issue order must not show in the values: about half of neighbouring pairs ascend, as for random data. */
function assertNoOrder(values: readonly string[]): void {
  let ascending = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as string) > (values[i - 1] as string)) ascending++;
  const n = values.length - 1;
  assert.ok(Math.abs(ascending - n / 2) < 5 * Math.sqrt(n / 4), `${ascending} of ${n} neighbours ascend`);
}

const COUNT = 10_000;

describe('A1 server-mode tokens: 10,000 logins give distinct 256-bit base64url tokens with no structure', () => {
  let demo: Demo;
  before(async () => (demo = await startDemo('memory', { sessions: {} })));
  after(() => demo.close());

  it('A1 tokens are distinct, 43 base64url characters (32 bytes), bit-balanced and unordered', async () => {
    const tokens = await pooled(COUNT, 16, async (i) => valueOfPair((await login(demo, `user${i}`)).pair));
    assert.equal(new Set(tokens).size, COUNT);
    for (const token of tokens) assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const bytes = tokens.map((token) => Buffer.from(token, 'base64url'));
    assert.ok(bytes.every((b) => b.length === 32));
    assertBitsBalanced(bytes, 256);
    assertNoOrder(tokens);
    // No shared prefix: the first character takes (nearly) every one of the 64 values.
    assert.ok(new Set(tokens.map((t) => t[0])).size >= 60);
  });
});

describe('A1 cookie-mode inner session IDs: 10,000 logins give distinct 128-bit IDs with no structure', () => {
  let demo: Demo;
  before(async () => (demo = await startDemo('signed')));
  after(() => demo.close());

  it('A1 inner IDs (read from signed cookies) are distinct, 22 base64url characters (16 bytes), bit-balanced and unordered', async () => {
    const ids = await pooled(COUNT, 16, async (i) => {
      const value = valueOfPair((await login(demo, `user${i}`)).pair);
      const payload = JSON.parse(Buffer.from(value.split('.')[2] as string, 'base64url').toString('utf8'));
      return payload.id as string;
    });
    assert.equal(new Set(ids).size, COUNT);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assertBitsBalanced(
      ids.map((id) => Buffer.from(id, 'base64url')),
      128,
    );
    assertNoOrder(ids);
  });
});

/** Every way of reading a cookie value a curious party might try. */
function decodings(value: string): string[] {
  const parts = [value, ...value.split('.')];
  const out: string[] = [];
  for (const part of parts) {
    out.push(part, Buffer.from(part, 'base64url').toString('latin1'), Buffer.from(part, 'base64').toString('latin1'));
    if (/^[0-9a-f]+$/i.test(part)) out.push(Buffer.from(part, 'hex').toString('latin1'));
    try {
      out.push(JSON.stringify(JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))));
    } catch {
      // not JSON: nothing more to read
    }
  }
  return out;
}

for (const mode of ['sealed', 'memory', 'sqlite'] as const) {
  describe(`A2 the cookie value is opaque (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('A2 no decoding of the cookie (whole or per segment) reveals the user or the data', async () => {
      const { pair } = await login(demo, 'alice@example.com');
      const write = await demo.call('POST', '/session', { cookie: pair, json: { note: 'SECRET123' } });
      assert.equal(write.status, 200);
      const latest = write.setCookie[0] ? (write.setCookie[0] as string).split(';')[0] : pair;
      for (const cookie of [pair, latest as string]) {
        for (const text of decodings(valueOfPair(cookie))) {
          assert.ok(!text.includes('alice'), `"alice" readable in ${cookie}`);
          assert.ok(!text.includes('SECRET123'), `"SECRET123" readable in ${cookie}`);
        }
      }
      assert.equal(await whoAmI(demo, latest), 'alice@example.com');
    });
  });
}

describe('A3 the cookie name is the one configured, and nothing else is read or written', () => {
  let demo: Demo;
  let defaults: Demo;
  before(async () => {
    demo = await startDemo('sealed', { sessions: { name: '__Host-id' } });
    defaults = await startDemo('sealed');
  });
  after(async () => {
    await demo.close();
    await defaults.close();
  });

  it('A3 the default cookie name is generic: it names no library', async () => {
    const { reply } = await login(defaults, 'alice');
    assert.match(reply.setCookie[0] as string, /^sid=/);
    assert.doesNotMatch(reply.setCookie[0] as string, /hallpass/i);
    assert.equal(createSessions({ secret: SECRET }).options.name, 'sid');
    assert.equal(createSessions({ store: memoryStore() }).options.name, 'sid');
  });

  it('A3 a generic name such as __Host-id is used for every Set-Cookie, and the default name is ignored', async () => {
    const { pair, reply } = await login(demo, 'alice');
    assert.match(reply.setCookie[0] as string, /^__Host-id=/);
    assert.equal(reply.setCookie.length, 1);
    assert.equal(await whoAmI(demo, pair), 'alice');
    assert.equal(await whoAmI(demo, `sid=${valueOfPair(pair)}`), undefined);
  });
});

for (const mode of ['sealed', 'memory'] as const) {
  describe(`A7 the session is accepted only from its cookie (${mode})`, () => {
    let demo: Demo;
    before(async () => (demo = await startDemo(mode)));
    after(() => demo.close());

    it('A7 the token in the query string, a custom header or Authorization opens nothing', async () => {
      const { pair } = await login(demo, 'alice');
      const value = valueOfPair(pair);
      for (const path of [`/session?hallpass=${value}`, `/session?sid=${value}`, `/session?session=${value}`]) {
        const reply = await demo.call('GET', path);
        assert.equal(reply.status, 200);
        assert.equal(reply.json.user_id, undefined, path);
      }
      for (const headers of [{ 'X-Session-Id': value }, { Authorization: `Bearer ${value}` }, { 'X-Hallpass': value }] as Record<
        string,
        string
      >[]) {
        const reply = await demo.call('GET', '/session', { headers });
        assert.equal(reply.json.user_id, undefined, JSON.stringify(headers));
      }
      assert.equal(await whoAmI(demo, pair), 'alice');
    });

    it('A7 no Location header or body the library or demo writes carries the token (F30: only Set-Cookie does)', async () => {
      const form = await demo.call('POST', '/login', { form: { username: 'bob' }, headers: { Accept: 'text/html' } });
      assert.equal(form.status, 303);
      assert.equal(form.headers.location, '/');
      const pair = (form.setCookie[0] as string).split(';')[0] as string;
      const value = valueOfPair(pair);
      assert.ok(!form.text.includes(value));
      const cart = pair;
      for (const [method, path] of [
        ['POST', '/cart'],
        ['GET', '/'],
        ['GET', '/session'],
        ['GET', '/cart'],
        ['POST', '/logout'],
      ] as const) {
        const reply = await demo.call(method, path, { cookie: cart, headers: { Accept: 'text/html' } });
        assert.ok(!reply.text.includes(valueOfPair(cart)), `${method} ${path} echoed the cookie`);
        assert.ok(!String(reply.headers.location ?? '').includes(valueOfPair(cart)));
      }
    });
  });
}
