/**
 * Replays the vectors the real Starlette produced (`fixtures/starlette-vectors.json`, see its README):
 * every cookie it accepts opens to the same session, every cookie it refuses is refused for the
 * same reason, and what hallpass writes is byte for byte what Starlette writes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessions, type InvalidReason, type Json, type SessionEvent } from 'hallpass';
import { starletteCodec, starletteSessionOptions } from 'hallpass/starlette';
import { pythonJsonLoads } from '../../src/starlette/json-parse.js';
import { frozenClock } from '../support/clock.js';
import { cookieAttributes, loadVectors, type StarletteVector, setCookieValue } from './starlette-support.js';

const file = loadVectors();
const valid = file.vectors.filter((vector) => vector.expect === 'valid');
const invalid = file.vectors.filter((vector) => vector.expect === 'invalid');
const written = valid.filter((vector) => vector.set_cookie_on_write !== null);

/** Why hallpass refuses each invalid vector; a new vector without an entry fails the suite on purpose. */
const REASONS: Record<string, InvalidReason> = {
  tampered_signature: 'tampered',
  tampered_payload: 'tampered',
  tampered_timestamp: 'tampered',
  wrong_key: 'tampered',
  expired: 'expired',
  future_timestamp: 'future',
  deleted_cookie_value: 'malformed',
  missing_timestamp: 'malformed',
  empty_value: 'malformed',
  signed_unpadded_payload: 'malformed',
  signed_urlsafe_payload: 'malformed',
};

/** The session as Python holds it (floats stay floats), parsed from the payload JSON Starlette wrote. */
function pythonSession(vector: StarletteVector): Record<string, Json> {
  return pythonJsonLoads(vector.parts.payload_json as string) as Record<string, Json>;
}

/** One request through `createSessions` at the vector's `now`: load the cookie, read the session, commit. */
async function replay(vector: StarletteVector) {
  const clock = frozenClock(vector.now);
  const events: SessionEvent[] = [];
  const sessions = createSessions({
    ...starletteSessionOptions({ secret_key: vector.secret, max_age: vector.max_age }),
    now: clock.now,
    onEvent: (event) => events.push(event),
  });
  const session = await sessions.load(`session=${vector.cookie}`);
  const data = session.toJSON();
  const result = await sessions.commit(session);
  return { data, result, invalid: events.flatMap((event) => (event.type === 'invalid' ? [event.reason] : [])) };
}

describe('Starlette vectors: the file', () => {
  it('was made by the real Starlette and holds both kinds of vector', () => {
    assert.match(file.versions.starlette ?? '', /^\d+\.\d+/);
    assert.ok(valid.length >= 10 && invalid.length >= 10, `${valid.length} valid, ${invalid.length} invalid`);
    assert.ok(written.length >= 8, `${written.length} written by the middleware`);
  });
});

describe('Starlette vectors: decoding with the codec', () => {
  for (const vector of valid) {
    it(`opens "${vector.name}" to its session`, () => {
      const codec = starletteCodec({ secret_key: vector.secret, max_age: vector.max_age });
      const opened = codec.decode(vector.cookie, vector.now);
      assert.ok(opened.ok, `refused: ${opened.ok ? '' : opened.reason}`);
      assert.deepEqual({ ...opened.envelope.data }, vector.session);
      assert.equal(opened.envelope.createdAt, vector.signed_at);
      assert.equal(opened.envelope.lastSeenAt, vector.signed_at);
      assert.equal(opened.envelope.id, undefined, 'Starlette cookies carry no inner ID');
      assert.equal(opened.stale, false);
    });
  }
  for (const vector of invalid) {
    it(`refuses "${vector.name}" as ${REASONS[vector.name] ?? '(no reason mapped)'}`, () => {
      const expected = REASONS[vector.name];
      assert.ok(expected, `map a hallpass reason for the new vector "${vector.name}" (${vector.reason})`);
      const codec = starletteCodec({ secret_key: vector.secret, max_age: vector.max_age });
      assert.deepEqual(codec.decode(vector.cookie, vector.now), { ok: false, reason: expected });
    });
  }
});

describe('Starlette vectors: writing', () => {
  for (const vector of written) {
    it(`writes "${vector.name}" byte for byte (same session, secret and second)`, () => {
      const codec = starletteCodec({ secret_key: vector.signed_with_secret, max_age: vector.max_age });
      const cookie = codec.encode({ createdAt: vector.signed_at, lastSeenAt: vector.signed_at, data: pythonSession(vector) });
      assert.equal(cookie, vector.cookie);
      assert.equal(cookie, setCookieValue(vector.set_cookie_on_write as string));
    });
  }

  it('writes a session it read back unchanged, floats and key order included', () => {
    for (const vector of valid) {
      const codec = starletteCodec({ secret_key: vector.secret, max_age: vector.max_age });
      const opened = codec.decode(vector.cookie, vector.now);
      assert.ok(opened.ok);
      const again = codec.encode({ ...opened.envelope, lastSeenAt: vector.signed_at });
      // Starlette re-serializes what it reads, so a compact payload comes back with Python's spacing.
      const expected = vector.set_cookie_on_write
        ? vector.cookie
        : codec.encode({ ...opened.envelope, data: pythonSession(vector), lastSeenAt: vector.signed_at });
      assert.equal(again, expected, vector.name);
    }
  });

  it('writes sessions built in JavaScript byte for byte, except that JavaScript has no 1.0', () => {
    for (const vector of written) {
      const codec = starletteCodec({ secret_key: vector.signed_with_secret, max_age: vector.max_age });
      const cookie = codec.encode({
        createdAt: 0,
        lastSeenAt: vector.signed_at,
        data: structuredClone(vector.session) as Record<string, Json>,
      });
      if (vector.name !== 'nested') assert.equal(cookie, vector.cookie, vector.name);
      else {
        const payload = Buffer.from(cookie.split('.')[0] as string, 'base64').toString();
        assert.equal(payload, (vector.parts.payload_json as string).replace('"ratio": 1.0', '"ratio": 1'));
      }
    }
  });
});

