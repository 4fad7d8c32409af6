/** Chunked cookies (`createSessions({ chunked })`): exact Set-Cookie lists, tampering, the cap and the cost bound. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, CookieTooLargeError, createSessions, memoryStore } from 'hallpass';
import { harness } from '../support/core-fixtures.js';
import { countingCodec } from '../support/counting-codec.js';

const ATTRIBUTES = 'Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax';
const expired = (name: string) => `${name}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;
/** Incompressible text of about `bytes` characters once sealed. */
const blob = (bytes: number) => randomBytes(Math.floor((bytes * 3) / 4 / 1.34)).toString('base64url');
/** The Cookie header a browser sends back for these Set-Cookie values (expired ones dropped). */
const cookieHeader = (setCookies: readonly string[]) =>
  setCookies
    .filter((line) => !line.includes('Max-Age=0'))
    .map((line) => line.slice(0, line.indexOf(';')))
    .join('; ');
const all = (result: { setCookie?: string; moreCookies?: readonly string[] }) =>
  result.setCookie === undefined ? [] : [result.setCookie, ...(result.moreCookies ?? [])];
const cookieValueOf = (line: string) => line.slice(line.indexOf('=') + 1, line.indexOf(';'));

function chunkedHarness(options: Parameters<typeof harness>[0] = {}) {
  return harness({ chunked: { maxBytes: 12_000 }, ...options });
}

describe('chunked cookies: Set-Cookie lists', () => {
  it('writes a session that fits one cookie as the plain name', async () => {
    const h = chunkedHarness();
    const { result } = await h.request(undefined, (s) => s.set('visits', 1));
    assert.deepEqual(all(result), [`sid=${cookieValueOf(result.setCookie as string)}; ${ATTRIBUTES}`]);
  });

  it('grows from one cookie to three chunks, each within 4096 bytes, and expires the plain cookie', async () => {
    const h = chunkedHarness();
    const first = await h.request(undefined, (s) => s.set('visits', 1));
    const notes = blob(9000);
    const grown = await h.request(cookieHeader(all(first.result)), (s) => s.set('notes', notes));
    const lines = all(grown.result);
    assert.deepEqual(
      lines.map((line) => line.slice(0, line.indexOf('='))),
      ['sid.0', 'sid.1', 'sid.2', 'sid'],
    );
    for (const line of lines.slice(0, 3)) {
      assert.ok(line.length <= 4096, `${line.length} bytes`);
      assert.ok(line.endsWith(`; ${ATTRIBUTES}`), line.slice(-80));
    }
    assert.equal(lines[0]?.length, 4096, 'every chunk but the last is full');
    assert.equal(lines[3], expired('sid'));
    const { session } = await h.request(cookieHeader(lines));
    assert.equal(session.isNew, false);
    assert.equal(session.get('visits'), 1);
    assert.equal(session.get('notes'), notes);
  });

  it('shrinks back to one cookie and expires the stale chunks', async () => {
    const h = chunkedHarness();
    const grown = await h.request(undefined, (s) => {
      s.set('visits', 1);
      s.set('notes', blob(9000));
    });
    assert.equal(all(grown.result).length, 3);
    const shrunk = await h.request(cookieHeader(all(grown.result)), (s) => s.delete('notes' as never));
    const lines = all(shrunk.result);
    assert.deepEqual(lines, [
      `sid=${cookieValueOf(lines[0] as string)}; ${ATTRIBUTES}`,
      expired('sid.0'),
      expired('sid.1'),
      expired('sid.2'),
    ]);
  });

  it('shrinks from three chunks to two and expires only the third', async () => {
    const h = chunkedHarness();
    const grown = await h.request(undefined, (s) => s.set('notes', blob(9000)));
    const shrunk = await h.request(cookieHeader(all(grown.result)), (s) => s.set('notes' as never, blob(5000) as never));
    const lines = all(shrunk.result);
    assert.deepEqual(
      lines.map((line) => line.slice(0, line.indexOf(';'))).map((pair) => (pair.endsWith('=') ? pair : pair.slice(0, pair.indexOf('=')))),
      ['sid.0', 'sid.1', 'sid.2='],
    );
    assert.equal(lines[2], expired('sid.2'));
  });

  it('expires every chunk on logout', async () => {
    const h = chunkedHarness();
    const grown = await h.request(undefined, (s) => {
      s.set('notes', blob(9000));
      s.userId = 'alice';
    });
    const { result } = await h.request(cookieHeader(all(grown.result)), (s) => s.destroy());
    assert.deepEqual(all(result), [expired('sid.0'), expired('sid.1'), expired('sid.2')]);
    assert.equal(result.vary, true);
  });

  it('puts the cookie prefix on every chunk', async () => {
    const h = chunkedHarness({ name: '__Host-sid' });
    const { result } = await h.request(undefined, (s) => s.set('notes', blob(6000)));
    assert.deepEqual(
      all(result).map((line) => line.slice(0, line.indexOf('='))),
      ['__Host-sid.0', '__Host-sid.1'],
    );
    const { session } = await h.request(cookieHeader(all(result)));
    assert.equal(session.isNew, false);
  });

  it('keeps a browser-session choice on every chunk: no Max-Age anywhere', async () => {
    const h = chunkedHarness();
    const { result } = await h.request(undefined, (s) => {
      s.set('notes', blob(6000));
      s.setLifetime({ persistent: false });
    });
    assert.equal(all(result).length, 2);
    for (const line of all(result)) assert.ok(line.endsWith('; Path=/; HttpOnly; Secure; SameSite=Lax'), line.slice(-60));
  });
});

