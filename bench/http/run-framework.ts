/** One framework's part of the run: start its servers, get their cookies, warm up, run the interleaved rounds. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpBenchOptions } from './args.js';
import { bareCookie, cookiePool, newSessionCookie, verifyCookie } from './client.js';
import { type Config, type Framework, type Kind, kindKey, LIBRARIES } from './configs.js';
import type { FloorWorker } from './floor-worker.js';
import { type LoadResult, loadRun } from './load.js';
import { cpuSeconds, type RunningServer, startServer, stopServer } from './processes.js';
import { countTrips, type TripCount } from './redis-trips.js';
import { type Results, record } from './stats.js';

/** State the whole run shares across frameworks. */
export interface Shared {
  options: HttpBenchOptions;
  secret: string;
  prefix: string;
  redisPort?: number;
  privateRedis: boolean;
  tmp: string;
  results: Results;
  floorSamples: Record<string, number>[];
  trips: Array<{ config: Config; kind: string; count: TripCount }>;
  failures: string[];
  notes: string[];
  floor: FloorWorker;
  log: (message: string) => void;
  /** The compiled server entry, or undefined to run the sources with tsx. */
  entry?: string;
}

interface Live {
  config: Config;
  server: RunningServer;
  cookie: string;
  pool?: string[];
  poolFile?: string;
}

async function prepare(config: Config, shared: Shared): Promise<Live> {
  const { options } = shared;
  const server = await startServer({
    framework: config.framework,
    library: config.library,
    cpu: options.serverCpu,
    entry: shared.entry,
    env: {
      BENCH_SECRET: shared.secret,
      BENCH_REDIS_PORT: String(shared.redisPort ?? 6379),
      BENCH_PREFIX: shared.prefix,
      ...config.env,
    },
  });
  try {
    const wantsPool = config.kinds.some((kind) => kind.scenario === 'pool');
    if (LIBRARIES[config.library]?.reference) {
      const live: Live = { config, server, cookie: bareCookie() };
      if (wantsPool) live.pool = Array.from({ length: options.poolSize }, (_, i) => bareCookie(i));
      return withPoolFile(live, shared);
    }
    const cookie = await newSessionCookie(server.port);
    await verifyCookie(server.port, cookie);
    const live: Live = { config, server, cookie };
    if (wantsPool) {
      live.pool = await cookiePool(server.port, options.poolSize);
      const distinct = new Set(live.pool).size;
      if (distinct < live.pool.length) {
        shared.notes.push(
          `${config.id}: ${distinct.toLocaleString('en')} of the ${live.pool.length.toLocaleString('en')} pool cookies are distinct (its cookie is a function of the session data, so equal sessions share one).`,
        );
      }
    }
    return withPoolFile(live, shared);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
}

function withPoolFile(live: Live, shared: Shared): Live {
  if (!live.pool) return live;
  live.poolFile = join(shared.tmp, `${live.config.id.replace(/[^a-z0-9+-]/gi, '_')}.txt`);
  writeFileSync(live.poolFile, `${live.pool.join('\n')}\n`);
  return live;
}

async function load(live: Live, kind: Kind, seconds: number, shared: Shared): Promise<LoadResult> {
  const { options } = shared;
  const before = cpuSeconds(live.server.child.pid);
  const result = await loadRun(
    {
      port: live.server.port,
      path: `/${kind.route}`,
      seconds,
      connections: options.connections,
      cpu: options.loadCpu,
      cookie: kind.scenario === 'same' ? live.cookie : undefined,
      poolFile: kind.scenario === 'pool' ? live.poolFile : undefined,
      poolOffset: Math.floor(Math.random() * options.poolSize),
    },
    options.loader,
  );
  const after = cpuSeconds(live.server.child.pid);
  if (before !== undefined && after !== undefined && result.requests > 0) result.cpuUs = ((after - before) * 1e6) / result.requests;
  return result;
}

export async function benchFramework(framework: Framework, configs: Config[], shared: Shared): Promise<void> {
  const { options, log } = shared;
  const live: Live[] = [];
  try {
    for (const config of configs) {
      log(`${config.id}: starting${config.kinds.some((k) => k.scenario === 'pool') ? ` and fetching ${options.poolSize} cookies` : ''}`);
      try {
        live.push(await prepare(config, shared));
      } catch (error) {
        shared.failures.push(`${config.id}: ${(error as Error).message.split('\n')[0]}`);
        log(`${config.id}: FAILED ${(error as Error).message}`);
      }
    }
    const kinds = [...new Map(live.flatMap((l) => l.config.kinds).map((kind) => [kindKey(kind), kind])).values()];
    const attempt = async (entry: Live, kind: Kind, seconds: number, round: number | undefined) => {
      try {
        const result = await load(entry, kind, seconds, shared);
        if (round !== undefined) record(shared.results, entry.config.id, kindKey(kind), round, result);
        if (result.errors + result.non2xx > 0)
          shared.failures.push(`${entry.config.id} ${kindKey(kind)}: ${result.non2xx} non-2xx, ${result.errors} socket errors`);
        return result;
      } catch (error) {
        if (round !== undefined) record(shared.results, entry.config.id, kindKey(kind), round, undefined);
        shared.failures.push(`${entry.config.id} ${kindKey(kind)}: ${(error as Error).message.split('\n')[0]}`);
        return undefined;
      }
    };
    log(`${framework}: warm-up`);
    for (const entry of live) for (const kind of entry.config.kinds) await attempt(entry, kind, options.warmup, undefined);
    for (let round = 0; round < options.rounds; round++) {
      try {
        shared.floorSamples.push(await shared.floor.sample());
      } catch (error) {
        shared.failures.push(`crypto floor, ${framework} round ${round + 1}: ${(error as Error).message}`);
      }
      const order = round % 2 === 0 ? live : [...live].reverse();
      for (const kind of kinds) {
        const line: string[] = [];
        for (const entry of order) {
          if (!entry.config.kinds.some((k) => kindKey(k) === kindKey(kind))) continue;
          const result = await attempt(entry, kind, options.duration, round);
          line.push(`${entry.config.library}${entry.config.variant ? '+' : ''} ${result ? Math.round(result.rps) : 'x'}`);
        }
        log(`${framework} round ${round + 1} ${kindKey(kind)}: ${line.join(', ')}`);
      }
    }
    if (shared.redisPort !== undefined && shared.privateRedis) {
      for (const entry of live.filter((l) => LIBRARIES[l.config.library]?.redis)) {
        for (const kind of entry.config.kinds) {
          const cookies = kind.scenario === 'pool' && entry.pool ? entry.pool : [entry.cookie];
          try {
            const count = await countTrips(shared.redisPort, entry.server.port, `/${kind.route}`, cookies);
            shared.trips.push({ config: entry.config, kind: kindKey(kind), count });
          } catch (error) {
            shared.failures.push(`${entry.config.id} round trips: ${(error as Error).message}`);
          }
        }
      }
    }
  } finally {
    await Promise.all(live.map((entry) => stopServer(entry.server)));
  }
}
