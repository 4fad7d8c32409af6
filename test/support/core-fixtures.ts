/** Shared helpers for the core, codec and adapter tests: secrets, one-request round trips, event capture. */
import {
  type CommitResult,
  createSessions,
  type Session,
  type SessionData,
  type SessionEvent,
  type SessionOptions,
  type Sessions,
} from 'hallpass';
import { type FrozenClock, frozenClock } from './clock.js';

/** Random-looking 43-character secrets (32 bytes of base64url), never used outside tests. */
export const SECRET = 'kq7Zr1VbX9dT3mWf0LhPz5sYc2NjGu8eRaQ4oKiBtE6';
export const OLD_SECRET = 'Hn3xUe8JpQa5cWz1LvRk7mYs0DgTf4bNiO9rKwZq2Ax';
export const OTHER_SECRET = 'Vd6mQp2XsL9fTb4KzRn7yUc1WgHe8JaO3iNt5oBkZrY';

/** Records every event a `Sessions` emits. */
export function eventLog(): { events: SessionEvent[]; onEvent: (event: SessionEvent) => void; invalid(): string[] } {
  const events: SessionEvent[] = [];
  return {
    events,
    onEvent: (event) => events.push(event),
    invalid: () => events.flatMap((event) => (event.type === 'invalid' ? [event.reason] : [])),
  };
}

export interface Harness<T extends SessionData = SessionData> {
  sessions: Sessions<T>;
  clock: FrozenClock;
  log: ReturnType<typeof eventLog>;
  /** Loads a session from `cookie`, lets `work` use it, commits, and returns the session and the result. */
  request(cookie: string | undefined, work?: (session: Session<T>) => void): Promise<{ session: Session<T>; result: CommitResult }>;
}

/** A cookie-mode (or, with `store`, server-mode) `Sessions` on a frozen clock that records its events. */
export function harness<T extends SessionData = SessionData>(options: Partial<SessionOptions> = {}): Harness<T> {
  const clock = frozenClock();
  const log = eventLog();
  const sessions = createSessions<T>({ secret: SECRET, now: clock.now, onEvent: log.onEvent, ...options });
  return {
    sessions,
    clock,
    log,
    async request(cookie, work) {
      const session = await sessions.load(cookie);
      work?.(session);
      const result = await sessions.commit(session);
      return { session, result };
    },
  };
}
