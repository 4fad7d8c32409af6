/** `hallpass inspect --format starlette`: a Starlette cookie decoded and verified offline. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HallpassError } from 'hallpass';
import { main } from '../../src/cli/index.js';
import { inspectors } from '../../src/cli/inspect/index.js';
import type { InspectArgs } from '../../src/cli/inspect/result.js';
import { inspectStarletteCookie } from '../../src/cli/inspect/starlette.js';
import { loadVectors } from './starlette-support.js';

const SECRET = 'dev-secret-change-me';
const T0 = 1_700_000_000;
const ALICE = 'eyJ1c2VyX2lkIjogImFsaWNlIn0=.ZVPxAA.cBEnE8z_4D9lsARDq5ejD_jkbWk';

const args = (extra: Partial<InspectArgs> = {}): InspectArgs => ({ secrets: [SECRET], now: T0 + 10, flags: {}, ...extra });

describe('inspectStarletteCookie', () => {
  it('shows a valid cookie with its session and times (max_age defaults to 14 days)', () => {
    assert.deepEqual(inspectStarletteCookie(ALICE, args()), {
      valid: true,
      reason: null,
      format: 'starlette',
      session: { user_id: 'alice' },
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + 1209600,
    });
  });

  it('still shows the session of an expired or future-dated cookie', () => {
    const expired = inspectStarletteCookie(ALICE, args({ now: T0 + 61, maxAge: 60 }));
    assert.deepEqual(expired, {
      valid: false,
      reason: 'expired',
      format: 'starlette',
      session: { user_id: 'alice' },
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + 60,
    });
    assert.equal(inspectStarletteCookie(ALICE, args({ now: T0 - 1 })).reason, 'future');
  });

  it('shows nothing of a cookie that does not verify', () => {
    assert.deepEqual(inspectStarletteCookie(ALICE, args({ secrets: ['another-secret'] })), {
      valid: false,
      reason: 'tampered',
      format: 'starlette',
      session: null,
      createdAt: null,
      lastSeenAt: null,
      expiresAt: null,
    });
    assert.equal(inspectStarletteCookie('null', args()).reason, 'malformed');
  });

  it('verifies with any of several secrets', () => {
    assert.equal(inspectStarletteCookie(ALICE, args({ secrets: ['newer-secret', SECRET] })).valid, true);
  });

  it('agrees with Starlette on every vector', () => {
    for (const vector of loadVectors().vectors) {
      if (vector.max_age === null) continue; // the command line has no way to say "no max_age"
      const result = inspectStarletteCookie(vector.cookie, args({ secrets: [vector.secret], now: vector.now, maxAge: vector.max_age }));
      assert.equal(result.valid, vector.expect === 'valid', vector.name);
      if (result.valid) assert.deepEqual(result.session, vector.session, vector.name);
    }
  });

  it('needs a secret', () => {
    assert.throws(
      () => inspectStarletteCookie(ALICE, args({ secrets: [] })),
      (error: unknown) => error instanceof HallpassError && error.code === 'ERR_SECRET_MISSING' && /--secret/.test(error.message),
    );
  });
});

describe('hallpass inspect --format starlette', () => {
  // The command's registry gets the inspector the way the CLI registers it (kept if already there).
  inspectors.starlette ??= inspectStarletteCookie;

  async function run(argv: string[]) {
    let stdout = '';
    let stderr = '';
    type Stream = Parameters<typeof main>[1];
    const out = { write: (text: string) => (stdout += text) } as unknown as Stream;
    const err = { write: (text: string) => (stderr += text) } as unknown as Parameters<typeof main>[2];
    const status = await main(argv, out, err);
    return { status, stdout, stderr };
  }

  it('prints one JSON object and exits 0 for a valid cookie, 1 for an invalid one', async () => {
    const flags = ['--format', 'starlette', '--secret', SECRET, '--max-age', '1209600', '--now', String(T0 + 10), '--json'];
    const valid = await run(['inspect', ALICE, ...flags]);
    assert.equal(valid.status, 0, valid.stderr);
    assert.deepEqual(JSON.parse(valid.stdout), {
      valid: true,
      reason: null,
      format: 'starlette',
      session: { user_id: 'alice' },
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + 1209600,
    });
    const invalid = await run(['inspect', ALICE.replace('cBE', 'cBF'), ...flags]);
    assert.equal(invalid.status, 1);
    assert.equal(JSON.parse(invalid.stdout).reason, 'tampered');
  });

  it('picks the starlette format by itself for a value that is not a hallpass cookie', async () => {
    const { status, stdout } = await run(['inspect', ALICE, '--secret', SECRET, '--now', String(T0 + 10)]);
    assert.equal(status, 0);
    assert.match(stdout, /^format: {5}starlette\nvalid: {6}yes\n/);
  });
});
