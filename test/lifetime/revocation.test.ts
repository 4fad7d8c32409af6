/**
 * A logout must keep refusing every cookie of the session it ended, including copies issued before
 * the session's lifetime was shortened: a lifetime change moves the session to a new inner ID and
 * retires the old one for as long as the old lifetime allowed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Session } from 'hallpass';
import { expressCompat } from '../../src/adapters/express/compat.js';
import { cookiePair } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Login with a 30-day lifetime, shorten it with `shorten`, log out with the newest cookie: returns the copy of the 30-day cookie. */
async function loginShortenLogout(shorten: (s: Session) => void) {
  const h = harness();
  const login = await h.request(undefined, (s) => {
    s.regenerate();
    s.userId = 'alice';
    s.set('role', 'admin');
    s.setLifetime({ maxAge: 30 * DAY });
  });
  const stolen = cookiePair(login.result.setCookie);
  h.clock.advance(60);
  const shorter = await h.request(stolen, shorten);
  h.clock.advance(60);
  await h.request(cookiePair(shorter.result.setCookie), (s) => s.destroy());
  return { h, stolen, loginId: login.session.id, shorter };
}

describe('lifetime changes and revocation (cookie mode)', () => {
  it('a lifetime change moves the session to a new inner ID and reports the regeneration', async () => {
    const { h, loginId, shorter } = await loginShortenLogout((s) => s.setLifetime({ persistent: false }));
    assert.notEqual(shorter.session.id, loginId);
    const regenerated = h.log.events.find((e) => e.type === 'regenerated');
    assert.deepEqual(regenerated, { type: 'regenerated', id: shorter.session.id, previousId: loginId });
  });

  it('a copy of the 30-day cookie stays refused after logout once the 12-hour lifetime has passed', async () => {
    const { h, stolen } = await loginShortenLogout((s) => s.setLifetime({ persistent: false }));
    assert.equal((await h.request(stolen)).session.isNew, true);
    h.clock.advance(12 * HOUR + 120);
    assert.equal((await h.request(stolen)).session.isNew, true, 'refused after 12 h');
    h.clock.advance(20 * HOUR);
    // Past the idle timeout (1 day) the copy is refused on its own account, whatever the revocation.
    assert.equal((await h.request(stolen)).session.isNew, true, 'refused after 32 h');
  });

  it("Express's cookie.maxAge = null shortens the same way, and the logout holds", async () => {
    const { h, stolen } = await loginShortenLogout((s) => {
      const view = expressCompat(s, {});
      view.cookie.maxAge = null;
    });
    h.clock.advance(12 * HOUR + 120);
    const { session } = await h.request(stolen);
    assert.equal(session.isNew, true);
    assert.equal(session.userId, undefined);
  });

  it('the retired ID of a regenerate() after a shortening is revoked for the longest lifetime it carried', async () => {
    const h = harness();
    const login = await h.request(undefined, (s) => {
      s.regenerate();
      s.userId = 'alice';
      s.setLifetime({ maxAge: 30 * DAY });
    });
    const stolen = cookiePair(login.result.setCookie);
    // Shortened and regenerated in one request: the old ID carried 30 days.
    const next = await h.request(stolen, (s) => {
      s.regenerate();
      s.setLifetime({ persistent: false });
    });
    assert.notEqual(next.session.id, login.session.id);
    h.clock.advance(12 * HOUR + 120);
    assert.equal((await h.request(stolen)).session.isNew, true);
  });
});
