/** Versions of everything measured, read from the installed packages and the tools themselves. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const PACKAGES = [
  'express',
  'fastify',
  '@fastify/cookie',
  'hono',
  '@hono/node-server',
  'koa',
  'express-session',
  'connect-redis',
  'redis',
  'ioredis',
  'cookie-session',
  'iron-session',
  'iron-webcrypto',
  '@fastify/secure-session',
  'sodium-native',
  '@fastify/session',
  'koa-session',
  'hono-sessions',
  'autocannon',
];

const ROOT = new URL('../../', import.meta.url);

/** Read from the file itself: some packages do not export their package.json. */
function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, ROOT), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function toolVersion(command: string, args: string[], pattern: RegExp): string {
  try {
    const out = execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    return pattern.exec(out)?.[1] ?? out.split('\n')[0] ?? 'unknown';
  } catch (error) {
    // wrk -v exits non-zero after printing its version.
    const out = String((error as { stdout?: Buffer }).stdout ?? '');
    return pattern.exec(out)?.[1] ?? 'not installed';
  }
}

export function collectVersions(): Array<[string, string]> {
  const hallpass = (JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string }).version;
  return [
    ['Node.js', process.version],
    ['CPU', `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`],
    ['wrk', toolVersion('wrk', ['-v'], /^wrk (\S+)/m)],
    ['redis-server', toolVersion('redis-server', ['--version'], /v=(\S+)/)],
    ['hallpass', `${hallpass} (this checkout)`],
    ...PACKAGES.map((name): [string, string] => [name, packageVersion(name)]),
  ];
}
