/**
 * hallpass/next hands hallpass's Set-Cookie to Next's `cookies().set(name, value, options)`: every
 * attribute hallpass writes must come out of Next's own serialiser unchanged, and one it cannot
 * carry must stop the write rather than vanish.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessions, HallpassError, type SessionOptions } from 'hallpass';
import { parseSetCookie } from '../../src/adapters/next/set-cookie.js';
import { SECRET } from '../support/core-fixtures.js';
import { handlerScope } from './request-scopes.js';

/** What a session change and a logout make hallpass write under `options`. */
async function hallpassCookies(options: Partial<SessionOptions>): Promise<{ written: string; expired: string }> {
  const sessions = createSessions({ secret: SECRET, ...options });
  const fresh = await sessions.load(undefined);
  fresh.set('n', 1);
  const written = (await sessions.commit(fresh)).setCookie as string;
  const ending = await sessions.load(written.slice(0, written.indexOf(';')));
  ending.destroy();
  const expired = (await sessions.commit(ending)).setCookie as string;
  return { written, expired };
}

/** A Set-Cookie's attributes, compared as browsers do (names and SameSite's value case-insensitively); Expires apart. */
function attributes(header: string): string[] {
  return header
    .split(';')
    .slice(1)
    .map((attribute) => attribute.trim().toLowerCase())
    .filter((attribute) => !attribute.startsWith('expires='))
    .sort();
}

/** Sends `header` through Next's cookie store and returns the Set-Cookie Next serialises. */
function throughNext(header: string): string {
  const scope = handlerScope();
  const { name, value, options } = parseSetCookie(header);
  scope.cookies.set(name, value, options);
  assert.equal(scope.setCookies.length, 1);
  return scope.setCookies[0] as string;
}

const CONFIGURATIONS: [string, Partial<SessionOptions>][] = [
  ['the defaults', {}],
  ['a Domain, a Path and SameSite=Strict', { domain: 'example.com', path: '/app', sameSite: 'strict' }],
  ['SameSite=None with Partitioned', { sameSite: 'none', partitioned: true }],
  ['a browser-session cookie (no Max-Age)', { persistent: false }],
  ['neither Secure nor HttpOnly', { secure: false, httpOnly: false }],
  ['a __Host- name', { name: '__Host-sid' }],
];

describe("hallpass/next: hallpass's Set-Cookie through Next's cookie store", () => {
  for (const [label, options] of CONFIGURATIONS) {
    it(`keeps the value and every attribute of written and expired cookies with ${label}`, async () => {
      for (const header of Object.values(await hallpassCookies(options))) {
        const sent = throughNext(header);
        assert.equal(sent.slice(0, sent.indexOf(';')), header.slice(0, header.indexOf(';')));
        assert.deepEqual(attributes(sent), attributes(header));
      }
    });
  }

  it('gives a lasting cookie the Expires that matches its Max-Age, for browsers that only read Expires', async () => {
    const { written } = await hallpassCookies({});
    const expires = /; Expires=([^;]+)/.exec(throughNext(written))?.[1] as string;
    assert.ok(Math.abs(Date.parse(expires) - (Date.now() + 86_400_000)) < 5_000, expires);
  });

  it('turns the attributes into the fields cookies().set takes', () => {
    assert.deepEqual(
      parseSetCookie('sid=abc.def; Path=/app; Domain=example.com; Max-Age=60; HttpOnly; Secure; SameSite=None; Partitioned'),
      {
        name: 'sid',
        value: 'abc.def',
        options: { path: '/app', domain: 'example.com', maxAge: 60, httpOnly: true, secure: true, sameSite: 'none', partitioned: true },
      },
    );
    assert.deepEqual(parseSetCookie('sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT').options, {
      path: '/',
      expires: new Date(0),
      httpOnly: false,
      secure: false,
    });
  });

  it('refuses an attribute Next has no field for, naming it but not the cookie value', () => {
    assert.throws(
      () => parseSetCookie('sid=SECRETVALUE; Path=/; Priority=High'),
      (error: unknown) =>
        error instanceof HallpassError &&
        error.code === 'ERR_COOKIE_ATTRIBUTE' &&
        error.message.includes('"Priority=High"') &&
        error.message.includes('"sid"') &&
        !error.message.includes('SECRETVALUE'),
    );
  });

  it('refuses values it cannot pass on faithfully', () => {
    for (const header of ['sid=v; Max-Age=1.5', 'sid=v; Max-Age=-1', 'sid=v; Expires=soon', 'sid=v; SameSite=Sometimes', 'novalue']) {
      assert.throws(() => parseSetCookie(header), { code: 'ERR_COOKIE_ATTRIBUTE' }, header);
    }
  });
});
