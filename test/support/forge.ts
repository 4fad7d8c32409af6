/**
 * Builds hallpass cookies from arbitrary plaintext, re-implementing the documented formats from
 * scratch (HKDF-SHA256 keys, key ids, AES-256-GCM and HMAC-SHA256 framing). Tests use it to hand
 * the codecs payloads the library itself would never write, and it pins the wire format: if the
 * codecs drift from it, the forged cookies stop opening.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Codec, Envelope } from 'hallpass';

function keyFor(secret: string, purpose: string): { id: string; raw: Buffer } {
  const raw = Buffer.from(hkdfSync('sha256', secret, 'hallpass', `hallpass/${purpose}`, 32));
  const id = createHash('sha256').update('hallpass/key-id').update(raw).digest('base64url').slice(0, 6);
  return { id, raw };
}

/** The public key id a secret gets for a codec (`sealed`, `signed`, or `secretbox`, whose key is bound to the cookie name). */
export function keyIdFor(secret: string, codec: 'sealed' | 'signed' | 'secretbox', name = 'sid'): string {
  return keyFor(secret, codec === 'secretbox' ? `secretbox/v1/${name}` : `${codec}/v1`).id;
}

/** Seals `plaintext` as `h1.<key id>.<base64url(iv ‖ ciphertext ‖ tag)>`, bound to the cookie `name`. */
export function forgeSealed(secret: string, plaintext: string | Buffer, name = 'sid', iv: Buffer = randomBytes(12)): string {
  const { id, raw } = keyFor(secret, 'sealed/v1');
  const cipher = createCipheriv('aes-256-gcm', raw, iv);
  cipher.setAAD(Buffer.from(`${name}=h1.${id}`));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `h1.${id}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** Signs `plaintext` as `s1.<key id>.<base64url(json)>.<base64url(hmac)>`, the tag covering `<name>=` too. */
export function forgeSigned(secret: string, plaintext: string | Buffer, name = 'sid'): string {
  const { id, raw } = keyFor(secret, 'signed/v1');
  const signedPart = `s1.${id}.${Buffer.from(plaintext).toString('base64url')}`;
  return `${signedPart}.${createHmac('sha256', raw).update(`${name}=${signedPart}`).digest('base64url')}`;
}

/** Forges with the named codec, for a cookie called `name`. */
export function forge(codec: 'sealed' | 'signed', secret: string, plaintext: string | Buffer, name = 'sid'): string {
  return codec === 'sealed' ? forgeSealed(secret, plaintext, name) : forgeSigned(secret, plaintext, name);
}

/** The envelope JSON hallpass writes, with overridable fields (times in Unix seconds). */
export function envelopeJson(fields: { id?: unknown; created: unknown; seen: unknown; user?: unknown; data?: unknown }): string {
  const { id = 'AAAAAAAAAAAAAAAAAAAAAA', data = {}, ...rest } = fields;
  return JSON.stringify({ id, ...rest, data });
}

/** Asserts `codec` opens what it sealed: the same envelope, fresh (not stale), data without a prototype; a missing user stays missing. */
export function assertRoundTrip(codec: Codec, envelope: Envelope, now: number): void {
  const result = codec.decode(codec.encode(envelope), now);
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.stale, false);
  assert.deepEqual({ ...result.envelope, data: { ...result.envelope.data } }, { ...envelope, data: { ...envelope.data } });
  assert.equal(Object.getPrototypeOf(result.envelope.data), null, 'decoded data has no prototype');
  if (envelope.userId === undefined) assert.equal('userId' in result.envelope, false);
}

/** An envelope with a user, nested data and characters that need escaping, dated relative to `now`. */
export function sampleEnvelope(now: number): Envelope {
  return {
    id: 'q1w2e3r4t5y6u7i8o9p0aa',
    createdAt: now - 100,
    lastSeenAt: now - 10,
    userId: 'user-42',
    data: Object.assign(Object.create(null), {
      user_id: 'alice',
      cart: ['apple', 'pear'],
      nested: { n: 1.5, ok: true, none: null },
      text: 'é ☃ \u{1F600} "quoted" ;,',
    }),
  };
}
