/**
 * Strict checks of what the Redis store's commands answer. A reply of any other shape (a client
 * that answers `"Aborted"` instead of throwing, a proxy answering `{"result":"x"}`) is a store
 * failure, never read as "no session" or "done": a revocation check must not pass because the
 * transport broke. Messages name the command and the reply's type, never its content.
 * @module
 */
import { StoreError } from '../../core/errors.js';

function kind(reply: unknown): string {
  if (reply === null || reply === undefined) return 'nil';
  if (Array.isArray(reply)) return `array of ${reply.length}`;
  return typeof reply;
}

/** Throws the store failure of a reply that `command` never gives. */
export function unexpected(command: string, reply: unknown): never {
  throw new StoreError('ERR_STORE', `Redis answered ${command} with an unexpected reply (${kind(reply)}).`);
}

/** A bulk string as clients hand it back: a string, or bytes (a Buffer) for some clients. */
const isBulk = (value: unknown): value is string | Uint8Array => typeof value === 'string' || value instanceof Uint8Array;
const utf8 = new TextDecoder();
/** A bulk string's text: bytes decoded as UTF-8 (a plain `Uint8Array` too, whose `String()` is its numbers). */
const str = (value: string | Uint8Array) => (typeof value === 'string' ? value : utf8.decode(value));

/**
 * A hash as GET_SESSION answers it, checked and flat: `[field, value, ...]`, empty for no hash.
 * The script answers one bulk string of that array in JSON, or the array itself where its Lua
 * has no cjson. Never nil.
 */
export function hashReply(command: string, reply: unknown): string[] {
  if (isBulk(reply)) {
    let flat: unknown;
    try {
      flat = JSON.parse(str(reply));
    } catch {
      unexpected(command, reply);
    }
    if (!Array.isArray(flat) || flat.length % 2 !== 0) unexpected(command, reply);
    for (const entry of flat) if (typeof entry !== 'string') unexpected(command, reply);
    return flat as string[];
  }
  if (!Array.isArray(reply) || reply.length % 2 !== 0) unexpected(command, reply);
  return reply.map((entry: unknown) => (isBulk(entry) ? str(entry) : unexpected(command, reply)));
}

/**
 * The reply of the touch and destroy scripts: `undefined` for nil (no session), else the
 * session's user from `=<user>`, or `null` for `-` (no user).
 */
export function ownerReply(command: string, reply: unknown): string | null | undefined {
  if (reply === null || reply === undefined) return undefined;
  if (!isBulk(reply)) unexpected(command, reply);
  const value = str(reply);
  if (value === '-') return null;
  if (value.startsWith('=')) return value.slice(1);
  return unexpected(command, reply);
}

/** An integer reply that must be one of `allowed`. */
export function integerReply<T extends number>(command: string, reply: unknown, allowed: readonly T[]): T {
  if (typeof reply !== 'number' || !allowed.includes(reply as T)) unexpected(command, reply);
  return reply as T;
}

/** An integer reply of a count (SREM). */
export function countReply(command: string, reply: unknown): number {
  if (typeof reply !== 'number' || !Number.isInteger(reply) || reply < 0) unexpected(command, reply);
  return reply;
}

/** A set reply as strings (RESP3 may answer SMEMBERS with a Set). */
export function membersReply(command: string, reply: unknown): string[] {
  if (!Array.isArray(reply) && !(reply instanceof Set)) unexpected(command, reply);
  const out: string[] = [];
  for (const member of reply) {
    if (!isBulk(member)) unexpected(command, reply);
    out.push(str(member));
  }
  return out;
}

/** An HMGET reply of `count` fields, each a string or `undefined` for nil. */
export function fieldsReply(command: string, reply: unknown, count: number): Array<string | undefined> {
  if (!Array.isArray(reply) || reply.length !== count) unexpected(command, reply);
  return reply.map((value) => {
    if (value === null || value === undefined) return undefined;
    if (!isBulk(value)) unexpected(command, reply);
    return str(value);
  });
}
