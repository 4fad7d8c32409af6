/**
 * AES-GCM with random 96-bit nonces is safe for about 2^32 seals per key. The sealed codec counts
 * the seals of each key in this process and reports `key-rotation-due` at `sealWarning` (default
 * 2^27) and each further multiple, without changing the cookie format.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, createSessions, type Envelope, type SessionEvent, sealedCodec } from 'hallpass';
import { DEFAULT_SEAL_WARNING } from '../../src/codecs/sealed.js';
import { keyIdFor } from '../support/forge.js';

/** A secret no other test seals with: the count is per key and per process. */
const freshSecret = () => randomBytes(32).toString('base64url');
const envelope = (n: number): Envelope => ({ id: `id${n}`, createdAt: 1_767_225_600, lastSeenAt: 1_767_225_600, data: { n } });

function counted(secret: string, sealWarning?: number) {
  const events: SessionEvent[] = [];
  const codec = sealedCodec([secret], { sealWarning, onEvent: (event) => events.push(event) });
  return { codec, events, seal: (times: number) => Array.from({ length: times }, (_, i) => codec.encode(envelope(i))) };
}

describe('sealed codec: seals counted per key', () => {
  it('reports key-rotation-due once the key has sealed sealWarning cookies, and again at each further multiple', () => {
    const secret = freshSecret();
    const { events, seal } = counted(secret, 5);
    seal(4);
    assert.deepEqual(events, [], 'below the threshold: nothing');
    seal(1);
    assert.deepEqual(events, [{ type: 'key-rotation-due', keyId: keyIdFor(secret, 'sealed'), seals: 5 }]);
    seal(4);
    assert.equal(events.length, 1, 'once per multiple, not per seal');
    seal(1);
    assert.deepEqual(events.at(-1), { type: 'key-rotation-due', keyId: keyIdFor(secret, 'sealed'), seals: 10 });
    assert.equal(events.length, 2);
  });

  it('counts the key, not the codec: every codec built from one secret adds to the same count', () => {
    const secret = freshSecret();
    const first = counted(secret, 4);
    first.seal(3);
    const second = counted(secret, 4);
    second.seal(1);
    assert.deepEqual(second.events, [{ type: 'key-rotation-due', keyId: keyIdFor(secret, 'sealed'), seals: 4 }]);
    assert.deepEqual(first.events, [], 'the codec that did not cross the threshold hears nothing');
    const other = counted(freshSecret(), 4);
    other.seal(3);
    assert.deepEqual(other.events, [], 'another key starts from zero');
  });

  it('counts every cookie write of createSessions (new, changed, regenerated)', async () => {
    const secret = freshSecret();
    const events: SessionEvent[] = [];
    const codec = sealedCodec([secret], { sealWarning: 3, onEvent: (event) => events.push(event) });
    const sessions = createSessions({ codec });
    const first = await sessions.load(undefined);
    first.set('user_id', 'alice');
    const written = await sessions.commit(first);
    const cookie = (written.setCookie as string).split(';')[0] as string;
    const second = await sessions.load(cookie);
    second.set('cart', ['apple']);
    await sessions.commit(second);
    assert.deepEqual(events, []);
    const third = await sessions.load(cookie);
    third.regenerate();
    await sessions.commit(third);
    assert.deepEqual(events, [{ type: 'key-rotation-due', keyId: keyIdFor(secret, 'sealed'), seals: 3 }]);
  });

  it('leaves the cookie format unchanged: h1.<key id>.<base64url>, and each value still opens', () => {
    const secret = freshSecret();
    const { codec, seal } = counted(secret, 2);
    const values = seal(3);
    for (const [i, value] of values.entries()) {
      assert.match(value, new RegExp(`^h1\\.${keyIdFor(secret, 'sealed')}\\.[A-Za-z0-9_-]+$`));
      const opened = codec.decode(value, 1_767_225_600);
      assert.ok(opened.ok && opened.envelope.data.n === i);
    }
  });

  it('still seals when the onEvent hook throws', () => {
    const codec = sealedCodec([freshSecret()], {
      sealWarning: 1,
      onEvent: () => {
        throw new Error('metrics down');
      },
    });
    const logged = console.error;
    const errors: unknown[] = [];
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      assert.ok(codec.decode(codec.encode(envelope(1)), 1_767_225_600).ok);
    } finally {
      console.error = logged;
    }
    assert.equal(errors.length, 1);
  });

  it('defaults to 2^27 seals, and refuses a sealWarning that is not a whole number from 1 to 2^32 at start-up', () => {
    assert.equal(DEFAULT_SEAL_WARNING, 134_217_728);
    for (const sealWarning of [0, -1, 1.5, 2 ** 32 + 1, Number.NaN, '1000' as unknown as number]) {
      assert.throws(
        () => sealedCodec([freshSecret()], { sealWarning }),
        (error: unknown) => error instanceof ConfigError && error.code === 'ERR_OPTION' && /`sealWarning`/.test(error.message),
        String(sealWarning),
      );
    }
    assert.throws(() => sealedCodec([freshSecret()], { onEvent: 'log' as never }), /`onEvent` must be a function/);
  });
});
