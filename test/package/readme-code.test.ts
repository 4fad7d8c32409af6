import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { typescriptBlocks } from './readme-code.js';

const readme = [
  '# pkg',
  '## Quick start',
  'Install it:',
  '```bash',
  'npm install pkg',
  '```',
  '```ts',
  "import { a } from 'pkg';",
  '',
  '## not a heading inside code',
  '```',
  '```typescript',
  'a();',
  '```',
  '### A subsection still belongs to the quick start',
  '```ts',
  'a(1);',
  '```',
  '## Next section',
  '```ts',
  'ignored();',
  '```',
].join('\n');

describe('README quick start extraction', () => {
  it('returns every TypeScript block of the section, whole, and nothing from the next section', () => {
    assert.deepEqual(typescriptBlocks(readme, 'Quick start'), [
      "import { a } from 'pkg';\n\n## not a heading inside code\n",
      'a();\n',
      'a(1);\n',
    ]);
  });

  it('fails naming the heading when the section is missing', () => {
    assert.throws(() => typescriptBlocks(readme, 'Getting started'), /no "## Getting started" heading/);
  });

  it('fails when the section has no TypeScript block', () => {
    assert.throws(
      () => typescriptBlocks('## Quick start\n```bash\nnpm i\n```\n## Next\n```ts\nx;\n```\n', 'Quick start'),
      /no ```ts code block/,
    );
  });

  it('fails when a block is never closed', () => {
    assert.throws(() => typescriptBlocks('## Quick start\n```ts\nx;\n', 'Quick start'), /never closed/);
  });
});
