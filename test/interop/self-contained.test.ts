/**
 * The test suite needs nothing beside the repository: no file under test/ names a file or folder
 * outside it, so a fresh clone runs every suite with its own fixtures (`fixtures/`), `npm ci` and
 * the services. The check reads the source, so it catches the paths written in it: quoted paths
 * that climb out of the repository or name something it does not hold, and absolute paths into
 * the machine's filesystem. Paths built at run time from the environment are not in its reach.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './starlette-support.js';

/** Programs the suites start, installed with the system (as CI does): run, never read as data. */
const SYSTEM_PROGRAMS = new Set(['/usr/bin/python3', '/usr/bin/chromium']);
/** The kernel's view of a process a suite started (`/proc/${pid}/…`): read to see it stopped, not data from the machine. */
const OWN_PROCESS_STATE = '/proc/${';
/** Hostile values the tests send (JWT key ids, a cookie value) for hallpass to refuse: sent, never opened. */
const HOSTILE_INPUTS = new Set(['../../dev/null', '/etc/passwd', '../../x']);
/** The package's export subpaths (`./jwt`, `./next`, …): names a consumer imports, not files. */
const EXPORT_SUBPATHS = new Set(
  Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { exports: object }).exports),
);

/** A quote directly followed by `./`, `../` or `/`, up to the closing quote or a space. */
const QUOTED_PATH = /['"`]((?:\.{1,2}\/|\/)[^'"`\s]*)/g;
const TEXT_FILE = /\.(?:[cm]?[jt]s|json|md|py|sh|txt|ya?ml)$/;
/** The folders at the root of this machine's filesystem (`usr`, `etc`, `home`, `tmp`, …). */
const ROOT_FOLDERS = new Set(readdirSync('/'));

function textFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : textFilesUnder(path);
    return TEXT_FILE.test(entry.name) ? [path] : [];
  });
}

/** Whether a path of the repository exists, an import's `.js` standing for its `.ts` source. */
function inRepository(path: string): boolean {
  return [path, path.replace(/\.js$/, '.ts'), path.replace(/\.mjs$/, '.mts')].some((candidate) => existsSync(candidate));
}

/**
 * The paths `text` (the content of `file`, a path of the repository) names outside the repository,
 * each with why.
 */
function pathsOutside(file: string, text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(QUOTED_PATH)) {
    const literal = match[1] as string;
    if (SYSTEM_PROGRAMS.has(literal) || HOSTILE_INPUTS.has(literal) || EXPORT_SUBPATHS.has(literal)) continue;
    if (literal.startsWith(OWN_PROCESS_STATE)) continue;
    if (literal.startsWith('/')) {
      // `/login` is a route; a path under one of the machine's root folders (usr, etc, home…) is a file.
      const segments = literal.split('/').filter(Boolean);
      if (segments.length >= 2 && ROOT_FOLDERS.has(segments[0] as string)) problems.push(`${literal}: an absolute path`);
      continue;
    }
    // A template's `${…}` part is unknown: check the folder written before it.
    const known = literal.includes('${') ? literal.slice(0, literal.lastIndexOf('/', literal.indexOf('${')) + 1) : literal;
    const target = resolve(dirname(file), known);
    if (target !== REPO_ROOT && !target.startsWith(REPO_ROOT + sep)) problems.push(`${literal}: outside the repository`);
    else if (!inRepository(target)) problems.push(`${literal}: not in the repository (${relative(REPO_ROOT, target)})`);
  }
  return problems;
}

describe('the test suite reads nothing outside the repository', () => {
  it('no file under test/ names a path outside the repository', () => {
    const files = textFilesUnder(join(REPO_ROOT, 'test'));
    assert.ok(files.length > 100, `${files.length} files scanned`);
    const found = files.flatMap((file) =>
      pathsOutside(file, readFileSync(file, 'utf8')).map((problem) => `${relative(REPO_ROOT, file)}: ${problem}`),
    );
    assert.deepEqual(found, []);
  });

  // The samples are assembled so that this file's own source does not contain them.
  const here = join(REPO_ROOT, 'test', 'interop', 'example.test.ts');
  const quoted = (path: string) => `readFileSync(${"'"}${path}${"'"})`;
  const up = ['..', ''].join('/');

  it('flags the ways a test reached a folder beside the repository', () => {
    // A made-up sibling folder: what matters is that it lies outside the repository.
    const sibling = 'neighbour-folder';
    const besideTheRepository = join(dirname(REPO_ROOT), sibling, 'data');
    assert.equal(pathsOutside(here, `resolve(REPO_ROOT, ${quoted(`${up}${sibling}`)})`).length, 1, 'a sibling named from the root');
    assert.equal(pathsOutside(here, quoted(`${up.repeat(3)}${sibling}/data/vectors.json`)).length, 1, 'climbing out');
    assert.equal(pathsOutside(here, quoted(`${besideTheRepository}/app.py`)).length, 1, 'an absolute path');
    assert.equal(pathsOutside(here, quoted(`${up}fixtures/missing.json`)).length, 1, 'a fixture the repository lacks');
  });

  it("accepts the repository's own files, and routes that only look like paths", () => {
    assert.deepEqual(pathsOutside(here, `import { x } from ${"'"}${up}support/clock.js${"'"};`), []);
    assert.deepEqual(pathsOutside(here, quoted(`${up.slice(1)}fixtures/starlette-vectors.json`)), []);
    assert.deepEqual(pathsOutside(here, `fetch(${"'"}/devices/logout-others${"'"})`), []);
  });
});
