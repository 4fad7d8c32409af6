/**
 * Bundles an entry file and hallpass (from src/, through tsconfig.json's paths) into one script with
 * esbuild, in memory: the runtimes run what a user's bundler would give them, never dist/.
 * `platform: 'neutral'` with the worker and browser conditions is what Cloudflare's and Vercel's
 * bundlers do; `node:` imports stay imports, so a runtime without Node's modules refuses them by name.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BundleOptions {
  /** `esm` for runtimes that load modules; `iife` for a script evaluated in a VM context. */
  format?: 'esm' | 'iife';
  /** With `iife`, the global the entry's exports are assigned to. */
  globalName?: string;
  /** The entry's source, when it is made in memory: `entry` then only names it, relative to the repository root. */
  contents?: string;
}

export async function bundle(entry: string, { format = 'esm', globalName, contents }: BundleOptions = {}): Promise<string> {
  const result = await build({
    absWorkingDir: ROOT,
    ...(contents === undefined
      ? { entryPoints: [entry] }
      : { stdin: { contents, resolveDir: ROOT, sourcefile: entry, loader: 'ts' as const } }),
    bundle: true,
    write: false,
    format,
    globalName,
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['worker', 'browser'],
    target: 'es2022',
    tsconfig: 'tsconfig.json',
    external: ['node:*'],
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}
