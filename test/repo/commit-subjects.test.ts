import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { commitsSince, inGitCheckout, longSubjects, SUBJECT_LIMIT } from '../../scripts/commit-subjects.js';
import { needService } from '../support/services.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('commit subject check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hallpass-subjects-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
  const commit = (subject: string) => {
    git('commit', '--allow-empty', '-q', '-m', subject);
    return git('rev-parse', 'HEAD');
  };

  it('flags the subjects of 72 characters or more made after the cut-off, and only those', () => {
    git('init', '-q');
    commit(`An old subject from before the rule, far longer than the limit: ${'x'.repeat(40)}`);
    const cutoff = commit('The cut-off commit');
    commit('a'.repeat(SUBJECT_LIMIT - 1));
    const long = commit('b'.repeat(SUBJECT_LIMIT));
    commit(`Accents count as one character each: ${'é'.repeat(SUBJECT_LIMIT - 38)}`);

    const commits = commitsSince(dir, cutoff);
    assert.equal(commits.length, 3);
    assert.deepEqual(longSubjects(commits), [{ hash: long, subject: 'b'.repeat(SUBJECT_LIMIT) }]);
  });

  it('refuses to judge a history that lacks the cut-off commit', () => {
    assert.throws(
      () => commitsSince(dir, '0123456789abcdef0123456789abcdef01234567'),
      /not in this clone's history: fetch the full history/,
    );
  });
});

// Outside a git checkout (an unpacked source tarball) there is no history to check; CI runs from a clone.
const skip = needService('A git checkout', inGitCheckout(root), 'Run the tests from a git clone of hallpass to check commit subjects.');

describe('this repository', { skip }, () => {
  it(`has no commit subject of ${SUBJECT_LIMIT} characters or more after the cut-off`, () => {
    const long = longSubjects(commitsSince(root));
    assert.deepEqual(
      long.map(({ hash, subject }) => `${hash.slice(0, 7)} (${[...subject].length} chars): ${subject}`),
      [],
      'reword these commits (git rebase -i, "reword") so each subject is under the limit',
    );
  });
});
