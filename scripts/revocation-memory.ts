/**
 * Bytes of heap per entry of the in-memory revocation list (`memoryRevocations`), full to its
 * default bound, in the two shapes a flood takes: every entry from one user's share (32 each) and
 * every entry from a different user (the most memory an entry can take); then the time of one
 * revocation past the bound at two sizes, which stays flat if a revocation is O(1); last, the disk
 * a `sqliteRevocations` file takes per entry.
 *
 *   node --expose-gc --import tsx scripts/revocation-memory.ts
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryRevocations } from 'hallpass';
import { sqliteRevocations } from 'hallpass/sqlite';
import { openDatabase } from '../test/support/sqlite.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const now = 1_750_000_000;
const entries = 100_000;

function measure(label: string, userOf: (i: number) => string): void {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const list = memoryRevocations();
  // IDs as cookie mode makes them: 22 base64url characters.
  for (let i = 0; i < entries; i++) list.revoke({ id: `${i.toString(36).padStart(22, '-')}`, userId: userOf(i), until: now + 86_400 }, now);
  gc?.();
  const bytes = (process.memoryUsage().heapUsed - before) / list.size;
  console.log(`  ${label.padEnd(34)} ${list.size.toLocaleString('en')} entries, ${bytes.toFixed(0)} bytes each`);
}

console.log(`memoryRevocations() full to its default bound (${entries.toLocaleString('en')}), Node ${process.version}:`);
measure('32 entries per user', (i) => `user-${Math.floor(i / 32)}`);
measure('one entry per user (worst case)', (i) => `user-${i}`);

console.log('one revocation past the bound, each from a new user (the fullest-user lookup on every call):');
for (const max of [10_000, 80_000]) {
  const list = memoryRevocations({ max });
  for (let i = 0; i < max; i++) list.revoke({ id: `w${i}`, userId: `u${i}`, until: now + 86_400 }, now);
  const count = 200_000;
  const started = performance.now();
  for (let i = 0; i < count; i++) list.revoke({ id: `x${i}`, userId: `s${i}`, until: now + 86_400 }, now);
  console.log(`  max ${max.toLocaleString('en').padEnd(8)} ${(((performance.now() - started) * 1000) / count).toFixed(2)} µs each`);
}

const dir = mkdtempSync(join(tmpdir(), 'hallpass-revocations-'));
try {
  const file = join(dir, 'revocations.sqlite');
  const db = openDatabase(file);
  const list = sqliteRevocations(db);
  db.exec('BEGIN');
  for (let i = 0; i < entries; i++)
    list.revoke({ id: `${i.toString(36).padStart(22, '-')}`, userId: `user-${i % 5000}`, until: now + 86_400 }, now);
  db.exec('COMMIT');
  db.close();
  console.log(
    `sqliteRevocations: ${(statSync(file).size / entries).toFixed(0)} bytes of disk per entry (${entries.toLocaleString('en')} entries)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
