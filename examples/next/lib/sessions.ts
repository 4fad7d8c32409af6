import { createSessions, type Json, type Sessions } from 'hallpass';

export type Data = { user_id: string; cart: string[]; [key: string]: Json };

// Next.js bundles proxy.ts apart from the app's routes, so this module can be loaded twice in one
// server. Both copies must share one session manager: in cookie mode it keeps the list of logged-out
// sessions, and a proxy with a list of its own would still let a logged-out cookie through.
const SHARED = Symbol.for('hallpass.example.next.sessions');
const shared = globalThis as { [SHARED]?: Sessions<Data> };

/**
 * The app's one session manager, made on first use: `next build` loads every route's module
 * without the runtime's secrets, so it is not made at import time. instrumentation.ts makes it
 * when the server starts, so a bad SESSION_SECRET is reported before the first request.
 */
export function sessions(): Sessions<Data> {
  const existing = shared[SHARED];
  if (existing) return existing;
  if (!process.env.SESSION_SECRET) {
    throw new Error('SESSION_SECRET is not set. Create one with `npx hallpass secret` and start the app with SESSION_SECRET=<the secret>.');
  }
  const created = createSessions<Data>({ secret: process.env.SESSION_SECRET });
  shared[SHARED] = created;
  return created;
}
