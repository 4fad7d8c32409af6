/**
 * `hallpass inspect --format jwt`: offline verification of HS256 tokens from any issuer, replaying
 * the python-jose vectors in `test/interop/fixtures/starlette-vectors.json`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigError } from 'hallpass';
import { createTokens } from 'hallpass/jwt';
import { inspectJwt } from '../../src/cli/inspect/jwt.js';
import type { InspectArgs } from '../../src/cli/inspect/result.js';
import { loadVectors } from '../interop/starlette-support.js';
import { frozenClock } from '../support/clock.js';
import { AUDIENCE, ED, hsTokens, ISSUER, SECRET } from './fixtures.js';
import { forge } from './forge.js';

const vectors = loadVectors().jwt;

/** How hallpass words each refusal; a new invalid vector without an entry fails on purpose. */
const REASONS: Record<string, string> = {
  expired: 'expired',
  nbf_future: 'not-yet-valid',
  wrong_secret: 'tampered',
  alg_none: 'algorithm',
  tampered_payload: 'tampered',
  // python-jose accepts a token at its exp second; RFC 7519 (and jose, and hallpass) say it is valid only before.
  exp_equals_now: 'expired',
};

const args = (now: number, secrets: string[] = [SECRET], flags: Record<string, string> = {}): InspectArgs => ({ secrets, now, flags });

describe('inspect --format jwt replays the python-jose vectors', () => {
  it('has vectors to replay', () => assert.ok(vectors.length >= 9));

  for (const vector of vectors) {
    it(`${vector.name}: ${vector.expect} (${vector.reason})`, async () => {
      const result = await inspectJwt(vector.token, args(vector.now, [vector.secret]));
      assert.equal(result.format, 'jwt');
      const expected = REASONS[vector.name];
      if (vector.expect === 'valid' && expected === undefined) {
        assert.equal(result.reason, null);
        assert.equal(result.valid, true);
        assert.deepEqual(result.claims, vector.decoded);
        assert.equal(result.createdAt, vector.decoded?.iat ?? null);
        assert.equal(result.expiresAt, vector.decoded?.exp);
      } else {
        assert.equal(result.valid, false);
        assert.equal(result.reason, expected, `no reason listed for ${vector.name}`);
      }
      assert.equal(result.lastSeenAt, null);
    });
  }

  it("refuses the vectors' 27-byte secret as a key for createTokens", () => {
    assert.throws(
      () => createTokens({ algorithms: ['HS256'], keys: [{ alg: 'HS256', key: vectors[0]!.secret }], audience: AUDIENCE }),
      (error: ConfigError) => error.code === 'ERR_SECRET_TOO_SHORT',
    );
  });
});

describe('inspect --format jwt', () => {
  const clock = frozenClock();
  const { tokens } = hsTokens({}, clock);

  it('reports a valid hallpass token with its claims and times', async () => {
    const token = await tokens.issue({ sub: 'alice' });
    const result = await inspectJwt(token, args(clock.seconds, [SECRET], { issuer: ISSUER, audience: AUDIENCE, type: 'at+jwt' }));
    assert.equal(result.valid, true);
    assert.equal(result.claims?.sub, 'alice');
    assert.deepEqual([result.createdAt, result.lastSeenAt, result.expiresAt], [clock.seconds, null, clock.seconds + 900]);
  });

  it('checks iss, aud and typ only when asked, and shows the claims of a refused signed token', async () => {
    const token = await tokens.issue({ sub: 'alice' });
    for (const [flag, value, reason] of [
      ['issuer', 'https://other.test', 'issuer'],
      ['audience', 'other-api', 'audience'],
      ['type', 'JWT', 'type'],
    ] as const) {
      const result = await inspectJwt(token, args(clock.seconds, [SECRET], { [flag]: value }));
      assert.deepEqual([result.valid, result.reason, result.claims?.sub], [false, reason, 'alice']);
    }
  });

  it('checks exp at --now without leeway, and tries every secret given', async () => {
    const token = await tokens.issue({ sub: 'alice' });
    const other = 'Vd6mQp2XsL9fTb4KzRn7yUc1WgHe8JaO3iNt5oBkZrY';
    assert.equal((await inspectJwt(token, args(clock.seconds + 899, [other, SECRET]))).valid, true);
    const expired = await inspectJwt(token, args(clock.seconds + 900, [SECRET]));
    assert.deepEqual([expired.valid, expired.reason, expired.expiresAt], [false, 'expired', clock.seconds + 900]);
    const wrong = await inspectJwt(token, args(clock.seconds, [other]));
    assert.deepEqual([wrong.reason, wrong.claims], ['tampered', null]);
  });

  it('refuses other algorithms, a token without exp and an oversized token', async () => {
    const ed = createTokens({ algorithms: ['EdDSA'], keys: [{ alg: 'EdDSA', key: ED.privateKey }], audience: AUDIENCE, now: clock.now });
    assert.equal((await inspectJwt(await ed.issue({}), args(clock.seconds))).reason, 'algorithm');
    const noExp = forge({ alg: 'HS256' }, { sub: 'a' }, { alg: 'HS256', secret: SECRET });
    assert.equal((await inspectJwt(noExp, args(clock.seconds))).reason, 'claims');
    assert.equal((await inspectJwt(`${'a'.repeat(9000)}.b.c`, args(clock.seconds))).reason, 'oversized');
  });

  it('needs a secret', async () => {
    const saved = process.env.JWT_SECRET;
    delete process.env.JWT_SECRET;
    try {
      await assert.rejects(inspectJwt('a.b.c', args(clock.seconds, [])), (error: ConfigError) => error.code === 'ERR_SECRET_MISSING');
    } finally {
      if (saved !== undefined) process.env.JWT_SECRET = saved;
    }
  });
});
