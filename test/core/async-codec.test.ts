/**
 * A codec that answers with promises (`AsyncCodec`, as hallpass's own are on Web Crypto): the
 * cookie is decoded while the session loads, the commit awaits the encoding, and a codec that
 * rejects on a bad cookie gives an empty session, never an error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AsyncCodec, type Codec, createSessions, sealedCodec } from 'hallpass';
import { eventLog, SECRET } from '../support/core-fixtures.js';

function asyncOver(inner: Codec, counts: { decodes: number }): AsyncCodec {
  return {
    kind: 'async-sealed',
    synchronous: false,
    encode: async (envelope) => inner.encode(envelope),
    decode: async (value, now) => {
      counts.decodes++;
      if (value.startsWith('boom')) throw new Error('the codec failed on this value');
      return inner.decode(value, now);
    },
  };
}

describe('an asynchronous codec', () => {
  it('decodes while loading, and the commit writes what the encoding resolved to', async () => {
    const counts = { decodes: 0 };
    const sessions = createSessions({ codec: asyncOver(sealedCodec([SECRET]), counts) });
    const first = await sessions.load(null);
    first.set('cart', ['book']);
    const { setCookie } = await sessions.commit(first);
    assert.match(setCookie as string, /^sid=h1\./);
    const pair = (setCookie as string).split(';')[0] as string;
    const second = await sessions.load(pair);
    assert.equal(counts.decodes, 1, 'decoded during load, before the session was touched');
    assert.deepEqual(second.get('cart'), ['book']);
  });

  it('a rejected decode is a malformed cookie: an empty session and an invalid event', async () => {
    const log = eventLog();
    const sessions = createSessions({ codec: asyncOver(sealedCodec([SECRET]), { decodes: 0 }), onEvent: log.onEvent });
    const session = await sessions.load('sid=boom.1.2');
    assert.equal(session.isNew, true);
    assert.deepEqual(log.invalid(), ['malformed']);
  });

  it('an async codec writing a character a cookie may not hold is refused at commit', async () => {
    const sessions = createSessions({
      codec: { kind: 'bad', synchronous: false, encode: async () => 'a;b', decode: async () => ({ ok: false, reason: 'malformed' }) },
    });
    const session = await sessions.load(null);
    session.set('x', 1);
    await assert.rejects(sessions.commit(session), /may not hold/);
  });
});
