/**
 * The crypto floor, measured in the same run as the load: what the raw node:crypto primitive plus
 * JSON costs on the very payload hallpass carries in the HTTP benchmark, next to hallpass's codecs
 * and its whole core request path without HTTP. Runs as a child pinned to the server core: each
 * line `measure` on stdin answers one JSON line of µs per operation.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createSessions, sealedCodec, signedCodec } from 'hallpass';
import { commitNow, loadNow } from '../../src/engine/sessions-internals.js';
import { type Case, measure } from '../measure.js';

const secret = randomBytes(32).toString('base64url');
const now = Math.floor(Date.now() / 1000);
// The envelope of the benchmark's session ({"count":1}), as both codecs serialise it.
const envelope = { id: randomBytes(16).toString('base64url'), createdAt: now, lastSeenAt: now, data: { count: 1 } };
const json = JSON.stringify({ id: envelope.id, created: now, seen: now, data: envelope.data });

const key = createSecretKey(randomBytes(32));
const aad = Buffer.from('h1.abcdef');
const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;
function iv(): Buffer {
  if (offset + 12 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += 12;
  return pool.subarray(offset - 12, offset);
}

function seal(text: string) {
  const nonce = iv();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { nonce: Buffer.from(nonce), body, tag: cipher.getAuthTag() };
}
const sealedBox = seal(json);
function open(): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealedBox.nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealedBox.tag);
  // Bytes out, then one UTF-8 decode: the cheapest way node:crypto opens (an output encoding adds a StringDecoder).
  const plaintext = decipher.update(sealedBox.body);
  decipher.final();
  return plaintext.toString('utf8');
}

const signedPart = Buffer.from(json).toString('base64url');
const tag = createHmac('sha256', key).update(signedPart).digest();
const verify = () => timingSafeEqual(createHmac('sha256', key).update(signedPart).digest(), tag);
const sign = (text: string) => createHmac('sha256', key).update(text).digest();

const sealed = sealedCodec([secret]);
const signed = signedCodec([secret]);
const sealedCookie = sealed.encode(envelope);
const signedCookie = signed.encode(envelope);
type Decoded = { envelope: typeof envelope };

const sessions = createSessions<{ count: number }>({ secret });
const header = `sid=${sealedCookie}`;
const cookieLength = sealedCookie.length;

const cases: Case[] = [
  { name: 'sealed floor read', run: () => JSON.parse(open()) },
  { name: 'sealed floor write', run: () => seal(JSON.stringify(JSON.parse(open()))) },
  { name: 'signed floor read', run: () => verify() && JSON.parse(json) },
  { name: 'signed floor write', run: () => verify() && sign(JSON.stringify(JSON.parse(json))) },
  { name: 'base64url decode+encode', run: () => Buffer.from(sealedCookie.slice(10), 'base64url').toString('base64url') },
  { name: 'sealed codec read', run: () => sealed.decode(sealedCookie, now) },
  { name: 'sealed codec write', run: () => sealed.encode((sealed.decode(sealedCookie, now) as unknown as Decoded).envelope) },
  { name: 'signed codec read', run: () => signed.decode(signedCookie, now) },
  { name: 'signed codec write', run: () => signed.encode((signed.decode(signedCookie, now) as unknown as Decoded).envelope) },
  {
    name: 'sealed core read',
    run: () => {
      const session = loadNow(sessions, header) as Awaited<ReturnType<typeof sessions.load>>;
      session.get('count');
      return commitNow(sessions, session);
    },
  },
  {
    name: 'sealed core write',
    run: () => {
      const session = loadNow(sessions, header) as Awaited<ReturnType<typeof sessions.load>>;
      session.set('count', session.get('count', 0) + 1);
      return commitNow(sessions, session);
    },
  },
];

export type FloorSample = Record<string, number>;

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'measure') return;
  const us = measure(cases, 3, 100);
  process.stdout.write(`${JSON.stringify({ ...Object.fromEntries(us), 'payload bytes': json.length, 'cookie chars': cookieLength })}\n`);
});
process.stdout.write('ready\n');
