import { ConfigError } from '../../core/errors.js';
import type { SessionEvent } from '../../core/types.js';
import type { Revocations } from './index.js';

/** Options of `memoryRevocations`. */
export interface MemoryRevocationsOptions {
  /** Most entries kept in all. Default 100000 (at most about 45 MB; see docs/security.md). */
  max?: number;
  /** Most entries kept for one user; past it the user's own oldest entry goes first. Default 32. */
  perUser?: number;
  /** Told when entries are dropped to stay within the bounds (`revocation-overflow`). */
  onEvent?: (event: SessionEvent) => void;
}

/*
 * Every structure below is an intrusive doubly linked list, so that any entry can leave any list in
 * O(1): an entry sits in its user's list (oldest first) and in the timing-wheel slot of its
 * deadline; a user sits in the list of users holding as many entries as it does.
 */

interface Entry {
  readonly id: string;
  readonly user: UserEntries;
  readonly until: number;
  olderOfUser: Entry | undefined;
  newerOfUser: Entry | undefined;
  previousInSlot: Entry | undefined;
  nextInSlot: Entry | undefined;
}

interface UserEntries {
  readonly userId: string;
  oldest: Entry | undefined;
  newest: Entry | undefined;
  count: number;
  previousOfSize: UserEntries | undefined;
  nextOfSize: UserEntries | undefined;
}

interface Slot {
  first: Entry | undefined;
}

interface UsersOfSize {
  first: UserEntries | undefined;
  last: UserEntries | undefined;
}

/** The wheel turns a slot a minute; 4096 slots make one turn about 68 hours. */
const SLOT_SECONDS = 60;
const SLOTS = 4096;
const slotOf = (until: number) => Math.floor(until / SLOT_SECONDS) % SLOTS;

/**
 * Revocations in this process's memory: bounded in entries, O(1) amortized per revocation, and
 * built so that no stream of requests by other clients makes anyone else's session invalid (there
 * is no global cut-off). Entries leave when their cookies could no longer be accepted anyway (a
 * timing wheel of one-minute slots finds them, within a minute of their deadline), so expired
 * entries never cost a live one its place.
 * When a bound is reached one entry is dropped, which lets that one cookie be accepted again
 * until its own deadline, so drops go where they hurt the flooder: first the flooding user's own
 * oldest entries (`perUser`), and when the whole list is full, the oldest entry of whichever user
 * holds the most. Every drop is a `revocation-overflow` event. Forgotten on restart and not shared
 * between processes: for those, use `sqliteRevocations` or a `revocationStore`.
 *
 * @example
 * ```ts
 * createSessions({ secret, revocations: memoryRevocations({ max: 200_000, onEvent: log }) })
 * ```
 */
