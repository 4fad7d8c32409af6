/**
 * Chunked session cookies (`createSessions({ chunked: true })`): a sealed value too large for one
 * cookie travels as `<name>.0`, `<name>.1`, ... each within the browser's 4096 bytes. The chunks
 * are joined in index order and opened as one value, so the codec's authentication covers them
 * together: a reordered, missing, extra or foreign chunk makes a value that does not open.
 *
 * A request costs a bounded amount whatever it sends: one pass over the `Cookie` header, chunk
 * indices past what `maxBytes` allows are ignored, at most three distinct values per index are
 * kept, and at most `MAX_COOKIE_CANDIDATES` values (plain or joined) are tried in all.
 *
 * Which values, when a site that can write cookies for the domain (no `__Host-` prefix) plants
 * some: browsers send cookies with the longer Path first and, for equal paths, the older first. A
 * planted chunk therefore arrives before the real ones (a longer Path) or after them (the same
 * Path, set later), never among them, since the chunks hallpass writes in one response are set
 * together. So the joined values tried are, in order: the first and the last run of chunks sent
 * back to back in index order (`.0`, `.1`, ... with no other chunk between), then the first value
 * of every index, then the last. One planted value per index, wherever it lands, leaves the real
 * set among the first two. When plain `<name>` values come too, at least one slot (two when there
 * are two joined values) is kept for the joined ones, and the plain ones tried are the first and
 * the last sent, so three planted plain values cannot push the chunks out.
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
    const { byIndex, order, sent, excess } = readChunks(header, name, maxChunks);
    if (plain.length > MAX_COOKIE_CANDIDATES || excess) onExcess();
    let gap = false;
    for (let index = 0; index < sent; index++) if (byIndex[index] === undefined) gap = true;
    const joined = gap || sent === 0 ? [] : joinedCandidates(byIndex as string[][], order, sent);
    // Plain values leave one slot to the joined ones, two when there are two (see above).
    const plainSlots = Math.min(plain.length, MAX_COOKIE_CANDIDATES - Math.min(joined.length, 2));
    const values = plain.length <= plainSlots ? plain.slice() : [...plain.slice(0, plainSlots - 1), plain[plain.length - 1] as string];
    const joinedFrom = values.length;
    for (const value of joined) {
      if (values.length >= MAX_COOKIE_CANDIDATES) break;
      if (!values.includes(value)) values.push(value);
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
 * The joined values worth trying, best first, without repeats: the first and the last complete run
 * of chunks sent back to back in index order, then the first and the last value of every index.
 */
function joinedCandidates(byIndex: string[][], order: ReadonlyArray<readonly [number, string]>, sent: number): string[] {
  const out: string[] = [];
  const add = (parts: string[]) => {
    const value = parts.join('');
    if (!out.includes(value)) out.push(value);
  };
  let first: number | undefined;
  let last: number | undefined;
  let start = -1;
  for (let i = 0; i < order.length; i++) {
    const index = (order[i] as readonly [number, string])[0];
    if (index === 0) start = i;
    else if (start === -1 || index !== (order[i - 1] as readonly [number, string])[0] + 1) start = -1;
    if (start !== -1 && index === sent - 1) {
      first ??= start;
      last = start;
      start = -1;
    }
  }
  const run = (from: number) => order.slice(from, from + sent).map((entry) => entry[1]);
  if (first !== undefined) add(run(first));
  if (last !== undefined) add(run(last));
  add(byIndex.map((list) => list[0] as string));
  add(byIndex.map((list) => list[list.length - 1] as string));
  return out;
}

/**
 * The chunk cookies of `name` in one pass over the header: the distinct values of each index (at
 * most `MAX_COOKIE_CANDIDATES`), the kept chunks in header order, how many indices the request carried (the highest plus one), and
 * whether more values were sent than are kept. Indices past `maxChunks`, or not written the way
 * hallpass writes them (`01`, `+1`), are ignored.
 */
function readChunks(header: string | null | undefined, name: string, maxChunks: number) {
  const byIndex: string[][] = [];
  /** Every chunk kept, as `[index, value]` in the order the header sent them (for the runs). */
  const order: Array<readonly [number, string]> = [];
  let sent = 0;
  let excess = false;
  if (!header?.includes(`${name}.`)) return { byIndex, order, sent, excess };
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
    sent = Math.max(sent, index + 1);
    if (list.includes(value)) order.push([index, value]);
    else if (list.length >= MAX_COOKIE_CANDIDATES) excess = true;
    else {
      list.push(value);
      order.push([index, value]);
    }
  }
  return { byIndex, order, sent, excess };
}
