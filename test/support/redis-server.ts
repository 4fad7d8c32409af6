/**
 * Private `redis-server` processes for tests that must not share the Redis on 6379: outage tests
 * (which kill, pause and restart their server) and the three-node cluster. Every process started
 * here is killed when the test process exits, even after a failure.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** True when `binary` runs (`redis-server`, `redis-cli`, `memcached`). */
export function hasBinary(binary: string, versionFlag = '--version'): boolean {
  return spawnSync(binary, [versionFlag], { stdio: 'ignore' }).status === 0;
}

/** A TCP port nobody listens on right now (and, with `busPort`, port + 10000 free as well for a cluster bus). */
export async function freePort(options: { busPort?: boolean } = {}): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = options.busPort ? 20000 + Math.floor(Math.random() * 25000) : await listenOnce(0);
    if (!options.busPort) return port;
    if ((await canListen(port)) && (await canListen(port + 10000))) return port;
  }
  throw new Error('no free port found');
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : port));
    });
  });
}

const canListen = (port: number) =>
  listenOnce(port).then(
    () => true,
    () => false,
  );

/** Sends one line to host:port and resolves the first chunk of the answer ('' on any failure). */
export function ask(port: number, line: string, timeoutMs = 500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (answer: string) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(''));
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.once('data', (chunk) => done(chunk.toString()));
    socket.once('error', () => done(''));
  });
}

/** Polls `check` every 50 ms until it is true or `timeoutMs` passes (then throws `what`). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A server process a test controls: stop it, kill it, pause it, start it again on the same port. */
export interface ServerProcess {
  readonly port: number;
  readonly pid: number | undefined;
  /** Starts the process (again) on the same port and waits until it answers. */
  start(): Promise<void>;
  /** SIGKILL, and waits for the exit: the abrupt end a crash or a lost machine looks like. */
  kill(): Promise<void>;
  /** SIGSTOP, and waits until every thread has stopped: the process keeps its sockets and data but answers nothing, like a network stall. */
  pause(): Promise<void>;
  /** SIGCONT after `pause`. */
  resume(): void;
}

/**
 * Resolves once every thread of `pid` is stopped. A signal is delivered asynchronously: a thread
 * running on another core can still answer a request sent right after `kill` returns, which
 * would make a "paused" store answer once. Linux shows each thread's state in /proc; elsewhere a
 * short wait stands in for it.
 */
async function stopped(pid: number): Promise<void> {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    return;
  }
  const state = (task: string) => {
    let stat: string;
    try {
      stat = readFileSync(`${tasks}/${task}/stat`, 'utf8');
    } catch {
      return 'T'; // the thread ended between the listing and the read
    }
    return stat.charAt(stat.lastIndexOf(')') + 2);
  };
  const started = Date.now();
  while (!readdirSync(tasks).every((task) => state(task) === 'T')) {
    if (Date.now() - started > 5000) throw new Error(`process ${pid} did not stop within 5 s of SIGSTOP`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Starts a managed process and restarts it on demand; `ready` tells when it answers on `port`. */
export function managedProcess(
  port: number,
  command: string,
  args: readonly string[],
  ready: () => Promise<boolean>,
  cleanup?: () => void,
): ServerProcess & { stop(): Promise<void> } {
  let child: ChildProcess | undefined;
  const exited = (proc: ChildProcess) =>
    new Promise<void>((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', () => resolve())));
  const handle = {
    port,
    get pid() {
      return child?.pid;
    },
    async start() {
      const proc = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      proc.stderr?.on('data', (chunk) => (stderr += chunk));
      children.add(proc);
      proc.once('exit', () => children.delete(proc));
      child = proc;
      try {
        await waitFor(`${command} on port ${port}`, async () => {
          if (proc.exitCode !== null) throw new Error(`${command} exited: ${stderr.trim()}`);
          return ready();
        });
      } catch (error) {
        proc.kill('SIGKILL');
        throw error;
      }
    },
    async kill() {
      if (!child) return;
      const proc = child;
      proc.kill('SIGCONT'); // a paused process must be able to die
      proc.kill('SIGKILL');
      await exited(proc);
    },
    async pause() {
      if (!child?.pid) return;
      child.kill('SIGSTOP');
      await stopped(child.pid);
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async stop() {
      await handle.kill();
      cleanup?.();
    },
  };
  return handle;
}

/** Starts a private `redis-server` (no persistence) on a free port, or on `port`. */
export async function startRedisServer(options: { port?: number; args?: readonly string[] } = {}) {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'hallpass-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...(options.args ?? [])];
  const server = managedProcess(
    port,
    'redis-server',
    args,
    async () => (await ask(port, 'PING')).startsWith('+PONG'),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  await server.start();
  return server;
}

/**
 * Starts a three-node Redis Cluster (three masters, no replicas) on free ports and waits until
 * every node reports `cluster_state:ok`. `stop` kills the nodes and removes their files.
 */
export async function startRedisCluster(): Promise<{ ports: number[]; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'hallpass-cluster-'));
  const nodes: Array<Awaited<ReturnType<typeof startRedisServer>>> = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    while (ports.length < 3) {
      const port = await freePort({ busPort: true });
      if (!ports.includes(port)) ports.push(port);
    }
    for (const port of ports) {
      const extra = [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '2000',
      ];
      nodes.push(await startRedisServer({ port, args: extra }));
    }
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const port of ports) {
      await waitFor(`cluster_state:ok on ${port}`, async () => (await ask(port, 'CLUSTER INFO')).includes('cluster_state:ok'), 20_000);
    }
    return { ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
