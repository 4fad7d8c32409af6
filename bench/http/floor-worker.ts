/** Drives floor.ts: one child pinned to the server core, asked for a sample between load runs. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pinned } from './processes.js';

const FLOOR = fileURLToPath(new URL('./floor.ts', import.meta.url));

export interface FloorWorker {
  sample(): Promise<Record<string, number>>;
  stop(): void;
}

export async function startFloorWorker(cpu: string): Promise<FloorWorker> {
  const [command, args] = pinned(cpu, process.execPath, ['--import', 'tsx', FLOOR]);
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let exited: Error | undefined;
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.once('exit', (code) => {
    exited = new Error(`the crypto floor worker exited with ${code}`);
    for (const waiter of waiting.splice(0)) waiter.reject(exited);
  });
  const next = () => new Promise<string>((resolve, reject) => (exited ? reject(exited) : waiting.push({ resolve, reject })));
  if ((await next()) !== 'ready') throw new Error('the crypto floor worker did not start');
  return {
    async sample() {
      const answer = next();
      child.stdin.write('measure\n');
      return JSON.parse(await answer) as Record<string, number>;
    },
    stop: () => {
      child.stdin.end();
      child.kill('SIGTERM');
    },
  };
}
