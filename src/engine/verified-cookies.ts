import { MAX_COOKIE_BYTES } from '../core/cookie.js';
import { emptyData } from '../core/json-value.js';
import type { Envelope, Json, OpenResult, SessionData } from '../core/types.js';

/** What a cookie value opened to, kept so the same value need not be decrypted again. */
export interface VerifiedCookie {
  readonly envelope: Envelope;
  /** Opened with an older key: re-seal on the next write. */
  readonly stale: boolean;
}

/** Lookups over which the cache judges its hit rate, at the least (a larger cache judges over its capacity). */
const MIN_WINDOW = 256;
/** While hits are rare, at most this many misses are passed over between two admissions. */
const MAX_GAP = 63;

/**
 * A bounded memory of cookie values that the codec verified recently, keyed by the exact value.
 * A browser sends the same cookie on every request until the session changes, so most requests
 * can skip the decryption (or HMAC) and the parse. It is safe because only a value that verified
 * is remembered and a lookup needs the whole value, byte for byte: whoever presents it could have
 * had it verified anyway. Expiry and revocation are still checked on every request by the caller,
 * and each hit hands out a fresh copy of the data, so a request that mutates what it read cannot
 * reach the next one.
 *
 * Memory is bounded by `capacity` entries of at most one cookie (4096 bytes) and its data each;
 * the oldest entry goes first when it is full. A longer value (chunked cookies joined, up to
 * `chunked.maxBytes`) is never remembered, so the bound holds in bytes too: such a session is
 * decrypted on every request.
 *
 * Admission adapts to the traffic. When more clients are active than the cache holds, remembering
 * every miss buys nothing: each entry is evicted before its cookie comes back, and every miss pays
 * for a copy of the data, an insertion and an eviction. So the cache watches its hit rate over
 * each window of lookups: below 1 in 8 it admits fewer misses (every second, fourth, ... up to one
 * in 64), which keeps a sample of the clients long enough to be hit; from 1 in 4 it admits more
 * again, down to every miss.
 */
export class VerifiedCookies {
  readonly #entries = new Map<string, VerifiedCookie>();
  readonly #capacity: number;
  /** The remembered values in the order they came, as a ring: the slot at `#oldest` goes next. */
  readonly #order: string[] = [];
  #oldest = 0;
  readonly #window: number;
  #lookups = 0;
  #hits = 0;
  /** Misses passed over between two admissions: 0 admits every miss. */
  #gap = 0;
  #passedOver = 0;
  #admissions = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#window = Math.max(capacity, MIN_WINDOW);
  }

  /** The envelope `value` opened to, with data the caller may change; `undefined` when not remembered. */
  recall(value: string): Extract<OpenResult, { ok: true }> | undefined {
    const entry = this.#entries.get(value);
    if (entry === undefined) return undefined;
    this.#count(true);
    return { ok: true, envelope: copyEnvelope(entry.envelope), stale: entry.stale };
  }

  /**
   * Offers a verified value that `recall` did not find; the cache keeps its own copy of the data,
   * so later changes to `envelope` do not reach it. While hits are rare only some offers are kept.
   */
  remember(value: string, envelope: Envelope, stale: boolean): void {
    if (this.#capacity === 0 || value.length > MAX_COOKIE_BYTES) return;
    // Only verified values count toward the hit rate: a flood of junk cookies, which never get
    // here, must not talk the cache out of admitting real users' cookies.
    this.#count(false);
    // Concurrent loads of one new cookie (an asynchronous codec) all miss before the first decode
    // ends: one entry is enough, and a second would hold a ring slot no eviction reaches.
    if (this.#entries.has(value)) return;
    if (this.#passedOver < this.#gap) {
      this.#passedOver++;
      return;
    }
    this.#passedOver = 0;
    this.#admissions++;
    const entries = this.#entries;
    // A ring of keys rather than the Map's own first key: after many deletions at its front, V8
    // walks over the holes to find the first live entry, which grows with the Map.
    if (entries.size >= this.#capacity) entries.delete(this.#order[this.#oldest] as string);
    this.#order[this.#oldest] = value;
    this.#oldest = (this.#oldest + 1) % this.#capacity;
    entries.set(value, { envelope: copyEnvelope(envelope), stale });
  }

  /** Counts one verified lookup; each full window of them is judged. */
  #count(hit: boolean): void {
    if (hit) this.#hits++;
    if (++this.#lookups === this.#window) this.#judge();
  }

  /** Ends a window of verified lookups: admits fewer misses when hits were rare, more when common. */
  #judge(): void {
    const hits = this.#hits;
    if (hits * 8 < this.#window) this.#gap = Math.min(this.#gap * 2 + 1, MAX_GAP);
    else if (hits * 4 >= this.#window) this.#gap >>= 1;
    this.#lookups = 0;
    this.#hits = 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** How many offered values were kept, in all. */
  get admissions(): number {
    return this.#admissions;
  }
}

/** An envelope with its own deep copy of the data. */
function copyEnvelope(envelope: Envelope): Envelope {
  const copy: Envelope = { id: envelope.id, createdAt: envelope.createdAt, lastSeenAt: envelope.lastSeenAt, data: copyData(envelope.data) };
  if (envelope.userId !== undefined) copy.userId = envelope.userId;
  if (envelope.lifetime !== undefined) copy.lifetime = { ...envelope.lifetime };
  return copy;
}

/** A deep copy of session data (JSON values only), null-prototype at the top as the codecs make it. */
function copyData(data: SessionData): SessionData {
  const out = emptyData();
  for (const key in data) out[key] = copyValue(data[key] as Json);
  return out;
}

function copyValue(value: Json): Json {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<Json>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyValue(value[i] as Json);
    return out;
  }
  const out: { [key: string]: Json } = {};
  for (const key in value) {
    const item = copyValue(value[key] as Json);
    // JSON.parse makes "__proto__" an own key; plain assignment would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}
