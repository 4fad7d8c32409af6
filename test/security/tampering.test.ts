/**
 * Integrity, confidentiality and keys: every altered byte of a real cookie is refused (B8), MACs are
 * compared in constant time (B9), secrets are required and strong (B10), keys rotate (B11), values
 * made for one purpose do not open as another (B12) and sealed cookies are encrypted (B13).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { after, before, describe, it, type Mock, mock } from 'node:test';
import { ConfigError, createSessions, sealedCodec } from 'hallpass';
import { csrfToken } from 'hallpass/csrf';
import { secretFrom } from '../../examples/app/config.js';
import { frozenClock } from '../support/clock.js';
import { valueOfPair } from '../support/cookies.js';
import { OLD_SECRET, SECRET } from '../support/core-fixtures.js';
import { ALL_MODES, type Demo, login, startDemo, whoAmI } from './support/demo.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The cookie with the character at `index` replaced by another one from the same alphabet. */
function flip(value: string, index: number): string {
  const char = value[index] as string;
  const at = ALPHABET.indexOf(char);
  const other = at === -1 ? 'A' : (ALPHABET[(at + 1 + (index % 63)) % 64] as string);
  return value.slice(0, index) + other + value.slice(index + 1);
}

/** A logged-in cookie whose session also holds a cart, and the demo answering for it. */
async function loggedIn(demo: Demo): Promise<string> {
  const { pair } = await login(demo, 'alice');
  const cart = await demo.call('POST', '/cart', { cookie: pair, json: { item: 'apple' } });
  return cart.setCookie[0] ? ((cart.setCookie[0] as string).split(';')[0] as string) : pair;
}

/** Asserts that `value` (as the hallpass cookie) opens nothing: a guest with an empty session. */
async function refused(demo: Demo, value: string, what: string): Promise<void> {
  const reply = await demo.call('GET', '/session', { cookie: `sid=${value}` });
  assert.equal(reply.status, 200, what);
  assert.deepEqual(reply.json, {}, `${what} opened a session`);
}

for (const mode of ALL_MODES) {
  describe(`B8 tampering with a real cookie (${mode})`, () => {
    let demo: Demo;
    let value: string;
    before(async () => {
      demo = await startDemo(mode);
      value = valueOfPair(await loggedIn(demo));
    });
    after(() => demo.close());

    it('B8 the untouched cookie opens (the control case)', async () => {
      assert.equal(await whoAmI(demo, `sid=${value}`), 'alice');
    });

    it('B8 every character replaced, one at a time, is refused', async () => {
      for (let i = 0; i < value.length; i++) await refused(demo, flip(value, i), `character ${i} changed`);
    });

    it('B8 every truncation, and 1 or 100 appended characters, are refused', async () => {
      for (let length = 0; length < value.length; length++) await refused(demo, value.slice(0, length), `truncated to ${length}`);
      for (const extra of ['A', 'x', '.', '=', 'A'.repeat(100), '.AAAA'])
        await refused(demo, value + extra, `appended ${extra.slice(0, 5)}`);
    });

    it('B8 padding and the standard base64 alphabet are refused (only canonical base64url opens)', async () => {
      for (const variant of [`${value}=`, `${value}==`, value.replace(/-/g, '+').replace(/_/g, '/')]) {
        if (variant !== value) await refused(demo, variant, `variant ${variant.slice(-6)}`);
      }
    });

    if (mode === 'signed' || mode === 'sealed') {
      it('B8 parts swapped, dropped or taken from another valid cookie are refused', async () => {
        const other = valueOfPair(await loggedIn(demo)).split('.');
        const parts = value.split('.');
        const variants =
          mode === 'signed'
            ? [
                [parts[0], parts[1], parts[3], parts[2]],
                [parts[0], parts[1], parts[2]],
                [parts[0], parts[1], parts[2], other[3]],
                [parts[0], parts[1], other[2], parts[3]],
                [parts[0], parts[1], parts[2], parts[3], parts[3]],
              ]
            : [
                [parts[0], parts[1]],
                [parts[0], parts[2], parts[1]],
                [parts[0], parts[1], parts[2], parts[2]],
                // Another cookie's IV (first 16 characters = 12 bytes) with this cookie's ciphertext and tag.
                [parts[0], parts[1], (other[2] as string).slice(0, 16) + (parts[2] as string).slice(16)],
              ];
        for (const variant of variants) await refused(demo, variant.join('.'), `parts ${variant.length}`);
        assert.equal(await whoAmI(demo, `sid=${value}`), 'alice');
      });
    }
  });
}