describe('chunked cookies: chunks are authenticated as one value', () => {
  async function threeChunks() {
    const h = chunkedHarness();
    const { result } = await h.request(undefined, (s) => s.set('notes', blob(9000)));
    const pairs = all(result).map((line) => line.slice(0, line.indexOf(';')));
    h.log.events.length = 0;
    return { h, pairs };
  }
  const refused = async (h: ReturnType<typeof chunkedHarness>, cookie: string, reason = 'tampered') => {
    h.log.events.length = 0;
    const { session } = await h.request(cookie);
    assert.equal(session.isNew, true);
    assert.deepEqual(session.keys(), []);
    assert.deepEqual(h.log.invalid(), [reason]);
  };

  it('refuses reordered chunks', async () => {
    const { h, pairs } = await threeChunks();
    const [zero, one, two] = pairs.map((pair) => pair.slice(pair.indexOf('=') + 1));
    await refused(h, `sid.0=${one}; sid.1=${zero}; sid.2=${two}`);
  });

  it('refuses a set with a chunk missing, in the middle or at the end', async () => {
    const { h, pairs } = await threeChunks();
    await refused(h, `${pairs[0]}; ${pairs[2]}`);
    await refused(h, `${pairs[0]}; ${pairs[1]}`);
  });

  it('refuses a chunk taken from another session', async () => {
    const { h, pairs } = await threeChunks();
    const other = await threeChunks();
    await refused(h, `${pairs[0]}; ${other.pairs[1]}; ${pairs[2]}`);
  });

  it('refuses an extra chunk, and ignores indices past what chunked.maxBytes could ever need', async () => {
    const h = chunkedHarness();
    const { result } = await h.request(undefined, (s) => s.set('notes', blob(5000)));
    const pairs = all(result).map((line) => line.slice(0, line.indexOf(';')));
    assert.equal(pairs.length, 2);
    await refused(h, `${pairs.join('; ')}; sid.2=AAAA`);
    h.log.events.length = 0;
    const { session } = await h.request(`${pairs.join('; ')}; sid.3=AAAA; sid.99=AAAA`);
    assert.equal(session.isNew, false, 'a 12000-byte cap needs at most three chunks: sid.3 is not one of ours');
  });

  it('still opens when a planted value for one index comes first (cookie tossing)', async () => {
    const { h, pairs } = await threeChunks();
    const { session } = await h.request(`sid.1=AAAA; ${pairs.join('; ')}`);
    assert.equal(session.isNew, false);
    assert.deepEqual(h.log.invalid(), [], 'the chunks sent back to back are tried first');
  });
});

describe('chunked cookies: limits', () => {
  it('throws CookieTooLargeError beyond chunked.maxBytes, naming the option', async () => {
    const h = chunkedHarness();
    await assert.rejects(
      h.request(undefined, (s) => s.set('notes', blob(13_000))),
      (error: unknown) => error instanceof CookieTooLargeError && /chunked\.maxBytes/.test(error.message) && error.bytes > 12_000,
    );
  });

  it('caps at 7680 bytes by default', async () => {
    const h = harness({ chunked: true });
    const { result } = await h.request(undefined, (s) => s.set('notes', blob(6000)));
    assert.equal(all(result).length, 2);
    await assert.rejects(
      h.request(undefined, (s) => s.set('notes', blob(8000))),
      (error: unknown) => error instanceof CookieTooLargeError,
    );
  });

  it('stays off by default: one cookie, and a clear error past 4096 bytes', async () => {
    const h = harness();
    await assert.rejects(
      h.request(undefined, (s) => s.set('notes', blob(5000))),
      (error: unknown) => error instanceof CookieTooLargeError && /4096/.test(error.message),
    );
    const { session } = await h.request('sid.0=AAAA; sid.1=BBBB');
    assert.equal(session.isNew, true);
    assert.deepEqual(h.log.invalid(), [], 'chunk names mean nothing without chunked');
  });

  it('tries at most three values however many chunk cookies a request sends, and expires only chunks it could have written', async () => {
    const codec = countingCodec();
    const h = harness({ chunked: { maxBytes: 12_000 }, codec });
    const flood = [
      ...Array.from({ length: 1000 }, (_, i) => `sid.${i}=${'A'.repeat(8)}${i}`),
      ...Array.from({ length: 50 }, (_, i) => `sid.0=B${i}`),
      ...Array.from({ length: 10 }, (_, i) => `sid=C${i}`),
    ].join('; ');
    let isNew: boolean | undefined;
    const { result } = await h.request(flood, (s) => {
      isNew = s.isNew;
      s.destroy();
    });
    assert.ok(codec.decodes <= 3, `${codec.decodes} decodes`);
    assert.equal(isNew, true);
    // One plain value and two joined ones: plain values never take every slot.
    assert.deepEqual(h.log.invalid().sort(), ['duplicate', 'malformed', 'tampered', 'tampered']);
    const names = all(result).map((line) => line.slice(0, line.indexOf('=')));
    // A 12000-byte cap needs at most three chunks: the other 997 names are not expired one by one.
    assert.deepEqual(names, ['sid', 'sid.0', 'sid.1', 'sid.2']);
  });

  it('refuses chunked with a store, and a maxBytes out of range, at start-up', () => {
    assert.throws(
      () => createSessions({ store: memoryStore(), chunked: true }),
      (error: unknown) => error instanceof ConfigError && /`chunked` is for cookie mode/.test(error.message),
    );
    for (const maxBytes of [100, 70_000, 5000.5]) {
      assert.throws(
        () => createSessions({ secret: 'kq7Zr1VbX9dT3mWf0LhPz5sYc2NjGu8eRaQ4oKiBtE6', chunked: { maxBytes } }),
        (error: unknown) => error instanceof ConfigError && /chunked\.maxBytes/.test(error.message),
      );
    }
  });
});
