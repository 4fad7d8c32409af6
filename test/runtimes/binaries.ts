/**
 * Where the runtime binaries are: each comes from an npm package (a devDependency), so `npm install`
 * is all a machine needs. A missing one skips its suite locally and fails it under CI=true.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { needService } from '../support/services.js';
import { ROOT } from './bundle.js';

export const DENO = join(ROOT, 'node_modules/.bin/deno');
export const BUN = join(ROOT, 'node_modules/.bin/bun');
export const WORKERD = join(ROOT, 'node_modules/.bin/workerd');

/** Scratch space the runtimes may write to (Deno's cache), inside the repository and git-ignored. */
export const RUNTIME_CACHE = join(ROOT, 'node_modules/.cache/runtimes');

/** `false` when `binary` is installed; else the skip reason (under CI=true, throws). */
export function needRuntime(name: string, binary: string, npmPackage: string): string | false {
  return needService(name, existsSync(binary), `Run \`npm install\`: the ${npmPackage} devDependency ships the binary.`);
}
