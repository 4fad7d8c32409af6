import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { createTokens, MAX_TOKEN_BYTES, TokenError } from 'hallpass/jwt';
import { frozenClock } from '../support/clock.js';
import { AUDIENCE, ED, hsTokens, ISSUER, RSA, SECRET } from './fixtures.js';
import { forge, headerOf, payloadOf, rejection } from './forge.js';

const clock = frozenClock();
const now = clock.seconds;
const { tokens } = hsTokens({}, clock);
const header = { alg: 'HS256', kid: 'k1', typ: 'at+jwt' };
const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now, exp: now + 900, jti: 'Q2FuIHlvdSByZWFkIHRoaXM' };
const hs = { alg: 'HS256', secret: SECRET } as const;

/** Asserts `token` is refused with `code`, and that the error never carries the token or its parts. */
async function refuses(token: string, code: string, verifier = tokens): Promise<void> {
  const error = await rejection(verifier.verify(token));
  assert.ok(error instanceof TokenError, `expected a TokenError, got ${inspect(error)}`);
  assert.equal(error.code, code);
  const shown = `${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`;
  for (const piece of token.split('.')) if (piece.length > 8) assert.ok(!shown.includes(piece), 'the error shows part of the token');
}

describe('issue', () => {
  it('sets iss, aud, iat, exp, jti and the alg, kid and typ headers', async () => {
    const token = await tokens.issue({ sub: 'alice', role: 'admin' });
    assert.deepEqual(headerOf(token), { alg: 'HS256', kid: 'k1', typ: 'at+jwt' });
    const payload = payloadOf(token);
    assert.deepEqual(payload, { iss: ISSUER, aud: AUDIENCE, sub: 'alice', role: 'admin', iat: now, exp: now + 900, jti: payload.jti });
    assert.match(String(payload.jti), /^[A-Za-z0-9_-]{22}$/); // 128 random bits
    assert.deepEqual(await tokens.verify(token), payload);
  });

  it('draws a fresh jti for every token', async () => {
    const ids = new Set<unknown>();
    for (let i = 0; i < 200; i++) ids.add(payloadOf(await tokens.issue({ sub: 'a' })).jti);
    assert.equal(ids.size, 200);
  });

  it('refuses claims it sets itself', async () => {
    for (const name of ['iat', 'exp', 'jti', 'iss', 'aud', 'nbf']) {
      await assert.rejects(tokens.issue({ [name]: 1 }), new RegExp(`"${name}" is set by hallpass`));
    }
    await assert.rejects(tokens.issue({ sub: 42 }), /"sub" must be a string/);
  });

  it('defaults to a 15-minute lifetime', () => assert.equal(tokens.lifetime, 900));
});

