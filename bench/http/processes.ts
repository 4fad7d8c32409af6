/** Child processes of the benchmark: the servers (pinned to one core) and a private redis-server. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const SERVER_MAIN = fileURLToPath(new URL('./servers/main.ts', import.meta.url));

export interface RunningServer {
  port: number;
  child: ChildProcess;
  /** stderr so far, for failure messages. */
  log: () => string;
}

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins this process (every thread) to `cpu`, so the harness never competes with the server core. */
export function pinSelf(cpu: string): void {
  if (hasCommand('taskset')) execFileSync('taskset', ['-a', '-cp', cpu, String(process.pid)], { stdio: 'ignore' });
}

/** `taskset -c <cpu> <command...>` when taskset exists, else the command itself. */
export function pinned(cpu: string, command: string, args: string[]): [string, string[]] {
  return hasCommand('taskset') ? ['taskset', ['-c', cpu, command, ...args]] : [command, args];
}

export interface StartServer {
  framework: string;
  library: string;
  /** The core to pin the server to; unpinned when undefined. */
  cpu?: string;
  env: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** The compiled server entry (see build.ts); the TypeScript one, run with tsx, when undefined. */
  entry?: string;
  /** A command that runs node, e.g. `['valgrind', '--tool=callgrind']`. */
  wrapper?: string[];
  /** Give the server a stdin pipe (`child.stdin`); otherwise stdin is closed. */
  stdin?: boolean;
  /** How long to wait for `listening <port>` (default 60 s). */
  startTimeoutMs?: number;
}

/** Starts one server and resolves with its port once it prints `listening <port>`. */
export function startServer(options: StartServer): Promise<RunningServer> {
  const { framework, library, cpu, env, nodeFlags = [], entry, wrapper = [], stdin = false, startTimeoutMs = 60_000 } = options;
  const script = entry ? [entry] : ['--import', 'tsx', SERVER_MAIN];
  const [program = process.execPath, ...wrapperArgs] = wrapper;
  const nodeArgs = [...wrapperArgs, ...(wrapper.length > 0 ? [process.execPath] : []), ...nodeFlags, ...script, framework, library];
  const [command, args] = cpu === undefined ? [program, nodeArgs] : pinned(cpu, program, nodeArgs);
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${framework}/${library} did not start in ${startTimeoutMs / 1000} s\n${err}`)),
      startTimeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const match = /listening (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ port: Number(match[1]), child, log: () => err });
      }
    });
    child.once('exit', (code) => fail(new Error(`${framework}/${library} exited with ${code}\n${err}`)));
  });
}

/** Stops a server with SIGTERM (it exits cleanly, writing a CPU profile when asked) and waits for it. */
export function stopServer(server: RunningServer): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.removeAllListeners('exit');
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}

export interface RedisServer {
  port: number;
  version: string;
  stop: () => Promise<void>;
}

/**
 * A private redis-server on a free port, no persistence, on the load generator's core (so the
 * server core pays only the Node side of each call, as with a Redis on another machine).
 */
export async function startRedis(cpu: string): Promise<RedisServer> {
  const port = await freePort();
  const [command, args] = pinned(cpu, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const child = spawn(command, args, { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await ping(port)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await ping(port))) {
    child.kill('SIGKILL');
    throw new Error('redis-server did not start');
  }
  const version = /v=(\S+)/.exec(execFileSync('redis-server', ['--version']).toString())?.[1] ?? 'unknown';
  return {
    port,
    version,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

let ticksPerSecond: number | undefined;

/**
 * CPU seconds a process has used so far (user + system, every thread), from /proc. Dividing the
 * difference over a load run by the requests served gives CPU µs per request, a figure that other
 * work on the machine disturbs far less than requests per second. Undefined off Linux.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
