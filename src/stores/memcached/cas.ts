import {
  ADD,
  backoff,
  CAS_TRIES,
  command,
  DELETE,
  EXISTS,
  GET,
  type MemjsClientLike,
  NOT_FOUND,
  NOT_STORED,
  OK,
  type Reply,
  SET,
  storageExtras,
  unexpected,
} from './protocol.js';

/** What an update does with the item it read: write a new value, remove it, or leave it (`null`). */
export type CasStep = { write: string; ttlSeconds: number } | { remove: true } | null;

/** Reads an item: its value (undefined when absent) and its CAS token. */
export async function read(client: MemjsClientLike, key: string): Promise<{ value: string | undefined; cas: Buffer }> {
  const reply = await command(client, GET, key);
  if (reply.status === NOT_FOUND) return { value: undefined, cas: reply.cas };
  if (reply.status !== OK) throw unexpected('get', reply);
  return { value: reply.value.toString(), cas: reply.cas };
}

/** Writes an item unconditionally. */
export async function write(client: MemjsClientLike, key: string, value: string, ttlSeconds: number): Promise<void> {
  const reply = await command(client, SET, key, { extras: storageExtras(ttlSeconds), value: Buffer.from(value) });
  if (reply.status !== OK) throw unexpected('set', reply);
}

/**
 * Read-modify-write under compare-and-swap: `step` sees the current value and says what to do;
 * the write only lands if nobody wrote the item in between, else the whole step runs again on
 * the new value, after a short jittered pause, up to `CAS_TRIES` times. A missing item is
 * created with `add`, which also fails when someone else created it first. Resolves `true` when
 * something was written or removed.
 */
export async function casUpdate(client: MemjsClientLike, key: string, step: (current: string | undefined) => CasStep): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const { value, cas } = await read(client, key);
    const next = step(value);
    if (next === null) return false;
    let reply: Reply;
    if ('remove' in next) {
      if (value === undefined) return false;
      reply = await command(client, DELETE, key, { cas });
    } else {
      const request = { extras: storageExtras(next.ttlSeconds), value: Buffer.from(next.write) };
      reply = await command(client, value === undefined ? ADD : SET, key, value === undefined ? request : { ...request, cas });
    }
    if (reply.status === OK) return true;
    // Someone wrote, removed or created the item since we read it: read again.
    if (reply.status !== EXISTS && reply.status !== NOT_FOUND && reply.status !== NOT_STORED) throw unexpected('cas', reply);
    if (attempt >= CAS_TRIES) throw new Error(`memcached: ${key} kept changing during ${CAS_TRIES} compare-and-swap attempts; gave up`);
    await backoff(attempt);
  }
}
