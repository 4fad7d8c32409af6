/**
 * The process `npm run bench -- calls` runs under callgrind: one operation, `warm-up + n` times.
 * Not a server; it lives here so that it is compiled with the servers (TypeScript's emitter, the
 * library as it ships). Usage: `node per-call.js <operation> <n>`; `--list` prints the operations.
 *
 * Each operation is one step a session library takes per request, on the same 200-byte session
 * as the codec micro-benchmark: hallpass's codecs, the node:crypto calls the built-in ones are made
 * of, and libsodium's secretbox as @fastify/secure-session calls it.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { createSessions, sealedCodec, secretboxCodec, signedCodec } from 'hallpass';
import sodium from 'sodium-native';
import { decodeBase64urlStrict, envelopeFromJson } from '../../../src/codecs/envelope.js';
import { cookieCandidates } from '../../../src/core/cookie.js';
import { commitNow, loadNow } from '../../../src/engine/sessions-internals.js';
import { VerifiedCookies } from '../../../src/engine/verified-cookies.js';
import { REDIS_OPERATIONS } from './per-call-redis.js';

const WARM_UP = 20_000;
/** Distinct cookies of the pool operations: ten times the verified-cookie cache's default size, as in the HTTP pool scenario. */
const POOL = 10_000;

const secret = randomBytes(32).toString('base64url');
const now = Math.floor(Date.now() / 1000);
// The codec micro-benchmark's payload (bench/codecs.ts): about 200 bytes of JSON.
const data = { user_id: 'user-12345', cart: ['apple', 'pear', 'plum'], theme: 'dark', visits: 42, flags: { beta: true, admin: false } };
const envelope = { id: 'AAAAAAAAAAAAAAAAAAAAAA', createdAt: now, lastSeenAt: now, data };
const json = JSON.stringify({ id: envelope.id, created: now, seen: now, data });

const sealed = sealedCodec([secret]);
const signed = signedCodec([secret]);
const secretbox = secretboxCodec(sodium, [secret]);
const sealedValue = sealed.encode(envelope);
const secretboxValue = secretbox.encode(envelope);
const signedValue = signed.encode(envelope);

// The pieces of a pool read in cookie mode, each alone: the Cookie header as the HTTP benchmark
// sends it, the sealed cookie's blob and plaintext, and the engine itself without HTTP.
const sealedBlob = sealedValue.slice(sealedValue.lastIndexOf('.') + 1);
const cookieHeader = `sid=${sealedValue}`;
// Sealed only for the operations that use it (sealing 10,000 cookies is slow under callgrind).
let pool: string[] | undefined;
let poolHeaders: string[] | undefined;
function poolValues(): string[] {
  pool ??= Array.from({ length: POOL }, (_, i) =>
    sealed.encode({ ...envelope, id: String(i).padStart(22, 'A'), data: { ...data, visits: i } }),
  );
  return pool;
}
function poolCookies(): string[] {
  poolHeaders ??= poolValues().map((value) => `sid=${value}`);
  return poolHeaders;
}
let secretboxPoolHeaders: string[] | undefined;
function secretboxPoolCookies(): string[] {
  secretboxPoolHeaders ??= Array.from(
    { length: POOL },
    (_, i) => `sid=${secretbox.encode({ ...envelope, id: String(i).padStart(22, 'A'), data: { ...data, visits: i } })}`,
  );
  return secretboxPoolHeaders;
}
let next = 0;
const nextOf = <T>(items: readonly T[]): T => items[(next = (next + 1) % items.length)] as T;
const fullCache = new VerifiedCookies(1000);
const decoded = sealed.decode(sealedValue, now);
const decodedEnvelope = decoded.ok ? decoded.envelope : envelope;
const cacheOn = createSessions<{ count: number; visits: number }>({ secret });
const cacheOff = createSessions<{ count: number; visits: number }>({ secret, cookieCache: 0 });
const secretboxSessions = createSessions<{ count: number; visits: number }>({ codec: secretbox });
type PoolSession = Awaited<ReturnType<typeof cacheOn.load>>;
function engineRead(sessions: typeof cacheOn, header: string): unknown {
  const session = loadNow(sessions, header) as PoolSession;
  session.get('count');
  return commitNow(sessions, session);
}
function engineWrite(sessions: typeof cacheOn, header: string): unknown {
  const session = loadNow(sessions, header) as PoolSession;
  session.set('count', session.get('count', 0) + 1);
  return commitNow(sessions, session);
}

// node:crypto as the sealed codec calls it: a KeyObject, a 12-byte IV, associated data.
const key = createSecretKey(randomBytes(32));
const iv = randomBytes(12);
const aad = Buffer.from('sid=h1.abcdefgh');
function gcmSeal(): { body: Buffer; tag: Buffer } {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  return { body, tag: cipher.getAuthTag() };
}
const gcmSealed = gcmSeal();

