/**
 * Starts the demo app (examples/app) in-process on port 0 in one session mode, on a frozen clock,
 * recording every session event: what the attack suite shoots at.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessions, memoryStore, type SessionEvent, type SessionOptions, type SessionStore, type Sessions } from 'hallpass';
import { sqliteStore } from 'hallpass/sqlite';
import { createDemoApp, type DemoData } from '../../../examples/app/app.js';
import { type FrozenClock, frozenClock } from '../../support/clock.js';
import { SECRET } from '../../support/core-fixtures.js';
import { openDatabase, type TestDatabase } from '../../support/sqlite.js';
import { keepAliveAgent, type Reply, type SendOptions, send, sendRaw } from './client.js';
import { type SpyStore, spyStore } from './spy-store.js';

export const COOKIE_MODES = ['sealed', 'signed'] as const;
export const SERVER_MODES = ['memory', 'sqlite'] as const;
export const ALL_MODES = [...COOKIE_MODES, ...SERVER_MODES] as const;
export type Mode = (typeof ALL_MODES)[number];

export interface DemoOptions {
  /** Extra `createSessions` options (a cookie name, lifetimes, a second secret...). */
  sessions?: Partial<SessionOptions>;
  /** Share a clock between servers (key rotation tests restart the app on the same clock). */
  clock?: FrozenClock;
  /** Share a server-mode store between servers. */
  store?: SessionStore;
}

export interface Demo {
  mode: Mode;
  port: number;
  sessions: Sessions<DemoData>;
  clock: FrozenClock;
  events: SessionEvent[];
  /** The reasons of the `invalid` events so far. */
  invalid(): string[];
  /** Server mode: the real store, and a spy in front of it (every call recorded; faults on demand). */
  store?: SessionStore;
  spy?: SpyStore;
  /** SQLite mode: the database, to look at rows. */
  db?: TestDatabase;
  call(method: string, path: string, options?: SendOptions): Promise<Reply>;
  raw(path: string, headerLines: readonly (string | Buffer)[]): Promise<Reply>;
  close(): Promise<void>;
}

function storeFor(mode: Mode, clock: FrozenClock): { store?: SessionStore; db?: TestDatabase } {
  if (mode === 'memory') return { store: memoryStore({ now: clock.now }) };
  if (mode === 'sqlite') {
    const db = openDatabase(':memory:');
    return { store: sqliteStore(db, { now: clock.now, cleanupIntervalMs: 0 }), db };
  }
  return {};
}

/** Starts the demo in `mode`; `close()` stops it and everything it opened. */
export async function startDemo(mode: Mode, options: DemoOptions = {}): Promise<Demo> {
  const clock = options.clock ?? frozenClock();
  const events: SessionEvent[] = [];
  const opened = options.store ? { store: options.store } : storeFor(mode, clock);
  const spy = opened.store ? spyStore(opened.store) : undefined;
  const base: SessionOptions = spy ? { store: spy.store } : { secret: SECRET, codec: mode as 'sealed' | 'signed' };
  const sessions = createSessions<DemoData>({
    ...base,
    now: clock.now,
    onEvent: (event) => events.push(event),
    ...options.sessions,
  });
  const server = createServer(createDemoApp(sessions));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = keepAliveAgent();
  return {
    mode,
    port,
    sessions,
    clock,
    events,
    invalid: () => events.flatMap((event) => (event.type === 'invalid' ? [event.reason] : [])),
    store: opened.store,
    spy,
    db: 'db' in opened ? opened.db : undefined,
    call: (method, path, sendOptions) => send(port, agent, method, path, sendOptions),
    raw: (path, lines) => sendRaw(port, path, lines),
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      (opened.store as { close?: () => void } | undefined)?.close?.();
      if ('db' in opened) opened.db?.close();
    },
  };
}

/** Logs `user` in (optionally carrying `cookie`) and returns the new `name=value` pair. */
export async function login(demo: Demo, user: string, cookie?: string): Promise<{ pair: string; reply: Reply }> {
  const reply = await demo.call('POST', '/login', { json: { username: user }, cookie });
  if (reply.status !== 200 || reply.setCookie.length !== 1) throw new Error(`login failed: ${reply.status} ${reply.text}`);
  const setCookie = reply.setCookie[0] as string;
  return { pair: setCookie.slice(0, setCookie.indexOf(';')), reply };
}

/** Whom the demo thinks the cookie belongs to: the session's `user_id`, or `undefined` for a guest. */
export async function whoAmI(demo: Demo, cookie: string | readonly string[] | undefined): Promise<string | undefined> {
  const reply = await demo.call('GET', '/session', { cookie });
  if (reply.status !== 200) throw new Error(`GET /session answered ${reply.status}: ${reply.text}`);
  return reply.json.user_id;
}

/** An anonymous session with one value in it (a guest with a cart). */
export async function guest(demo: Demo, cookie?: string): Promise<string> {
  const reply = await demo.call('POST', '/cart', { json: { item: 'apple' }, cookie });
  const setCookie = reply.setCookie[0];
  if (!setCookie) throw new Error(`no cookie from POST /cart: ${reply.status} ${reply.text}`);
  return setCookie.slice(0, setCookie.indexOf(';'));
}
