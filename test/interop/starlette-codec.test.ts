/** The Starlette codec and `starletteSessionOptions` as an app sees them: options, rotation, expiry, tampering. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigError, createSessions, type SessionEvent } from 'hallpass';
import { type StarletteOptions, starletteCodec, starletteSessionOptions } from 'hallpass/starlette';
import { itsdangerousB64decode } from '../../src/starlette/base64.js';
import { timestampSigner } from '../../src/starlette/signer.js';
import { frozenClock } from '../support/clock.js';
import { setCookieValue } from './starlette-support.js';

const SECRET = 'dev-secret-change-me';
const T0 = 1_700_000_000;
/** `{"user_id": "alice"}` signed by Starlette with SECRET at T0 (vector "simple"). */
const ALICE = 'eyJ1c2VyX2lkIjogImFsaWNlIn0=.ZVPxAA.cBEnE8z_4D9lsARDq5ejD_jkbWk';

function app(options: Partial<StarletteOptions> = {}, start = T0) {
  const clock = frozenClock(start);
  const events: SessionEvent[] = [];
  const sessions = createSessions({
    ...starletteSessionOptions({ secret_key: SECRET, ...options }),
    now: clock.now,
    onEvent: (event) => events.push(event),
  });
  const invalid = () => events.flatMap((event) => (event.type === 'invalid' ? [event.reason] : []));
  return { sessions, clock, events, invalid };
}

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return `${error.code}: ${error.message}`;
  }
  return undefined;
}

describe('starlette options', () => {
  it('requires a secret_key and takes any non-empty one, as Starlette does', () => {
    assert.match(code(() => starletteCodec({} as never)) ?? '', /^ERR_SECRET_MISSING: `secret_key` is required/);
    assert.match(code(() => starletteCodec({ secret_key: [] })) ?? '', /^ERR_SECRET_MISSING/);
    assert.match(code(() => starletteCodec({ secret_key: ['ok', ''] })) ?? '', /^ERR_OPTION: `secret_key\[1\]` must be a non-empty string/);
    assert.match(code(() => starletteCodec({ secret_key: 42 as never })) ?? '', /^ERR_OPTION/);
    assert.equal(
      code(() => starletteCodec({ secret_key: 'short' })),
      undefined,
    );
  });

  it('refuses max_age 0 (valid for one second in Starlette) and anything but whole seconds or null', () => {
    assert.match(
      code(() => starletteCodec({ secret_key: SECRET, max_age: 0 })) ?? '',
      /^ERR_LIFETIME: `max_age` 0 makes Starlette cookies valid for one second only.*or null/,
    );
    for (const bad of [-1, 1.5, Number.NaN, '60']) {
      assert.match(code(() => starletteCodec({ secret_key: SECRET, max_age: bad as never })) ?? '', /^ERR_LIFETIME/, String(bad));
    }
  });

  it('names the Starlette option in every refusal', () => {
    assert.match(
      code(() => starletteSessionOptions({ secret_key: SECRET, session_cookie: 'a b' })) ?? '',
      /^ERR_COOKIE_NAME: `session_cookie`/,
    );
    assert.match(code(() => starletteSessionOptions({ secret_key: SECRET, same_site: 'Lax' as never })) ?? '', /^ERR_OPTION: `same_site`/);
    assert.match(
      code(() => starletteSessionOptions({ secret_key: SECRET, https_only: 'false' as never })) ?? '',
      /^ERR_OPTION: `https_only`/,
    );
    assert.match(code(() => starletteSessionOptions({ secret_key: SECRET, same_site: 'none' })) ?? '', /^ERR_SAMESITE_NONE_INSECURE/);
  });

  it('maps onto createSessions options: Starlette defaults, sliding re-signing, no time check without max_age', () => {
    const options = starletteSessionOptions({ secret_key: SECRET });
    assert.deepEqual(
      { ...options, codec: options.codec && typeof options.codec === 'object' ? options.codec.kind : options.codec },
      {
        codec: 'starlette',
        name: 'session',
        path: '/',
        sameSite: 'lax',
        secure: false,
        httpOnly: true,
        maxAge: 1e12,
        persistent: true,
        idleTimeout: 1209601,
        touchInterval: 0,
      },
    );
    const browserSession = starletteSessionOptions({ secret_key: SECRET, max_age: null, domain: 'example.com', https_only: true });
    assert.equal(browserSession.persistent, false);
    assert.equal(browserSession.domain, 'example.com');
    assert.equal(browserSession.clockLeeway, undefined, 'the codec judges timestamps itself; no leeway needed');
  });
});

