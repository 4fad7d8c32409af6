/**
 * The soak run shared by the CI test (short) and `scripts/soak.ts` (full): many sessions created and
 * used over loopback against the demo app, with heap (after a forced GC), RSS and open handles
 * measured before, along the way and after, and the latency of every request recorded.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSessions, memoryStore, type SessionOptions } from 'hallpass';
import { createDemoApp, type DemoData } from '../../examples/app/app.js';
import { keepAliveAgent, send } from '../security/support/client.js';

export interface SoakOptions {
  mode: 'memory' | 'sealed';
  /** Sessions to create; each is then used twice (a read and a write): three requests per session. */
  sessions: number;
  /** The memory store's bound (`max`). */
  storeMax?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Stop creating sessions after this long; the figures then cover the sessions done. */
  timeLimitMs?: number;
  /** How many heap checkpoints to take along the way. */
  checkpoints?: number;
}

export interface SoakResult {
  mode: string;
  sessions: number;
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Heap used after a full GC, in MB: before the run, at each checkpoint, after. */
  heapMB: { before: number; checkpoints: number[]; after: number };
  rssMB: { before: number; after: number };
  /** Open handles (sockets, servers, timers) while serving: before and after the run, and once all is closed vs. at the very start. */
  handles: { start: number; before: number; after: number; closed: number };
  storeSize?: number;
  storeMax?: number;
  gc: 'exposed' | 'unavailable';
}

/** A full GC: `global.gc` when Node runs with --expose-gc, else the same function fetched through V8 flags. */
function collector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

const MB = 1024 * 1024;
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const handleCount = () => process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap').length;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Runs one soak and returns its figures. Throws only if the app answers something unexpected. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { mode, sessions: total, storeMax = 10_000, concurrency = 16, timeLimitMs = 600_000, checkpoints = 10 } = options;
  const gc = collector();
  const heap = () => {
    gc?.();
    gc?.();
    return process.memoryUsage().heapUsed / MB;
  };
  const handlesAtStart = handleCount();
  const store = mode === 'memory' ? memoryStore({ max: storeMax }) : undefined;
  const sessionOptions: SessionOptions = store ? { store } : { secret: 'kq7Zr1VbX9dT3mWf0LhPz5sYc2NjGu8eRaQ4oKiBtE6', codec: 'sealed' };
  const server = createServer(createDemoApp(createSessions<DemoData>(sessionOptions)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = keepAliveAgent();
  agent.maxSockets = concurrency;

  const latencies = new Float64Array(total * 3);
  let recorded = 0;
  let errors = 0;
  const timed = async (method: string, path: string, cookie: string | undefined, json?: unknown) => {
    const started = performance.now();
    const reply = await send(port, agent, method, path, { cookie, json });
    latencies[recorded++] = performance.now() - started;
    if (reply.status !== 200) errors++;
    return reply;
  };
  const oneSession = async (i: number) => {
    const login = await timed('POST', '/login', undefined, { username: `user${i % 997}` });
    const cookie = (login.setCookie[0] ?? '').split(';')[0];
    await timed('GET', '/cart', cookie);
    await timed('POST', '/cart', cookie, { item: `item-${i}` });
  };

  // Warm up (JIT, sockets, store growth to its bound if it is small), then measure the baseline.
  for (let i = 0; i < Math.min(500, total); i += concurrency)
    await Promise.all(Array.from({ length: concurrency }, (_, k) => oneSession(i + k)));
  recorded = 0;
  errors = 0;
  const heapBefore = heap();
  const rssBefore = process.memoryUsage().rss / MB;
  const handlesBefore = handleCount();

  const started = performance.now();
  const marks: number[] = [];
  const every = Math.max(1, Math.floor(total / checkpoints));
  let next = 0;
  let done = 0;
  // Lanes pause at each checkpoint so the heap is measured between requests, not mid-flight.
  while (next < total && performance.now() - started < timeLimitMs) {
    const target = Math.min(total, next + every);
    const runTo = async () => {
      while (next < target && performance.now() - started < timeLimitMs) {
        const index = next++;
        await oneSession(index);
        done++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, runTo));
    marks.push(round(heap()));
  }
  const seconds = (performance.now() - started) / 1000;
  const heapAfter = heap();
  const rssAfter = process.memoryUsage().rss / MB;
  const handlesAfter = handleCount();
  const storeSize = store?.size;

  agent.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  // Closed sockets leave the handle list on their next tick or two; give them up to 2 s.
  for (let waited = 0; handleCount() > handlesAtStart && waited < 2000; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const handlesClosed = handleCount();

  const sorted = latencies.slice(0, recorded).sort();
  return {
    mode,
    sessions: done,
    requests: recorded,
    errors,
    seconds: round(seconds),
    requestsPerSecond: Math.round(recorded / seconds),
    latencyMs: { p50: round(percentile(sorted, 50), 2), p99: round(percentile(sorted, 99), 2), max: round(sorted.at(-1) ?? 0, 2) },
    heapMB: { before: round(heapBefore), checkpoints: marks, after: round(heapAfter) },
    rssMB: { before: round(rssBefore), after: round(rssAfter) },
    handles: { start: handlesAtStart, before: handlesBefore, after: handlesAfter, closed: handlesClosed },
    storeSize,
    storeMax: store ? storeMax : undefined,
    gc: gc ? 'exposed' : 'unavailable',
  };
}

/** One line per figure, for logs and the docs. */
export function describeSoak(result: SoakResult): string {
  const { latencyMs: l, heapMB: h, rssMB: r, handles } = result;
  return [
    `${result.mode}: ${result.sessions} sessions, ${result.requests} requests in ${result.seconds} s (${result.requestsPerSecond} req/s), ${result.errors} errors`,
    `latency p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms`,
    `heap after GC ${h.before} MB -> ${h.after} MB (checkpoints ${h.checkpoints.join(', ')}); rss ${r.before} -> ${r.after} MB; gc ${result.gc}`,
    `open handles ${handles.before} -> ${handles.after} while serving; ${handles.start} at start, ${handles.closed} once closed`,
    result.storeMax === undefined ? 'cookie mode: no store' : `store ${result.storeSize} sessions (bound ${result.storeMax})`,
  ].join('\n');
}