describe('Starlette vectors: one request through createSessions at the same second', () => {
  for (const vector of valid) {
    const title =
      vector.cookie.length > 4096
        ? 'refused as oversized: browsers keep 4096 bytes at most'
        : Object.keys(vector.session ?? {}).length === 0
          ? 'opens, and writes nothing for an empty session'
          : 'opens, and is re-signed to the same Set-Cookie value as Starlette';
    it(`"${vector.name}": ${title}`, async () => {
      const { data, result, invalid } = await replay(vector);
      if (vector.cookie.length > 4096) {
        // Browsers drop cookies over 4096 bytes, so hallpass neither reads nor writes one (Starlette does both).
        assert.deepEqual(invalid, ['oversized']);
        assert.equal(result.setCookie, undefined);
        return;
      }
      assert.deepEqual(invalid, []);
      assert.deepEqual(data, vector.session);
      if (Object.keys(vector.session ?? {}).length === 0) {
        // Starlette answers a valid empty session with a deletion; hallpass writes nothing for it.
        assert.match(vector.set_cookie_on_read ?? '', /^session=null;/);
        assert.equal(result.setCookie, undefined);
        return;
      }
      // Starlette re-signs a non-empty session on every response; so does hallpass, to the byte.
      assert.ok(result.setCookie, 'expected the session to be re-signed');
      assert.equal(setCookieValue(result.setCookie), setCookieValue(vector.set_cookie_on_read as string));
    });
  }
  for (const vector of invalid) {
    it(`"${vector.name}": an empty session and no Set-Cookie, as in Starlette`, async () => {
      const { data, result, invalid } = await replay(vector);
      assert.deepEqual(invalid, [REASONS[vector.name]]);
      assert.deepEqual(data, {});
      assert.deepEqual(result, { vary: true });
    });
  }
});

describe('Starlette vectors: Set-Cookie attributes', () => {
  for (const example of file.set_cookie_attributes) {
    const { options } = example;
    it(`matches Starlette's attributes for ${JSON.stringify(options)}`, async () => {
      const clock = frozenClock(1_700_000_000);
      const sessions = createSessions({ ...starletteSessionOptions({ secret_key: 'dev-secret-change-me', ...options }), now: clock.now });
      const session = await sessions.load(undefined);
      session.set('user_id', 'alice');
      const { setCookie } = await sessions.commit(session);
      assert.ok(setCookie);
      const name = options.session_cookie ?? 'session';
      assert.equal(setCookie.slice(0, setCookie.indexOf(';')), example.set_cookie_write.slice(0, example.set_cookie_write.indexOf(';')));
      const ours = cookieAttributes(setCookie);
      const theirs = cookieAttributes(example.set_cookie_write);
      // The one deliberate difference: Max-Age covers the last second itsdangerous still accepts.
      if (options.max_age !== null) {
        assert.equal(ours['max-age'], String(options.max_age + 1));
        ours['max-age'] = String(options.max_age);
      }
      assert.deepEqual(ours, theirs);
      const exact = `${name}=${setCookieValue(setCookie)}; Path=${options.path ?? '/'}${options.max_age === null ? '' : `; Max-Age=${options.max_age + 1}`}; HttpOnly${options.https_only ? '; Secure' : ''}; SameSite=${(options.same_site ?? 'lax').replace(/^./, (c) => c.toUpperCase())}`;
      assert.equal(setCookie, exact);

      // Logging out deletes the cookie with the same name, path and flags (an empty value and Max-Age=0).
      const next = await sessions.load(`${name}=${setCookieValue(setCookie)}`);
      next.destroy();
      const cleared = (await sessions.commit(next)).setCookie as string;
      assert.equal(cleared.slice(0, cleared.indexOf(';')), `${name}=`);
      const clearedAttributes = cookieAttributes(cleared);
      const theirClear = cookieAttributes(example.set_cookie_clear);
      assert.equal(clearedAttributes['max-age'], '0');
      assert.equal(theirClear.expires, 'thu, 01 jan 1970 00:00:00 gmt');
      for (const key of ['path', 'httponly', 'samesite', 'secure']) assert.equal(clearedAttributes[key], theirClear[key], key);
    });
  }
});