describe('verify refuses', () => {
  it('accepts the well-formed token the refusals below are variations of', async () => {
    assert.deepEqual(await tokens.verify(forge(header, claims, hs)), claims);
  });

  it('alg "none" in every spelling, with an empty signature', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE'])
      await refuses(forge({ ...header, alg }, claims, { alg: 'none' }), 'ERR_JWT_ALGORITHM');
  });

  it('HS512 when only HS256 is allowed, even with the right secret', async () => {
    await refuses(forge({ ...header, alg: 'HS512' }, claims, { alg: 'HS512', secret: SECRET }), 'ERR_JWT_ALGORITHM');
  });

  it('an RS256 token when only EdDSA is allowed', async () => {
    const ed = createTokens({
      algorithms: ['EdDSA'],
      keys: [{ kid: 'ed', alg: 'EdDSA', key: ED.privateKey }],
      issuer: ISSUER,
      audience: AUDIENCE,
      now: clock.now,
    });
    await refuses(
      forge({ ...header, alg: 'RS256', kid: 'ed' }, claims, { alg: 'RS256', privateKey: RSA.privateKey }),
      'ERR_JWT_ALGORITHM',
      ed,
    );
  });

  it('HS256 signed with our public key as the HMAC secret (algorithm confusion)', async () => {
    const ring = createTokens({
      algorithms: ['EdDSA', 'HS256'],
      keys: [
        { kid: 'ed', alg: 'EdDSA', key: ED.privateKey },
        { kid: 'hs', alg: 'HS256', key: SECRET },
      ],
      issuer: ISSUER,
      audience: AUDIENCE,
      now: clock.now,
    });
    for (const format of ['pem', 'der'] as const) {
      const publicKey =
        format === 'pem' ? (ED.publicKey.export({ format, type: 'spki' }) as string) : ED.publicKey.export({ format, type: 'spki' });
      const confused = { alg: 'HS256', secret: publicKey } as const;
      await refuses(forge({ ...header, kid: 'ed' }, claims, confused), 'ERR_JWT_ALGORITHM', ring);
      await refuses(forge({ ...header, kid: 'hs' }, claims, confused), 'ERR_JWT_SIGNATURE', ring);
    }
    // A single EdDSA key and no kid: the one key is used, and it is not an HMAC key.
    const edOnly = createTokens({
      algorithms: ['EdDSA'],
      keys: [{ alg: 'EdDSA', key: ED.privateKey }],
      issuer: ISSUER,
      audience: AUDIENCE,
      now: clock.now,
    });
    const pem = ED.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    await refuses(forge({ alg: 'HS256', typ: 'at+jwt' }, claims, { alg: 'HS256', secret: pem }), 'ERR_JWT_ALGORITHM', edOnly);
  });

  it('a wrong kid (another key of the ring named), an unknown kid, and a kid that looks like a path or SQL', async () => {
    const ring = hsTokens(
      {
        keys: [
          { kid: 'k1', alg: 'HS256', key: SECRET },
          { kid: 'k2', alg: 'HS256', key: 'Vd6mQp2XsL9fTb4KzRn7yUc1WgHe8JaO3iNt5oBkZrY' },
        ],
      },
      clock,
    ).tokens;
    await refuses(forge({ ...header, kid: 'k2' }, claims, hs), 'ERR_JWT_SIGNATURE', ring);
    for (const kid of ['k3', '../../dev/null', "' OR 1=1 --", 'https://evil.example/key', 7]) {
      await refuses(forge({ ...header, kid }, claims, hs), 'ERR_JWT_KID', ring);
    }
    // With several keys a token must say which one signed it.
    const { kid: _, ...noKid } = header;
    await refuses(forge(noKid, claims, hs), 'ERR_JWT_KID', ring);
    // With one key it need not (tokens from issuers that write no kid).
    assert.deepEqual(await tokens.verify(forge(noKid, claims, hs)), claims);
  });

  it('another audience, or none', async () => {
    await refuses(forge(header, { ...claims, aud: 'https://other.example.test' }, hs), 'ERR_JWT_AUDIENCE');
    await refuses(forge(header, { ...claims, aud: ['a', 'b'] }, hs), 'ERR_JWT_AUDIENCE');
    const { aud: _, ...noAudience } = claims;
    await refuses(forge(header, noAudience, hs), 'ERR_JWT_AUDIENCE');
    assert.ok(await tokens.verify(forge(header, { ...claims, aud: ['other', AUDIENCE] }, hs)));
  });

  it('another issuer, or none', async () => {
    await refuses(forge(header, { ...claims, iss: 'https://evil.example.test' }, hs), 'ERR_JWT_ISSUER');
    const { iss: _, ...noIssuer } = claims;
    await refuses(forge(header, noIssuer, hs), 'ERR_JWT_ISSUER');
  });

  it('an expired token, once past the 30-second leeway', async () => {
    await refuses(forge(header, { ...claims, iat: now - 900, exp: now - 31 }, hs), 'ERR_JWT_EXPIRED');
    await refuses(forge(header, { ...claims, iat: now - 900, exp: now - 30 }, hs), 'ERR_JWT_EXPIRED');
    assert.ok(await tokens.verify(forge(header, { ...claims, iat: now - 900, exp: now - 29 }, hs)));
    const strict = hsTokens({ leeway: 0 }, clock).tokens;
    await refuses(forge(header, { ...claims, iat: now - 900, exp: now }, hs), 'ERR_JWT_EXPIRED', strict);
  });

  it('a token that expires as the frozen clock moves', async () => {
    const moving = frozenClock();
    const own = hsTokens({}, moving).tokens;
    const token = await own.issue({ sub: 'alice' });
    moving.advance(900 + 29);
    assert.ok(await own.verify(token));
    moving.advance(1);
    await refuses(token, 'ERR_JWT_EXPIRED', own);
  });

  it('nbf in the future', async () => {
    await refuses(forge(header, { ...claims, nbf: now + 300 }, hs), 'ERR_JWT_NOT_YET_VALID');
    assert.ok(await tokens.verify(forge(header, { ...claims, nbf: now + 30 }, hs)));
  });

  it('iat in the future', async () => {
    await refuses(forge(header, { ...claims, iat: now + 600, exp: now + 1200 }, hs), 'ERR_JWT_ISSUED_IN_FUTURE');
    await refuses(forge(header, { ...claims, iat: now + 31, exp: now + 931 }, hs), 'ERR_JWT_ISSUED_IN_FUTURE');
  });

  it('a wrong, missing or other-purpose typ', async () => {
    await refuses(forge({ ...header, typ: 'JWT' }, claims, hs), 'ERR_JWT_TYPE');
    await refuses(forge({ ...header, typ: 'csrf+jwt' }, claims, hs), 'ERR_JWT_TYPE');
    const { typ: _, ...noType } = header;
    await refuses(forge(noType, claims, hs), 'ERR_JWT_TYPE');
    assert.ok(await tokens.verify(forge({ ...header, typ: 'application/AT+JWT' }, claims, hs)));
  });

  it('a token over 8 KiB, before decoding it', async () => {
    const big = forge(header, { ...claims, pad: 'x'.repeat(6200) }, hs);
    assert.ok(big.length > MAX_TOKEN_BYTES);
    await refuses(big, 'ERR_JWT_OVERSIZED');
    const huge = `${'a'.repeat(100 * 1024)}.b.c`;
    const started = performance.now();
    await refuses(huge, 'ERR_JWT_OVERSIZED');
    assert.ok(performance.now() - started < 50);
  });

  it('keys in the header: jwk, jku, x5u and x5c are never used', async () => {
    const attackerJwk = ED.publicKey.export({ format: 'jwk' });
    const embedded = {
      alg: 'EdDSA',
      typ: 'at+jwt',
      jwk: attackerJwk,
      jku: 'https://evil.example/jwks',
      x5u: 'https://evil.example/x5u',
      x5c: ['MIIB'],
    };
    const ed = { alg: 'EdDSA', privateKey: ED.privateKey } as const;
    // Self-signed with the key it carries: refused, since HS256 is all we allow and our key is HMAC.
    await refuses(forge(embedded, claims, ed), 'ERR_JWT_ALGORITHM');
    const both = hsTokens({ algorithms: ['HS256', 'EdDSA'] }, clock).tokens;
    await refuses(forge({ ...embedded, kid: 'k1' }, claims, ed), 'ERR_JWT_ALGORITHM', both);
    // Signed by our key: valid, whatever keys the header points at.
    assert.deepEqual(await tokens.verify(forge({ ...header, jwk: attackerJwk, jku: 'https://evil.example/jwks' }, claims, hs)), claims);
  });

  it('a missing or mistyped exp, iat or jti', async () => {
    for (const name of ['exp', 'iat', 'jti'] as const) {
      const { [name]: _, ...without } = claims;
      await refuses(forge(header, without, hs), 'ERR_JWT_CLAIMS');
    }
    await refuses(forge(header, { ...claims, exp: String(now + 900) }, hs), 'ERR_JWT_CLAIMS');
    await refuses(forge(header, { ...claims, jti: '' }, hs), 'ERR_JWT_CLAIMS');
    await refuses(forge(header, { ...claims, sub: 42 }, hs), 'ERR_JWT_CLAIMS');
  });

  it('a token that lives longer than the configured lifetime', async () => {
    await refuses(forge(header, { ...claims, exp: now + 901 }, hs), 'ERR_JWT_LIFETIME');
  });

  it('a tampered payload, a wrong secret and a truncated signature', async () => {
    const good = forge(header, claims, hs);
    const [h, , s] = good.split('.');
    await refuses(`${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${s}`, 'ERR_JWT_SIGNATURE');
    await refuses(forge(header, claims, { alg: 'HS256', secret: 'Vd6mQp2XsL9fTb4KzRn7yUc1WgHe8JaO3iNt5oBkZrY' }), 'ERR_JWT_SIGNATURE');
    await refuses(good.slice(0, -4), 'ERR_JWT_SIGNATURE');
  });

  it('malformed input', async () => {
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', 'a.b.c', '!!.e30.x', `${Buffer.from('[1]').toString('base64url')}.e30.x`]) {
      await refuses(bad, 'ERR_JWT_INVALID');
    }
    await refuses(forge(header, '[1,2]', hs), 'ERR_JWT_INVALID');
    await refuses(forge({ ...header, crit: ['exp'], exp: 1 }, claims, hs), 'ERR_JWT_INVALID');
    await assert.rejects(tokens.verify(undefined as unknown as string), { code: 'ERR_JWT_INVALID' });
  });
});
