import { MAX_COOKIE_BYTES } from '../core/cookie.js';
import { emptyData } from '../core/json-value.js';
import type { Envelope, Json, OpenResult, SessionData } from '../core/types.js';

/** What a cookie value opened to, kept so the same value need not be decrypted again. */
export interface VerifiedCookie {
  readonly envelope: Envelope;
  /** Opened with an older key: re-seal on the next write. */
  readonly stale: boolean;
}

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
 */
export class VerifiedCookies {
  readonly #entries = new Map<string, VerifiedCookie>();
  readonly #capacity: number;
  /** The remembered values in the order they came, as a ring: the slot at `#oldest` goes next. */
  readonly #order: string[] = [];
  #oldest = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The envelope `value` opened to, with data the caller may change; `undefined` when not remembered. */
  recall(value: string): Extract<OpenResult, { ok: true }> | undefined {
    const entry = this.#entries.get(value);
    if (entry === undefined) return undefined;
    return { ok: true, envelope: copyEnvelope(entry.envelope), stale: entry.stale };
  }

  /** Remembers a verified value that `recall` did not find; keeps its own copy of the data, so later changes to `envelope` do not reach it. */
  remember(value: string, envelope: Envelope, stale: boolean): void {
    const entries = this.#entries;
    if (this.#capacity === 0 || value.length > MAX_COOKIE_BYTES) return;
    // A ring of keys rather than the Map's own first key: after many deletions at its front, V8
    // walks over the holes to find the first live entry, which grows with the Map.
    if (entries.size >= this.#capacity) entries.delete(this.#order[this.#oldest] as string);
    this.#order[this.#oldest] = value;
    this.#oldest = (this.#oldest + 1) % this.#capacity;
    entries.set(value, { envelope: copyEnvelope(envelope), stale });
  }

  get size(): number {
    return this.#entries.size;
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
