import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  createSessions,
  HallpassError,
  memoryRevocations,
  memoryStore,
  type SessionOptions,
  sealedCodec,
  signedCodec,
} from 'hallpass';
import { SECRET } from '../support/core-fixtures.js';

/** Asserts `createSessions(options)` throws a ConfigError with `code` and a message matching every pattern. */
function refuses(options: SessionOptions, code: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => createSessions(options),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
      assert.ok(error instanceof HallpassError);
      assert.equal(error.code, code);
      assert.equal(error.name, 'ConfigError');
      for (const pattern of patterns) assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('createSessions option checks', () => {
  describe('secret', () => {
    it('requires a secret and says how to make one', () => {
      refuses({}, 'ERR_SECRET_MISSING', /`secret`/, /npx hallpass secret/);
      refuses({ secret: '' }, 'ERR_SECRET_MISSING', /`secret`/, /npx hallpass secret/);
      refuses({ secret: [] }, 'ERR_SECRET_MISSING', /`secret`/);
      refuses({ secret: undefined }, 'ERR_SECRET_MISSING');
    });

    it('refuses a secret under 32 bytes, naming its length', () => {
      refuses(
        { secret: 'kq7Zr1VbX9dT3mWf0LhPz5sYc2NjGu8' },
        'ERR_SECRET_TOO_SHORT',
        /`secret` is 31 bytes/,
        /at least 32/,
        /npx hallpass secret/,
      );
      refuses({ secret: 'a7#Kp2!x' }, 'ERR_SECRET_TOO_SHORT', /8 bytes/);
    });

    it('counts bytes, not characters', () => {
      // 16 characters of two bytes each: 32 bytes.
      assert.doesNotThrow(() => createSessions({ secret: 'äöüßéèêàçñøåæœ€ł' }));
    });

    it('refuses well-known sample secrets whatever their length', () => {
      for (const sample of ['changeme', 'secret', 'keyboard cat', 'your-super-secret-key-change-me', 'SECRET', '  changeme  ']) {
        refuses({ secret: sample }, 'ERR_SECRET_WEAK', /`secret` is a well-known sample/, /npx hallpass secret/);
      }
    });

    it('refuses long placeholder-like secrets', () => {
      for (const placeholder of [
        'please-CHANGE-ME-before-going-to-production-1234',
        'your_secret_here_0123456789_abcdefghijklmnop',
        'replace_me_with_a_real_random_value_0123456789',
        'change this to something long and random!!!!',
      ]) {
        refuses({ secret: placeholder }, 'ERR_SECRET_WEAK', /npx hallpass secret/);
      }
    });

    it('refuses a long secret made of a handful of characters', () => {
      refuses({ secret: 'a'.repeat(64) }, 'ERR_SECRET_WEAK', /too few characters/, /npx hallpass secret/);
      refuses({ secret: 'abababababababababababababababab' }, 'ERR_SECRET_WEAK');
    });

    it('checks every secret of a rotation list and names the bad one', () => {
      refuses({ secret: [SECRET, 'short'] }, 'ERR_SECRET_TOO_SHORT', /`secret\[1\]` is 5 bytes/);
      refuses({ secret: [SECRET, 'changeme'] }, 'ERR_SECRET_WEAK', /`secret\[1\]`/);
      refuses({ secret: [SECRET, 42 as unknown as string] }, 'ERR_OPTION', /`secret\[1\]` must be a string/);
    });

    it('accepts a strong secret and a list of them', () => {
      assert.equal(createSessions({ secret: SECRET }).mode, 'cookie');
      assert.equal(createSessions({ secret: [SECRET, SECRET.split('').reverse().join('')] }).mode, 'cookie');
    });

    it('needs no secret in server mode, but still checks one that is given', () => {
      assert.equal(createSessions({ store: memoryStore() }).mode, 'server');
      refuses({ store: memoryStore(), secret: 'changeme' }, 'ERR_SECRET_WEAK');
    });

    it('needs no secret with a codec object', () => {
      const codec = { kind: 'plain', encode: () => 'x', decode: () => ({ ok: false, reason: 'malformed' }) as const };
      assert.equal(createSessions({ codec }).mode, 'cookie');
    });
  });

  describe('cookie attributes', () => {
    it('refuses sameSite none without secure', () => {
      refuses({ secret: SECRET, sameSite: 'none', secure: false }, 'ERR_SAMESITE_NONE_INSECURE', /`sameSite: "none"`/, /`secure: true`/);
      refuses({ secret: SECRET, sameSite: 'None', secure: false }, 'ERR_SAMESITE_NONE_INSECURE');
      assert.doesNotThrow(() => createSessions({ secret: SECRET, sameSite: 'none' }));
    });

    it('refuses an unknown sameSite', () => {
      refuses({ secret: SECRET, sameSite: 'relaxed' as 'lax' }, 'ERR_OPTION', /`sameSite`/);
      refuses({ secret: SECRET, sameSite: true as unknown as 'lax' }, 'ERR_OPTION', /`sameSite`/);
    });

    it('holds a __Host- cookie to Secure, Path=/ and no Domain', () => {
      refuses({ secret: SECRET, name: '__Host-sid', domain: 'example.com' }, 'ERR_HOST_PREFIX', /`__Host-`/, /`domain`/);
      refuses({ secret: SECRET, name: '__Host-sid', path: '/app' }, 'ERR_HOST_PREFIX', /`path: "\/"`/);
      refuses({ secret: SECRET, name: '__Host-sid', secure: false }, 'ERR_HOST_PREFIX', /`secure: true`/);
      assert.doesNotThrow(() => createSessions({ secret: SECRET, name: '__Host-sid' }));
    });

    it('applies the prefix rules whatever the case of the prefix, as browsers do', () => {
      refuses({ secret: SECRET, name: '__host-sid', domain: 'example.com' }, 'ERR_HOST_PREFIX');
      refuses({ secret: SECRET, name: '__SECURE-sid', secure: false }, 'ERR_SECURE_PREFIX');
    });

    it('holds a __Secure- cookie to Secure', () => {
      refuses({ secret: SECRET, name: '__Secure-sid', secure: false }, 'ERR_SECURE_PREFIX', /`__Secure-`/, /`secure: true`/);
      assert.doesNotThrow(() => createSessions({ secret: SECRET, name: '__Secure-sid', domain: 'example.com', path: '/app' }));
    });

    it('refuses a cookie name that is not an RFC 6265 token', () => {
      for (const name of ['', 'my session', 'a;b', 'a=b', 'a,b', 'sess\u00e9', 'a"b', 'a\tb', '(sid)', 'a/b', 'a:b']) {
        refuses({ secret: SECRET, name }, 'ERR_COOKIE_NAME', /`name` must be an RFC 6265 token/);
      }
      refuses({ secret: SECRET, name: 42 as unknown as string }, 'ERR_COOKIE_NAME');
      assert.doesNotThrow(() => createSessions({ secret: SECRET, name: "sid!#$%&'*+-.^_`|~09" }));
    });

    it('refuses attribute injection through path and domain', () => {
      refuses({ secret: SECRET, path: '/; Domain=evil.example' }, 'ERR_COOKIE_ATTRIBUTE', /`path`/, /inject/);
      refuses({ secret: SECRET, path: '/\r\nSet-Cookie: x=1' }, 'ERR_COOKIE_ATTRIBUTE', /`path`/);
      refuses({ secret: SECRET, domain: 'example.com; SameSite=None' }, 'ERR_COOKIE_ATTRIBUTE', /`domain`/);
      refuses({ secret: SECRET, domain: 'example.com\n' }, 'ERR_COOKIE_ATTRIBUTE', /`domain`/);
      refuses({ secret: SECRET, domain: '' }, 'ERR_COOKIE_ATTRIBUTE', /`domain`/);
      refuses({ secret: SECRET, domain: 42 as unknown as string }, 'ERR_COOKIE_ATTRIBUTE', /`domain`/);
    });

    it('refuses a path that does not start with /', () => {
      refuses({ secret: SECRET, path: 'app' }, 'ERR_COOKIE_ATTRIBUTE', /`path` must start with "\/"/);
      refuses({ secret: SECRET, path: '' }, 'ERR_COOKIE_ATTRIBUTE');
    });
  });

  describe('lifetimes', () => {
    it('refuses a non-positive or non-finite maxAge', () => {
      for (const maxAge of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '3600' as unknown as number]) {
        refuses({ secret: SECRET, maxAge }, 'ERR_LIFETIME', /`maxAge` must be a positive number of seconds/);
      }
    });

    it('refuses a non-positive idleTimeout but accepts false', () => {
      for (const idleTimeout of [0, -5, Number.NaN, null as unknown as number]) {
        refuses({ secret: SECRET, idleTimeout }, 'ERR_LIFETIME', /`idleTimeout`/);
      }
      assert.equal(createSessions({ secret: SECRET, idleTimeout: false }).options.idleTimeout, false);
    });

    it('refuses a touchInterval that is negative or not shorter than idleTimeout', () => {
      refuses({ secret: SECRET, touchInterval: -1 }, 'ERR_LIFETIME', /`touchInterval`/);
      refuses({ secret: SECRET, idleTimeout: 60, touchInterval: 60 }, 'ERR_LIFETIME', /shorter than `idleTimeout`/);
    });

    it('refuses a clockLeeway that is negative or not a number', () => {
      refuses({ secret: SECRET, clockLeeway: -1 }, 'ERR_LIFETIME', /`clockLeeway`/);
      refuses({ secret: SECRET, clockLeeway: Number.NaN }, 'ERR_LIFETIME', /`clockLeeway`/);
    });

    it('refuses a non-positive storeTimeout', () => {
      refuses({ store: memoryStore(), storeTimeout: 0 }, 'ERR_OPTION', /`storeTimeout`/);
      // Timers turn anything past 2^31-1 ms into 1 ms: that would fail every store call.
      refuses({ store: memoryStore(), storeTimeout: Number.POSITIVE_INFINITY }, 'ERR_OPTION', /`storeTimeout`/);
      refuses({ store: memoryStore(), storeTimeout: 2 ** 31 }, 'ERR_OPTION', /`storeTimeout`/);
    });
  });

  describe('other options', () => {
    it('refuses an unknown codec name', () => {
      refuses({ secret: SECRET, codec: 'rot13' as 'sealed' }, 'ERR_OPTION', /`codec`/);
    });

    it('refuses a store without get, set and destroy', () => {
      refuses({ store: { get: async () => null } as never }, 'ERR_OPTION', /`store` must implement get, set, destroy, touch, patch/);
      refuses({ secret: SECRET, revocationStore: {} as never }, 'ERR_OPTION', /`revocationStore`/);
    });

    it('refuses a store without touch and patch, which a load must be able to follow without re-creating a record', () => {
      const legacy = { get: async () => null, set: async () => {}, destroy: async () => false };
      refuses({ store: legacy as never }, 'ERR_OPTION', /it has no touch, patch/, /never create a record/);
    });

    it('refuses revocations given twice, or in server mode', () => {
      refuses({ secret: SECRET, revocations: memoryRevocations(), revocationStore: memoryStore() }, 'ERR_OPTION', /not both/);
      refuses({ store: memoryStore(), revocations: memoryRevocations() }, 'ERR_OPTION', /for cookie mode/);
      refuses({ secret: SECRET, revocations: { isRevoked: () => false } as never }, 'ERR_OPTION', /`revocations` must implement/);
    });

    it('refuses a flag that is not a boolean, such as "false" from the environment', () => {
      refuses({ secret: SECRET, secure: 'false' as unknown as boolean }, 'ERR_OPTION', /`secure` must be true or false/);
      refuses({ secret: SECRET, httpOnly: 0 as unknown as boolean }, 'ERR_OPTION', /`httpOnly`/);
      refuses({ secret: SECRET, persistent: 'no' as unknown as boolean }, 'ERR_OPTION', /`persistent`/);
    });

    it('refuses hooks that are not functions', () => {
      refuses({ secret: SECRET, now: 1 as unknown as () => number }, 'ERR_OPTION', /`now` must be a function/);
      refuses({ secret: SECRET, onEvent: 'log' as never }, 'ERR_OPTION', /`onEvent` must be a function/);
    });

    it('keeps serving when the onEvent hook throws', async (t) => {
      const errors = t.mock.method(console, 'error', () => {});
      const sessions = createSessions({
        secret: SECRET,
        onEvent: () => {
          throw new Error('logger down');
        },
      });
      const session = await sessions.load('sid=tampered');
      assert.equal(session.isNew, true);
      session.set('n', 1);
      assert.ok((await sessions.commit(session)).setCookie);
      assert.equal(errors.mock.callCount(), 2, 'the invalid and created events were reported');
    });

    it('refuses a missing options object', () => {
      refuses(undefined as unknown as SessionOptions, 'ERR_OPTION', /createSessions\(options\)/);
    });
  });

  describe('defaults', () => {
    it('fills in the documented defaults', () => {
      const { options } = createSessions({ secret: SECRET });
      assert.equal(options.name, 'sid');
      assert.deepEqual(options.cookie, { path: '/', domain: undefined, sameSite: 'lax', secure: true, httpOnly: true, partitioned: false });
      assert.equal(options.maxAge, 1_209_600);
      assert.equal(options.idleTimeout, 86_400);
      assert.equal(options.touchInterval, 8_640);
      assert.equal(options.clockLeeway, 60);
      assert.equal(options.persistent, true);
      assert.equal(options.storeTimeout, 500);
      assert.equal(options.codec?.kind, 'sealed');
    });

    it('picks the signed codec by name', () => {
      assert.equal(createSessions({ secret: SECRET, codec: 'signed' }).options.codec?.kind, 'signed');
    });
  });
});

describe('a codec object and the cookie name', () => {
  it("refuses hallpass's own codec built for another cookie name, naming the fix", () => {
    refuses(
      { name: 'other', codec: sealedCodec([SECRET]) },
      'ERR_OPTION',
      /bound to the cookie name "sid" but `name` is "other"/,
      /\{ name: "other" \}/,
    );
    refuses({ codec: signedCodec([SECRET], { name: 'other' }) }, 'ERR_OPTION', /bound to the cookie name "other" but `name` is "sid"/);
  });

  it('accepts it built for the same name', () => {
    assert.equal(createSessions({ name: 'other', codec: sealedCodec([SECRET], { name: 'other' }) }).options.name, 'other');
    assert.equal(createSessions({ codec: signedCodec([SECRET]) }).options.codec?.kind, 'signed');
  });
});