describe('B9 MAC comparison runs in constant time', () => {
  let demo: Demo;
  let compare: Mock<typeof crypto.timingSafeEqual>;
  before(async () => {
    // A pass-through spy, installed for this suite only; the ESM bindings follow the built-in module.
    compare = mock.method(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
    demo = await startDemo('signed');
  });
  after(async () => {
    compare.mock.restore();
    syncBuiltinESMExports();
    await demo.close();
  });

  it('B9 every signed cookie, valid or with a wrong MAC of the right length, is checked with crypto.timingSafeEqual', async () => {
    const value = valueOfPair(await loggedIn(demo));
    compare.mock.resetCalls();
    assert.equal(await whoAmI(demo, `sid=${value}`), 'alice');
    assert.equal(compare.mock.callCount(), 1);
    const parts = value.split('.');
    const wrongTag = Buffer.alloc(32, 7).toString('base64url');
    await refused(demo, [parts[0], parts[1], parts[2], wrongTag].join('.'), 'wrong MAC');
    assert.equal(compare.mock.callCount(), 2);
    const [left, right] = (compare.mock.calls[1]?.arguments ?? []) as [Buffer, Buffer];
    assert.equal(left.length, 32);
    assert.equal(right.length, 32);
  });
});

describe('B10 secrets are required, long, random-looking and never a known sample', () => {
  const attempts: Array<[unknown, string]> = [
    [undefined, 'ERR_SECRET_MISSING'],
    ['', 'ERR_SECRET_MISSING'],
    [[], 'ERR_SECRET_MISSING'],
    ['short-secret', 'ERR_SECRET_TOO_SHORT'],
    ['keyboard cat', 'ERR_SECRET_WEAK'],
    ['complex_password_at_least_32_characters_long', 'ERR_SECRET_WEAK'],
    ['please-change-this-secret-in-production', 'ERR_SECRET_WEAK'],
    ['CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME', 'ERR_SECRET_WEAK'],
    ['a'.repeat(64), 'ERR_SECRET_WEAK'],
    [[SECRET, 'too-short'], 'ERR_SECRET_TOO_SHORT'],
    [42, 'ERR_OPTION'],
  ];
  for (const [secret, code] of attempts) {
    it(`B10 ${JSON.stringify(secret)?.slice(0, 50)} is refused at start-up with ${code}`, () => {
      for (const codec of ['sealed', 'signed'] as const) {
        assert.throws(
          () => createSessions({ secret: secret as string, codec }),
          (error: unknown) => error instanceof ConfigError && error.code === code && /secret/.test(error.message),
        );
      }
    });
  }

  it('B10 the demo refuses to start in production without SESSION_SECRET', () => {
    assert.throws(
      () => secretFrom({ NODE_ENV: 'production' }, 'SESSION_SECRET', () => {}),
      (error: unknown) => error instanceof ConfigError && error.code === 'ERR_SECRET_MISSING',
    );
  });
});

for (const codec of ['sealed', 'signed'] as const) {
  describe(`B11 key rotation through a keyring (${codec})`, () => {
    it('B11 [K1] cookie opens under [K2, K1], is re-sealed under K2 on its next write, and is refused under [K2]', async () => {
      const clock = frozenClock();
      const one = await startDemo(codec, { clock, sessions: { secret: OLD_SECRET } });
      const c1 = await loggedIn(one);
      await one.close();

      const both = await startDemo(codec, { clock, sessions: { secret: [SECRET, OLD_SECRET] } });
      assert.equal(await whoAmI(both, c1), 'alice');
      const write = await both.call('POST', '/cart', { cookie: c1, json: { item: 'pear' } });
      const c2 = (write.setCookie[0] as string).split(';')[0] as string;
      assert.ok(both.events.some((e) => e.type === 'resealed'));
      await both.close();

      const two = await startDemo(codec, { clock, sessions: { secret: SECRET } });
      assert.equal(await whoAmI(two, c1), undefined);
      assert.deepEqual(two.invalid(), ['unknown-key']);
      assert.equal(await whoAmI(two, c2), 'alice');
      await two.close();
    });
  });
}

describe('B12 values made for another purpose or format do not open as a session', () => {
  let sealed: Demo;
  let signed: Demo;
  before(async () => {
    sealed = await startDemo('sealed');
    signed = await startDemo('signed');
  });
  after(async () => {
    await sealed.close();
    await signed.close();
  });

  it('B12 a signed cookie does not open in a sealed app, nor a sealed one in a signed app (same secret)', async () => {
    const fromSigned = await loggedIn(signed);
    const fromSealed = await loggedIn(sealed);
    assert.equal(await whoAmI(sealed, fromSigned), undefined);
    assert.equal(await whoAmI(signed, fromSealed), undefined);
  });

  it('B12 a CSRF token of the same session presented as the session cookie opens nothing', async () => {
    const sessions = createSessions({ secret: SECRET });
    const session = await sessions.load(undefined);
    const token = csrfToken(session);
    await refused(sealed, token, 'a CSRF token');
    await refused(signed, token, 'a CSRF token');
  });
});

for (const codec of ['sealed', 'signed'] as const) {
  describe(`B13 a cookie is bound to its name (${codec})`, () => {
    let user: Demo;
    let admin: Demo;
    before(async () => {
      user = await startDemo(codec);
      admin = await startDemo(codec, { sessions: { name: 'admin' } });
    });
    after(async () => {
      await user.close();
      await admin.close();
    });

    it('B13 a cookie moved to another cookie name of an app sharing the secret does not open there', async () => {
      const { pair } = await login(user, 'alice');
      assert.equal(await whoAmI(admin, `admin=${valueOfPair(pair)}`), undefined);
    });
  });
}

describe('B13 sealed cookies are encrypted with a fresh nonce', () => {
  let demo: Demo;
  before(async () => (demo = await startDemo('sealed')));
  after(() => demo.close());

  it('B13 the same session data sealed twice gives two different cookies, neither showing the data', async () => {
    const { pair } = await login(demo, 'alice');
    const first = await demo.call('POST', '/session', { cookie: pair, json: { note: 'SECRET123' } });
    const second = await demo.call('POST', '/session', { cookie: pair, json: { note: 'SECRET123' } });
    const a = valueOfPair((first.setCookie[0] as string).split(';')[0] as string);
    const b = valueOfPair((second.setCookie[0] as string).split(';')[0] as string);
    assert.notEqual(a, b);
    const openedA = sealedCodec([SECRET]).decode(a, demo.clock.seconds);
    const openedB = sealedCodec([SECRET]).decode(b, demo.clock.seconds);
    assert.ok(openedA.ok && openedB.ok);
    assert.deepEqual(openedA.envelope, openedB.envelope);
    for (const text of [a, Buffer.from(a.split('.')[2] as string, 'base64url').toString('latin1')]) assert.ok(!text.includes('SECRET123'));
  });
});
