import { after, type CryptoProvider, cryptoProvider, lazily, type MaybePromise } from './crypto/index.js';
import { ConfigError } from './errors.js';

/** Secrets people paste from tutorials. A secret on this list is refused even when it is long. */
const SAMPLE_SECRETS = new Set([
  'changeme',
  'change-me',
  'secret',
  'keyboard cat',
  'your-secret-key',
  'your-super-secret-key-change-me',
  'your-secret-key-change-in-production',
  'supersecret',
  'super-secret',
  'mysecret',
  'my-secret',
  'password',
  'development',
  'test',
  'session-secret',
  'replace-me',
  'please-change-this-secret-in-production',
  'a-very-long-secret-that-is-at-least-32-characters',
  'complex_password_at_least_32_characters_long',
  'this-is-a-very-long-secret-key-for-sessions',
]);

export const MIN_SECRET_BYTES = 32;
const utf8 = new TextEncoder();
const FIX = 'Generate one with `npx hallpass secret` and pass it from the environment, e.g. secret: process.env.SESSION_SECRET.';

/** Normalises `secret` (a string or a list, newest first) and refuses missing, short or sample secrets. */
export function checkSecrets(option: string, secret: unknown): string[] {
  if (secret === undefined || secret === null || secret === '' || (Array.isArray(secret) && secret.length === 0)) {
    throw new ConfigError('ERR_SECRET_MISSING', `\`${option}\` is required and has no default. ${FIX}`);
  }
  const list = Array.isArray(secret) ? secret : [secret];
  list.forEach((item, index) => {
    const where = Array.isArray(secret) ? `${option}[${index}]` : option;
    if (typeof item !== 'string') {
      throw new ConfigError('ERR_OPTION', `\`${where}\` must be a string. ${FIX}`);
    }
    const bytes = utf8.encode(item).length;
    if (SAMPLE_SECRETS.has(item.trim().toLowerCase()) || looksLikeAPlaceholder(item)) {
      throw new ConfigError('ERR_SECRET_WEAK', `\`${where}\` is a well-known sample secret that anyone can guess. ${FIX}`);
    }
    if (bytes < MIN_SECRET_BYTES) {
      throw new ConfigError('ERR_SECRET_TOO_SHORT', `\`${where}\` is ${bytes} bytes; at least ${MIN_SECRET_BYTES} are required. ${FIX}`);
    }
    if (new Set(item).size < 8) {
      throw new ConfigError('ERR_SECRET_WEAK', `\`${where}\` repeats too few characters to be random. ${FIX}`);
    }
  });
  return list as string[];
}

/** Catches the "change me" family of placeholders however they are spelled or padded. */
function looksLikeAPlaceholder(secret: string): boolean {
  const flat = secret.toLowerCase().replace(/[^a-z]/g, '');
  return flat.includes('changeme') || flat.includes('changethis') || flat.includes('replaceme') || flat.startsWith('yoursecret');
}

/** One secret's key for one purpose, derived once and reused for every request. */
export interface DerivedKey {
  /** Short public identifier of the key, carried in the cookie so the right key is tried first. */
  id: string;
  /** The 256-bit key; each codec imports it for its own algorithm. */
  raw: Uint8Array;
}

const keyCache = new Map<string, () => MaybePromise<DerivedKey>>();

/**
 * Derives a 256-bit key for `purpose` from a secret with HKDF-SHA256. Different purposes
 * (sealing, signing, CSRF) never share key material. Synchronous with node:crypto; with Web Crypto
 * a promise, made once and shared, so callers derive on first use. The same secret and purpose give
 * the same object for the process's life (seal counts are kept per key object).
 */
export function deriveKey(secret: string, purpose: string, provider: CryptoProvider = cryptoProvider()): MaybePromise<DerivedKey> {
  const cacheKey = `${purpose}\0${secret}`;
  let derive = keyCache.get(cacheKey);
  if (derive === undefined) {
    derive = lazily(() =>
      after(provider.hkdfSha256(secret, 'hallpass', `hallpass/${purpose}`, 32), (raw) => {
        const id = provider.base64urlEncode(provider.sha256(concat(KEY_ID_LABEL, raw))).slice(0, 6);
        return { id, raw };
      }),
    );
    keyCache.set(cacheKey, derive);
  }
  return derive();
}

const KEY_ID_LABEL = utf8.encode('hallpass/key-id');

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Derives the keyring for a purpose: the first key writes, every key reads. */
export function deriveKeyring(secrets: readonly string[], purpose: string, provider?: CryptoProvider): MaybePromise<DerivedKey[]> {
  const keys = secrets.map((secret) => deriveKey(secret, purpose, provider));
  return keys.some((key) => key instanceof Promise) ? Promise.all(keys) : (keys as DerivedKey[]);
}