describe('starlette key rotation (itsdangerous order: the last secret signs)', () => {
  it('signs with the last secret and verifies with every one', () => {
    const rotated = starletteCodec({ secret_key: ['old-secret', 'new-secret'] });
    const envelope = { createdAt: T0, lastSeenAt: T0, data: { user_id: 'alice' } };
    assert.equal(rotated.encode(envelope), starletteCodec({ secret_key: 'new-secret' }).encode(envelope));
    const fromOld = starletteCodec({ secret_key: 'old-secret' }).encode(envelope);
    const opened = rotated.decode(fromOld, T0);
    assert.ok(opened.ok && opened.stale, 'an old-key cookie opens and is marked for re-signing');
    const fromNew = rotated.decode(rotated.encode(envelope), T0);
    assert.ok(fromNew.ok && !fromNew.stale);
    assert.deepEqual(starletteCodec({ secret_key: 'other' }).decode(fromOld, T0), { ok: false, reason: 'tampered' });
  });

  it('re-signs an old-key cookie with the newest secret on the next response', async () => {
    const { sessions, events } = app({ secret_key: [SECRET, 'the-new-secret'] }, T0 + 10);
    const session = await sessions.load(`session=${ALICE}`);
    assert.equal(session.get('user_id'), 'alice');
    const { setCookie } = await sessions.commit(session);
    const value = setCookieValue(setCookie as string);
    assert.ok(starletteCodec({ secret_key: 'the-new-secret' }).decode(value, T0 + 10).ok);
    assert.equal(starletteCodec({ secret_key: SECRET }).decode(value, T0 + 10).ok, false);
    assert.deepEqual(
      events.map((event) => event.type),
      ['resealed'],
    );
  });
});

describe('starlette expiry through createSessions', () => {
  it('re-signs on every response that uses the session, so an active user is never logged out', async () => {
    const { sessions, clock, invalid } = app({ max_age: 60 });
    let cookie = `session=${ALICE}`;
    for (let step = 0; step < 10; step++) {
      clock.advance(50); // each visit comes 50 s after the last one: 500 s in all, max_age is 60
      const session = await sessions.load(cookie);
      assert.equal(session.get('user_id'), 'alice', `visit ${step}`);
      const { setCookie } = await sessions.commit(session);
      assert.equal(setCookie, `session=${setCookieValue(setCookie as string)}; Path=/; Max-Age=61; HttpOnly; SameSite=Lax`);
      cookie = `session=${setCookieValue(setCookie as string)}`;
    }
    assert.deepEqual(invalid(), []);
  });

  it('accepts a cookie exactly max_age old and refuses it one second later, as itsdangerous does', async () => {
    const { sessions, clock, invalid } = app({ max_age: 60 });
    clock.advance(60);
    assert.equal((await sessions.load(`session=${ALICE}`)).get('user_id'), 'alice');
    clock.advance(1);
    assert.equal((await sessions.load(`session=${ALICE}`)).get('user_id'), undefined);
    assert.deepEqual(invalid(), ['expired']);
  });

  it('refuses a cookie dated even one second in the future, and accepts anything with max_age null', async () => {
    const strict = app({}, T0 - 1);
    assert.equal((await strict.sessions.load(`session=${ALICE}`)).get('user_id'), undefined);
    assert.deepEqual(strict.invalid(), ['future']);
    const none = app({ max_age: null }, T0 - 86400);
    assert.equal((await none.sessions.load(`session=${ALICE}`)).get('user_id'), 'alice');
    none.clock.advance(50 * 365 * 86400);
    const late = await none.sessions.load(`session=${ALICE}`);
    assert.equal(late.get('user_id'), 'alice');
    const { setCookie } = await none.sessions.commit(late);
    assert.equal(setCookie, `session=${setCookieValue(setCookie as string)}; Path=/; HttpOnly; SameSite=Lax`, 'a browser-session cookie');
  });

  it('writes nothing for a request that never used the session', async () => {
    const { sessions, clock } = app();
    clock.advance(10);
    assert.deepEqual(await sessions.commit(await sessions.load(`session=${ALICE}`)), { vary: false });
  });
});

