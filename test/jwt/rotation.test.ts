import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTokens } from 'hallpass/jwt';
import { frozenClock } from '../support/clock.js';
import { AUDIENCE, EC, ED, hsTokens, ISSUER, OLD_JWT_SECRET, SECRET } from './fixtures.js';
import { headerOf, rejection } from './forge.js';

describe('key rotation', () => {
  const clock = frozenClock();
  const before = hsTokens({ keys: [{ kid: '2025-01', alg: 'HS256', key: OLD_JWT_SECRET }] }, clock).tokens;
  const after = hsTokens(
    {
      keys: [
        { kid: '2025-06', alg: 'HS256', key: SECRET },
        { kid: '2025-01', alg: 'HS256', key: OLD_JWT_SECRET },
      ],
    },
    clock,
  ).tokens;
  const retired = hsTokens({ keys: [{ kid: '2025-06', alg: 'HS256', key: SECRET }] }, clock).tokens;

  it('signs with the first key and names it in the header', async () => {
    assert.equal(headerOf(await before.issue({ sub: 'a' })).kid, '2025-01');
    assert.equal(headerOf(await after.issue({ sub: 'a' })).kid, '2025-06');
  });

  it('keeps verifying tokens of the previous key, so nobody is logged out', async () => {
    const old = await before.issue({ sub: 'alice' });
    assert.equal((await after.verify(old)).sub, 'alice');
  });

  it('refuses tokens of a key once it leaves the ring', async () => {
    const old = await before.issue({ sub: 'alice' });
    assert.equal((await rejection(retired.verify(old))).code, 'ERR_JWT_KID');
  });

  it('rotates from HMAC to EdDSA, and between key types, with both allowed during the switch', async () => {
    const hmacOnly = hsTokens({}, clock).tokens;
    const switching = createTokens({
      algorithms: ['EdDSA', 'HS256', 'ES256'],
      keys: [
        { kid: 'ed-1', alg: 'EdDSA', key: ED.privateKey },
        { kid: 'k1', alg: 'HS256', key: SECRET },
        { kid: 'ec-1', alg: 'ES256', key: EC.publicKey },
      ],
      issuer: ISSUER,
      audience: AUDIENCE,
      now: clock.now,
    });
    const ecIssuer = createTokens({
      algorithms: ['ES256'],
      keys: [{ kid: 'ec-1', alg: 'ES256', key: EC.privateKey }],
      issuer: ISSUER,
      audience: AUDIENCE,
      now: clock.now,
    });
    const fresh = await switching.issue({ sub: 'bob' });
    assert.deepEqual(headerOf(fresh), { alg: 'EdDSA', kid: 'ed-1', typ: 'at+jwt' });
    assert.equal((await switching.verify(fresh)).sub, 'bob');
    assert.equal((await switching.verify(await hmacOnly.issue({ sub: 'carol' }))).sub, 'carol');
    assert.equal((await switching.verify(await ecIssuer.issue({ sub: 'dave' }))).sub, 'dave');
  });

  it('derives a stable kid (the RFC 7638 thumbprint) when none is given', async () => {
    const one = createTokens({ algorithms: ['EdDSA'], keys: [{ alg: 'EdDSA', key: ED.privateKey }], audience: AUDIENCE, now: clock.now });
    const two = createTokens({ algorithms: ['EdDSA'], keys: [{ alg: 'EdDSA', key: ED.publicKey }], audience: AUDIENCE, now: clock.now });
    const kid = headerOf(await one.issue({})).kid;
    assert.match(String(kid), /^[A-Za-z0-9_-]{43}$/);
    assert.ok(await two.verify(await one.issue({})));
  });
});
