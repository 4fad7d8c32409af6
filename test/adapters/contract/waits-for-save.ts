import assert from 'node:assert/strict';
import { cookiePair } from '../../support/cookies.js';
import { call } from '../../support/http.js';

/**
 * `POST /login` (regenerate, set `user_id` to alice, 303) against a store whose writes take 100 ms:
 * the redirect leaves only after the write, and its cookie then reads the user back on `GET /`.
 */
export async function assertLoginWaitsForSave(url: string): Promise<void> {
  const started = Date.now();
  const login = await call(url, 'POST', '/login');
  assert.ok(Date.now() - started >= 95, 'the redirect waited for the store write');
  assert.equal(login.status, 303);
  assert.equal(login.setCookies.length, 1);
  assert.deepEqual((await call(url, 'GET', '/', { cookie: cookiePair(login.setCookies[0]) })).body, { user: 'alice' });
}
