/**
 * The verified-cookie cache holds values of at most one cookie (4096 bytes): a chunked value can be
 * up to `chunked.maxBytes`, and the cache's bound is a count of entries, so chunked sessions are
 * decrypted on every request instead.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { type Codec, type Envelope, sealedCodec } from 'hallpass';
import { builtInCodecs } from '../../src/codecs/envelope.js';
import { VerifiedCookies } from '../../src/engine/verified-cookies.js';
import { harness, SECRET } from '../support/core-fixtures.js';

/** The sealed codec with its decode calls counted, registered as hallpass's own so cookie mode caches what it opens. */
function countingSealed(): Codec & { decodes: number } {
  const inner = sealedCodec([SECRET]);
  const codec = {
    kind: inner.kind,
    decodes: 0,
    encode: (envelope: Envelope) => inner.encode(envelope),
    decode: (value: string, now: number) => {
      codec.decodes++;
      return inner.decode(value, now);
    },
  };
  builtInCodecs.set(codec, 'sid');
  return codec;
}

const pairs = (lines: readonly string[]) => lines.map((l) => l.slice(0, l.indexOf(';'))).join('; ');

describe('verified-cookie cache and chunked cookies', () => {
  it('decrypts a chunked value on every request; a one-cookie value once', async () => {
    const codec = countingSealed();
    const h = harness({ codec, chunked: true });
    const big = await h.request(undefined, (s) => s.set('notes', randomBytes(3000).toString('base64url')));
    const chunked = pairs([big.result.setCookie as string, ...(big.result.moreCookies ?? [])]);
    assert.match(chunked, /^sid\.0=.*; sid\.1=/);
    codec.decodes = 0;
    for (let i = 0; i < 3; i++) assert.equal((await h.request(chunked, (s) => s.get('notes'))).session.isNew, false);
    assert.equal(codec.decodes, 3);

    const small = await h.request(undefined, (s) => s.set('cart', ['apple']));
    codec.decodes = 0;
    for (let i = 0; i < 3; i++) await h.request(pairs([small.result.setCookie as string]), (s) => s.get('cart'));
    assert.equal(codec.decodes, 1);
  });

  it('remembers values up to 4096 bytes and nothing longer', () => {
    const cache = new VerifiedCookies(10);
    const envelope: Envelope = { createdAt: 1, lastSeenAt: 1, data: {} };
    cache.remember('a'.repeat(4096), envelope, false);
    cache.remember('b'.repeat(4097), envelope, false);
    assert.equal(cache.size, 1);
    assert.equal(cache.recall('b'.repeat(4097)), undefined);
  });
});
