/**
 * Opens a SQLite database for tests with the driver this Node can run: `better-sqlite3` on Node 20
 * and 22, and Node's built-in `node:sqlite` from Node 24 on, where better-sqlite3 12 aborts at exit
 * (its ObjectWrap cleanup hook predates Node 24's) and better-sqlite3 13 is not an option on Node 20.
 * The store is tested against whichever driver runs.
 */
import { createRequire } from 'node:module';
import type { SqliteDatabase } from 'hallpass/sqlite';

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

export const sqliteDriver: 'better-sqlite3' | 'node:sqlite' = major >= 24 ? 'node:sqlite' : 'better-sqlite3';

export interface TestDatabase extends SqliteDatabase {
  close(): void;
}

export function openDatabase(path: string, options: { timeout?: number } = {}): TestDatabase {
  if (sqliteDriver === 'node:sqlite') {
    const { DatabaseSync } = require('node:sqlite') as { DatabaseSync: new (path: string, options?: object) => TestDatabase };
    return new DatabaseSync(path, options.timeout === undefined ? {} : { timeout: options.timeout });
  }
  const Database = require('better-sqlite3') as new (path: string, options?: object) => TestDatabase;
  return new Database(path, options);
}
