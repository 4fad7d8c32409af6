/**
 * An app that declares its session's shape once (`declare module 'hallpass' { interface
 * SessionData { ... } }`) gets that shape in every adapter with no generic argument. The app in
 * test/types/augmented/ is type-checked on its own, as a user's project would be: against the
 * declarations hallpass publishes, so its declaration reaches no other test. Its `@ts-expect-error`
 * lines fail the check when a wrong-type `set` stops being refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = join(root, 'test', 'types', 'augmented');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** The subpaths the repository's tsconfig maps to sources, mapped to the emitted declarations instead. */
function declarationPaths(dist: string): Record<string, string[]> {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return Object.fromEntries(
    Object.entries(compilerOptions.paths).map(([specifier, [source]]) => [
      specifier,
      [join(dist, (source as string).replace(/^\.\/src\//, '').replace(/\.ts$/, '.d.ts'))],
    ]),
  );
}

describe('SessionData declared once by module augmentation', { timeout: 300_000 }, () => {
  // Under the repository's node_modules, so the declarations resolve express, fastify, ... as a user's would.
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  const work = mkdtempSync(join(root, 'node_modules', '.cache', 'hallpass-augmented-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  it('types every adapter with the declared keys, refuses wrong types, and keeps undeclared keys JSON', () => {
    const dist = join(work, 'dist');
    const emit = spawnSync(
      process.execPath,
      [tsc, '-p', join(root, 'tsconfig.build.json'), '--emitDeclarationOnly', '--declarationMap', 'false', '--outDir', dist],
      { encoding: 'utf8' },
    );
    assert.equal(emit.status, 0, `emitting the declarations failed:\n${emit.stdout}${emit.stderr}`);

    const files = readdirSync(fixture)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => join(fixture, name));
    const config = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'DOM'],
        types: ['node'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        paths: declarationPaths(dist),
      },
      files,
    };
    writeFileSync(join(work, 'tsconfig.json'), JSON.stringify(config, null, 2));
    const check = spawnSync(process.execPath, [tsc, '-p', join(work, 'tsconfig.json'), '--listFiles'], { encoding: 'utf8' });
    const listed = check.stdout.split('\n');
    const diagnostics = listed.filter((line) => /error TS\d+/.test(line) || line.startsWith(' '));
    assert.deepEqual(diagnostics, [], `the augmented app does not type-check:\n${check.stdout}${check.stderr}`);
    assert.equal(check.status, 0, check.stderr);
    for (const file of files) assert.ok(listed.includes(file), `${file} was checked`);
    assert.ok(listed.includes(join(dist, 'core', 'types.d.ts')), 'against the emitted declarations, not the sources');
  });
});
