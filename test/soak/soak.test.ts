/**
 * The soak test, short mode (CI): 5,000 sessions created and used over loopback in server mode
 * (memory store bounded at 1,000) and in cookie mode. Memory must stay within the store's bound,
 * no handle may leak, and no request may fail. The full run (100,000 sessions) is
 * `node --import tsx scripts/soak.ts`; its figures are in docs/security.md.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeSoak, runSoak } from './soak-runner.js';

const SESSIONS = 5000;
const STORE_MAX = 1000;

describe('soak (short mode)', () => {
  it(`server mode, memory store bounded at ${STORE_MAX}: ${SESSIONS} sessions, no growth beyond the bound, no leaked handle`, async (t) => {
    const result = await runSoak({ mode: 'memory', sessions: SESSIONS, storeMax: STORE_MAX, timeLimitMs: 120_000 });
    t.diagnostic(describeSoak(result));
    assert.equal(result.errors, 0);
    assert.equal(result.sessions, SESSIONS);
    assert.equal(result.storeSize, STORE_MAX);
    // A full store holds 1,000 small records (well under 1 MB); anything beyond a few MB is a leak.
    const settled = result.heapMB.checkpoints.slice(3);
    assert.ok(Math.max(...settled) - Math.min(...settled) < 8, `heap wandered: ${settled.join(', ')} MB`);
    assert.ok(result.heapMB.after - result.heapMB.before < 16, `heap grew ${result.heapMB.before} -> ${result.heapMB.after} MB`);
    assert.ok(result.handles.after <= result.handles.before + 1, `handles ${result.handles.before} -> ${result.handles.after}`);
    assert.ok(result.handles.closed <= result.handles.start, `handles left open: ${result.handles.closed} (start ${result.handles.start})`);
  });

  it(`cookie mode (sealed): ${SESSIONS} sessions, flat memory, no leaked handle`, async (t) => {
    const result = await runSoak({ mode: 'sealed', sessions: SESSIONS, timeLimitMs: 120_000 });
    t.diagnostic(describeSoak(result));
    assert.equal(result.errors, 0);
    assert.equal(result.sessions, SESSIONS);
    assert.ok(result.heapMB.after - result.heapMB.before < 8, `heap grew ${result.heapMB.before} -> ${result.heapMB.after} MB`);
    assert.ok(result.handles.after <= result.handles.before + 1, `handles ${result.handles.before} -> ${result.handles.after}`);
    assert.ok(result.handles.closed <= result.handles.start, `handles left open: ${result.handles.closed} (start ${result.handles.start})`);
  });
});
