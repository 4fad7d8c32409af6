import assert from 'node:assert/strict';
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, memoryStore, type SessionStore } from 'hallpass';
import { createTokens, type TokenOptions } from 'hallpass/jwt';
import { AUDIENCE, durableStore, EC, ED, RSA, SECRET } from './fixtures.js';

const base: TokenOptions = { algorithms: ['HS256'], keys: [{ alg: 'HS256', key: SECRET }], audience: AUDIENCE };

function refused(options: unknown, code: string, mentions: RegExp): void {
  assert.throws(
    () => createTokens(options as TokenOptions),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      assert.equal(error.code, code);
      assert.match(error.message, mentions);
      return true;
    },
  );
}

describe('createTokens refuses a risky configuration at start-up', () => {
  it('accepts a 32-byte random HS256 secret, an Ed25519 key and a P-256 key', () => {
    createTokens(base);
    createTokens({ ...base, algorithms: ['EdDSA'], keys: [{ alg: 'EdDSA', key: ED.privateKey }] });
    createTokens({ ...base, algorithms: ['ES256'], keys: [{ alg: 'ES256', key: EC.privateKey.export({ format: 'pem', type: 'pkcs8' }) }] });
    createTokens({ ...base, algorithms: ['ES256'], keys: [{ alg: 'ES256', key: EC.publicKey.export({ format: 'jwk' }) }] });
  });

  it('refuses an HS256 secret shorter than 32 bytes, as a string, bytes or a KeyObject', () => {
    refused({ ...base, keys: [{ alg: 'HS256', key: 'Zq3x-9LmT2vR8yKp4WcN' }] }, 'ERR_SECRET_TOO_SHORT', /keys\[0\]\.key.*20 bytes/);
    refused({ ...base, keys: [{ alg: 'HS256', key: Buffer.alloc(31, 7) }] }, 'ERR_SECRET_TOO_SHORT', /31 bytes/);
    refused({ ...base, keys: [{ alg: 'HS256', key: createSecretKey(Buffer.alloc(16, 1)) }] }, 'ERR_SECRET_TOO_SHORT', /16 bytes/);
  });

  it('refuses a well-known sample secret', () => {
    refused({ ...base, keys: [{ alg: 'HS256', key: 'your-secret-key-change-in-production' }] }, 'ERR_SECRET_WEAK', /sample/);
  });

  it('refuses a public key PEM as an HMAC secret (algorithm confusion)', () => {
    const pem = RSA.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    refused({ ...base, keys: [{ alg: 'HS256', key: pem }] }, 'ERR_OPTION', /HS256 needs a random secret/);
    refused({ ...base, keys: [{ alg: 'HS256', key: ED.publicKey }] }, 'ERR_OPTION', /is an Ed25519 key, but HS256 needs/);
  });

  it('refuses a key that does not match its algorithm', () => {
    refused({ ...base, algorithms: ['EdDSA'], keys: [{ alg: 'EdDSA', key: SECRET }] }, 'ERR_OPTION', /EdDSA needs an Ed25519 key/);
    refused(
      { ...base, algorithms: ['EdDSA'], keys: [{ alg: 'EdDSA', key: EC.privateKey }] },
      'ERR_OPTION',
      /is an EC P-256 key, but EdDSA needs an Ed25519 key/,
    );
    refused({ ...base, algorithms: ['ES256'], keys: [{ alg: 'ES256', key: ED.privateKey }] }, 'ERR_OPTION', /ES256 needs a P-256/);
    refused(
      { ...base, algorithms: ['ES256'], keys: [{ alg: 'ES256', key: RSA.privateKey }] },
      'ERR_OPTION',
      /is an RSA key, but ES256 needs/,
    );
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
    refused({ ...base, algorithms: ['ES256'], keys: [{ alg: 'ES256', key: p384 }] }, 'ERR_OPTION', /is an EC secp384r1 key, but ES256/);
    refused(
      { ...base, algorithms: ['ES256'], keys: [{ alg: 'ES256', key: createSecretKey(Buffer.alloc(32, 3)) }] },
      'ERR_OPTION',
      /a shared secret/,
    );
  });

  it('refuses a missing audience', () => {
    refused({ ...base, audience: undefined }, 'ERR_OPTION', /`audience` is required/);
    refused({ ...base, audience: [] }, 'ERR_OPTION', /`audience` is required/);
    refused({ ...base, audience: ' ' }, 'ERR_OPTION', /`audience` must be a non-empty string/);
  });

  it('requires an explicit algorithm allowlist and never allows none', () => {
    refused({ ...base, algorithms: undefined }, 'ERR_OPTION', /`algorithms` is required/);
    refused({ ...base, algorithms: [] }, 'ERR_OPTION', /`algorithms` is required/);
    for (const none of ['none', 'None', 'NONE', 'nOnE']) refused({ ...base, algorithms: ['HS256', none] }, 'ERR_OPTION', /never accepted/);
    refused({ ...base, algorithms: ['RS256'] }, 'ERR_OPTION', /supports HS256, EdDSA, ES256/);
    refused({ ...base, algorithms: ['EdDSA'] }, 'ERR_OPTION', /keys\[0\]\.alg.*not in `algorithms`/);
  });

  it('refuses a missing keyring, a repeated kid and a kid that is not plain text', () => {
    refused({ ...base, keys: [] }, 'ERR_SECRET_MISSING', /`keys` is required/);
    refused({ ...base, keys: [{ alg: 'HS256' }] }, 'ERR_SECRET_MISSING', /keys\[0\]\.key/);
    const twice = [
      { kid: 'a', alg: 'HS256', key: SECRET },
      { kid: 'a', alg: 'HS256', key: SECRET.split('').reverse().join('') },
    ];
    refused({ ...base, keys: twice }, 'ERR_OPTION', /repeats the key id/);
    refused({ ...base, keys: [{ kid: 'a b', alg: 'HS256', key: SECRET }] }, 'ERR_OPTION', /visible ASCII/);
  });

  it('bounds the leeway to 60 seconds and wants whole positive lifetimes', () => {
    refused({ ...base, leeway: 61 }, 'ERR_LIFETIME', /`leeway`.*0 to 60/);
    refused({ ...base, lifetime: 0 }, 'ERR_LIFETIME', /`lifetime`/);
    refused({ ...base, refreshLifetime: 1.5 }, 'ERR_LIFETIME', /`refreshLifetime`/);
    createTokens({ ...base, leeway: 0 });
  });

  it('says which call needs a store when none is configured', async () => {
    const tokens = createTokens(base);
    for (const call of [
      () => tokens.revoke('x'),
      () => tokens.revokeAllForUser('u'),
      () => tokens.issuePair({}),
      () => tokens.refresh('r'),
    ]) {
      await assert.rejects(call(), (error: ConfigError) => error.code === 'ERR_OPTION' && /needs a store/.test(error.message));
    }
  });

  it('refuses a store that may evict (memoryStore, or one that does not declare evicts: false), naming the fix', () => {
    refused(
      { ...base, store: memoryStore() },
      'ERR_OPTION',
      /`store` declares evicts: true.*would bring a revoked token back.*sqliteStore/,
    );
    const { evicts: _, ...undeclared } = durableStore() as SessionStore & { evicts?: boolean };
    refused({ ...base, store: undeclared }, 'ERR_OPTION', /`store` does not declare evicts: false.*postgresStore.*noeviction/);
    refused({ ...base, store: { ...durableStore(), evicts: true } }, 'ERR_OPTION', /declares evicts: true/);
    createTokens({ ...base, store: durableStore() });
  });

  it('refuses a store without compareAndSet while refresh tokens are on; refreshTokens: false keeps it for revocation only', async () => {
    const { compareAndSet: _, ...noCas } = durableStore();
    refused({ ...base, store: noCas }, 'ERR_OPTION', /`store` has no compareAndSet.*refresh-token rotation.*refreshTokens: false/);
    const tokens = createTokens({ ...base, store: noCas, refreshTokens: false });
    const token = await tokens.issue({ sub: 'alice' });
    await tokens.revoke(token);
    await assert.rejects(tokens.verify(token), { code: 'ERR_JWT_REVOKED' });
    for (const call of [() => tokens.issuePair({}), () => tokens.refresh('r'), () => tokens.revokeRefresh('r')]) {
      await assert.rejects(call(), (error: ConfigError) => error.code === 'ERR_OPTION' && /refreshTokens: false/.test(error.message));
    }
    refused({ ...base, store: durableStore(), refreshTokens: 'yes' }, 'ERR_OPTION', /`refreshTokens` must be true or false/);
  });

  it('refuses a store without patch: ending a refresh family is a patch', () => {
    const { patch: _, ...noPatch } = durableStore();
    refused(
      { ...base, store: noPatch },
      'ERR_OPTION',
      /`store` must be a hallpass store \(an object with get, set, destroy, touch and patch\)/,
    );
  });

  it('refuses to issue with a keyring whose first key is public', async () => {
    const tokens = createTokens({ ...base, algorithms: ['EdDSA'], keys: [{ kid: 'pub', alg: 'EdDSA', key: ED.publicKey }] });
    await assert.rejects(
      tokens.issue({ sub: 'a' }),
      (error: ConfigError) => error.code === 'ERR_OPTION' && /public key/.test(error.message),
    );
  });
});
