/**
 * The demo as `npm start` runs it (examples/app/index.ts in its own process, default settings): a
 * cookie logged out before a restart is still refused after it, over real HTTP. With logouts kept
 * in memory the same replay is accepted after a restart: the residual risk docs/security.md states.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SECRET } from '../support/core-fixtures.js';
import { call } from './client.js';

const JWT_SECRET = 'Zq4Xw9Lm2Rt7Vb1Nc6Hp3Ks8Jd5Fg0YeUa4Ti9Oo2Pl';

interface DemoProcess {
  base: string;
  stop(): Promise<void>;
}

/** Starts `examples/app/index.ts` on a free port in `cwd`, with the demo's defaults except the secrets. */
async function startDemoProcess(cwd: string, env: Record<string, string> = {}): Promise<DemoProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(process.cwd(), 'examples/app/index.ts')],
    {
      cwd,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: join(process.cwd(), 'tsconfig.json'),
        NODE_ENV: 'development',
        SESSION_SECRET: SECRET,
        JWT_SECRET,
        PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output}`)));
  });
  return {
    base,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function loginAs(base: string, user: string): Promise<string> {
  const reply = await call(base, `/login?username=${user}`, { method: 'POST' });
  assert.equal(reply.status, 200);
  return reply.cookie as string;
}

const greeting = async (base: string, cookie: string) => ((await call(base, '/', { cookie })).json() as { message: string }).message;

describe('the demo remembers logouts across a restart', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const workdir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallpass-demo-restart-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a cookie logged out before the restart, and keeps a live one, with the default settings', async () => {
    const cwd = workdir();
    const first = await startDemoProcess(cwd);
    const stolen = await loginAs(first.base, 'alice');
    const bystander = await loginAs(first.base, 'bob');
    const logout = await call(first.base, '/logout', { method: 'POST', cookie: stolen });
    assert.equal(logout.status, 200);
    assert.equal(await greeting(first.base, stolen), 'Hello, guest!');
    await first.stop();

    const second = await startDemoProcess(cwd);
    try {
      assert.equal(await greeting(second.base, bystander), 'Welcome back, user bob!', 'the same secret: live cookies still open');
      assert.equal(await greeting(second.base, stolen), 'Hello, guest!', 'the logged-out cookie stays refused');
    } finally {
      await second.stop();
    }
  });

  it('with SESSION_REVOCATIONS=memory, a restart forgets the logout (the documented trade-off)', async () => {
    const cwd = workdir();
    const first = await startDemoProcess(cwd, { SESSION_REVOCATIONS: 'memory' });
    const stolen = await loginAs(first.base, 'alice');
    await call(first.base, '/logout', { method: 'POST', cookie: stolen });
    assert.equal(await greeting(first.base, stolen), 'Hello, guest!');
    await first.stop();

    const second = await startDemoProcess(cwd, { SESSION_REVOCATIONS: 'memory' });
    try {
      assert.equal(await greeting(second.base, stolen), 'Welcome back, user alice!');
    } finally {
      await second.stop();
    }
  });
});
