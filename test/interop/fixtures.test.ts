/**
 * The interop vectors are what Python makes: `scripts/make-starlette-vectors.py`, run again with
 * Debian's Starlette, itsdangerous and python-jose, gives the committed file value for value. So no
 * vector was written or edited by hand, and a library update that changes them shows up here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { needService } from '../support/services.js';
import { loadVectors, REPO_ROOT } from './starlette-support.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(REPO_ROOT, 'scripts', 'make-starlette-vectors.py');

const available = spawnSync(PYTHON, ['-c', 'import starlette, itsdangerous, jose'], { stdio: 'ignore' }).status === 0;
const skip = needService(
  'Starlette, itsdangerous and python-jose',
  available,
  `Install Debian's python3-starlette, python3-itsdangerous and python3-jose (for ${PYTHON}).`,
);

describe('the Starlette and python-jose vectors', () => {
  it('name the script that made them', () => {
    assert.match(loadVectors().generator, /^scripts\/make-starlette-vectors\.py /);
  });

  it('are what the script makes with the real libraries, value for value and in the same order', { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallpass-vectors-'));
    try {
      const out = join(dir, 'starlette-vectors.json');
      const run = spawnSync(PYTHON, [SCRIPT, out], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
      assert.equal(run.status, 0, run.stderr);
      const made = JSON.parse(readFileSync(out, 'utf8'));
      const committed = loadVectors();
      assert.deepEqual(made.versions, committed.versions, 'other library versions: run the script and review the new vectors');
      assert.equal(made.vectors.length, committed.vectors.length);
      // Stringified, so the key order (Python's insertion order, which the cookies depend on) counts too.
      assert.equal(JSON.stringify(made), JSON.stringify(committed));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
