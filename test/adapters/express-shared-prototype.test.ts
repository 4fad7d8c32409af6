/**
 * The response gate on Express's base response prototype, beside code it does not control: an
 * app of another copy of Express that takes the response off the gate's chain, and a patch
 * another library put on `express.response` first. Its own file, so each test meets the
 * prototypes in the state it names (nothing else in this process has put the gate on them).
 */
import assert from 'node:assert/strict';
import { ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import express from 'express';
import express4 from 'express4';
import { createSessions } from 'hallpass';
import { expressSession, getSession } from 'hallpass/express';
import { cookiePair } from '../support/cookies.js';
import { call } from '../support/http.js';
import { appServer } from './contract/listen.js';
import { delayedStore, now, SECRET } from './contract/stores.js';

const serve = appServer();

type Handler = (req: unknown, res: unknown, next: (error?: unknown) => void) => void;

describe('hallpass/express and the shared response prototype', () => {
  // Runs first: Express 4's base prototype must not carry the gate yet.
  for (const gateOnPrototype of [undefined, false]) {
    it(`reports and stops relying on the prototype when an app of another Express copy takes the response (gateOnPrototype: ${gateOnPrototype})`, async () => {
      const sessions = createSessions({ store: delayedStore(10), now });
      const reported: unknown[] = [];
      // An Express 4 app, called from an Express 5 app without being mounted: its responses
      // descend from Express 4's base prototype, not from the one the gate went on.
      const inner = express4();
      inner.get('/visit', (req, res) => {
        getSession(req).set('visited', 'inner');
        res.json({ ok: true });
      });
      const app = express();
      app.use(expressSession(sessions, { gateOnPrototype, onError: (error) => reported.push(error) }));
      app.use(((req, res, next) => (inner as unknown as Handler)(req, res, next)) as express.RequestHandler);
      const url = await serve(app);

      const first = await call(url, 'GET', '/visit');
      assert.deepEqual(first.body, { ok: true });
      if (gateOnPrototype === false) {
        assert.equal(first.setCookies.length, 1);
        assert.deepEqual(reported, []);
      } else {
        // This response left past the gate: its change is lost, and said so.
        assert.deepEqual(first.setCookies, []);
        assert.equal(reported.length, 1);
        assert.match(String(reported[0]), /gateOnPrototype: false/);
      }
      // Every later response is gated on the response itself.
      const second = await call(url, 'GET', '/visit');
      assert.equal(second.setCookies.length, 1);
      assert.equal((await sessions.load(cookiePair(second.setCookies[0]))).get('visited'), 'inner');
      assert.equal(reported.length, gateOnPrototype === false ? 0 : 1);
    });
  }

  it('gates a response moved onto another base prototype when the session is first used there (cookie mode)', async () => {
    // What an app of another Express copy does to a response: its own base, its own app object.
    const otherBase = Object.create(ServerResponse.prototype) as object;
    const otherApp = Object.create(otherBase) as object;
    const reported: unknown[] = [];
    const sessions = createSessions({ secret: SECRET, now });
    const app = express();
    app.use(expressSession(sessions, { onError: (error) => reported.push(error) }));
    app.use((req, res) => {
      Object.setPrototypeOf(res, otherApp);
      getSession(req).set('seen', 'there');
      res.end('ok');
    });
    const answer = await call(await serve(app), 'GET', '/');
    assert.equal(answer.setCookies.length, 1);
    assert.equal((await sessions.load(cookiePair(answer.setCookies[0]))).get('seen'), 'there');
    assert.deepEqual(reported, []);
    assert.deepEqual(
      ['writeHead', 'write', 'end', 'flushHeaders'].filter((method) => Object.hasOwn(otherBase, method)),
      ['writeHead', 'write', 'end', 'flushHeaders'],
    );
  });

  it("keeps another library's patch of express.response.end and calls it behind the gate", async () => {
    const base = (express4 as unknown as { response: { end: (...args: unknown[]) => unknown } }).response;
    assert.equal(Object.hasOwn(base, 'end'), false);
    let patchCalls = 0;
    const inherited = base.end;
    base.end = function patchedEnd(this: unknown, ...args: unknown[]) {
      patchCalls++;
      return inherited.apply(this, args);
    };
    const sessions = createSessions({ store: delayedStore(10), now });
    const app = express4();
    app.use(expressSession(sessions));
    app.get('/', (req, res) => {
      getSession(req).set('seen', 'yes');
      res.json({ ok: true });
    });
    const plain = express4();
    plain.get('/', (_req, res) => res.json({ plain: true }));
    const answer = await call(await serve(app), 'GET', '/');
    assert.equal(answer.setCookies.length, 1);
    assert.equal((await sessions.load(cookiePair(answer.setCookies[0]))).get('seen'), 'yes');
    assert.equal(patchCalls, 1);
    assert.deepEqual((await call(await serve(plain), 'GET', '/')).body, { plain: true });
    assert.equal(patchCalls, 2);
  });
});