describe('starlette cookies through createSessions', () => {
  it('logs out by deleting the cookie; a copied cookie stays valid until max_age, as in Starlette', async () => {
    const { sessions } = app({}, T0 + 10);
    const session = await sessions.load(`session=${ALICE}`);
    session.destroy();
    assert.deepEqual(await sessions.commit(session), { setCookie: 'session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax', vary: true });
    // The format has no session ID, so nothing can be revoked: this is why logout must delete the cookie.
    assert.equal((await sessions.load(`session=${ALICE}`)).get('user_id'), 'alice');
  });

  it('keeps session.userId for the request only: the format has no place for it', async () => {
    const { sessions } = app();
    const session = await sessions.load(undefined);
    session.set('user_id', 'alice');
    session.userId = 'alice';
    const { setCookie } = await sessions.commit(session);
    assert.equal(setCookieValue(setCookie as string), ALICE, 'exactly what Starlette writes for {"user_id": "alice"}');
    assert.equal((await sessions.load(`session=${ALICE}`)).userId, undefined);
  });

  it('reads a quoted cookie and refuses a percent-encoded one, as Starlette does', async () => {
    const { sessions, invalid } = app({}, T0 + 10);
    assert.equal((await sessions.load(`session="${ALICE}"`)).get('user_id'), 'alice');
    assert.equal((await sessions.load(`session=${ALICE.replace('=', '%3D')}`)).get('user_id'), undefined);
    assert.deepEqual(invalid(), ['tampered']);
  });

  it('refuses a signed session holding an integer JavaScript cannot hold exactly', () => {
    const signer = timestampSigner([SECRET]);
    const cookie = signer.sign(Buffer.from('{"id": 12345678901234567890}').toString('base64'), T0) as string;
    assert.deepEqual(starletteCodec({ secret_key: SECRET }).decode(cookie, T0), { ok: false, reason: 'malformed' });
    const fine = signer.sign(Buffer.from('{"id": 9007199254740991}').toString('base64'), T0) as string;
    assert.deepEqual(starletteCodec({ secret_key: SECRET }).decode(fine, T0), {
      ok: true,
      envelope: { createdAt: T0, lastSeenAt: T0, data: Object.assign(Object.create(null), { id: 9007199254740991 }) },
      stale: false,
    });
  });

  it('refuses a signed value that is not a dict', () => {
    const signer = timestampSigner([SECRET]);
    for (const json of ['[1, 2]', '"x"', 'null', '1']) {
      const cookie = signer.sign(Buffer.from(json).toString('base64'), T0) as string;
      assert.deepEqual(starletteCodec({ secret_key: SECRET }).decode(cookie, T0), { ok: false, reason: 'malformed' }, json);
    }
  });

  it('refuses every altered character, except other spellings of the same signature bytes (as Python does)', () => {
    const codec = starletteCodec({ secret_key: SECRET });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.';
    fc.assert(
      fc.property(fc.nat(ALICE.length - 1), fc.constantFrom(...alphabet), (index, replacement) => {
        fc.pre(ALICE[index] !== replacement);
        const altered = ALICE.slice(0, index) + replacement + ALICE.slice(index + 1);
        const opened = codec.decode(altered, T0);
        if (!opened.ok) return;
        // Accepted only where Python accepts too: the signature's own bytes, spelled differently
        // ('+' for '-', '/' for '_', or other unused low bits in the last character).
        const inSignature = index > ALICE.lastIndexOf('.');
        const decode = (value: string) => itsdangerousB64decode(Buffer.from(value.slice(value.lastIndexOf('.') + 1)));
        assert.ok(inSignature && Buffer.from(decode(altered) ?? []).equals(decode(ALICE) as Uint8Array), `accepted ${altered}`);
        assert.equal(opened.envelope.data.user_id, 'alice');
      }),
      { numRuns: 2000 },
    );
  });
});
