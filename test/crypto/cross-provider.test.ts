/**
 * Same bytes everywhere: a cookie written on Node (node:crypto) opens on an edge runtime (Web
 * Crypto) and back, for every built-in format, and a JWT issued by one verifies with the other.
 * Web Crypto is forced here through hallpass's internal switch.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Codec, type Envelope, type OpenResult, sealedCodec, signedCodec } from 'hallpass';
import { createTokens } from 'hallpass/jwt';
import { starletteCodec } from 'hallpass/starlette';
import { loadVectors } from '../interop/starlette-support.js';
import { EC, ED } from '../jwt/fixtures.js';
import { OLD_SECRET, SECRET } from '../support/core-fixtures.js';
import { type ProviderName, withProvider } from '../support/crypto-provider.js';

const NOW = 1_750_000_000;
const envelope = (): Envelope => ({
  id: 'k2Jx0Q8mN4vB7cT1rW5yZa',
  createdAt: NOW - 60,
  lastSeenAt: NOW,
  userId: 'alice',
  data: { cart: ['book', 'lamp'], note: 'héllo ✓', n: 1.5 },
});

const FORMATS: Record<string, (secrets: string[]) => Codec> = {
  sealed: (secrets) => sealedCodec(secrets),
  signed: (secrets) => signedCodec(secrets),
  // itsdangerous's order: the last secret signs.
  starlette: (secrets) => starletteCodec({ secret_key: [...secrets].reverse(), max_age: null }),
};

/** What each side writes and reads, awaited: on Web Crypto the codecs answer with promises. */
async function encode(codec: Codec, value: Envelope): Promise<string> {
  return codec.encode(value);
}
async function decode(codec: Codec, value: string): Promise<OpenResult> {
  return codec.decode(value, NOW);
}

/** The envelope as each format carries it (Starlette keeps only the data and one timestamp). */
function expected(kind: string, value: Envelope) {
  if (kind !== 'starlette') return { ...value, data: { ...value.data } };
  return { createdAt: value.lastSeenAt, lastSeenAt: value.lastSeenAt, data: { ...value.data } };
}
const plain = (result: OpenResult) => (result.ok ? { ...result.envelope, data: { ...result.envelope.data } } : result);

for (const [kind, make] of Object.entries(FORMATS)) {
  describe(`${kind} cookies across crypto providers`, () => {
    const built = (name: ProviderName, secrets = [SECRET]) => withProvider(name, () => make(secrets));
    const node = built('node');
    const web = built('web');

    it('really runs Web Crypto on one side: its codec answers with promises', () => {
      assert.equal(web.synchronous, false);
      assert.ok((web.encode(envelope()) as unknown) instanceof Promise);
      assert.notEqual(node.synchronous, false);
      assert.equal(typeof node.encode(envelope()), 'string');
    });

    it('a cookie written with node:crypto opens with Web Crypto, and back', async () => {
      const value = envelope();
      const fromNode = await encode(node, value);
      const fromWeb = await encode(web, value);
      for (const [reader, cookie] of [
        [web, fromNode],
        [node, fromWeb],
        [web, fromWeb],
      ] as const) {
        const opened = await decode(reader, cookie);
        assert.deepEqual(plain(opened), { ...expected(kind, value) });
        assert.equal(opened.ok && opened.stale, false);
      }
      if (kind !== 'sealed') assert.equal(fromWeb, fromNode, 'deterministic formats give the very same cookie');
    });

    it('rotation: a cookie of the previous secret opens on the other side, marked stale', async () => {
      const oldNode = built('node', [OLD_SECRET]);
      const rotatedWeb = built('web', [SECRET, OLD_SECRET]);
      const opened = await decode(rotatedWeb, await encode(oldNode, envelope()));
      assert.equal(opened.ok, true);
      assert.equal(opened.ok && opened.stale, true);
    });

    it('an altered cookie is refused by both', async () => {
      const cookie = await encode(node, envelope());
      const index = cookie.length - 5;
      const altered = cookie.slice(0, index) + (cookie[index] === 'A' ? 'B' : 'A') + cookie.slice(index + 1);
      for (const reader of [node, web]) assert.deepEqual(await decode(reader, altered), { ok: false, reason: 'tampered' });
      for (const reader of [node, web]) assert.equal((await decode(reader, 'garbage')).ok, false);
    });
  });
}