// libsodium's secretbox as @fastify/secure-session 8 seals and opens its cookie.
const boxKey = Buffer.alloc(sodium.crypto_secretbox_KEYBYTES);
sodium.randombytes_buf(boxKey);
function boxSeal(): string {
  const nonce = Buffer.allocUnsafe(sodium.crypto_secretbox_NONCEBYTES);
  sodium.randombytes_buf(nonce);
  const message = Buffer.from(json);
  const box = Buffer.allocUnsafe(message.length + sodium.crypto_secretbox_MACBYTES);
  sodium.crypto_secretbox_easy(box, message, nonce, boxKey);
  return `${box.toString('base64')};${nonce.toString('base64')}`;
}
const boxValue = boxSeal();
function boxOpen(): unknown {
  const [boxText, nonceText] = boxValue.split(';') as [string, string];
  const box = Buffer.from(boxText, 'base64');
  const message = Buffer.allocUnsafe(box.length - sodium.crypto_secretbox_MACBYTES);
  sodium.crypto_secretbox_open_easy(message, box, Buffer.from(nonceText, 'base64'), boxKey);
  return JSON.parse(message.toString());
}

const OPERATIONS: Record<string, () => unknown> = {
  'nothing (the loop itself)': () => 0,
  'hallpass sealed encode': () => sealed.encode(envelope),
  'hallpass sealed decode': () => sealed.decode(sealedValue, now),
  'hallpass signed encode': () => signed.encode(envelope),
  'hallpass signed decode': () => signed.decode(signedValue, now),
  'hallpass secretbox encode (libsodium)': () => secretbox.encode(envelope),
  'hallpass secretbox decode (libsodium)': () => secretbox.decode(secretboxValue, now),
  'node:crypto createCipheriv (AES-256-GCM) alone': () => createCipheriv('aes-256-gcm', key, iv),
  'node:crypto AES-256-GCM seal (createCipheriv, setAAD, update, final, getAuthTag)': gcmSeal,
  'node:crypto AES-256-GCM open (createDecipheriv, setAAD, setAuthTag, update, final)': () => {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(gcmSealed.tag);
    // Bytes out and one UTF-8 decode, as the sealed codec opens (an output encoding adds a StringDecoder).
    const plaintext = decipher.update(gcmSealed.body);
    decipher.final();
    return plaintext.toString('utf8');
  },
  'node:crypto HMAC-SHA256 (createHmac, update, digest)': () => createHmac('sha256', key).update(json).digest(),
  'libsodium secretbox seal + base64, as @fastify/secure-session': boxSeal,
  'libsodium secretbox open + JSON.parse, as @fastify/secure-session': boxOpen,
  'JSON.parse of the session': () => JSON.parse(json),
  'pool piece: Cookie header to candidates (cookieCandidates)': () => cookieCandidates(cookieHeader, 'sid'),
  'pool piece: base64url strict decode of the sealed blob': () => decodeBase64urlStrict(sealedBlob),
  'pool piece: Buffer.from base64url alone': () => Buffer.from(sealedBlob, 'base64url'),
  'pool piece: envelopeFromJson (JSON.parse, shape checks, adoptData)': () => envelopeFromJson(json),
  'pool piece: verified-cookie cache miss (recall + remember, cache full)': () => {
    const value = nextOf(poolValues());
    return fullCache.recall(value) ?? fullCache.remember(value, decodedEnvelope, false);
  },
  'engine pool read, no HTTP (cache on, default)': () => engineRead(cacheOn, nextOf(poolCookies())),
  'engine pool read, no HTTP (cookieCache: 0)': () => engineRead(cacheOff, nextOf(poolCookies())),
  'engine pool read, no HTTP (secretboxCodec, cache on)': () => engineRead(secretboxSessions, nextOf(secretboxPoolCookies())),
  'engine repeat-cookie read, no HTTP (cache hit)': () => engineRead(cacheOn, cookieHeader),
  'engine pool write, no HTTP (cache on, default)': () => engineWrite(cacheOn, nextOf(poolCookies())),
  'engine pool write, no HTTP (cookieCache: 0)': () => engineWrite(cacheOff, nextOf(poolCookies())),
  'JSON.stringify of the session': () => JSON.stringify(data),
};

const [name, countText] = process.argv.slice(2);
const store = REDIS_OPERATIONS[name as string];
const operationNames = [...Object.keys(OPERATIONS), ...Object.keys(REDIS_OPERATIONS)];
if (name === '--list') {
  console.log(JSON.stringify(operationNames));
} else if (store) {
  // A round trip per call, awaited: the same difference of two processes cancels the connection.
  const { call, close } = await store();
  const count = Number(countText);
  for (let i = 0; i < WARM_UP + count; i++) await call();
  await close();
} else {
  const operation = OPERATIONS[name as string];
  const count = Number(countText);
  if (!operation || !Number.isSafeInteger(count) || count < 0) {
    console.error(`usage: per-call <operation> <n>; operations: ${operationNames.join(', ')}`);
    process.exit(2);
  }
  // Kept in a variable the loop cannot prove unused, so V8 cannot drop the calls.
  let sink: unknown;
  for (let i = 0; i < WARM_UP + count; i++) sink = operation();
  if (sink === Symbol.for('never')) console.log(sink);
}
