import assert from 'node:assert/strict';
import { createHash, hkdfSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigError, type SodiumSecretbox, secretboxCodec } from 'hallpass';
import sodium from 'sodium-native';
import { main } from '../../src/cli/index.js';
import { cookiePair, cookieValue } from '../support/cookies.js';
import { harness, OLD_SECRET, OTHER_SECRET, SECRET } from '../support/core-fixtures.js';
import { assertRoundTrip, envelopeJson, sampleEnvelope } from '../support/forge.js';

const NOW = 1_750_000_000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const sample = () => sampleEnvelope(NOW);

/** The documented key schedule, written out independently: HKDF-SHA256 per secret and cookie name. */
function keyFor(secret: string, name = 'sid'): { id: string; raw: Buffer } {
  const raw = Buffer.from(hkdfSync('sha256', secret, 'hallpass', `hallpass/secretbox/v1/${name}`, 32));
  return { id: createHash('sha256').update('hallpass/key-id').update(raw).digest('base64url').slice(0, 6), raw };
}

/** Seals `plaintext` as `x1.<key id>.<base64url(nonce ‖ box)>` with libsodium directly. */
function forge(secret: string, plaintext: string, name = 'sid'): string {
  const { id, raw } = keyFor(secret, name);
  const message = Buffer.from(plaintext);
  const nonce = Buffer.alloc(24);
  sodium.randombytes_buf(nonce);
  const box = Buffer.alloc(message.length + 16);
  sodium.crypto_secretbox_easy(box, message, nonce, raw);
  return `x1.${id}.${Buffer.concat([nonce, box]).toString('base64url')}`;
}

function refused(value: string, reason?: string, codec = secretboxCodec(sodium, [SECRET])): void {
  const result = codec.decode(value, NOW);
  assert.equal(result.ok, false, `expected ${JSON.stringify(value.slice(0, 80))} to be refused`);
  if (reason && !result.ok) assert.equal(result.reason, reason, JSON.stringify(value.slice(0, 80)));
}

