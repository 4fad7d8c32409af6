/**
 * The handlers `npm run bench -- runtimes` times (bench/runtimes/): each library opens the pool
 * cookies it made, counts on `/write` with a new cookie, and reads a tampered cookie as an empty
 * session; the bare handler ignores cookies; every bundle is free of Node's modules, so workerd
 * without nodejs_compat runs it; the report never divides by a cost at or below the bare handler's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Summary } from '../../bench/http/stats.js';
import { bundleFor } from '../../bench/runtimes/bundle.js';
import { makeHandler as bare } from '../../bench/runtimes/handlers/bare.js';
import { makeHandler as hallpass } from '../../bench/runtimes/handlers/hallpass.js';
import { makeHandler as iron } from '../../bench/runtimes/handlers/iron-session.js';
import { LIBRARIES, RUNTIMES } from '../../bench/runtimes/libraries.js';
import { makePool } from '../../bench/runtimes/pool.js';
import { versus } from '../../bench/runtimes/report.js';

const SECRET = 'kq7Zr1VbX9dT3mWf0LhPz5sYc2NjGu8eRaQ4oKiBtE6';

async function count(handler: (request: Request) => Promise<Response>, path: string, cookie?: string) {
  const response = await handler(new Request(`http://127.0.0.1${path}`, { headers: cookie ? { cookie } : {} }));
  assert.equal(response.status, 200);
  return { count: ((await response.json()) as { count: number }).count, setCookie: response.headers.getSetCookie() };
}

describe('bench runtimes handlers', () => {
  for (const [name, make] of [
    ['hallpass', hallpass],
    ['iron-session', iron],
  ] as const) {
    it(`${name} opens its own pool cookies, writes a new cookie, and reads a tampered one as empty`, async () => {
      const pool = await makePool(name, SECRET, 3);
      assert.equal(new Set(pool).size, 3);
      const handler = make(SECRET);
      assert.equal((await count(handler, '/read', pool[1])).count, 1);
      const written = await count(handler, '/write', pool[2]);
      assert.equal(written.count, 2);
      assert.equal(written.setCookie.length, 1);
      const cookie = pool[0] as string;
      const tampered = `${cookie.slice(0, -4)}${cookie.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      assert.equal((await count(handler, '/read', tampered)).count, 0);
    });
  }

  it('the bare handler ignores the cookie and sets none', async () => {
    const handler = bare(SECRET);
    const [cookie] = await makePool('bare', SECRET, 1);
    assert.equal((await count(handler, '/read', cookie)).count, 0);
    assert.deepEqual((await count(handler, '/write', cookie)).setCookie, []);
  });

  it('every library bundles for workerd with no node: import', async () => {
    assert.ok(RUNTIMES.includes('workerd'));
    for (const library of LIBRARIES) {
      const code = await bundleFor('workerd', library, SECRET);
      assert.doesNotMatch(code, /from ["']node:/, library);
    }
  });

  it('hallpass ÷ iron-session is n/a when either costs nothing over the bare handler', () => {
    const at = (addedUs: number) => ({ addedUs }) as Summary;
    assert.equal(versus(at(10), at(40)), '0.25×');
    assert.equal(versus(at(-3), at(40)), 'n/a');
    assert.equal(versus(at(10), at(0)), 'n/a');
  });
});
