/**
 * Where the demo remembers cookie-mode logouts, chosen by SESSION_REVOCATIONS: a SQLite file
 * (default `.hallpass/revocations.sqlite`), so a cookie logged out before a restart is still
 * refused after it, or `memory` for this process only.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { memoryRevocations, type Revocations } from 'hallpass';
import type { DemoEnvironment } from './config.js';
import { openSqlite } from './stores.js';

export interface ChosenRevocations {
  /** Said in the start-up line. */
  where: string;
  revocations: Revocations;
  close(): void;
}

export async function revocationsFrom(env: DemoEnvironment): Promise<ChosenRevocations> {
  const choice = env.SESSION_REVOCATIONS ?? '.hallpass/revocations.sqlite';
  if (choice === 'memory') return { where: 'logouts in memory', revocations: memoryRevocations(), close: () => {} };
  mkdirSync(dirname(choice), { recursive: true, mode: 0o700 });
  const [{ sqliteRevocations }, db] = await Promise.all([import('hallpass/sqlite'), openSqlite(choice)]);
  // WAL: readers never wait for the writer; NORMAL: a logout is on disk before the app could crash.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  return { where: `logouts kept in ${choice}`, revocations: sqliteRevocations(db), close: () => db.close() };
}
