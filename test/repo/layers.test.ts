import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The source tree is layered: building blocks (`core/`) ← codecs and stores ← the session engine
 * (`engine/`) ← everything users import (adapters, Starlette, JWT, CSRF, the CLI, the testing kit).
 * An import may only run down or across its own layer.
 */
const LAYER_OF: Record<string, number> = {
  core: 0,
  codecs: 1,
  stores: 1,
  engine: 2,
  adapters: 3,
  starlette: 3,
  jwt: 3,
  csrf: 3,
  cli: 3,
  testing: 3,
  'index.ts': 3,
};

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function layerOf(file: string): { folder: string; layer: number } {
  const folder = relative(src, file).split(/[\\/]/)[0] as string;
  const layer = LAYER_OF[folder];
  assert.notEqual(layer, undefined, `src/${folder} has no layer: add it to LAYER_OF in this test`);
  return { folder, layer: layer as number };
}

/** Every relative import and re-export of a file, type-only ones included. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => resolve(dirname(file), match[1] as string));
}

describe('source layers', () => {
  it('no module imports from a higher layer than its own', () => {
    const upward: string[] = [];
    for (const file of sourceFiles(src)) {
      const from = layerOf(file);
      for (const target of importsOf(file)) {
        const to = layerOf(target);
        if (to.layer > from.layer) upward.push(`${relative(src, file)} → ${relative(src, target)}`);
      }
    }
    assert.deepEqual(upward, []);
  });

  it('codecs and stores do not import each other', () => {
    const across = sourceFiles(src).flatMap((file) => {
      const from = layerOf(file).folder;
      if (from !== 'codecs' && from !== 'stores') return [];
      return importsOf(file)
        .filter((target) => layerOf(target).folder === (from === 'codecs' ? 'stores' : 'codecs'))
        .map((target) => `${relative(src, file)} → ${relative(src, target)}`);
    });
    assert.deepEqual(across, []);
  });
});
