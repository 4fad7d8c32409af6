/**
 * `session.setLifetime` needs a cookie format that carries the choice: hallpass's own codecs do;
 * Starlette's format and an app's codec that does not declare `carriesLifetime` refuse it loudly
 * rather than honour it for one response and lose it on the next.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Codec, createSessions, HallpassError, memoryStore, sealedCodec } from 'hallpass';
import { starletteSessionOptions } from 'hallpass/starlette';
import { cookiePair } from '../support/cookies.js';
import { SECRET } from '../support/core-fixtures.js';

/** An app's codec: hallpass's sealed format behind its own object, so cookie mode treats it as the app's. */
function appCodec(carriesLifetime?: boolean): Codec {
  const inner = sealedCodec([SECRET]);
  const codec: Codec = { kind: 'app', encode: (e) => inner.encode(e), decode: (v, now) => inner.decode(v, now) };
  return carriesLifetime === undefined ? codec : { ...codec, carriesLifetime };
}

const refusal = (kind: string) => (error: unknown) =>
  error instanceof HallpassError &&
  error.code === 'ERR_SESSION_STATE' &&
  error.message.includes(`"${kind}" codec`) &&
  error.message.includes('carriesLifetime');

describe('setLifetime and the codec', () => {
  it('the Starlette codec refuses setLifetime with ERR_SESSION_STATE naming the codec', async () => {
    const sessions = createSessions(starletteSessionOptions({ secret_key: 'x'.repeat(32), max_age: 14 * 86400 }));
    const session = await sessions.load(undefined);
    session.set('user_id', 'alice');
    assert.throws(() => session.setLifetime({ persistent: false, maxAge: 3600 }), refusal('starlette'));
    const result = await sessions.commit(session);
    assert.match(result.setCookie as string, /Max-Age=1209601/, 'the configured lifetime (Starlette adds a second), unchanged');
  });

  it("an app's codec without carriesLifetime refuses it; one that declares it keeps the choice", async () => {
    const plain = createSessions({ codec: appCodec() });
    await assert.rejects(async () => (await plain.load(undefined)).setLifetime({ persistent: false }), refusal('app'));

    const carrying = createSessions({ codec: appCodec(true) });
    const session = await carrying.load(undefined);
    session.set('a', 1);
    session.setLifetime({ persistent: false });
    const result = await carrying.commit(session);
    const next = await carrying.load(cookiePair(result.setCookie));
    assert.deepEqual(next.lifetime, { persistent: false, maxAge: 12 * 3600 });
  });

  it('server mode keeps the choice in the store, whatever the cookie format', async () => {
    const sessions = createSessions({ secret: SECRET, store: memoryStore(), codec: appCodec() });
    const session = await sessions.load(undefined);
    session.set('a', 1);
    session.setLifetime({ persistent: false });
    const result = await sessions.commit(session);
    assert.deepEqual((await sessions.load(cookiePair(result.setCookie))).lifetime, { persistent: false, maxAge: 12 * 3600 });
  });
});