describe('secretbox codec', () => {
  const codec = secretboxCodec(sodium, [SECRET]);

  it('round-trips an envelope, with and without a user', () => {
    assertRoundTrip(codec, sample(), NOW);
    const { userId: _, ...anonymous } = sample();
    assertRoundTrip(codec, anonymous, NOW);
  });

  it('writes x1.<key id>.<nonce ‖ box> with the key id of the documented key schedule', () => {
    const envelope = sample();
    const parts = codec.encode(envelope).split('.');
    assert.equal(parts.length, 3);
    assert.equal(parts[0], 'x1');
    assert.equal(parts[1], keyFor(SECRET).id);
    const json = `{"id":"${envelope.id}","created":${envelope.createdAt},"seen":${envelope.lastSeenAt},"user":"user-42","data":${JSON.stringify(envelope.data)}}`;
    assert.equal(Buffer.from(parts[2] as string, 'base64url').length, 24 + 16 + Buffer.byteLength(json));
    assert.match(parts[2] as string, /^[A-Za-z0-9_-]+$/);
  });

  it('opens a cookie built independently from the documented format', () => {
    const result = codec.decode(forge(SECRET, envelopeJson({ created: NOW - 5, seen: NOW - 1, data: { n: 1 } })), NOW);
    assert.equal(result.ok, true);
    assert.deepEqual(result.ok && { ...result.envelope.data }, { n: 1 });
  });

  it('hides the data and draws a fresh nonce per cookie', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const value = codec.encode(sample());
      const bytes = Buffer.from(value.split('.')[2] as string, 'base64url');
      assert.equal(bytes.toString('latin1').includes('alice'), false);
      nonces.add(bytes.subarray(0, 24).toString('hex'));
    }
    assert.equal(nonces.size, 500);
  });

  it('binds a value to its cookie name: a codec for another name does not open it', () => {
    const value = codec.encode(sample());
    refused(value, 'unknown-key', secretboxCodec(sodium, [SECRET], { name: 'other' }));
    // The same key id forced onto a value sealed for another name still fails authentication.
    const other = forge(SECRET, envelopeJson({ created: NOW, seen: NOW }), 'other').split('.');
    refused(`x1.${keyFor(SECRET).id}.${other[2]}`, 'tampered');
  });

  it('refuses another secret as unknown-key, and its box under our key id as tampered', () => {
    const foreign = secretboxCodec(sodium, [OTHER_SECRET]).encode(sample());
    refused(foreign, 'unknown-key');
    refused(`x1.${keyFor(SECRET).id}.${foreign.split('.')[2]}`, 'tampered');
  });

  it('refuses a newer version as unsupported-version and other prefixes as malformed', () => {
    const value = codec.encode(sample());
    refused(`x2${value.slice(2)}`, 'unsupported-version');
    refused(`h1${value.slice(2)}`, 'malformed');
    for (const bad of ['', 'x1', 'x1.', `x1.${keyFor(SECRET).id}`, `x1.${keyFor(SECRET).id}.`, `x1.${keyFor(SECRET).id}.AAAA`]) {
      refused(bad);
    }
    // A box with nothing in it (nonce and tag only) carries no session.
    refused(`x1.${keyFor(SECRET).id}.${Buffer.alloc(40).toString('base64url')}`, 'malformed');
  });

  it('refuses every position changed to every other base64url character', () => {
    const value = codec.encode(sample());
    let tried = 0;
    for (let index = 0; index < value.length; index++) {
      for (const replacement of ALPHABET) {
        if (replacement === value[index]) continue;
        refused(value.slice(0, index) + replacement + value.slice(index + 1));
        tried++;
      }
    }
    assert.ok(tried > 63 * 100, `tried ${tried} variants`);
  });

  it('refuses well-sealed plaintext that is not a session envelope as malformed', () => {
    for (const plaintext of ['[]', 'null', '{"id":"","created":1,"seen":1,"data":{}}', 'not json']) {
      refused(forge(SECRET, plaintext), 'malformed');
    }
  });

  it('never throws, whatever the input, including base64url bodies that reach libsodium', () => {
    const prefix = `x1.${keyFor(SECRET).id}.`;
    const body = fc.array(fc.constantFrom(...ALPHABET), { minLength: 54, maxLength: 300 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((tail) => prefix + tail),
          body.map((tail) => prefix + tail),
        ),
        (value) => {
          assert.equal(codec.decode(value, NOW).ok, false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('marks a cookie opened with an older secret of the list as stale', () => {
    const rotated = secretboxCodec(sodium, [SECRET, OLD_SECRET]);
    const staleness = (value: string) => {
      const result = rotated.decode(value, NOW);
      assert.ok(result.ok);
      return result.stale;
    };
    assert.equal(staleness(secretboxCodec(sodium, [OLD_SECRET]).encode(sample())), true);
    assert.equal(staleness(rotated.encode(sample())), false);
  });

  it('stops start-up with a clear error when not given libsodium or a strong secret', () => {
    // libsodium-wrappers' shape: the same names, but results returned instead of written into buffers.
    const wrappersLike = {
      crypto_secretbox_KEYBYTES: 32,
      crypto_secretbox_NONCEBYTES: 24,
      crypto_secretbox_easy: (message: Uint8Array) => new Uint8Array(message.length + 16),
      crypto_secretbox_open_easy: (box: Uint8Array) => new Uint8Array(Math.max(0, box.length - 16)),
      randombytes_buf: (length: number) => new Uint8Array(length),
    };
    for (const notSodium of [undefined, null, {}, { crypto_secretbox_easy() {} }, 'sodium-native', wrappersLike]) {
      assert.throws(
        () => secretboxCodec(notSodium as unknown as SodiumSecretbox, [SECRET]),
        (error: unknown) => error instanceof ConfigError && error.code === 'ERR_OPTION' && /sodium-native/.test(error.message),
      );
    }
    assert.throws(
      () => secretboxCodec(sodium, ['too-short']),
      (error: unknown) => error instanceof ConfigError && error.code === 'ERR_SECRET_TOO_SHORT',
    );
    // An unset environment variable.
    assert.throws(
      () => secretboxCodec(sodium, process.env.HALLPASS_TEST_UNSET_SECRET),
      (error: unknown) => error instanceof ConfigError && error.code === 'ERR_SECRET_MISSING',
    );
  });
});

describe('secretbox codec in createSessions', () => {
  it('carries a session across requests and refuses a tampered cookie with an invalid event', async () => {
    const h = harness({ codec: secretboxCodec(sodium, [SECRET]) });
    const first = await h.request(undefined, (s) => s.set('user_id', 'alice'));
    assert.match(cookieValue(first.result.setCookie), /^x1\./);
    const next = await h.sessions.load(cookiePair(first.result.setCookie));
    assert.equal(next.get('user_id'), 'alice');
    const value = cookieValue(first.result.setCookie);
    const flipped = value.slice(0, -3) + (value.at(-3) === 'A' ? 'B' : 'A') + value.slice(-2);
    const tampered = await h.sessions.load(`sid=${flipped}`);
    assert.equal(tampered.get('user_id'), undefined);
    assert.deepEqual(h.log.invalid(), ['tampered']);
  });

  it('refuses a codec bound to another cookie name than the sessions use', () => {
    assert.throws(
      () => harness({ name: 'other', codec: secretboxCodec(sodium, [SECRET]) }),
      (error: unknown) =>
        error instanceof ConfigError && error.code === 'ERR_OPTION' && /bound to the cookie name "sid"/.test(error.message),
    );
    const h = harness({ name: 'other', codec: secretboxCodec(sodium, [SECRET], { name: 'other' }) });
    assert.equal(h.sessions.options.name, 'other');
  });

  it('re-seals an old-key cookie with the newest key on its next write', async () => {
    const before = harness({ codec: secretboxCodec(sodium, [OLD_SECRET]) });
    const old = await before.request(undefined, (s) => s.set('user_id', 'alice'));
    const h = harness({ codec: secretboxCodec(sodium, [SECRET, OLD_SECRET]) });
    const { result, session } = await h.request(cookiePair(old.result.setCookie), (s) => s.set('visits', 1));
    assert.equal(cookieValue(result.setCookie).split('.')[1], keyFor(SECRET).id);
    assert.deepEqual(h.log.events, [{ type: 'resealed', id: session.id }]);
  });

  it('opens a cookie once: the verified-cookie cache answers the same value again', async () => {
    let opens = 0;
    const counting: SodiumSecretbox = {
      crypto_secretbox_easy: (...args) => sodium.crypto_secretbox_easy(...args),
      crypto_secretbox_open_easy: (...args) => {
        opens++;
        return sodium.crypto_secretbox_open_easy(...args);
      },
      randombytes_buf: (buffer) => sodium.randombytes_buf(buffer),
    };
    const h = harness({ codec: secretboxCodec(counting, [SECRET]) });
    opens = 0; // the codec's own check at start-up opened one
    const { result } = await h.request(undefined, (s) => s.set('user_id', 'alice'));
    for (let i = 0; i < 3; i++) assert.equal((await h.sessions.load(cookiePair(result.setCookie))).get('user_id'), 'alice');
    assert.equal(opens, 1);
  });
});

describe('hallpass inspect on a secretbox cookie', () => {
  async function run(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const out = { write: (text: string) => (stdout += text) } as unknown as Parameters<typeof main>[1];
    const err = { write: (text: string) => (stderr += text) } as unknown as Parameters<typeof main>[2];
    const status = await main(argv, out, err);
    return { status, stdout, stderr };
  }

  it('recognises x1 cookies, opens them with sodium-native and checks the cookie name', async () => {
    const value = secretboxCodec(sodium, [SECRET]).encode(sample());
    const flags = ['--secret', SECRET, '--now', String(NOW), '--json'];
    const valid = await run(['inspect', `sid=${value}`, ...flags]);
    assert.equal(valid.status, 0, valid.stderr);
    assert.deepEqual(JSON.parse(valid.stdout), {
      valid: true,
      reason: null,
      format: 'secretbox',
      session: { ...sample().data },
      createdAt: NOW - 100,
      lastSeenAt: NOW - 10,
      expiresAt: NOW - 10 + 86400,
    });
    const renamed = await run(['inspect', `other=${value}`, ...flags]);
    assert.equal(renamed.status, 1);
    assert.equal(JSON.parse(renamed.stdout).reason, 'unknown-key');
  });
});
