/** Command-line flags of the HTTP benchmark. */
import { parseArgs } from 'node:util';
import { HTTP_REPORT } from '../paths.js';
import { FRAMEWORKS, type Framework, type Route, type Scenario } from './configs.js';

export interface HttpBenchOptions {
  frameworks: Framework[];
  /** Libraries to run besides `bare` (always run); undefined for all. */
  only?: Set<string>;
  quick: boolean;
  duration: number;
  warmup: number;
  rounds: number;
  connections: number;
  poolSize: number;
  routes: Route[];
  scenarios: Scenario[];
  loader: 'wrk' | 'autocannon';
  serverCpu: string;
  loadCpu: string;
  /** Use this Redis instead of starting one (INFO/MONITOR counts then include other clients). */
  redisPort?: number;
  /** hallpass options for extra pool-scenario configs (e.g. the verified-cookie cache off); none by default. */
  noCacheOptions?: string;
  /** Run the servers from the TypeScript sources through tsx instead of compiled JavaScript. */
  tsx: boolean;
  /** Where to write the markdown; undefined to skip writing. */
  out?: string;
}

export const USAGE = `npm run bench -- http [flags]
  --quick                 2 s rounds; bare, hallpass (sealed, signed, redis) and the fastest peers only
  --frameworks a,b        node,express,fastify,hono,koa (default all)
  --only lib,lib          libraries besides bare, e.g. hallpass-sealed,secure-session
  --routes read,write,untouched   --scenarios same,pool
  --duration s (5; quick 2)   --warmup s (1)   --rounds n (3)   --connections n (32)   --pool n (10000)
  --loader wrk|autocannon (wrk when installed)   --server-cpu 1   --load-cpu 0
  --redis-port n          use a running Redis instead of starting redis-server on a free port
  --no-cache-options json also run the pool with these hallpass options, e.g. {"cookieCache":0} (a side run: the targets use the defaults)
  --tsx                   run the servers' TypeScript through tsx (default: compiled with tsc's emitter first)
  --out file              markdown output (default docs/benchmarks/http.md; --no-write to skip)`;

/** A comma-separated flag as its items; undefined when the flag was not given. */
export const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export function parseHttpArgs(argv: readonly string[], wrkAvailable: boolean): HttpBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      frameworks: { type: 'string' },
      only: { type: 'string' },
      routes: { type: 'string' },
      scenarios: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      pool: { type: 'string' },
      loader: { type: 'string' },
      'server-cpu': { type: 'string', default: '1' },
      'load-cpu': { type: 'string', default: '0' },
      'redis-port': { type: 'string' },
      'no-cache-options': { type: 'string' },
      out: { type: 'string', default: HTTP_REPORT },
      'no-write': { type: 'boolean', default: false },
      tsx: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const frameworks = (list(values.frameworks) ?? [...FRAMEWORKS]) as Framework[];
  for (const framework of frameworks) if (!FRAMEWORKS.includes(framework)) throw new Error(`unknown framework ${framework}\n${USAGE}`);
  const number = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
  const loader = (values.loader ?? (wrkAvailable ? 'wrk' : 'autocannon')) as HttpBenchOptions['loader'];
  if (loader !== 'wrk' && loader !== 'autocannon') throw new Error(`--loader must be wrk or autocannon\n${USAGE}`);
  return {
    frameworks,
    only: values.only ? new Set(list(values.only)) : undefined,
    quick: values.quick,
    duration: number(values.duration, values.quick ? 2 : 5),
    warmup: number(values.warmup, 1),
    rounds: number(values.rounds, 3),
    connections: number(values.connections, 32),
    poolSize: number(values.pool, 10_000),
    routes: (list(values.routes) ?? ['read', 'write', 'untouched']) as Route[],
    scenarios: (list(values.scenarios) ?? ['same', 'pool']) as Scenario[],
    loader,
    serverCpu: values['server-cpu'],
    loadCpu: values['load-cpu'],
    redisPort: values['redis-port'] === undefined ? undefined : Number(values['redis-port']),
    noCacheOptions: values['no-cache-options'],
    tsx: values.tsx,
    out: values['no-write'] ? undefined : values.out,
  };
}
