import type { SessionData } from '../../core/types.js';
import type { Session } from '../../engine/session.js';
import { readOnlyError } from './cookie-store.js';

/**
 * The session as a Server Component sees it: every read of `Session`, no write. `set`, `delete`,
 * `clear`, `regenerate`, `destroy` and assigning `userId` throw a `HallpassError` saying where
 * writes are allowed (TypeScript already refuses them at compile time).
 */
export type ReadonlySession<T extends SessionData = SessionData> = Pick<
  Session<T>,
  'get' | 'has' | 'keys' | 'toJSON' | 'id' | 'isNew' | 'createdAt' | 'lastSeenAt'
> & { readonly userId: string | undefined };

const refuse = (): never => {
  throw readOnlyError();
};

/** Wraps a loaded session so that reads pass through and writes fail loudly instead of being lost. */
export function readOnlyView<T extends SessionData>(session: Session<T>): ReadonlySession<T> {
  const view = {
    get: ((key: string, fallback?: unknown) => session.get(key as never, fallback)) as Session<T>['get'],
    has: (key) => session.has(key),
    keys: () => session.keys(),
    toJSON: () => session.toJSON(),
    get id() {
      return session.id;
    },
    get isNew() {
      return session.isNew;
    },
    get createdAt() {
      return session.createdAt;
    },
    get lastSeenAt() {
      return session.lastSeenAt;
    },
    get userId() {
      return session.userId;
    },
    set userId(_value: string | undefined) {
      refuse();
    },
    set: refuse,
    delete: refuse,
    clear: refuse,
    regenerate: refuse,
    destroy: refuse,
  } satisfies ReadonlySession<T> & Record<'set' | 'delete' | 'clear' | 'regenerate' | 'destroy', () => never>;
  return Object.freeze(view);
}