describe('the Starlette vectors with Web Crypto', () => {
  const file = loadVectors();
  it('every cookie Starlette accepts opens, and every one it refuses is refused', async () => {
    for (const vector of file.vectors) {
      const codec = withProvider('web', () => starletteCodec({ secret_key: vector.secret, max_age: vector.max_age }));
      const opened = await codec.decode(vector.cookie, vector.now);
      assert.equal(opened.ok, vector.expect === 'valid', vector.name);
      const node = withProvider('node', () => starletteCodec({ secret_key: vector.secret, max_age: vector.max_age }));
      assert.deepEqual(opened, node.decode(vector.cookie, vector.now), vector.name);
    }
  });

  it('writes what Starlette writes, byte for byte', async () => {
    for (const vector of file.vectors.filter((each) => each.expect === 'valid' && each.set_cookie_on_write !== null)) {
      const web = withProvider('web', () => starletteCodec({ secret_key: vector.signed_with_secret, max_age: vector.max_age }));
      const node = withProvider('node', () => starletteCodec({ secret_key: vector.signed_with_secret, max_age: vector.max_age }));
      const opened = node.decode(vector.cookie, vector.now);
      assert.ok(opened.ok, vector.name);
      const again = { ...opened.envelope, lastSeenAt: vector.signed_at };
      assert.equal(await web.encode(again), node.encode(again), vector.name);
    }
  });
});

describe('JWTs across crypto providers', () => {
  const options = (keys: Parameters<typeof createTokens>[0]['keys'], algorithms: Array<'HS256' | 'EdDSA' | 'ES256'>) => ({
    algorithms,
    keys,
    issuer: 'https://auth.example.test',
    audience: 'https://api.example.test',
  });
  const edJwk = ED.privateKey.export({ format: 'jwk' });
  const ecJwk = EC.privateKey.export({ format: 'jwk' });
  const cases = [
    ['HS256, a string secret', options([{ alg: 'HS256', key: SECRET }], ['HS256'])],
    ['EdDSA, a JWK', options([{ alg: 'EdDSA', key: edJwk }], ['EdDSA'])],
    ['ES256, a JWK', options([{ alg: 'ES256', key: ecJwk }], ['ES256'])],
  ] as const;

  for (const [name, settings] of cases) {
    it(`${name}: issued with one, verified with the other, under the same default kid`, async () => {
      const node = withProvider('node', () => createTokens(settings as never));
      const web = withProvider('web', () => createTokens(settings as never));
      const fromNode = await node.issue({ sub: 'alice' });
      const fromWeb = await web.issue({ sub: 'bob' });
      assert.equal((await web.verify(fromNode)).sub, 'alice');
      assert.equal((await node.verify(fromWeb)).sub, 'bob');
      const kid = (token: string) => JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid;
      assert.equal(kid(fromWeb), kid(fromNode));
    });
  }

  it('a PEM key works with Web Crypto given a kid, and without one is a clear start-up error', async () => {
    const pem = ED.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const node = withProvider('node', () => createTokens(options([{ kid: 'ed-1', alg: 'EdDSA', key: pem }], ['EdDSA'])));
    const web = withProvider('web', () => createTokens(options([{ kid: 'ed-1', alg: 'EdDSA', key: pem }], ['EdDSA'])));
    assert.equal((await node.verify(await web.issue({ sub: 'carol' }))).sub, 'carol');
    assert.equal((await web.verify(await node.issue({ sub: 'dave' }))).sub, 'dave');
    assert.throws(
      () => withProvider('web', () => createTokens(options([{ alg: 'EdDSA', key: pem }], ['EdDSA']))),
      /keys\[0\]\.kid` is needed/,
    );
  });

  it('Web Crypto refuses a key that does not fit its algorithm at start-up, as Node does', () => {
    for (const name of ['node', 'web'] as const) {
      assert.throws(
        () => withProvider(name, () => createTokens(options([{ alg: 'EdDSA', key: ecJwk }], ['EdDSA']))),
        /needs an Ed25519 key/,
      );
      assert.throws(() => withProvider(name, () => createTokens(options([{ alg: 'HS256', key: 'short' }], ['HS256']))), /ERR_SECRET|bytes/);
    }
  });
});
