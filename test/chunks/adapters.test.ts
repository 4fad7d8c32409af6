/**
 * Chunked cookies through every HTTP adapter: the same contract app grows its session to three
 * chunks, reads it back, and logs out, over real HTTP.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createSessions } from 'hallpass';
import { adapters } from '../adapters/contract/apps.js';
import { now, SECRET } from '../adapters/contract/stores.js';
import { call } from '../support/http.js';

const expired = (name: string) => `${name}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;
const namesOf = (lines: readonly string[]) => lines.map((line) => line.slice(0, line.indexOf('=')));
const cookieHeader = (lines: readonly string[]) =>
  lines
    .filter((line) => !line.includes('Max-Age=0'))
    .map((line) => line.slice(0, line.indexOf(';')))
    .join('; ');

for (const adapter of adapters) {
  describe(`chunked cookies through ${adapter.name}`, () => {
    it('sets every chunk, reads them back, and expires them all on logout', async () => {
      const running = await adapter.start(createSessions({ secret: SECRET, now, chunked: { maxBytes: 12_000 } }));
      try {
        const notes = randomBytes(5000).toString('base64url');
        const login = await call(running.url, 'POST', '/login?username=alice');
        assert.deepEqual(namesOf(login.setCookies), ['sid']);
        const grown = await call(running.url, 'POST', '/session', { cookie: cookieHeader(login.setCookies), json: { notes } });
        assert.equal(grown.status, 200);
        assert.deepEqual(namesOf(grown.setCookies), ['sid.0', 'sid.1', 'sid.2', 'sid']);
        assert.equal(grown.setCookies[3], expired('sid'));
        for (const line of grown.setCookies) assert.ok(line.length <= 4096);
        assert.equal(grown.headers.get('cache-control'), 'private, no-store');
        const read = await call(running.url, 'GET', '/session', { cookie: cookieHeader(grown.setCookies) });
        assert.deepEqual(read.body, { user_id: 'alice', notes });
        const logout = await call(running.url, 'POST', '/logout', { cookie: cookieHeader(grown.setCookies) });
        assert.deepEqual(logout.setCookies, [expired('sid.0'), expired('sid.1'), expired('sid.2')]);
      } finally {
        await running.close();
      }
    });
  });
}
