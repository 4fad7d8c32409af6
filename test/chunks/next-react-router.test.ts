/** Chunked cookies through hallpass/next (Next's own cookie store) and hallpass/react-router. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSessions, HallpassError } from 'hallpass';
import { readSession, withSession } from 'hallpass/next';
import { hallpassSessionStorage } from 'hallpass/react-router';
import { handlerScope } from '../next/request-scopes.js';
import { SECRET } from '../support/core-fixtures.js';

const pairs = (lines: readonly string[]) =>
  lines
    .filter((line) => !/Max-Age=0/.test(line))
    .map((line) => line.slice(0, line.indexOf(';')))
    .join('; ');
const namesOf = (lines: readonly string[]) => lines.map((line) => line.slice(0, line.indexOf('=')));
const sessions = () => createSessions({ secret: SECRET, chunked: { maxBytes: 12_000 } });

describe('chunked cookies through hallpass/next', () => {
  it('writes every chunk through the cookie store, reads them back, and expires them on logout', async () => {
    const made = sessions();
    const notes = randomBytes(5000).toString('base64url');
    const login = handlerScope();
    await withSession(login.cookies, made, (session) => session.set('notes', notes));
    assert.deepEqual(namesOf(login.setCookies), ['sid.0', 'sid.1', 'sid.2']);
    // Next adds an Expires attribute of its own; browsers count a cookie's name and value against 4096 bytes.
    for (const line of login.setCookies) assert.ok(line.indexOf(';') <= 4096);

    const read = handlerScope(pairs(login.setCookies));
    assert.equal((await readSession(read.cookies, made)).get('notes'), notes);

    const logout = handlerScope(pairs(login.setCookies));
    await withSession(logout.cookies, made, (session) => session.destroy());
    assert.deepEqual(namesOf(logout.setCookies), ['sid.0', 'sid.1', 'sid.2']);
    for (const line of logout.setCookies) assert.match(line, /Max-Age=0/);
  });
});

describe('chunked cookies through hallpass/react-router', () => {
  it('hands every Set-Cookie value to commitSessionCookies, and reads the chunks back', async () => {
    const storage = hallpassSessionStorage(sessions());
    const notes = randomBytes(5000).toString('base64url');
    const session = await storage.getSession(null);
    session.set('notes', notes);
    const cookies = await storage.commitSessionCookies(session);
    assert.deepEqual(namesOf(cookies), ['sid.0', 'sid.1', 'sid.2']);
    const again = await storage.getSession(pairs(cookies));
    assert.equal(again.get('notes'), notes);
  });

  it('refuses to squeeze several chunks into commitSession’s one header, naming commitSessionCookies', async () => {
    const storage = hallpassSessionStorage(sessions());
    const session = await storage.getSession(null);
    session.set('notes', randomBytes(5000).toString('base64url'));
    await assert.rejects(
      storage.commitSession(session),
      (error: unknown) =>
        error instanceof HallpassError && error.code === 'ERR_SESSION_STATE' && /commitSessionCookies/.test(error.message),
    );
  });

  it('still returns one header from commitSession while the session fits one cookie', async () => {
    const storage = hallpassSessionStorage(sessions());
    const session = await storage.getSession(null);
    session.set('user_id', 'alice');
    assert.match(await storage.commitSession(session), /^sid=h1\./);
  });
});
