/**
 * hallpass as published: the tarball `npm pack` makes is installed in a fresh ESM project, and what
 * users do first is done there: import each subpath, require it, run the CLI, type-check and run
 * the README's quick start. publint and attw (Are the Types Wrong?) lint the same tarball.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import {
  buildIfNeeded,
  childEnv,
  install,
  installedVersion,
  type LoadResult,
  load,
  orphanOutputs,
  packTarball,
  pool,
  root,
  run,
  sourceFiles,
} from './consumer.js';
import { typescriptBlocks } from './readme-code.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, unknown>;
  files: string[];
  bin: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const subpaths = Object.keys(pkg.exports);
const specifierOf = (subpath: string) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);

/**
 * Subpaths that import an optional peer dependency when they load, with the guide whose install line
 * names it. Every other subpath must load with no peer installed (adapters and stores import only
 * types from theirs, or take the user's client).
 */
const PEER_AT_LOAD = new Map([['./jwt', { peer: 'jose', guide: 'docs/jwt.md' }]]);

const inConsumer = (dir: string, result: LoadResult) =>
  result.ok &&
  (result.resolved.startsWith('file:') ? fileURLToPath(result.resolved) : result.resolved).startsWith(
    join(dir, 'node_modules', pkg.name) + sep,
  );

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('the packed package, installed in a fresh ESM project', { timeout: 300_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'hallpass-packed-'));
  const consumer = join(work, 'consumer');
  let tarball: { file: string; paths: string[] };
  const limit = Math.max(2, availableParallelism());

  before(async () => {
    const rebuilt = await buildIfNeeded();
    if (rebuilt) console.log(`# rebuilt dist/: ${rebuilt}`);
    tarball = await packTarball(work);
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`);
    await install(consumer, [
      tarball.file,
      `typescript@${installedVersion('typescript')}`,
      `@types/node@${installedVersion('@types/node')}`,
    ]);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('ships only the files package.json lists, and no build output without a source', () => {
    const outside = tarball.paths.filter(
      (path) => path !== 'package.json' && !pkg.files.some((entry) => path === entry || path.startsWith(`${entry}/`)),
    );
    assert.deepEqual(outside, []);
    const built = tarball.paths.filter((path) => path.startsWith('dist/')).map((path) => path.slice('dist/'.length));
    assert.deepEqual(orphanOutputs(built, new Set(sourceFiles())), []);
    for (const target of Object.values(pkg.bin)) assert.ok(tarball.paths.includes(target.replace(/^\.\//, '')), `${target} is packed`);
  });

  it('runs on a Node whose require() loads ES modules, as package.json engines promises', () => {
    assert.equal(
      process.features.require_module,
      true,
      `Node ${process.version} cannot require() an ES module: hallpass needs Node 20.19+`,
    );
  });

  it('loads every subpath without an optional peer through import() and require(), from the installed tarball, with the same exports', async () => {
    const plain = subpaths.filter((subpath) => !PEER_AT_LOAD.has(subpath));
    const loads = await pool(
      plain.flatMap((subpath) => (['import', 'require'] as const).map((how) => () => load(consumer, specifierOf(subpath), how))),
      limit,
    );
    plain.forEach((subpath, i) => {
      const [imported, required] = [loads[2 * i]!, loads[2 * i + 1]!];
      assert.ok(imported.ok, `import('${specifierOf(subpath)}') failed: ${JSON.stringify(imported)}`);
      assert.ok(required.ok, `require('${specifierOf(subpath)}') failed: ${JSON.stringify(required)}`);
      assert.ok(inConsumer(consumer, imported) && inConsumer(consumer, required), `${specifierOf(subpath)} resolves inside the consumer`);
      if (subpath.endsWith('.json')) {
        assert.equal(imported.name, pkg.name);
        assert.equal(required.name, pkg.name);
      } else {
        assert.ok(imported.keys.length > 0, `${specifierOf(subpath)} exports something`);
        assert.deepEqual(required.keys, imported.keys, `${specifierOf(subpath)}: require() and import() see the same exports`);
      }
    });
  });

  it('hallpass/redis-http, as installed, exports redisHttpStore and loads no Node builtin or package (Workers, edge runtimes)', async () => {
    const loaded = await load(consumer, 'hallpass/redis-http', 'import');
    assert.ok(loaded.ok, JSON.stringify(loaded));
    assert.deepEqual(loaded.keys, ['redisHttpStore']);
    const dist = join(consumer, 'node_modules', pkg.name, 'dist');
    const seen = new Set<string>();
    const queue = [join(dist, 'stores', 'redis-http', 'index.js')];
    const bare: string[] = [];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const [, specifier] of code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        if (specifier?.startsWith('.')) queue.push(join(dirname(file), specifier));
        else bare.push(`${file.slice(dist.length + 1)}: ${specifier}`);
      }
      if (/\bBuffer\b|\bprocess\./.test(code)) bare.push(`${file.slice(dist.length + 1)}: Buffer or process`);
    }
    assert.ok(seen.size > 3, `the walk follows the store's modules (${seen.size})`);
    assert.deepEqual(bare, []);
  });

  it('refuses a subpath whose peer is missing with the missing-package error, for the peer its guide installs', async () => {
    for (const [subpath, { peer, guide }] of PEER_AT_LOAD) {
      assert.ok(subpaths.includes(subpath) && peer in pkg.peerDependencies, `${subpath} is exported and ${peer} is a peer dependency`);
      assert.match(readFileSync(join(root, guide), 'utf8'), new RegExp(`npm install ${pkg.name} ${peer}\\b`), `${guide} installs ${peer}`);
      for (const how of ['import', 'require'] as const) {
        const result = await load(consumer, specifierOf(subpath), how);
        assert.ok(!result.ok, `${how} of ${specifierOf(subpath)} without ${peer} fails`);
        assert.equal(result.code, 'ERR_MODULE_NOT_FOUND');
        assert.match(result.message, new RegExp(`Cannot find package '${peer}'`));
      }
    }
  });

  it('runs the hallpass command with no optional peer installed: `hallpass secret` prints a 32-byte secret', async () => {
    const result = await run(process.execPath, [join(consumer, 'node_modules', '.bin', 'hallpass'), 'secret'], { cwd: consumer });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^[A-Za-z0-9_-]{43}\n$/);
  });

  describe('the README quick start', () => {
    const blocks = typescriptBlocks(readFileSync(join(root, 'README.md'), 'utf8'), 'Quick start');
    const files = blocks.map((_, i) => `quick-start-${i + 1}.ts`);
    const compilerOptions = { target: 'es2022', strict: true, skipLibCheck: false, skipDefaultLibCheck: true, types: ['node'] };

    it('type-checks under moduleResolution node16 and bundler', async () => {
      for (const [i, block] of blocks.entries()) writeFileSync(join(consumer, files[i]!), block);
      const configs = {
        node16: {
          compilerOptions: { ...compilerOptions, module: 'node16', moduleResolution: 'node16', outDir: 'out', rootDir: '.' },
          files,
        },
        bundler: { compilerOptions: { ...compilerOptions, module: 'esnext', moduleResolution: 'bundler', noEmit: true }, files },
      };
      const tsc = join(consumer, 'node_modules', 'typescript', 'bin', 'tsc');
      const results = await Promise.all(
        Object.entries(configs).map(async ([resolution, config]) => {
          writeFileSync(join(consumer, `tsconfig.${resolution}.json`), JSON.stringify(config, null, 2));
          return { resolution, ...(await run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], { cwd: consumer })) };
        }),
      );
      for (const { resolution, code, stdout, stderr } of results)
        assert.equal(code, 0, `tsc with ${resolution} resolution:\n${stdout}${stderr}`);
    });

    it('serves the session its curl example shows, and refuses the cookie replayed after logout', async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const server: ChildProcess = spawn(process.execPath, [join('out', 'quick-start-1.js')], {
        cwd: consumer,
        env: childEnv({ SESSION_SECRET: randomBytes(32).toString('base64url'), PORT: String(port) }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      server.stdout?.on('data', (chunk) => (output += chunk));
      server.stderr?.on('data', (chunk) => (output += chunk));
      try {
        const request = async (method: string, path: string, cookie?: string) => {
          const response = await fetch(`${base}${path}`, { method, headers: cookie ? { cookie } : {} });
          const setCookie = response.headers.getSetCookie()[0]?.split(';')[0];
          return { body: (await response.json()) as { message?: string }, setCookie };
        };
        for (let waited = 0; ; waited += 100) {
          if (server.exitCode !== null) assert.fail(`the quick start exited (${server.exitCode}):\n${output}`);
          if (waited > 15_000) assert.fail(`the quick start did not listen on ${port}:\n${output}`);
          if (
            await fetch(base).then(
              () => true,
              () => false,
            )
          )
            break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.deepEqual((await request('GET', '/')).body, { message: 'Hello, guest!' });
        const login = await request('POST', '/login?username=alice');
        assert.deepEqual(login.body, { message: 'Logged in as alice' });
        assert.ok(login.setCookie, 'the login sets the session cookie');
        assert.deepEqual((await request('GET', '/', login.setCookie)).body, { message: 'Welcome back, user alice!' });
        assert.deepEqual((await request('POST', '/logout', login.setCookie)).body, { message: 'Logged out successfully.' });
        assert.deepEqual((await request('GET', '/', login.setCookie)).body, { message: 'Hello, guest!' });
      } finally {
        server.kill();
      }
    });
  });

  it('passes publint with no error, warning or suggestion', async () => {
    const bytes = readFileSync(tarball.file);
    const { messages, pkg: linted } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    assert.deepEqual(
      messages.map((message) => `${message.type}: ${formatMessage(message, linted, { color: false })}`),
      [],
    );
  });

  it('passes attw (Are the Types Wrong?) as an ESM-only package, for every subpath', async () => {
    // ESM-only: node10 resolution (no exports map) and require() from CommonJS in TypeScript's node16 mode are out of scope.
    const ignored = ['node10', 'node16-cjs'];
    const manifest = JSON.parse(readFileSync(join(root, 'node_modules', '@arethetypeswrong', 'cli', 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const attw = join(root, 'node_modules', '@arethetypeswrong', 'cli', manifest.bin.attw!);
    const result = await run(process.execPath, [attw, tarball.file, '--profile', 'esm-only', '--format', 'json'], { cwd: work });
    const { analysis } = JSON.parse(result.stdout) as {
      analysis: { entrypoints: Record<string, unknown>; problems: { kind: string; entrypoint?: string; resolutionKind?: string }[] };
    };
    assert.deepEqual(Object.keys(analysis.entrypoints).sort(), [...subpaths].sort());
    const problems = analysis.problems.filter((problem) => !ignored.includes(problem.resolutionKind ?? ''));
    assert.deepEqual(problems, []);
    assert.equal(result.code, 0, result.stderr);
  });

  describe('with the peers that subpaths import at load installed', () => {
    before(() => install(consumer, [...new Set([...PEER_AT_LOAD.values()].map(({ peer }) => `${peer}@${installedVersion(peer)}`))]));

    it('loads those subpaths through import() and require(), with the same exports', async () => {
      for (const subpath of PEER_AT_LOAD.keys()) {
        const [imported, required] = await Promise.all([
          load(consumer, specifierOf(subpath), 'import'),
          load(consumer, specifierOf(subpath), 'require'),
        ]);
        assert.ok(imported.ok && required.ok, `${specifierOf(subpath)}: ${JSON.stringify({ imported, required })}`);
        assert.ok(imported.keys.length > 0);
        assert.deepEqual(required.keys, imported.keys);
      }
    });
  });
});
