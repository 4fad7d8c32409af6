/**
 * Chunked session cookies (`createSessions({ chunked: true })`): a sealed value too large for one
 * cookie travels as `<name>.0`, `<name>.1`, ... each within the browser's 4096 bytes. The chunks
 * are joined in index order and opened as one value, so the codec's authentication covers them
 * together: a reordered, missing, extra or foreign chunk makes a value that does not open.
 *
 * A request costs a bounded amount whatever it sends: one pass over the `Cookie` header, chunk
 * indices past what `maxBytes` allows are ignored, at most three distinct values per index are
 * kept, and at most `MAX_COOKIE_CANDIDATES` values (plain or joined) are tried in all.
 */
import {
  type CookieAttributes,
  expireCookie,
  MAX_COOKIE_BYTES,
  MAX_COOKIE_CANDIDATES,
  readCookie,
  serializeCookie,
} from '../core/cookie.js';
import { CookieTooLargeError } from '../core/errors.js';
import { MAX_SESSION_LIFETIME } from '../core/lifetime.js';
import type { Offered, SessionCookies } from './session-cookies.js';

/** More than `chunked.maxBytes` (at most 65536) could need with any sane attributes. */
const MAX_CHUNKS = 20;

export function chunkedCookies(name: string, attributes: CookieAttributes, maxBytes: number): SessionCookies {
  const chunkName = (index: number) => `${name}.${index}`;
  /** Bytes of a chunk's `Set-Cookie` line other than its value. */
  const overhead = (index: number, maxAge: number | undefined) => serializeCookie(chunkName(index), '', attributes, maxAge).length;
  // The most chunks a value within `maxBytes` is ever written in, with the longest attributes:
  // every chunk but the last is full. Indices from here on are not ours.
  // Attributes too long to leave room (a Domain or Path of kilobytes) must not make that unbounded.
  const room = Math.max(1, MAX_COOKIE_BYTES - overhead(99, MAX_SESSION_LIFETIME));
  const maxChunks = Math.min(MAX_CHUNKS, Math.floor(maxBytes / room) + 1);

  function read(header: string | null | undefined, onExcess: () => void): Offered {
    const plain = [...new Set(readCookie(header, name))];
    const { byIndex, sent, excess } = readChunks(header, name, maxChunks);
    if (plain.length > MAX_COOKIE_CANDIDATES || excess) onExcess();
    const values = plain.slice(0, MAX_COOKIE_CANDIDATES);
    const joinedFrom = values.length;
    let gap = false;
    let variants = 0;
    for (let index = 0; index < sent; index++) {
      const list = byIndex[index];
      if (list === undefined) gap = true;
      else variants = Math.max(variants, list.length);
    }
    // Cookie tossing can add values for an index; each variant takes the n-th value of every index.
    for (let variant = 0; !gap && variant < variants && values.length < MAX_COOKIE_CANDIDATES; variant++) {
      const joined = byIndex.map((list) => list[Math.min(variant, list.length - 1)]).join('');
      if (!values.includes(joined)) values.push(joined);
    }
    return { values, joinedFrom, plain: plain.length, chunks: sent, gap };
  }

  function write(value: string, maxAge: number | undefined, state: { cookiesSent: number; chunksSent: number }): string[] {
    const whole = serializeCookie(name, value, attributes, maxAge);
    if (whole.length <= MAX_COOKIE_BYTES) return [whole, ...expireChunks(0, state.chunksSent)];
    const cookies: string[] = [];
    let sentBytes = 0;
    for (let start = 0, index = 0; start < value.length; index++) {
      const room = MAX_COOKIE_BYTES - overhead(index, maxAge);
      // Attributes (a long Domain or Path) leaving no room, or more chunks than a reader accepts.
      if (room < 1 || index >= maxChunks) throw new CookieTooLargeError(value.length, name, maxBytes);
      const part = value.slice(start, start + room);
      cookies.push(serializeCookie(chunkName(index), part, attributes, maxAge));
      // What the browser sends back: `<name>.<i>=<part>`, joined by "; ".
      sentBytes += chunkName(index).length + 1 + part.length + (index > 0 ? 2 : 0);
      start += room;
    }
    if (sentBytes > maxBytes) throw new CookieTooLargeError(sentBytes, name, maxBytes);
    const written = cookies.length;
    if (state.cookiesSent > 0) cookies.push(expireCookie(name, attributes));
    return [...cookies, ...expireChunks(written, state.chunksSent)];
  }

  const expireChunks = (from: number, to: number) => {
    const out: string[] = [];
    for (let index = from; index < to; index++) out.push(expireCookie(chunkName(index), attributes));
    return out;
  };

  return {
    maxValueBytes: maxBytes,
    read,
    write,
    expire: (state) => [...(state.cookiesSent > 0 ? [expireCookie(name, attributes)] : []), ...expireChunks(0, state.chunksSent)],
  };
}

/**
 * The chunk cookies of `name` in one pass over the header: the distinct values of each index (at
 * most `MAX_COOKIE_CANDIDATES`), how many indices the request carried (the highest plus one), and
 * whether more values were sent than are kept. Indices past `maxChunks`, or not written the way
 * hallpass writes them (`01`, `+1`), are ignored.
 */
function readChunks(header: string | null | undefined, name: string, maxChunks: number) {
  const byIndex: string[][] = [];
  let sent = 0;
  let excess = false;
  if (!header?.includes(`${name}.`)) return { byIndex, sent, excess };
  const prefix = `${name}.`;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const key = pair.slice(0, eq).trim();
    if (!key.startsWith(prefix)) continue;
    const digits = key.slice(prefix.length);
    if (!/^(0|[1-9]\d{0,3})$/.test(digits)) continue;
    const index = Number(digits);
    if (index >= maxChunks) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    // An empty value is no chunk hallpass wrote (the browser drops an expired one): a gap.
    if (value === '') continue;
    const list = (byIndex[index] ??= []);
    if (list.includes(value)) continue;
    if (list.length >= MAX_COOKIE_CANDIDATES) excess = true;
    else list.push(value);
    sent = Math.max(sent, index + 1);
  }
  return { byIndex, sent, excess };
}
