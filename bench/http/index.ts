/**
 * HTTP throughput of hallpass against its peers on node:http, Express, Fastify, Hono and Koa, with
 * its targets computed against baselines from the same run. `runHttpBench(argv)` prints the markdown, writes it
 * to docs/benchmarks/http.md (unless `--no-write`) and returns it. Flags: see `USAGE` in args.ts.
 *
 *   npm run bench -- http --quick --frameworks fastify,node
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type HttpBenchOptions, parseHttpArgs } from './args.js';
import { buildServers, removeBuild } from './build.js';
import { closeClient } from './client.js';
import { COOKIE_CODECS, type Config, type Framework, type Kind, LIBRARIES, MATRIX, QUICK } from './configs.js';
import { startFloorWorker } from './floor-worker.js';
import { hasCommand, pinSelf, type RedisServer, startRedis } from './processes.js';
import { type RunReport, renderReport } from './report.js';
import { benchFramework, type Shared } from './run-framework.js';
import { floorMedians, type Results } from './stats.js';
import { computeTargets } from './targets.js';
import { collectVersions } from './versions.js';

const log = (message: string) => process.stderr.write(`[http-bench] ${message}\n`);

/** The configs of one framework under the chosen flags. */
export function configsFor(framework: Framework, options: HttpBenchOptions, redisAvailable: boolean): Config[] {
  const kinds: Kind[] = [];
  for (const scenario of options.scenarios) {
    for (const route of options.routes) if (!(scenario === 'pool' && route === 'untouched')) kinds.push({ route, scenario });
  }
  const configs: Config[] = [];
  for (const library of MATRIX[framework]) {
    if (library !== 'bare' && options.only && !options.only.has(library)) continue;
    if (library !== 'bare' && !options.only && options.quick && !QUICK.has(library)) continue;
    if (LIBRARIES[library]?.redis && !redisAvailable) continue;
    const own = LIBRARIES[library]?.untouchedOnly ? kinds.filter((kind) => kind.route === 'untouched') : kinds;
    if (own.length === 0) continue;
    configs.push({ id: `${framework}/${library}`, framework, library, kinds: own });
    const poolKinds = kinds.filter((kind) => kind.scenario === 'pool');
    if (options.noCacheOptions && COOKIE_CODECS.has(library) && poolKinds.length > 0) {
      configs.push({
        id: `${framework}/${library}+cache-off`,
        framework,
        library,
        variant: options.noCacheOptions,
        env: { HALLPASS_BENCH_OPTIONS: options.noCacheOptions },
        kinds: poolKinds,
      });
    }
  }
  return configs;
}

/** The command to reproduce the figures: the run's flags minus where the markdown went. */
function reproduceCommand(argv: readonly string[]): string {
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--no-write' || arg.startsWith('--out=')) continue;
    if (arg === '--out') {
      i++;
      continue;
    }
    flags.push(/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  }
  const rest = flags.length > 0 ? ` ${flags.join(' ')}` : '';
  return `npm run bench -- http${rest}`;
}

/** On a shared Redis, removes the keys this run wrote (all under its own prefix). */
async function dropKeys(port: number, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  await client.connect();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await client.quit();
}

export async function runHttpBench(argv: readonly string[]): Promise<string> {
  const options = parseHttpArgs(argv, hasCommand('wrk'));
  const startedAt = new Date();
  const cores = cpus();
  const machine = `${cores[0]?.model.trim() ?? 'unknown CPU'} × ${cores.length}, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(', ')} when the run started (a shared machine)`;
  pinSelf(options.loadCpu);
  const notes: string[] = [];
  const failures: string[] = [];

  let redis: RedisServer | undefined;
  let redisPort = options.redisPort;
  const wantsRedis = options.frameworks.some((fw) =>
    MATRIX[fw].some((lib) => LIBRARIES[lib]?.redis && (!options.only || options.only.has(lib))),
  );
  if (wantsRedis && redisPort === undefined) {
    if (hasCommand('redis-server')) {
      redis = await startRedis(options.loadCpu);
      redisPort = redis.port;
    } else notes.push('redis-server is not installed and no `--redis-port` was given: the Redis configs were skipped.');
  }
  const tmp = mkdtempSync(join(tmpdir(), 'hallpass-http-bench-'));
  const entry = options.tsx ? undefined : buildServers();
  const floor = await startFloorWorker(options.serverCpu);
  const shared: Shared = {
    options,
    secret: randomBytes(32).toString('base64url'),
    prefix: `hallpass-bench:${process.pid}:`,
    redisPort,
    privateRedis: redis !== undefined,
    tmp,
    results: new Map() as Results,
    floorSamples: [],
    trips: [],
    failures,
    notes,
    floor,
    log,
    entry,
  };
  const configs: Config[] = [];
  try {
    for (const framework of options.frameworks) {
      const mine = configsFor(framework, options, redisPort !== undefined);
      configs.push(...mine);
      await benchFramework(framework, mine, shared);
    }
  } finally {
    floor.stop();
    closeClient();
    await redis?.stop();
    if (!redis && redisPort !== undefined && wantsRedis) await dropKeys(redisPort, shared.prefix);
    rmSync(tmp, { recursive: true, force: true });
    if (entry) removeBuild();
  }
  const floorValues = floorMedians(shared.floorSamples);
  notes.push(
    `Load average when the run ended: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(', ')} (other work shared the machine).`,
  );
  notes.push(
    options.tsx
      ? 'The servers ran from the TypeScript sources through tsx (`--tsx`), which adds a `__name` call to every closure created: hallpass figures are pessimistic.'
      : "The servers ran as plain JavaScript: hallpass's sources and the servers compiled with TypeScript's own emitter (`transpileModule`, ES2022) into bench/.build, as the package ships, not through tsx.",
  );
  notes.push(
    `hallpass remembers recently verified cookies (\`cookieCache\`, 1000 entries by default), so in the repeat-cookie scenario its cookie configs decrypt nothing after the first request ("cache hit"). The pool scenario (${options.poolSize.toLocaleString('en')} cookies, more than the cache holds) makes every request open its cookie; hallpass runs it with its default settings${options.noCacheOptions ? `, and again with \`${options.noCacheOptions}\` as a side run the targets do not use` : ''}.`,
  );
  if (redis) notes.push(`Redis: a private redis-server ${redis.version} on a free port, no persistence, pinned to CPU ${options.loadCpu}.`);
  else if (redisPort !== undefined) notes.push(`Redis: the server on port ${redisPort}, keys under \`${shared.prefix}\`.`);

  const report: RunReport = {
    options,
    command: reproduceCommand(argv),
    configs,
    results: shared.results,
    targets: computeTargets(configs, shared.results, floorValues),
    floor: floorValues,
    floorSamples: shared.floorSamples.length,
    trips: shared.trips,
    failures,
    notes,
    versions: collectVersions(),
    startedAt,
    machine,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
  };
  const markdown = renderReport(report);
  console.log(markdown);
  if (options.out) {
    writeFileSync(options.out, `${markdown}\n`);
    log(`wrote ${options.out}`);
  }
  return markdown;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runHttpBench(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
