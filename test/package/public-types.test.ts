/**
 * The types hallpass publishes show only the documented API: the declarations the build would ship
 * (tsconfig.build.json, into a temporary directory, so dist/ is left alone) hold none of the commit
 * step's hooks, and no entry point's types lead to an internal module.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { root, run } from './consumer.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types?: string }>;
};

/** Modules that exist for hallpass's own use; no published type may import them. */
const INTERNAL_MODULES = [
  'engine/session-access',
  'engine/session-internals',
  'engine/sessions-internals',
  'adapters/node/commit',
  'adapters/node/failure',
  'adapters/node/gate',
  'adapters/node/gate-calls',
  'adapters/node/head-headers',
  'adapters/node/prototype-gate',
  'adapters/support',
  'adapters/copy-if-immutable',
  'adapters/store-unavailable',
];

/** The relative modules a declaration file imports or re-exports. */
function importsOf(file: string, source: string): string[] {
  const specifiers = [...source.matchAll(/(?:from\s+|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1] as string);
  return specifiers.map((specifier) => normalize(join(dirname(file), specifier.replace(/\.js$/, '.d.ts'))));
}

/** Member names declared in `class Name { ... }` of a declaration file (first line of each member). */
function membersOf(source: string, name: string): string[] {
  const start = source.indexOf(`class ${name}`);
  assert.ok(start >= 0, `class ${name} is declared`);
  const body = source.slice(source.indexOf('{', start) + 1, source.indexOf('\n}', start));
  const withoutComments = body.replace(/\/\*\*[\s\S]*?\*\//g, '');
  const names = withoutComments
    .split('\n')
    .map((line) => /^ {4}(?:(?:private|static|readonly|get|set)\s+)*(#?[\w$]+|\[[^\]]+\])/.exec(line)?.[1])
    .filter((member): member is string => member !== undefined);
  return [...new Set(names)];
}

/** Member names of `interface Name { ... }`. */
function interfaceMembersOf(source: string, name: string): string[] {
  const start = source.indexOf(`interface ${name}`);
  assert.ok(start >= 0, `interface ${name} is declared`);
  const body = source.slice(source.indexOf('{', start) + 1, source.indexOf('\n}', start));
  return body
    .replace(/\/\*\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => /^ {4}(?:readonly\s+)?([\w$]+|\[[^\]]+\])/.exec(line)?.[1])
    .filter((member): member is string => member !== undefined);
}

describe('the published types', { timeout: 300_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'hallpass-types-'));
  const read = (path: string) => readFileSync(join(out, path), 'utf8');

  before(async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', out], {
      cwd: root,
      timeoutMs: 300_000,
    });
    assert.equal(result.code, 0, `the declaration build failed:\n${result.stdout}${result.stderr}`);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('Session has only the documented members and a private constructor', () => {
    const source = read('engine/session.d.ts');
    assert.deepEqual(membersOf(source, 'Session').sort(), [
      '#private',
      'clear',
      'constructor',
      'createdAt',
      'delete',
      'destroy',
      'get',
      'has',
      'id',
      'isNew',
      'keys',
      'lastSeenAt',
      'lifetime',
      'regenerate',
      'set',
      'setLifetime',
      'toJSON',
      'userId',
    ]);
    assert.match(source, /^\s*private constructor\(\);$/m, 'apps cannot construct a session or hand it a backend');
    for (const hidden of ['state', 'loaded', 'dirty', 'whenUsed', 'markCommitted', 'committed', 'SessionState', 'SessionBackend']) {
      assert.doesNotMatch(source, new RegExp(`\\b${hidden}\\b`), `engine/session.d.ts mentions ${hidden}`);
    }
  });

  it('Sessions has only the documented members', () => {
    const source = read('engine/sessions.d.ts');
    assert.deepEqual(interfaceMembersOf(source, 'Sessions').sort(), ['commit', 'destroyByUser', 'listByUser', 'load', 'mode', 'options']);
    for (const hidden of ['loadNow', 'commitNow', 'SYNC', 'sessions-internals']) {
      assert.doesNotMatch(source, new RegExp(`\\b${hidden}\\b`), `engine/sessions.d.ts mentions ${hidden}`);
    }
  });

  it('hallpass/node exports only withSessions, attachSession and their types', () => {
    const source = read('adapters/node/index.d.ts');
    for (const hidden of [
      'attachSessionNow',
      'sendStoreFailure',
      'sendInternalError',
      'GatePlacement',
      'gateResponse',
      'commit\\.js',
      'failure\\.js',
    ]) {
      assert.doesNotMatch(source, new RegExp(`\\b${hidden}\\b`), `adapters/node/index.d.ts mentions ${hidden}`);
    }
    assert.match(source, /export declare function withSessions</);
    assert.match(source, /export declare function attachSession</);
  });

  it('hallpass/redis-http exports only redisHttpStore and its types, not the transports or the shared store logic', () => {
    const source = read('stores/redis-http/index.d.ts');
    assert.match(source, /export declare function redisHttpStore\(client: RedisHttpClient, options\?: RedisStoreOptions\): RedisStore;/);
    for (const hidden of ['createRedisStore', 'restClient', 'upstashClient']) {
      assert.doesNotMatch(source, new RegExp(`\\b${hidden}\\b`), `stores/redis-http/index.d.ts mentions ${hidden}`);
    }
  });

  it('hallpass/express shows its options, not the response gate behind them', () => {
    const source = read('adapters/express/index.d.ts');
    for (const hidden of [
      'attachSessionNow',
      'GatePlacement',
      'gateResponse',
      'prototypeOriginals',
      'registerGate',
      'node/commit\\.js',
      'node/failure\\.js',
    ]) {
      assert.doesNotMatch(source, new RegExp(`\\b${hidden}\\b`), `adapters/express/index.d.ts mentions ${hidden}`);
    }
    assert.match(source, /gateOnPrototype\?: boolean;/);
  });

  it('no entry point in package.json "exports" reaches an internal module through its types', () => {
    const entries = Object.values(pkg.exports).flatMap((entry) =>
      typeof entry === 'object' && entry.types ? [relative('dist', entry.types)] : [],
    );
    assert.ok(entries.length > 10, 'every subpath declares its types');
    const seen = new Set<string>();
    const queue = [...entries];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      assert.ok(existsSync(join(out, file)), `${file} is emitted`);
      queue.push(...importsOf(file, read(file)));
    }
    assert.ok(seen.has('engine/session.d.ts'), 'the walk reaches the Session type');
    const reached = INTERNAL_MODULES.filter((module) => seen.has(`${module}.d.ts`));
    assert.deepEqual(reached, [], 'internal modules reachable from the published types');
  });
});
