/**
 * Codec micro-benchmark: µs per decode and per decode+encode for the `sealed` and `signed` codecs,
 * next to the raw node:crypto primitive each one uses (AES-256-GCM, HMAC-SHA256) on the same
 * payload, measured in the same run. The ratio is the figure: the target is at most 1.5×.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createSessions, sealedCodec, signedCodec } from 'hallpass';
import { loadNow } from '../src/engine/sessions-internals.js';
import { type Case, fmt, measure } from './measure.js';

const secret = randomBytes(32).toString('base64url');
const now = Math.floor(Date.now() / 1000);
// About 200 bytes of JSON, as in the peer measurements.
const data = { user_id: 'user-12345', cart: ['apple', 'pear', 'plum'], theme: 'dark', visits: 42, flags: { beta: true, admin: false } };
const envelope = { id: 'AAAAAAAAAAAAAAAAAAAAAA', createdAt: now, lastSeenAt: now, data };
const json = JSON.stringify({ id: envelope.id, created: now, seen: now, data });

const key = randomBytes(32);
const iv = randomBytes(12);
function rawSeal(text: string) {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { body, tag: cipher.getAuthTag() };
}
const sealedRaw = rawSeal(json);
function rawOpen() {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(sealedRaw.tag);
  // Bytes out, then one UTF-8 decode: the cheapest way node:crypto opens (an output encoding adds a StringDecoder).
  const plaintext = decipher.update(sealedRaw.body);
  decipher.final();
  return plaintext.toString('utf8');
}
const rawTag = createHmac('sha256', key).update(json).digest();
const rawVerify = () => timingSafeEqual(createHmac('sha256', key).update(json).digest(), rawTag);
const rawSign = () => createHmac('sha256', key).update(json).digest();

const sealed = sealedCodec([secret]);
const signed = signedCodec([secret]);
const sealedCookie = sealed.encode(envelope);
const signedCookie = signed.encode(envelope);

const sessions = createSessions({ secret });
const header = `theme=dark; sid=${sealedCookie}; other=1`;

export function runCodecBench(): string {
  const cases: Case[] = [
    { name: 'raw AES-256-GCM open', run: rawOpen },
    {
      name: 'raw AES-256-GCM open+seal',
      run: () => {
        rawOpen();
        return rawSeal(json);
      },
    },
    { name: 'raw AES-256-GCM open + JSON.parse', run: () => JSON.parse(rawOpen()) },
    { name: 'sealed decode', run: () => sealed.decode(sealedCookie, now) },
    {
      name: 'sealed decode+encode',
      run: () => sealed.encode((sealed.decode(sealedCookie, now) as unknown as { envelope: typeof envelope }).envelope),
    },
    { name: 'raw HMAC-SHA256 verify', run: rawVerify },
    {
      name: 'raw HMAC-SHA256 verify+sign',
      run: () => {
        rawVerify();
        return rawSign();
      },
    },
    {
      name: 'raw HMAC-SHA256 verify + JSON.parse',
      run: () => {
        rawVerify();
        return JSON.parse(json);
      },
    },
    { name: 'signed decode', run: () => signed.decode(signedCookie, now) },
    {
      name: 'signed decode+encode',
      run: () => signed.encode((signed.decode(signedCookie, now) as unknown as { envelope: typeof envelope }).envelope),
    },
    { name: 'request: load+get (sealed)', run: () => (loadNow(sessions, header) as { get(k: string): unknown }).get('user_id') },
  ];
  const us = measure(cases);
  const get = (name: string) => us.get(name) as number;
  const rows = [
    ['sealed', 'decode', get('sealed decode'), get('raw AES-256-GCM open'), get('raw AES-256-GCM open + JSON.parse')],
    ['sealed', 'decode+encode', get('sealed decode+encode'), get('raw AES-256-GCM open+seal'), undefined],
    ['signed', 'decode', get('signed decode'), get('raw HMAC-SHA256 verify'), get('raw HMAC-SHA256 verify + JSON.parse')],
    ['signed', 'decode+encode', get('signed decode+encode'), get('raw HMAC-SHA256 verify+sign'), undefined],
  ] as const;
  const lines = [
    `Codec cost per operation, ${json.length}-byte JSON payload, Node ${process.version} (median of 3 interleaved rounds)`,
    '',
    '| codec | operation | hallpass µs | raw node:crypto µs | ratio (target ≤ 1.5×) | raw + JSON.parse µs | ratio |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      ([codec, op, ours, raw, withJson]) =>
        `| ${codec} | ${op} | ${fmt(ours)} | ${fmt(raw)} | ${fmt(ours / raw)}× | ${withJson === undefined ? '-' : fmt(withJson)} | ${withJson === undefined ? '-' : `${fmt(ours / withJson)}×`} |`,
    ),
    '',
    `A whole request's session read (parse the Cookie header, open the sealed cookie, get a key): ${fmt(get('request: load+get (sealed)'))} µs`,
  ];
  return lines.join('\n');
}
