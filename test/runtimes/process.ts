/**
 * Runs a server script on a runtime binary (Deno, Bun), handing it the code on standard input so no
 * file is written, and waits for its `Listening on <url>` line. Every wait is bounded, and the
 * process is ended by its own id.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { RunningRuntime } from './contract.js';

const LISTENING = /Listening on (http:\/\/[\w.:[\]-]+)/;

export interface ServeOptions {
  command: string;
  args: string[];
  code: string;
  env: Record<string, string>;
  startTimeoutMs?: number;
}

export function serveFromStdin({ command, args, code, env, startTimeoutMs = 30_000 }: ServeOptions): Promise<RunningRuntime> {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: 'pipe' });
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${command} ${why}. Its output:\n${output}`));
    };
    const timer = setTimeout(() => fail(`printed no "Listening on" line within ${startTimeoutMs} ms`), startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = LISTENING.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({ base: url.replace(/\/$/, ''), output: () => output, close: () => stop(child) });
    };
    const onExit = (code: number | null, signal: string | null) => fail(`exited (${signal ?? `code ${code}`}) before listening`);
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.stdin.end(code);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
