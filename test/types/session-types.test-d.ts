/**
 * Type tests: compiled by `npx tsc --noEmit -p .`, never run. A wrong type fails the build, and an
 * `@ts-expect-error` that stops being an error fails it too.
 */
import { type CommitResult, createSessions, type Session, type Sessions } from 'hallpass';
import { withSessions as withFetchSessions } from 'hallpass/fetch';
import { withSessions as withNodeSessions } from 'hallpass/node';

/** True only when A and B are the same type (not merely assignable either way). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(_proof?: T): void {}

type Data = { user_id: string; cart: string[]; prefs: { theme: 'light' | 'dark' } };
declare const sessions: Sessions<Data>;
declare const session: Session<Data>;

// createSessions carries the data shape.
const typed = createSessions<{ user_id: string }>({ secret: process.env.SESSION_SECRET });
expectType<Equals<typeof typed, Sessions<{ user_id: string }>>>();
declare const fromTyped: Awaited<ReturnType<typeof typed.load>>;
const typedUserId = fromTyped.get('user_id');
expectType<Equals<typeof typedUserId, string | undefined>>();
const typedWithFallback = fromTyped.get('user_id', 'x');
expectType<Equals<typeof typedWithFallback, string>>();
// @ts-expect-error: not a key of { user_id: string }
fromTyped.get('admin');
// @ts-expect-error: user_id is a string
fromTyped.set('user_id', 1);

// get: the value or undefined; with a fallback, the value or the fallback.
const userId = session.get('user_id');
expectType<Equals<typeof userId, string | undefined>>();
const withFallback = session.get('user_id', 'x');
expectType<Equals<typeof withFallback, string>>();
const cart = session.get('cart', []);
expectType<Equals<typeof cart, string[] | never[]>>();
const theme = session.get('prefs')?.theme;
expectType<Equals<typeof theme, 'light' | 'dark' | undefined>>();

// set, has, delete, keys.
session.set('user_id', 'alice');
session.set('cart', ['apple']);
session.set('prefs', { theme: 'dark' });
expectType<Equals<ReturnType<typeof session.has>, boolean>>();
expectType<Equals<ReturnType<typeof session.delete>, boolean>>();
expectType<Equals<ReturnType<typeof session.keys>, Array<'user_id' | 'cart' | 'prefs'>>>();
expectType<Equals<ReturnType<typeof session.toJSON>, Partial<Data>>>();

// Unknown keys and wrong values are refused.
// @ts-expect-error: not a key of Data
session.get('missing');
// @ts-expect-error: not a key of Data
session.set('missing', 'x');
// @ts-expect-error: user_id is a string
session.set('user_id', 1);
// @ts-expect-error: not a theme
session.set('prefs', { theme: 'blue' });
// @ts-expect-error: not a key of Data
session.has('missing');
// @ts-expect-error: not a key of Data
session.delete('missing');

// Identity and lifecycle.
expectType<Equals<typeof session.id, string>>();
expectType<Equals<typeof session.isNew, boolean>>();
expectType<Equals<typeof session.userId, string | undefined>>();
session.regenerate();
session.regenerate({ keepData: false });
session.destroy();

// load/commit.
expectType<Equals<ReturnType<typeof sessions.load>, Promise<Session<Data>>>>();
expectType<Equals<ReturnType<typeof sessions.commit>, Promise<CommitResult>>>();

// Without a shape, any string key holds JSON.
const loose = createSessions({ secret: 'x' });
declare const looseSession: Awaited<ReturnType<typeof loose.load>>;
looseSession.set('anything', { nested: [1, 'two', null] });
// @ts-expect-error: a Date is not JSON
looseSession.set('when', new Date());
// @ts-expect-error: undefined is not JSON
looseSession.set('nothing', undefined);

// The adapters hand the typed session to the handler.
withNodeSessions(sessions, (req) => {
  const id = req.session.get('user_id');
  expectType<Equals<typeof id, string | undefined>>();
  // @ts-expect-error: not a key of Data
  req.session.get('missing');
});
withFetchSessions(sessions, (_request, s) => {
  expectType<Equals<typeof s, Session<Data>>>();
  return new Response();
});
