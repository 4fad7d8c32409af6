/**
 * Service checks for suites that need a real server (Redis, Memcached, PostgreSQL, FastAPI, Chromium).
 * On a developer's machine a missing service skips the suite with a message saying how to run it;
 * with CI=true a missing service fails the suite, so nothing is skipped silently.
 */
import { connect } from 'node:net';

export const inCI = process.env.CI === 'true';

/** Resolves true when something accepts TCP connections at host:port within the timeout. */
export function reachable(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Decides whether a suite that needs `service` runs. Returns `false` (skip, with the reason) or
 * `true`; throws under CI when the service is missing.
 */
export function needService(service: string, available: boolean, howToRun: string): string | false {
  if (available) return false;
  const message = `${service} is not available. ${howToRun}`;
  if (inCI) throw new Error(`CI=true and ${message}`);
  console.log(`# SKIPPED: ${message}`);
  return message;
}

/** The shared Redis at 127.0.0.1:6379 that the Redis suites use: a skip reason, or `false` when it answers. */
export async function needRedis(): Promise<string | false> {
  return needService(
    'Redis at 127.0.0.1:6379',
    await reachable(6379),
    'Start it with `redis-server --port 6379 --save "" --daemonize yes` or run scripts/ci-services.sh.',
  );
}

/** The part of an ioredis client that `deleteKeysUnder` uses. */
interface ScanningClient {
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', size: number): Promise<[string, string[]]>;
  unlink(...keys: string[]): Promise<number>;
}

/** Removes this run's keys only (everything under `prefix`): the shared Redis also serves other suites. */
export async function deleteKeysUnder(client: ScanningClient, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
