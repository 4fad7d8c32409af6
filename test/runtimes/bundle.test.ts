/**
 * The runtime-neutral entries bundle for any runtime: esbuild, `platform: 'neutral'`, gives code
 * with no `node:` import, no `Buffer` and no bare use of `process`, so it loads in Vercel's edge
 * runtime and in Workers without nodejs_compat. Peer dependencies stay external, as an app's
 * bundler would resolve them.
 */
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The entries that must run anywhere, by the package export that names them. */
const NEUTRAL_ENTRIES: Record<string, string> = {
  hallpass: 'src/index.ts',
  'hallpass/fetch': 'src/adapters/fetch.ts',
  'hallpass/hono': 'src/adapters/hono.ts',
  'hallpass/jwt': 'src/jwt/index.ts',
  'hallpass/csrf': 'src/csrf/index.ts',
  'hallpass/starlette': 'src/starlette/index.ts',
};

/** What an edge app imports: the core and the fetch adapter, bundled together. */
const sourceOf = (file: string) => JSON.stringify(join(ROOT, 'src', file));
const APP = `export * from ${sourceOf('index.ts')}; export { withSessions } from ${sourceOf('adapters/fetch.ts')};`;

const PEERS = ['jose', 'hono', 'hono/*', 'fastify', 'koa', 'express', 'sodium-native'];

async function bundle(entry: string, format: 'esm' | 'iife' = 'esm'): Promise<string> {
  const result = await build({
    ...(entry.startsWith('export')
      ? { stdin: { contents: entry, resolveDir: ROOT, sourcefile: 'app.ts', loader: 'ts' as const } }
      : { entryPoints: [join(ROOT, entry)] }),
    bundle: true,
    write: false,
    format,
    globalName: format === 'iife' ? 'hallpass' : undefined,
    platform: 'neutral',
    target: 'es2022',
    external: PEERS,
    logLevel: 'silent',
    legalComments: 'none',
  });
  return result.outputFiles.map((file) => file.text).join('\n');
}

/** Comments and string literals aside, so a word in documentation or an error message is not code. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|[^:\\])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, '""');
}

/** What would stop the bundle from loading on a Web runtime. */
export function nodeOnlyUses(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(
    /(?:from\s*|import\s*\(\s*|require\s*\(\s*)["'](node:[\w/]+|(?:crypto|buffer|fs|path|os|http|https|net|tls|stream|util|zlib|child_process|worker_threads|async_hooks))["']/g,
  )) {
    found.push(`imports ${match[1]}`);
  }
  const code = codeOnly(text);
  for (const match of code.matchAll(/(?<![\w$.])Buffer\b/g)) found.push(`uses Buffer at ${match.index}`);
  // `process` only behind a guard: `globalThis.process` (possibly undefined) is fine, a bare `process` is not.
  // (`process\.` inside a regular expression literal is text, not a use.)
  for (const match of code.matchAll(/(?<![\w$.])process\b(?!\s*:|\\)/g))
    found.push(
      `uses the process global at ${match.index}: ${code.slice(Math.max(0, (match.index ?? 0) - 40), (match.index ?? 0) + 40).replace(/\s+/g, ' ')}`,
    );
  return found;
}

describe('runtime-neutral bundles', () => {
  it('the check itself catches what breaks a Web runtime', () => {
    assert.deepEqual(nodeOnlyUses('import { hash } from "node:crypto";').length, 1);
    assert.deepEqual(nodeOnlyUses('const x = require("crypto");').length, 1);
    assert.deepEqual(nodeOnlyUses('const b = Buffer.from(x);').length, 1);
    assert.deepEqual(nodeOnlyUses('if (process.env.NODE_ENV) {}').length, 1);
    assert.deepEqual(nodeOnlyUses('const p = globalThis.process; p?.env; const o = { process: 1 }; "Buffer"; // Buffer').length, 0);
  });

  it('hallpass with hallpass/fetch, as an edge app bundles them, has nothing Node-only', async () => {
    assert.deepEqual(nodeOnlyUses(await bundle(APP)), []);
  });

  it('that bundle runs a session in a sandbox with Web APIs only: no process, no Buffer, no require', async () => {
    const code = await bundle(APP, 'iife');
    const sandbox: Record<string, unknown> = {
      crypto: globalThis.crypto,
      TextEncoder,
      TextDecoder,
      Request,
      Response,
      Headers,
      URL,
      console,
    };
    const lib = runInNewContext(`${code}; hallpass`, sandbox) as typeof import('../../src/index.js') &
      typeof import('../../src/adapters/fetch.js');
    assert.equal(sandbox.process, undefined);
    assert.equal(sandbox.Buffer, undefined);
    const sessions = lib.createSessions({ secret: 'kq7Zr1VbX9dT3mWf0LhPz5sYc2NjGu8eRaQ4oKiBtE6' });
    assert.equal(sessions.options.codec?.synchronous, false, 'the sandbox has Web Crypto only');
    const handle = lib.withSessions(sessions, (_request, session) => {
      session.set('visits', Number(session.get('visits', 0)) + 1);
      return new Response(String(session.get('visits')));
    });
    const first = await handle(new Request('https://app.test/'));
    const cookie = (first.headers.get('set-cookie') as string).split(';')[0] as string;
    assert.match(cookie, /^sid=h1\./);
    const second = await handle(new Request('https://app.test/', { headers: { cookie } }));
    assert.equal(await second.text(), '2');
  });

  for (const [name, entry] of Object.entries(NEUTRAL_ENTRIES)) {
    it(`${name} bundles with platform "neutral" and nothing Node-only`, async () => {
      const text = await bundle(entry);
      assert.ok(text.length > 1000, 'the bundle holds the code');
      assert.deepEqual(nodeOnlyUses(text), []);
    });
  }
});
