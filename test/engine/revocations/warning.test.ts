import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const fixture = join(import.meta.dirname, 'fixtures/production-start.ts');

/** Runs the fixture in its own process (the warning is once per process) and returns what it wrote. */
function start(configuration: 'default' | 'sqlite' | 'sqlite-memory' | 'logins', env: Record<string, string>, where = '') {
  const run = spawnSync(process.execPath, ['--import', 'tsx', fixture, configuration, where], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stderr.split('\n');
  return {
    stdout: run.stdout,
    warnings: lines.filter((line) => line.includes('HALLPASS_LOGOUTS_IN_MEMORY')),
    loginWarnings: lines.filter((line) => line.includes('HALLPASS_LOGIN_WITHOUT_USER')),
  };
}

describe('production start-up without durable revocations', () => {
  it('warns once, saying what restarts and other instances do to logouts and naming the option that fixes it', () => {
    const { stdout, warnings } = start('default', { NODE_ENV: 'production' });
    assert.match(stdout, /started/);
    assert.equal(warnings.length, 1, 'one warning for two createSessions in one process');
    const [line] = warnings as [string];
    assert.match(line, /A restart or deploy forgets them/);
    assert.match(line, /other instances or cluster\/PM2 workers never refuse it/);
    assert.match(line, /revocations: sqliteRevocations\(db\)/);
    assert.match(line, /revocationStore/);
  });

  it('warns in a cluster worker too', () => {
    const { stdout, warnings } = start('default', { NODE_ENV: 'production' }, 'cluster');
    assert.match(stdout, /started in a cluster worker/);
    assert.equal(warnings.length, 1);
  });

  it('warns for sqliteRevocations on a database in memory, which a restart forgets too', () => {
    assert.equal(start('sqlite-memory', { NODE_ENV: 'production' }).warnings.length, 1);
  });

  it('says nothing with durable revocations, or outside production', () => {
    assert.deepEqual(start('sqlite', { NODE_ENV: 'production' }).warnings, []);
    assert.deepEqual(start('default', { NODE_ENV: 'development' }).warnings, []);
  });
});

describe('a login that gives the session no user', () => {
  it('warns once, in any environment, that its logout could not be revoked, naming session.userId', () => {
    const { loginWarnings } = start('logins', { NODE_ENV: 'development' });
    assert.equal(loginWarnings.length, 1);
    assert.match(loginWarnings[0] as string, /Set `session.userId = <the user id>` at login/);
  });
});
