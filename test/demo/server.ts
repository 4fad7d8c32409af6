/**
 * The demo app (`createDemoApp`) over real HTTP in each session mode the demo tests run: sealed and
 * signed cookies, and server mode on the memory store and on SQLite (a real database file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSessions, memoryStore, type SessionOptions, type Sessions } from 'hallpass';
import { sqliteStore } from 'hallpass/sqlite';
import { createDemoApp, type DemoData, type ExtraRoutes } from '../../examples/app/app.js';
import { SECRET } from '../support/core-fixtures.js';
import { openDatabase } from '../support/sqlite.js';

export type DemoMode = 'sealed' | 'signed' | 'memory' | 'sqlite';
export const DEMO_MODES: readonly DemoMode[] = ['sealed', 'signed', 'memory', 'sqlite'];

export interface RunningDemo {
  base: string;
  sessions: Sessions<DemoData>;
  close(): Promise<void>;
}

/** Starts the demo on 127.0.0.1, port 0. `now` (milliseconds) freezes the clock of the sessions and the store. */
export async function startDemo(mode: DemoMode, now?: () => number, extraRoutes?: ExtraRoutes): Promise<RunningDemo> {
  const options: SessionOptions = now ? { now } : {};
  let closeStore = () => {};
  if (mode === 'sealed' || mode === 'signed') {
    Object.assign(options, { secret: SECRET, codec: mode });
  } else if (mode === 'memory') {
    options.store = memoryStore(now ? { now } : {});
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'hallpass-demo-'));
    const db = openDatabase(join(dir, 'sessions.sqlite'));
    const store = sqliteStore(db, now ? { now } : {});
    options.store = store;
    closeStore = () => {
      store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const sessions = createSessions<DemoData>(options);
  const server = createServer(createDemoApp(sessions, extraRoutes));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          closeStore();
          resolve();
        });
      }),
  };
}
