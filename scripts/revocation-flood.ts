/**
 * Floods cookie mode's default revocation list through the public API (`createSessions`, `load`,
 * `commit`), as docs/security.md describes: a victim logs in and stays, a second victim logs out
 * (a thief kept a copy of its cookie), then an attacker logs in and out in a loop. Prints whether
 * the first victim is still logged in, whether the thief's copy is still refused, the heap growth
 * and the slowest login + logout cycle.
 *
 *   node --expose-gc --import tsx scripts/revocation-flood.ts [--cycles 1100000] [--accounts one|many]
 *
 * `--accounts one` (default): the attacker uses one account, as anyone who can sign up can.
 * `--accounts many`: a new account per cycle, the worst case the in-memory list's bound allows for.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createSessions, type SessionEvent } from 'hallpass';

const { values } = parseArgs({
  options: { cycles: { type: 'string', default: '1100000' }, accounts: { type: 'string', default: 'one' } },
});
const cycles = Number(values.cycles);
const manyAccounts = values.accounts === 'many';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc so the heap is measured after a full collection');

const events = { overflow: 0, userOverflow: 0 };
const sessions = createSessions({
  secret: 'kq7Zr1VbX9dT3mWf0LhPz5sYc2NjGu8eRaQ4oKiBtE6',
  onEvent: (event: SessionEvent) => {
    if (event.type === 'revocation-overflow') events[event.scope === 'user' ? 'userOverflow' : 'overflow']++;
  },
});
const pair = (setCookie: string | undefined) => (setCookie as string).slice(0, (setCookie as string).indexOf(';'));

async function login(userId: string): Promise<string> {
  const session = await sessions.load(undefined);
  session.regenerate();
  session.userId = userId;
  session.set('user_id', userId);
  return pair((await sessions.commit(session)).setCookie);
}

async function logout(cookie: string): Promise<void> {
  const session = await sessions.load(cookie);
  session.destroy();
  await sessions.commit(session);
}

const loggedInAs = async (cookie: string) => (await sessions.load(cookie)).get('user_id');

gc();
const heapBefore = process.memoryUsage().heapUsed;
const victim = await login('victim');
const thiefCopy = await login('second-victim');
await logout(thiefCopy);

const durations = new Float64Array(cycles);
let victimLostAt: number | undefined;
const started = performance.now();
for (let i = 0; i < cycles; i++) {
  const t0 = performance.now();
  await logout(await login(manyAccounts ? `attacker-${i}` : 'attacker'));
  durations[i] = performance.now() - t0;
  if (victimLostAt === undefined && i % 10_000 === 0 && (await loggedInAs(victim)) !== 'victim') victimLostAt = i;
}
const seconds = (performance.now() - started) / 1000;
gc();
const heapAfter = process.memoryUsage().heapUsed;

durations.sort();
const slowest = durations[cycles - 1] as number;
const p999 = durations[Math.floor(cycles * 0.999)] as number;
const victimStill = (await loggedInAs(victim)) === 'victim';
const thiefRefused = (await loggedInAs(thiefCopy)) === undefined;
console.log(
  `revocation flood: ${cycles.toLocaleString('en')} attacker login+logout cycles, ${manyAccounts ? 'a new account each' : 'one account'}`,
);
console.log(`  Node ${process.version}, ${seconds.toFixed(1)} s, ${Math.round(cycles / seconds).toLocaleString('en')} cycles/s`);
console.log(`  victim still logged in:            ${victimStill ? 'yes' : `NO (lost after ${victimLostAt} cycles)`}`);
console.log(`  thief's copy of a logged-out cookie: ${thiefRefused ? 'refused' : 'ACCEPTED AGAIN'}`);
console.log(`  heap growth:                        ${((heapAfter - heapBefore) / 1e6).toFixed(1)} MB`);
console.log(`  slowest login+logout cycle:         ${slowest.toFixed(2)} ms (99.9th percentile ${(p999 * 1000).toFixed(0)} µs)`);
console.log(`  revocation-overflow events:         ${events.userOverflow} per-user, ${events.overflow} whole-list`);
