/**
 * One scenario, three session storages: React Router's own `createCookieSessionStorage`, and
 * `hallpassSessionStorage` in cookie mode and in server mode (memoryStore). Each step records what
 * an app would see; every implementation must match the shared expectation, and each place where
 * hallpass deliberately differs from React Router is an override below saying why.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessions, memoryStore } from 'hallpass';
import { hallpassSessionStorage } from 'hallpass/react-router';
import { createCookieSessionStorage, isSession, type SessionStorage } from 'react-router';
import { SECRET } from '../support/core-fixtures.js';

type Storage = SessionStorage<any, any>;
type Kind = 'react-router' | 'hallpass cookie mode' | 'hallpass server mode';

/** What a `Set-Cookie` header asks of the browser. */
function shape(header: string): 'nothing' | 'expire' | 'cookie' {
  if (header === '') return 'nothing';
  return /; (Max-Age=0|Expires=Thu, 01 Jan 1970 00:00:00 GMT)(;|$)/.test(header) ? 'expire' : 'cookie';
}

/** A browser's cookie jar for one site and one cookie. */
class Jar {
  cookie = '';
  receive(header: string): void {
    // An empty Set-Cookie changes nothing in a real browser (react-router-browser.test.ts shows it in Chromium).
    if (header === '') return;
    this.cookie = shape(header) === 'expire' ? '' : header.slice(0, header.indexOf(';'));
  }
}

/** True when `needle` can be read from the cookie by URL- and base64-decoding its parts: the data is not sealed. */
function readableInCookie(header: string, needle: string): boolean {
  const value = decodeURIComponent(header.slice(header.indexOf('=') + 1, header.indexOf(';')));
  return value.split('.').some((part) => Buffer.from(part, 'base64').toString('latin1').includes(needle));
}

async function scenario(storage: Storage): Promise<Record<string, unknown>> {
  const jar = new Jar();
  const facts: Record<string, unknown> = {};
  const request = () => storage.getSession(jar.cookie || null);

  // A first visit: nothing stored yet.
  let session = await request();
  facts.isSession = isSession(session);
  facts.firstVisit = { data: session.data, hasUser: session.has('userId') };
  let header = await storage.commitSession(session);
  facts.untouchedFirstVisitCommit = shape(header);
  jar.receive(header);

  // Log in: set two keys and commit.
  session = await request();
  session.set('userId', 'alice');
  session.set('cart', ['apple']);
  header = await storage.commitSession(session);
  facts.loginCommit = shape(header);
  facts.userReadableInCookie = readableInCookie(header, 'alice');
  jar.receive(header);
  const loginId = session.id;

  // Read it back in the next request; commit without a change.
  session = await request();
  facts.readBack = { user: session.get('userId'), cart: session.get('cart'), data: session.data };
  facts.id = session.id === '' ? 'empty' : session.id === loginId ? 'kept across requests' : 'changed';
  header = await storage.commitSession(session);
  facts.unchangedCommit = shape(header);
  jar.receive(header);

  // A value that is not JSON.
  session = await request();
  try {
    session.set('seenAt', new Date(0));
    const stored = await storage.getSession(await storage.commitSession(session));
    facts.dateValue = `stored as ${typeof stored.get('seenAt')}`;
  } catch (error) {
    facts.dateValue = `refused: ${(error as { code?: string }).code}`;
  }

  // Flash a value, then read it exactly once.
  session = await request();
  session.flash('notice', 'Saved');
  jar.receive(await storage.commitSession(session));
  session = await request();
  facts.flashPending = { has: session.has('notice'), stored: session.data.__flash_notice__ };
  facts.flashReads = [session.get('notice'), session.get('notice')];
  facts.flashHasAfterRead = session.has('notice');
  header = await storage.commitSession(session);
  facts.flashReadCommit = shape(header);
  jar.receive(header);
  facts.flashNextRequest = (await request()).get('notice');

  // Unset a key.
  session = await request();
  session.unset('cart');
  jar.receive(await storage.commitSession(session));
  session = await request();
  facts.afterUnset = { hasCart: session.has('cart'), data: session.data };

  // Log out, keeping a copy of the cookie as a thief would.
  const copy = jar.cookie;
  session = await request();
  header = await storage.destroySession(session);
  facts.destroy = shape(header);
  jar.receive(header);
  facts.afterDestroy = (await request()).get('userId');
  facts.replayOfDestroyedCookie = (await storage.getSession(copy)).get('userId');
  return facts;
}

const SHARED = {
  isSession: true,
  firstVisit: { data: {}, hasUser: false },
  untouchedFirstVisitCommit: 'cookie',
  loginCommit: 'cookie',
  userReadableInCookie: true,
  readBack: { user: 'alice', cart: ['apple'], data: { userId: 'alice', cart: ['apple'] } },
  id: 'empty',
  unchangedCommit: 'cookie',
  dateValue: 'stored as string',
  flashPending: { has: true, stored: 'Saved' },
  flashReads: ['Saved', undefined],
  flashHasAfterRead: false,
  flashReadCommit: 'cookie',
  flashNextRequest: undefined,
  afterUnset: { hasCart: false, data: { userId: 'alice' } },
  destroy: 'expire',
  afterDestroy: undefined,
  replayOfDestroyedCookie: 'alice',
};

function expected(kind: Kind): Record<string, unknown> {
  if (kind === 'react-router') return SHARED;
  const hallpass = {
    ...SHARED,
    // hallpass writes no cookie for a visitor whose session stayed empty, and nothing for a session
    // nobody changed: commitSession resolves '' and the browser keeps the cookie it has.
    untouchedFirstVisitCommit: 'nothing',
    unchangedCommit: 'nothing',
    // Sealed by default (AES-256-GCM): the cookie reveals nothing. In server mode it holds only a token.
    userReadableInCookie: false,
    // hallpass's session ID (the inner ID, or a hash of the token), never the cookie value; React
    // Router's cookie storage has no ID at all.
    id: 'kept across requests',
    // A session holds JSON only, checked at `set`: React Router would silently turn a Date into a string.
    dateValue: 'refused: ERR_SESSION_VALUE',
    // Logout really ends the session: a copy of the old cookie is refused (cookie mode: the inner
    // ID is revoked; server mode: the record is deleted). React Router's cookie storage keeps no
    // state, so its old cookie stays valid until it expires.
    replayOfDestroyedCookie: undefined,
  };
  if (kind === 'hallpass cookie mode') return hallpass;
  // Server mode: the cookie carries only a token, so a change to a stored session goes to the store
  // and the browser's cookie stays as it is (the next request proves the flash is gone).
  return { ...hallpass, flashReadCommit: 'nothing' };
}

const storages: Record<Kind, () => Storage> = {
  'react-router': () =>
    createCookieSessionStorage({
      cookie: { name: '__session', secrets: [SECRET], httpOnly: true, secure: true, sameSite: 'lax', path: '/' },
    }),
  'hallpass cookie mode': () => hallpassSessionStorage(createSessions({ secret: SECRET })),
  'hallpass server mode': () => hallpassSessionStorage(createSessions({ store: memoryStore() })),
};

describe('one session scenario on React Router storage and hallpass storage', () => {
  for (const [kind, make] of Object.entries(storages) as [Kind, () => Storage][]) {
    it(`${kind}: get, set, commit, read back, flash read once, unset, destroy, replay`, async () => {
      assert.deepEqual(await scenario(make()), expected(kind));
    });
  }
});
