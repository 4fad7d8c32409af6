/**
 * Private `memcached` processes for the Memcached suites: each test file starts its own on a free
 * port, so the suites can kill, pause and restart them without touching anyone else's data.
 */
import { ask, freePort, hasBinary, managedProcess } from './redis-server.js';

/** True when the `memcached` binary is installed. */
export const memcachedInstalled = () => hasBinary('memcached', '-V');

/** How to get memcached, for the message of a skipped suite. */
export const MEMCACHED_HOW_TO = 'Install memcached (apt-get install -y memcached) or run scripts/ci-services.sh.';

/** Starts a private `memcached` (16 MB, one thread) on a free port, or on `port`. */
export async function startMemcached(options: { port?: number } = {}) {
  const port = options.port ?? (await freePort());
  const args = ['-p', String(port), '-l', '127.0.0.1', '-U', '0', '-m', '16', '-t', '1'];
  // memcached refuses to run as root unless told which user to become.
  if (process.getuid?.() === 0) args.push('-u', 'nobody');
  const server = managedProcess(port, 'memcached', args, async () => (await ask(port, 'version')).startsWith('VERSION'));
  await server.start();
  return server;
}
