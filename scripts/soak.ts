/**
 * The full soak: 100,000 sessions created and used over loopback against the demo app, in server
 * mode (memory store, bounded at 10,000) and in cookie mode (sealed), with memory, open handles and
 * latency reported. Bounded: each mode stops after 15 minutes whatever it reached.
 *
 *   node --import tsx scripts/soak.ts               # both modes, 100,000 sessions each
 *   node --import tsx scripts/soak.ts 20000 memory  # a count, and one mode
 *
 * Exits non-zero when a request failed, the store outgrew its bound, memory kept growing after the
 * store was full, or a handle was left open.
 */
import { describeSoak, runSoak, type SoakResult } from '../test/soak/soak-runner.js';

const sessions = Number(process.argv[2] ?? 100_000);
const modes = (process.argv[3] ? [process.argv[3]] : ['memory', 'sealed']) as Array<'memory' | 'sealed'>;
const STORE_MAX = 10_000;

function problems(result: SoakResult): string[] {
  const found: string[] = [];
  if (result.errors > 0) found.push(`${result.errors} requests failed`);
  if (result.storeSize !== undefined && result.storeSize > STORE_MAX) found.push(`store holds ${result.storeSize} > ${STORE_MAX}`);
  // Once the store is full (or from the start in cookie mode), the heap must stay flat.
  const settled = result.heapMB.checkpoints.slice(result.mode === 'memory' ? Math.ceil((STORE_MAX / sessions) * 10) + 1 : 1);
  if (settled.length > 1 && Math.max(...settled) - Math.min(...settled) > 16)
    found.push(`heap kept moving after the store filled: ${settled.join(', ')} MB`);
  if (result.handles.after > result.handles.before + 1) found.push(`handles ${result.handles.before} -> ${result.handles.after}`);
  if (result.handles.closed > result.handles.start) found.push(`${result.handles.closed - result.handles.start} handles left open`);
  return found;
}

let failed = false;
for (const mode of modes) {
  console.log(`soak: ${mode}, ${sessions} sessions...`);
  const result = await runSoak({ mode, sessions, storeMax: STORE_MAX, concurrency: 16, timeLimitMs: 15 * 60_000 });
  console.log(describeSoak(result));
  console.log(JSON.stringify(result));
  const found = problems(result);
  if (found.length > 0) {
    failed = true;
    console.log(`FAILED: ${found.join('; ')}`);
  }
}
process.exit(failed ? 1 : 0);