export function memoryRevocations(options: MemoryRevocationsOptions = {}): Revocations & { readonly size: number } {
  const max = boundOption('max', options.max, 100_000);
  const perUser = boundOption('perUser', options.perUser, 32);
  const onEvent = options.onEvent;
  const byId = new Map<string, Entry>();
  const byUser = new Map<string, UserEntries>();
  const wheel: Slot[] = Array.from({ length: SLOTS }, () => ({ first: undefined }));
  // Users by how many entries they hold, so the fullest is found in O(1) when the list is full.
  const bySize: UsersOfSize[] = [];
  let largest = 0;
  /** The last minute whose slot was swept. */
  let sweptMinute: number | undefined;

  const leaveSize = (user: UserEntries) => {
    const list = bySize[user.count] as UsersOfSize;
    if (user.previousOfSize) user.previousOfSize.nextOfSize = user.nextOfSize;
    else list.first = user.nextOfSize;
    if (user.nextOfSize) user.nextOfSize.previousOfSize = user.previousOfSize;
    else list.last = user.previousOfSize;
    user.previousOfSize = user.nextOfSize = undefined;
  };

  const joinSize = (user: UserEntries) => {
    if (user.count === 0) {
      byUser.delete(user.userId);
    } else {
      const list = (bySize[user.count] ??= { first: undefined, last: undefined });
      user.previousOfSize = list.last;
      if (list.last) list.last.nextOfSize = user;
      else list.first = user;
      list.last = user;
      if (user.count > largest) largest = user.count;
    }
    while (largest > 0 && bySize[largest]?.first === undefined) largest--;
  };

  const add = (entry: Entry) => {
    const user = entry.user;
    if (user.count > 0) leaveSize(user);
    entry.olderOfUser = user.newest;
    if (user.newest) user.newest.newerOfUser = entry;
    else user.oldest = entry;
    user.newest = entry;
    user.count++;
    joinSize(user);
    const slot = wheel[slotOf(entry.until)] as Slot;
    entry.nextInSlot = slot.first;
    if (slot.first) slot.first.previousInSlot = entry;
    slot.first = entry;
    byId.set(entry.id, entry);
  };

  const remove = (entry: Entry) => {
    const user = entry.user;
    leaveSize(user);
    if (entry.olderOfUser) entry.olderOfUser.newerOfUser = entry.newerOfUser;
    else user.oldest = entry.newerOfUser;
    if (entry.newerOfUser) entry.newerOfUser.olderOfUser = entry.olderOfUser;
    else user.newest = entry.olderOfUser;
    user.count--;
    joinSize(user);
    if (entry.previousInSlot) entry.previousInSlot.nextInSlot = entry.nextInSlot;
    else (wheel[slotOf(entry.until)] as Slot).first = entry.nextInSlot;
    if (entry.nextInSlot) entry.nextInSlot.previousInSlot = entry.previousInSlot;
    byId.delete(entry.id);
  };

  /** Removes the entries of every minute that has passed since the last sweep (at most one turn of the wheel). */
  const sweep = (now: number) => {
    const minute = Math.floor(now / SLOT_SECONDS);
    const from = sweptMinute === undefined ? minute - SLOTS : Math.max(sweptMinute, minute - SLOTS);
    for (let m = from + 1; m < minute; m++) {
      let entry = (wheel[m % SLOTS] as Slot).first;
      while (entry !== undefined) {
        const next = entry.nextInSlot;
        // A slot also holds entries of later turns: only expired ones go.
        if (entry.until <= now) remove(entry);
        entry = next;
      }
    }
    if (sweptMinute === undefined || minute - 1 > sweptMinute) sweptMinute = minute - 1;
  };

  const drop = (user: UserEntries, scope: 'user' | 'all') => {
    remove(user.oldest as Entry);
    onEvent?.({ type: 'revocation-overflow', scope, dropped: 1, userId: user.userId });
  };

  return {
    durable: false,
    synchronous: true,
    get size() {
      return byId.size;
    },
    isRevoked(id, now) {
      const entry = byId.get(id);
      return entry !== undefined && entry.until > now;
    },
    revoke({ id, userId, until }, now) {
      sweep(now);
      if (until <= now) return;
      const existing = byId.get(id);
      if (existing) {
        // Revoked twice (a retried logout): the first entry stands unless this one lasts longer.
        if (existing.until >= until) return;
        remove(existing);
      }
      let user = byUser.get(userId);
      if (!user) {
        user = { userId, oldest: undefined, newest: undefined, count: 0, previousOfSize: undefined, nextOfSize: undefined };
        byUser.set(userId, user);
      }
      add({ id, user, until, olderOfUser: undefined, newerOfUser: undefined, previousInSlot: undefined, nextInSlot: undefined });
      if (user.count > perUser) drop(user, 'user');
      if (byId.size > max) drop((bySize[largest] as UsersOfSize).first as UserEntries, 'all');
    },
  };
}

function boundOption(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ConfigError(
      'ERR_OPTION',
      `memoryRevocations: \`${option}\` must be a whole number of entries, at least 1, got ${String(value)}.`,
    );
  }
  return value;
}
