import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { SessionData, SessionEvent, SessionStore } from '../core/types.js';
import type { CommitResult } from '../engine/commit-result.js';
import type { Session } from '../engine/session.js';
import { createSessions } from '../engine/sessions.js';
import { assertGone, type StoreFactory, storeTest, withStoreLatency } from './fixtures.js';

/** Every store call waits this long, so concurrent commits overlap at the store. */
const LATENCY_MS = 3;
const TOUCH_INTERVAL = 60;

const sha256 = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * `createSessions` over the store (every call delayed by LATENCY_MS), with a clock that moves only
 * when told, and one stored session. `open()` loads it as a new request would, from its cookie.
 */
async function loggedIn(inner: SessionStore) {
  let ms = Math.floor(Date.now() / 1000) * 1000;
  const events: SessionEvent[] = [];
  const sessions = createSessions({
    store: withStoreLatency(inner, LATENCY_MS),
    now: () => ms,
    idleTimeout: 3600,
    touchInterval: TOUCH_INTERVAL,
    storeTimeout: 5000,
    onEvent: (event) => events.push(event),
  });
  const name = sessions.options.name;
  const tokenOf = (result: CommitResult) => {
    const pair = result.setCookie?.split(';')[0] ?? '';
    return pair.startsWith(`${name}=`) ? pair.slice(name.length + 1) : '';
  };
  const first = await sessions.load(undefined);
  first.set('user_id', 'alice');
  const token = tokenOf(await sessions.commit(first));
  assert.match(token, /^[A-Za-z0-9_-]{43}$/, 'the first commit must set a session cookie');
  const key = sha256(token);
  return {
    sessions,
    events,
    key,
    tokenOf,
    open: () => sessions.load(`${name}=${token}`),
    /** A commit's Set-Cookie expires the cookie: the request ended logged out. */
    expires: (result: CommitResult) => /Max-Age=0/i.test(result.setCookie ?? ''),
    advance: (seconds: number) => {
      ms += seconds * 1000;
    },
  };
}

const conflicts = (events: SessionEvent[], id: string) => events.filter((event) => event.type === 'conflict' && event.id === id).length;

/** Races between a logout and requests that loaded the session before it, through `createSessions`. */
export function raceTests(factory: StoreFactory): void {
  const test = storeTest(factory);

  test('a patch after a logout creates nothing: the late request ends logged out', [], async (store) => {
    const app = await loggedIn(store);
    const late = await app.open();
    const logout = await app.open();
    logout.destroy();
    await app.sessions.commit(logout);
    late.set('cart', ['late']);
    const result = await app.sessions.commit(late);
    assert.ok(app.expires(result), `the late request must expire the cookie, got ${JSON.stringify(result)}`);
    assertGone(await store.get(app.key), 'the patch must not bring the session back');
    assert.equal(conflicts(app.events, app.key), 1, 'one conflict event');
  });

  test('a touch after a logout creates nothing: the late request ends logged out', [], async (store) => {
    const app = await loggedIn(store);
    app.advance(TOUCH_INTERVAL);
    const late = await app.open();
    assert.equal(late.get('user_id'), 'alice');
    const logout = await app.open();
    logout.destroy();
    await app.sessions.commit(logout);
    const result = await app.sessions.commit(late);
    assert.ok(app.expires(result), `the late request must expire the cookie, got ${JSON.stringify(result)}`);
    assertGone(await store.get(app.key), 'the touch must not bring the session back');
    assert.equal(conflicts(app.events, app.key), 1, 'one conflict event');
  });

  test('late patches and touches committed alongside a logout never leave the session behind', [], async (store) => {
    const app = await loggedIn(store);
    app.advance(TOUCH_INTERVAL);
    const requests: Session<SessionData>[] = [];
    for (let i = 0; i < 6; i++) requests.push(await app.open());
    const logout = await app.open();
    logout.destroy();
    requests.forEach((session, i) => {
      if (i % 2 === 0) session.set(`k${i}`, i); // a patch; the others slide the idle timeout (a touch)
    });
    // All in flight together: whichever lands after the destroy must find nothing and create nothing.
    await Promise.all([app.sessions.commit(logout), ...requests.map((session) => app.sessions.commit(session))]);
    assertGone(await store.get(app.key), 'a patch or touch that landed after the logout brought the session back');
  });

  test('a regenerate after a concurrent logout leaves no session under either key', [], async (store) => {
    const app = await loggedIn(store);
    const login = await app.open();
    const logout = await app.open();
    login.regenerate();
    login.set('user_id', 'mallory');
    const newKey = login.id;
    logout.destroy();
    await app.sessions.commit(logout);
    const result = await app.sessions.commit(login);
    assert.ok(app.expires(result), `the regenerating request must end logged out, got ${JSON.stringify(result)}`);
    assertGone(await store.get(app.key), 'the old key must stay deleted');
    assertGone(await store.get(newKey), 'the session must not come back under its new key');
    assert.equal(conflicts(app.events, app.key), 1, 'one conflict event');
    assert.ok(!app.events.some((event) => event.type === 'regenerated'), 'no regenerated event');
  });

  test('concurrent regenerates and a logout of one session leave at most one session, never under the old key', [], async (store) => {
    const app = await loggedIn(store);
    const logins: Session<SessionData>[] = [];
    for (let i = 0; i < 4; i++) logins.push(await app.open());
    const logout = await app.open();
    logout.destroy();
    for (const login of logins) login.regenerate();
    const newKeys = logins.map((login) => login.id);
    const [, ...results] = await Promise.all([app.sessions.commit(logout), ...logins.map((login) => app.sessions.commit(login))]);
    assertGone(await store.get(app.key), 'the old key must be gone');
    const live: string[] = [];
    for (const key of newKeys) if (await store.get(key)) live.push(key);
    assert.ok(live.length <= 1, `${live.length} sessions live after one logout and concurrent regenerates`);
    // Only the request whose session lives on may hand out a cookie; every other one ends logged out.
    const cookies = results.flatMap((result, i) => (app.tokenOf(result) ? [newKeys[i]] : []));
    assert.deepEqual(cookies, live, 'the cookies handed out must match the sessions that live');
  });
}
