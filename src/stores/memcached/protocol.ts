import { createHash } from 'node:crypto';

/**
 * What the Memcached store uses of a `memjs` client (`memjs.Client.create(servers, options)`): its
 * request pipeline. memjs 1.x has no public compare-and-swap, so the store writes binary-protocol
 * requests itself and sends them through `perform`, which keeps memjs's server choice (a key
 * always goes to the same server of a comma-separated list), reconnection, timeouts and retries.
 */
export interface MemjsClientLike {
  readonly seq: number;
  incrSeq(): void;
  perform(key: string, request: Buffer, seq: number, callback?: (error: Error | null, ...args: any[]) => void, retries?: number): void;
}

/** Binary protocol opcodes the store uses. */
export const GET = 0x00;
export const SET = 0x01;
export const ADD = 0x02;
export const DELETE = 0x04;

/** Binary protocol response statuses the store tells apart. */
export const OK = 0x0000;
export const NOT_FOUND = 0x0001;
export const EXISTS = 0x0002;
export const NOT_STORED = 0x0005;

/** A response: its status, its value and the item's CAS token (8 bytes, zero when there is none). */
export interface Reply {
  status: number;
  value: Buffer;
  cas: Buffer;
}

interface RawResponse {
  header: { status: number; cas?: Buffer };
  val?: Buffer;
}

/** Memcached's longest key; longer ones are hashed, keeping the prefix readable. */
const MAX_KEY_BYTES = 250;
/** Expiry times beyond 30 days are read by memcached as Unix timestamps rather than durations. */
const MAX_RELATIVE_EXPIRY = 30 * 24 * 3600;

/** `prefix + name` as a memcached key, hashed when it would be too long. */
export function itemKey(prefix: string, name: string): string {
  const key = prefix + name;
  if (Buffer.byteLength(key) <= MAX_KEY_BYTES) return key;
  return `${prefix}#${createHash('sha256').update(name).digest('base64url')}`;
}

/**
 * Memcached's expiry field for a TTL in seconds. Memcached's clock ticks in whole seconds, so an
 * item given N seconds may go up to a second early: the field gets one second more, and the store
 * checks the exact deadline it keeps inside each session item. Zero would mean "never".
 */
export function expiryOf(ttlSeconds: number): number {
  const seconds = Math.max(1, Math.ceil(ttlSeconds) + 1);
  return seconds > MAX_RELATIVE_EXPIRY ? Math.floor(Date.now() / 1000) + seconds : seconds;
}

/** The extras of a storage command: 4 bytes of flags (zero) and 4 of expiry. */
export function storageExtras(ttlSeconds: number): Buffer {
  const extras = Buffer.alloc(8);
  extras.writeUInt32BE(expiryOf(ttlSeconds), 4);
  return extras;
}

const NO_CAS = Buffer.alloc(8);

/** Sends one binary-protocol request through the client; resolves its reply, rejects on a network failure. */
export function command(
  client: MemjsClientLike,
  opcode: number,
  key: string,
  request: { extras?: Buffer; value?: Buffer; cas?: Buffer } = {},
): Promise<Reply> {
  client.incrSeq();
  const seq = client.seq;
  const keyBytes = Buffer.from(key);
  const extras = request.extras ?? Buffer.alloc(0);
  const value = request.value ?? Buffer.alloc(0);
  const body = extras.length + keyBytes.length + value.length;
  const buffer = Buffer.alloc(24 + body);
  buffer.writeUInt8(0x80, 0); // request magic
  buffer.writeUInt8(opcode, 1);
  buffer.writeUInt16BE(keyBytes.length, 2);
  buffer.writeUInt8(extras.length, 4);
  buffer.writeUInt32BE(body, 8);
  buffer.writeUInt32BE(seq, 12); // opaque: memjs matches the response by it
  (request.cas ?? NO_CAS).copy(buffer, 16);
  extras.copy(buffer, 24);
  keyBytes.copy(buffer, 24 + extras.length);
  value.copy(buffer, 24 + extras.length + keyBytes.length);
  return new Promise((resolve, reject) => {
    client.perform(key, buffer, seq, (error: Error | string | null, response?: RawResponse) => {
      if (error || !response) reject(error instanceof Error ? error : new Error(String(error ?? 'memcached: no response')));
      else resolve({ status: response.header.status, value: response.val ?? Buffer.alloc(0), cas: response.header.cas ?? NO_CAS });
    });
  });
}

/** Turns an unexpected status into an error naming the operation. */
export function unexpected(operation: string, reply: Reply): Error {
  const detail = reply.value.length > 0 && reply.value.length < 200 ? `: ${reply.value.toString()}` : '';
  return new Error(`memcached ${operation} answered status 0x${reply.status.toString(16).padStart(4, '0')}${detail}`);
}

/** Waits a few jittered milliseconds, growing with the attempt, so CAS losers do not collide again in step. */
export function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(2 + 2 ** attempt, 25);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** How many times a CAS update is tried before the store gives up on a hot key. */
export const CAS_TRIES = 20;
