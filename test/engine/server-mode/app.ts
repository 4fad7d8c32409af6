/**
 * A server-mode app over real HTTP for these tests: a memory store behind a spy that records every
 * call and can be made to fail or hang, a frozen clock, and routes for the usual session flows.
 */
import { createServer } from 'node:http';
import { createSessions, memoryStore, type SessionEvent, type SessionOptions, type SessionStore } from 'hallpass';
import { type AdapterOptions, withSessions } from 'hallpass/node';
import { type FrozenClock, frozenClock } from '../../support/clock.js';
import { call } from '../../support/http.js';
import { listen } from '../../support/listen.js';

export interface StoreCall {
  op: string;
  key: string;
  args: unknown[];
}

/** What a store call does: answer normally, reject, or never answer. */
export type Fault = 'none' | 'fail' | 'hang';

/** Wraps a store so every call is recorded (operation, key, arguments) and faults can be injected. */
export function spyStore(inner: SessionStore, methods: readonly (keyof SessionStore)[] = Object.keys(inner) as (keyof SessionStore)[]) {
  const calls: StoreCall[] = [];
  // `only`: when set, the fault hits just these operations (say, a commit's patch but not the load's get).
  const control: { fault: Fault; only?: ReadonlySet<string> } = { fault: 'none' };
  const store = {} as Record<string, unknown>;
  for (const op of methods) {
    const fn = inner[op] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (typeof fn !== 'function') continue;
    store[op] = (...args: unknown[]) => {
      calls.push({ op, key: String(args[0]), args });
      const hit = control.only === undefined || control.only.has(op);
      if (hit && control.fault === 'fail') return Promise.reject(new Error('connection refused'));
      if (hit && control.fault === 'hang') return new Promise(() => {});
      return fn.apply(inner, args);
    };
  }
  return { store: store as unknown as SessionStore, calls, control };
}

export interface Reply {
  status: number;
  headers: Headers;
  setCookie: string[];
  text: string;
  /** The body parsed as JSON (loose: each test knows its shape), or undefined. */
  json: any;
}

export interface App {
  request(path: string, cookie?: string): Promise<Reply>;
  /** Releases requests waiting on `/wait-then-set?gate=name`. */
  open(gate: string): void;
  /** Resolves once a request is waiting on the gate. */
  waiting(gate: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the app on port 0. Everything hallpass emits lands in `events`. */
export async function startApp(
  options: { store?: SessionStore; clock?: FrozenClock; sessions?: Partial<SessionOptions>; adapter?: AdapterOptions } = {},
) {
  const clock = options.clock ?? frozenClock();
  const spy = spyStore(options.store ?? memoryStore({ now: clock.now }));
  const events: SessionEvent[] = [];
  const sessions = createSessions({ store: spy.store, now: clock.now, onEvent: (event) => events.push(event), ...options.sessions });
  const gates = new Map<string, { opened: Promise<void>; open: () => void; arrived: Promise<void>; arrive: () => void }>();
  const gate = (name: string) => {
    let entry = gates.get(name);
    if (!entry) {
      let open = () => {};
      let arrive = () => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      gates.set(name, (entry = { opened, open, arrived, arrive }));
    }
    return entry;
  };
  const server = createServer(
    withSessions(
      sessions,
      async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://app.test');
        const q = (name: string) => url.searchParams.get(name) ?? '';
        const session = req.session;
        switch (url.pathname) {
          case '/none':
            res.end('untouched');
            return;
          case '/set':
            session.set(q('key'), q('value'));
            break;
          case '/delete':
            session.delete(q('key'));
            break;
          case '/login':
            session.regenerate();
            session.userId = q('user');
            break;
          case '/logout':
            session.destroy();
            res.end('bye');
            return;
          case '/wait-then-set': {
            const waitFor = gate(q('gate'));
            session.get(q('key')); // loads the session now, as a slow handler would
            waitFor.arrive();
            await waitFor.opened;
            session.set(q('key'), q('value'));
            break;
          }
          case '/wait-then-read': {
            const waitFor = gate(q('gate'));
            session.get('a'); // loads the session now; the commit then slides the idle timeout if due
            waitFor.arrive();
            await waitFor.opened;
            break;
          }
        }
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ isNew: session.isNew, userId: session.userId ?? null, data: session.toJSON() }));
      },
      { onError: () => {}, ...options.adapter },
    ),
  );
  const running = await listen(server);
  const base = running.url;
  const app: App = {
    async request(path, cookie) {
      const { status, headers, text, setCookies } = await call(base, 'GET', path, { cookie });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status, headers, setCookie: setCookies, text, json };
    },
    open: (name) => gate(name).open(),
    waiting: (name) => gate(name).arrived,
    close: running.close,
  };
  return { app, clock, calls: spy.calls, control: spy.control, events, sessions, store: spy.store };
}

/** The token of a reply's single session cookie. */
export function tokenOf(reply: Reply): string {
  const match = /^sid=([A-Za-z0-9_-]{43}); /.exec(reply.setCookie[0] ?? '');
  if (!match || reply.setCookie.length !== 1) throw new Error(`expected one session cookie, got ${JSON.stringify(reply.setCookie)}`);
  return match[1] as string;
}

export const cookie = (token: string) => `sid=${token}`;
