/**
 * Stateless tokens (`hallpass/jwt`) under attack (H46-H51): forged algorithms, header-supplied
 * keys, claims of another purpose, replay after revocation, refresh-token reuse, and oversized or
 * encrypted tokens. Every attacker token here is built by hand or with jose, never by hallpass.
 */
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { createTokens, TokenError, type Tokens } from 'hallpass/jwt';
import { sqliteStore } from 'hallpass/sqlite';
import { exportJWK, SignJWT } from 'jose';
import { frozenClock } from '../support/clock.js';
import { SECRET } from '../support/core-fixtures.js';
import { openDatabase } from '../support/sqlite.js';

const AUD = 'https://api.example';
const ISS = 'https://auth.example';
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact token from raw parts, signed (or not) however the attacker likes. */
function compact(header: Record<string, unknown>, claims: Record<string, unknown>, sign?: (input: string) => string): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${sign ? sign(input) : ''}`;
}

async function refusedWith(tokens: Tokens, token: string, codes: string[], what: string): Promise<void> {
  await assert.rejects(tokens.verify(token), (error: unknown) => {
    assert.ok(error instanceof TokenError, `${what}: ${String(error)}`);
    assert.ok(codes.includes(error.tokenCode), `${what}: ${error.tokenCode}`);
    assert.ok(!error.message.includes(token), 'the error never echoes the token');
    return true;
  });
}

describe('H46-H51 stateless tokens under attack', () => {
  const clock = frozenClock();
  const ed = generateKeyPairSync('ed25519');
  const attacker = generateKeyPairSync('ed25519');
  let tokens: Tokens;
  let good: string;
  const claims = () => ({ sub: 'alice', iss: ISS, aud: AUD, iat: clock.seconds, exp: clock.seconds + 600, jti: 'j'.repeat(22) });

  before(async () => {
    tokens = createTokens({
      algorithms: ['EdDSA'],
      keys: [{ kid: 'k1', alg: 'EdDSA', key: ed.privateKey }],
      audience: AUD,
      issuer: ISS,
      store: sqliteStore(openDatabase(':memory:'), { now: clock.now, cleanupIntervalMs: 0 }),
      now: clock.now,
    });
    good = await tokens.issue({ sub: 'alice' });
    assert.equal((await tokens.verify(good)).sub, 'alice', 'control: a token hallpass issued verifies');
  });

  it('H46 alg "none" in every spelling, with or without a signature, is refused', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      await refusedWith(tokens, compact({ alg, typ: 'at+jwt', kid: 'k1' }, claims()), ['ERR_JWT_ALGORITHM', 'ERR_JWT_INVALID'], alg);
      await refusedWith(
        tokens,
        compact({ alg, typ: 'at+jwt' }, claims(), () => 'AAAA'),
        ['ERR_JWT_ALGORITHM', 'ERR_JWT_INVALID'],
        alg,
      );
    }
  });

  it('H46 algorithms outside the allowlist (HS256, HS512, RS256, ES256) are refused before any key is used', async () => {
    const hmac = (bits: string) => (input: string) => createHmac(bits, SECRET).update(input).digest('base64url');
    await refusedWith(
      tokens,
      compact({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' }, claims(), hmac('sha256')),
      ['ERR_JWT_ALGORITHM'],
      'HS256',
    );
    await refusedWith(
      tokens,
      compact({ alg: 'HS512', typ: 'at+jwt', kid: 'k1' }, claims(), hmac('sha512')),
      ['ERR_JWT_ALGORITHM'],
      'HS512',
    );
    // The allowlist is checked before any signature, so a well-formed signature-shaped blob is enough.
    for (const alg of ['RS256', 'ES256', 'PS256', 'EdDSA ']) {
      const forged = compact({ alg, typ: 'at+jwt', kid: 'k1' }, claims(), () => Buffer.alloc(256, 1).toString('base64url'));
      await refusedWith(tokens, forged, ['ERR_JWT_ALGORITHM'], alg);
    }
  });

  it('H47 HS256 "signed" with the server public key as the HMAC secret (key confusion) is refused', async () => {
    const key = ed.publicKey as KeyObject;
    const encodings: Array<[string, Buffer]> = [
      ['pem', Buffer.from(key.export({ type: 'spki', format: 'pem' }))],
      ['der', key.export({ type: 'spki', format: 'der' })],
    ];
    for (const [format, publicKey] of encodings) {
      const forged = compact({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' }, claims(), (input) =>
        createHmac('sha256', publicKey).update(input).digest('base64url'),
      );
      await refusedWith(tokens, forged, ['ERR_JWT_ALGORITHM'], `HS256 with the ${format} public key`);
    }
  });

  it('H47 keys carried in the header (jwk, jku, x5u, x5c) are never used', async () => {
    const jwk = await exportJWK(attacker.publicKey);
    for (const extra of [{ jwk }, { jku: 'https://evil.example/jwks.json' }, { x5u: 'https://evil.example/cert.pem' }, { x5c: ['MIIB'] }]) {
      for (const kid of [undefined, 'k1', 'attacker']) {
        const header = { alg: 'EdDSA' as const, typ: 'at+jwt', ...(kid ? { kid } : {}), ...extra };
        const forged = await new SignJWT(claims()).setProtectedHeader(header).sign(attacker.privateKey);
        await refusedWith(tokens, forged, ['ERR_JWT_SIGNATURE', 'ERR_JWT_KID'], JSON.stringify(Object.keys(extra)));
      }
    }
  });

  it('H47 a kid that looks like a path or SQL is only a keyring lookup: unknown, refused', async () => {
    for (const kid of ['../../dev/null', "' OR 1=1 --", '/etc/passwd', 'k1\u0000', 'K1']) {
      const forged = await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(ed.privateKey);
      await refusedWith(tokens, forged, ['ERR_JWT_KID', 'ERR_JWT_INVALID'], kid);
    }
  });

  it('H48 missing exp, expiry past the leeway, wrong iss, unlisted aud, another typ or purpose: refused', async () => {
    const sign = (header: Record<string, unknown>, body: Record<string, unknown>) =>
      new SignJWT(body).setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'at+jwt', ...header }).sign(ed.privateKey);
    const { exp: _exp, ...noExp } = claims();
    const cases: Array<[string, Promise<string>, string[]]> = [
      ['no exp', sign({}, noExp), ['ERR_JWT_CLAIMS']],
      ['expired beyond the 30 s leeway', sign({}, { ...claims(), exp: clock.seconds - 31 }), ['ERR_JWT_EXPIRED']],
      ['not yet valid', sign({}, { ...claims(), nbf: clock.seconds + 300 }), ['ERR_JWT_NOT_YET_VALID']],
      ['issued in the future', sign({}, { ...claims(), iat: clock.seconds + 600, exp: clock.seconds + 900 }), ['ERR_JWT_ISSUED_IN_FUTURE']],
      ['wrong iss', sign({}, { ...claims(), iss: 'https://evil.example' }), ['ERR_JWT_ISSUER']],
      ['unlisted aud', sign({}, { ...claims(), aud: 'https://other.example' }), ['ERR_JWT_AUDIENCE']],
      ['typ JWT', sign({ typ: 'JWT' }, claims()), ['ERR_JWT_TYPE']],
      ['typ state+jwt (another purpose, same key)', sign({ typ: 'state+jwt' }, claims()), ['ERR_JWT_TYPE']],
      ['no typ', new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA', kid: 'k1' }).sign(ed.privateKey), ['ERR_JWT_TYPE']],
    ];
    for (const [what, token, codes] of cases) await refusedWith(tokens, await token, codes, what);
    const withinLeeway = await sign({}, { ...claims(), exp: clock.seconds - 29 });
    assert.equal((await tokens.verify(withinLeeway)).sub, 'alice', 'control: within the leeway it verifies');
  });

  it('H49 every token has a 128-bit jti; a revoked token and every older token of a user logged out everywhere are refused', async () => {
    const first = await tokens.issue({ sub: 'bob' });
    const jti = (await tokens.verify(first)).jti as string;
    assert.equal(Buffer.from(jti, 'base64url').length, 16);
    await tokens.revoke(first);
    await refusedWith(tokens, first, ['ERR_JWT_REVOKED'], 'revoked');
    const a = await tokens.issue({ sub: 'carol' });
    const b = await tokens.issue({ sub: 'carol' });
    clock.advance(1);
    await tokens.revokeAllForUser('carol');
    await refusedWith(tokens, a, ['ERR_JWT_REVOKED'], 'older token A');
    await refusedWith(tokens, b, ['ERR_JWT_REVOKED'], 'older token B');
    clock.advance(1);
    assert.equal((await tokens.verify(await tokens.issue({ sub: 'carol' }))).sub, 'carol', 'a later login works');
  });

  it('H50 access tokens live 15 minutes; a reused refresh token is refused and ends its whole family', async () => {
    assert.equal(tokens.lifetime, 900);
    const one = await tokens.issuePair({ sub: 'dave' });
    const two = await tokens.refresh(one.refreshToken);
    assert.notEqual(two.refreshToken, one.refreshToken);
    await assert.rejects(
      tokens.refresh(one.refreshToken),
      (error: unknown) => error instanceof TokenError && error.tokenCode === 'ERR_JWT_REFRESH_REUSED',
    );
    await assert.rejects(tokens.refresh(two.refreshToken), (error: unknown) => error instanceof TokenError);
    await refusedWith(tokens, two.accessToken, ['ERR_JWT_REVOKED'], 'access token of the ended family');
  });

  it('H51 a 100 KB token and JWE tokens (PBES2 with a huge p2c, zip) are refused before any crypto, quickly', async () => {
    const huge = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' })}.${'A'.repeat(100_000)}.AAAA`;
    const jwe = [
      b64({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 2147483647, p2s: 'AAAAAAAAAAA', zip: 'DEF' }),
      'AAAA',
      'AAAA',
      'AAAA',
      'AAAA',
    ].join('.');
    for (const [token, codes] of [
      [huge, ['ERR_JWT_OVERSIZED']],
      [jwe, ['ERR_JWT_INVALID']],
    ] as const) {
      const started = performance.now();
      await refusedWith(tokens, token, [...codes], codes[0]);
      assert.ok(performance.now() - started < 50, `${(performance.now() - started).toFixed(1)} ms`);
    }
  });
});
