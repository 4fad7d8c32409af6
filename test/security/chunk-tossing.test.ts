/**
 * Cookie tossing against chunked cookies: a site that can write cookies for our domain (a sibling
 * subdomain, without `__Host-`) plants `<name>.<i>` or plain `<name>` values. Browsers send cookies
 * with the longer Path first and, for equal paths, the older first, so a planted chunk comes before
 * the real ones (a longer Path) or after them (same Path, set later), and the chunks hallpass wrote
 * together arrive together. One planted value per chunk, in any of those places, or three planted
 * plain values, must not lock the user out; and a request still costs at most three decodes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { cookiePair } from '../support/cookies.js';
import { harness } from '../support/core-fixtures.js';

async function chunkedLogin() {
  const h = harness({ chunked: true });
  const { result } = await h.request(undefined, (s) => {
    s.userId = 'alice';
    s.set('notes', randomBytes(3000).toString('base64url'));
  });
  const [zero, one] = [result.setCookie as string, ...(result.moreCookies ?? [])].map((line) => cookiePair(line));
  assert.ok(zero?.startsWith('sid.0=') && one?.startsWith('sid.1='));
  h.log.events.length = 0;
  return { h, zero, one };
}

/** Opens the session for `header`, and checks the request decoded at most three values. */
async function opens(h: Awaited<ReturnType<typeof chunkedLogin>>['h'], header: string): Promise<boolean> {
  h.log.events.length = 0;
  const { session } = await h.request(header);
  const refused = h.log.invalid().filter((reason) => reason !== 'duplicate');
  assert.ok(refused.length <= 3, `at most three values tried, got ${refused.length} refusals`);
  return !session.isNew && session.userId === 'alice';
}

describe('chunked cookies and tossed cookies', () => {
  it('one planted chunk before the real set (a longer Path) and one after it (set later) do not hide it', async () => {
    const { h, zero, one } = await chunkedLogin();
    assert.equal(await opens(h, `sid.1=BBBB; ${zero}; ${one}; sid.0=AAAA`), true);
    assert.equal(await opens(h, `sid.0=AAAA; ${zero}; ${one}; sid.1=BBBB`), true);
  });

  it('a whole planted set before or after the real one does not hide it', async () => {
    const { h, zero, one } = await chunkedLogin();
    assert.equal(await opens(h, `sid.0=AAAA; sid.1=BBBB; ${zero}; ${one}`), true);
    assert.equal(await opens(h, `${zero}; ${one}; sid.0=AAAA; sid.1=BBBB`), true);
  });

  it('three planted plain values leave a slot for the joined chunks', async () => {
    const { h, zero, one } = await chunkedLogin();
    assert.equal(await opens(h, `sid=a; sid=b; sid=c; ${zero}; ${one}`), true);
    assert.equal(await opens(h, `sid=a; sid=b; sid=c; sid.1=BBBB; ${zero}; ${one}; sid.0=AAAA`), true);
  });

  it('still tries at most three values when every index carries three', async () => {
    const { h, zero, one } = await chunkedLogin();
    const header = `sid=a; sid=b; sid=c; sid.0=A1; sid.1=B1; sid.0=A2; sid.1=B2; sid.0=A3; sid.1=B3; ${zero}; ${one}`;
    await opens(h, header);
    assert.ok(h.log.invalid().includes('duplicate'), 'the values past three are reported');
  });
});
