/** What the report names: the runtimes' own versions, the packages measured, the machine. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BUN, DENO } from '../../test/runtimes/binaries.js';
import { REPO_ROOT } from '../paths.js';

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function binaryVersion(binary: string, pattern: RegExp): string {
  try {
    const out = execFileSync(binary, ['--version'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    }).toString();
    return pattern.exec(out)?.[1] ?? out.trim().split('\n')[0] ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

export function collectVersions(): Array<[string, string]> {
  return [
    ['Node.js (load generator, edge runtime host)', process.version],
    ['Deno', binaryVersion(DENO, /deno (\S+)/)],
    ['Bun', binaryVersion(BUN, /^(\S+)/)],
    ['workerd (npm package, through Miniflare)', `${packageVersion('workerd')} (miniflare ${packageVersion('miniflare')})`],
    ['@edge-runtime/vm', packageVersion('@edge-runtime/vm')],
    [
      'hallpass',
      `${(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version} (this checkout, bundled from src/)`,
    ],
    ['iron-session', packageVersion('iron-session')],
    ['iron-webcrypto', packageVersion('iron-webcrypto')],
    ['esbuild', packageVersion('esbuild')],
    ['autocannon', packageVersion('autocannon')],
    ['CPU', `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`],
  ];
}

/** The 1-minute load average, rounded, for the report's load note. */
export const loadAverage = (): number => Math.round((loadavg()[0] ?? 0) * 10) / 10;
