import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreError } from 'hallpass';
import { cookie, startApp, tokenOf } from './app.js';

const UNAVAILABLE = '{"error":"session_store_unavailable","message":"The session store is unavailable; please try again shortly."}';

const storeErrors = (events: { type: string }[]) =>
  events.filter((e): e is { type: 'store-error'; operation: string; error: Error } => e.type === 'store-error');

describe('server mode: when the store fails', () => {
  it('a failing store answers 503 with the documented JSON, and the error keeps its cause', async () => {
    const { app, control, events } = await startApp();
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      control.fault = 'fail';
      const reply = await app.request('/peek', cookie(token));
      assert.equal(reply.status, 503);
      assert.equal(reply.text, UNAVAILABLE);
      assert.equal(reply.headers.get('content-type'), 'application/json');
      assert.equal(reply.headers.get('cache-control'), 'no-store');
      assert.equal(reply.headers.get('retry-after'), '1');
      assert.deepEqual(reply.setCookie, []);
      const [failure] = storeErrors(events);
      assert.ok(failure);
      assert.equal(failure.operation, 'get');
      assert.ok(failure.error instanceof StoreError);
      assert.equal(failure.error.code, 'ERR_STORE');
      assert.equal((failure.error.cause as Error).message, 'connection refused');
    } finally {
      await app.close();
    }
  });

  it('a store that never answers fails at storeTimeout with ERR_STORE_TIMEOUT instead of hanging', async () => {
    const { app, control, events } = await startApp({ sessions: { storeTimeout: 50 } });
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      control.fault = 'hang';
      const started = performance.now();
      const reply = await app.request('/peek', cookie(token));
      const elapsed = performance.now() - started;
      assert.equal(reply.status, 503);
      assert.ok(elapsed >= 45 && elapsed < 1000, `answered after ${elapsed.toFixed(0)} ms`);
      const [failure] = storeErrors(events);
      assert.ok(failure?.error instanceof StoreError);
      assert.equal(failure.error.code, 'ERR_STORE_TIMEOUT');
    } finally {
      await app.close();
    }
  });

  it('a write that fails at commit replaces the response with a 503', async () => {
    const { app, control } = await startApp();
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      control.fault = 'fail';
      control.only = new Set(['patch']);
      const reply = await app.request('/set?key=b&value=2', cookie(token));
      assert.equal(reply.status, 503);
      assert.equal(reply.text, UNAVAILABLE);
      control.fault = 'none';
      assert.deepEqual((await app.request('/peek', cookie(token))).json.data, { a: '1' }, 'the failed write left nothing half-done');
    } finally {
      await app.close();
    }
  });

  it('with onStoreError: "anonymous" the request is served with an empty session that is never saved', async () => {
    const { app, control, calls } = await startApp({ adapter: { onStoreError: 'anonymous' } });
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      control.fault = 'fail';
      calls.length = 0;
      const reply = await app.request('/set?key=b&value=2', cookie(token));
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.json, { isNew: true, userId: null, data: { b: '2' } });
      assert.deepEqual(reply.setCookie, [], 'no cookie for a session that was not saved');
      assert.deepEqual(
        calls.map((call) => call.op),
        ['get'],
        'no write is attempted',
      );
    } finally {
      await app.close();
    }
  });

  it('service resumes by itself when the store is back, with the session intact', async () => {
    const { app, control } = await startApp({ sessions: { storeTimeout: 50 } });
    try {
      const token = tokenOf(await app.request('/set?key=a&value=1'));
      for (const fault of ['fail', 'hang'] as const) {
        control.fault = fault;
        const statuses = await Promise.all(Array.from({ length: 5 }, () => app.request('/peek', cookie(token)).then((r) => r.status)));
        assert.deepEqual(statuses, [503, 503, 503, 503, 503]);
        control.fault = 'none';
        const back = await app.request('/set?key=b&value=2', cookie(token));
        assert.equal(back.status, 200);
        assert.equal(back.json.isNew, false);
      }
      assert.deepEqual((await app.request('/peek', cookie(token))).json.data, { a: '1', b: '2' });
    } finally {
      await app.close();
    }
  });

  it('a request without a session cookie is served while the store is down', async () => {
    const { app, control } = await startApp();
    try {
      control.fault = 'fail';
      const reply = await app.request('/peek');
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.json, { isNew: true, userId: null, data: {} });
    } finally {
      await app.close();
    }
  });
});
