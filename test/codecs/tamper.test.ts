import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cookieValue } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Characters a cookie value may carry that are not base64url, plus a few it may not.
const INVALID = ['.', '=', '+', '/', '!', '~', '*', ' ', '%', '"', '\\', '\u0000', '\u007f', 'é', '\u{1F600}'];

for (const codec of ['sealed', 'signed'] as const) {
  describe(`tampering with a ${codec} cookie`, async () => {
    const h = harness({ codec });
    const { result } = await h.request(undefined, (session) => {
      session.set('user_id', 'alice');
      session.set('role', 'user');
      session.userId = 'alice';
    });
    const original = cookieValue(result.setCookie);

    /** Loads `value` and checks it gives an empty session with exactly one `invalid` event. */
    async function refuses(value: string, what: string): Promise<void> {
      h.log.events.length = 0;
      let session: Awaited<ReturnType<typeof h.sessions.load>>;
      try {
        session = await h.sessions.load(`sid=${value}`);
        session.keys();
      } catch (error) {
        assert.fail(`${what} threw ${String(error)}`);
      }
      assert.equal(session.isNew, true, what);
      assert.deepEqual(session.keys(), [], what);
      assert.equal(session.userId, undefined, what);
      const reasons = h.log.invalid();
      // An empty value is simply no session; anything else is reported.
      if (value !== '') assert.equal(reasons.length, 1, `${what}: one invalid event, got ${JSON.stringify(h.log.events)}`);
      assert.equal(h.log.events.length, reasons.length, what);
    }

    it('opens the untouched cookie', async () => {
      const session = await h.sessions.load(`sid=${original}`);
      assert.equal(session.get('user_id'), 'alice');
    });

    it('refuses every position changed to every other base64url character', async () => {
      let tried = 0;
      for (let index = 0; index < original.length; index++) {
        for (const replacement of ALPHABET) {
          if (replacement === original[index]) continue;
          await refuses(original.slice(0, index) + replacement + original.slice(index + 1), `position ${index} -> ${replacement}`);
          tried++;
        }
      }
      assert.ok(tried > 63 * 100, `tried ${tried} variants`);
    });

    it('refuses every position changed to a character outside base64url', async () => {
      for (let index = 0; index < original.length; index++) {
        for (const replacement of INVALID) {
          if (replacement === original[index]) continue;
          await refuses(
            original.slice(0, index) + replacement + original.slice(index + 1),
            `position ${index} -> ${JSON.stringify(replacement)}`,
          );
        }
      }
    });

    it('refuses every truncation', async () => {
      for (let length = 0; length < original.length; length++) {
        await refuses(original.slice(0, length), `first ${length} characters`);
        await refuses(original.slice(original.length - length), `last ${length} characters`);
      }
    });

    it('refuses every single-character deletion and insertion', async () => {
      for (let index = 0; index < original.length; index++) {
        await refuses(original.slice(0, index) + original.slice(index + 1), `deleted ${index}`);
        await refuses(`${original.slice(0, index)}A${original.slice(index)}`, `inserted A at ${index}`);
      }
    });

    it('refuses extensions', async () => {
      // A trailing space is cookie-header whitespace, trimmed before the value is read: not an extension.
      const suffixes = [...ALPHABET, ...INVALID.filter((c) => c !== ' '), 'AA', 'AAA', 'AAAA', '.AAAA', '==', original];
      for (const suffix of suffixes) {
        await refuses(original + suffix, `extended with ${JSON.stringify(suffix.slice(0, 8))}`);
      }
    });

    it('refuses swapped segments and reordered halves', async () => {
      const parts = original.split('.');
      await refuses([...parts].reverse().join('.'), 'reversed segments');
      const half = Math.floor(original.length / 2);
      await refuses(original.slice(half) + original.slice(0, half), 'rotated halves');
    });

    it('still opens the untouched cookie afterwards', async () => {
      const session = await h.sessions.load(`sid=${original}`);
      assert.equal(session.get('role'), 'user');
      assert.equal(session.userId, 'alice');
    });
  });
}
