/**
 * Commit subjects stay short enough for `git log --oneline`, GitHub's commit list and mail subjects:
 * every commit after the cut-off has a subject of at most 71 characters (detail goes in the body).
 * Older history keeps its long subjects. Run it before pushing: `npx tsx scripts/commit-subjects.ts`.
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** The last commit whose history may keep long subjects; the rule holds for every later commit. */
export const SUBJECT_CUTOFF = '4d4d501d7a5d38b524d898975f30f592b63297fa';

/** A subject of this many characters or more is too long. */
export const SUBJECT_LIMIT = 72;

export interface Commit {
  hash: string;
  subject: string;
}

/** The commits whose subject has `limit` characters or more (characters, not bytes: `é` is one). */
export function longSubjects(commits: Commit[], limit = SUBJECT_LIMIT): Commit[] {
  return commits.filter((commit) => [...commit.subject].length >= limit);
}

/** True when `dir` is inside a git work tree. */
export function inGitCheckout(dir: string): boolean {
  try {
    return execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' }).trim() === 'true';
  } catch {
    return false;
  }
}

/**
 * The commits reachable from HEAD but not from `cutoff`. Throws, naming the fix, when the cut-off is
 * not in the local history (a shallow clone), since every commit would then look new.
 */
export function commitsSince(dir: string, cutoff = SUBJECT_CUTOFF): Commit[] {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  try {
    git('cat-file', '-e', `${cutoff}^{commit}`);
  } catch {
    throw new Error(`Commit ${cutoff} is not in this clone's history: fetch the full history (git fetch --unshallow) to check subjects.`);
  }
  // One NUL-separated record per commit, "<hash> <subject>": a subject may hold any printable character.
  const log = git('log', '-z', '--format=%H %s', `${cutoff}..HEAD`);
  const commits: Commit[] = [];
  for (const record of log.split('\0')) {
    if (record === '') continue;
    const space = record.indexOf(' ');
    commits.push({ hash: record.slice(0, space), subject: record.slice(space + 1) });
  }
  return commits;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const long = longSubjects(commitsSince(process.cwd()));
  for (const { hash, subject } of long) console.error(`${hash.slice(0, 7)} (${[...subject].length} chars): ${subject}`);
  if (long.length > 0) {
    console.error(`Commit subjects must be under ${SUBJECT_LIMIT} characters: reword them (git rebase -i, "reword").`);
    process.exit(1);
  }
  console.log('Commit subjects after the cut-off are all under the limit.');
}
