/**
 * hallpass/next when the server-side store is down: withSession and readSession reject with the
 * StoreError (Next then shows the app's error.tsx, and a Route Handler can catch it), never
 * writing a cookie and never running the action on a session that could not be loaded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSessions, StoreError } from 'hallpass';
import { readSession, withSession } from 'hallpass/next';
import { failingStore, TOKEN_COOKIE } from '../adapters/contract/stores.js';
import { handlerScope, serverComponentCookies } from './request-scopes.js';

const quiet = { onEvent: () => {} };

describe('hallpass/next with a failing store', () => {
  it('withSession rejects with StoreError before the action runs when the session cannot be loaded', async () => {
    const sessions = createSessions({ store: failingStore('get'), ...quiet });
    const scope = handlerScope(TOKEN_COOKIE);
    let ran = false;
    await assert.rejects(
      withSession(scope.cookies, sessions, () => {
        ran = true;
      }),
      (error) => error instanceof StoreError && error.code === 'ERR_STORE',
    );
    assert.equal(ran, false);
    assert.deepEqual(scope.setCookies, []);
  });

  it('withSession rejects with StoreError when the change cannot be saved, and writes no cookie', async () => {
    const sessions = createSessions({ store: failingStore('set'), ...quiet });
    const scope = handlerScope();
    await assert.rejects(
      withSession(scope.cookies, sessions, (session) => session.set('user_id', 'alice')),
      (error) => error instanceof StoreError,
    );
    assert.deepEqual(scope.setCookies, []);
  });

  it('readSession rejects with StoreError in a Server Component', async () => {
    const sessions = createSessions({ store: failingStore('get'), ...quiet });
    await assert.rejects(readSession(serverComponentCookies(TOKEN_COOKIE), sessions), (error) => error instanceof StoreError);
  });
});
