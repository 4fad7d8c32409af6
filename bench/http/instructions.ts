/**
 * Instructions per request, counted by valgrind's callgrind: the same servers, routes and cookies
 * as the HTTP benchmark, and the same targets, in a unit that other work on the machine disturbs
 * far less than time. `npm run bench -- instructions [flags]` prints the markdown and writes it to
 * docs/benchmarks/instruction-counts.md (flags: `USAGE` below).
 *
 * How a figure is taken: each server runs under `valgrind --tool=callgrind`; requests go one at a
 * time over one keep-alive connection (so every request is its own turn of the event loop). After a
 * warm-up, a line on the server's stdin makes it call `uv_os_gethostname`, which callgrind's
 * `--zero-before` watches; `--requests` requests run; a second line makes it call
 * `uv_os_getpriority`, which `--dump-before` watches, and the dump's total over the requests is the
 * window's figure. Node runs with V8's `--single-threaded`: V8's helper threads (parallel GC,
 * concurrent compiler) spin while they wait, and under callgrind, which runs one thread at a time,
 * how long they spin depends on the machine's load; single-threaded, the same work runs on the main
 * thread and is counted there. Left out: the kernel (system calls, the network stack), stalls and cache misses.
 *
 * For the first few windows after warm-up the counts swing widely; then most hold within a few
 * percent while some carry a major collection or a recompilation, so uncounted windows run first and
 * the figure is the median of the counted ones: collections and recompilations are part of what a
 * request costs, so the figure keeps its share of them rather than the cheapest window. The
 * machine's load barely moves them as long as the servers counted at once (`--jobs`) leave a core
 * for the harness: with a test suite running beside them, the windows spread widely (profile.md).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { INSTRUCTIONS_REPORT } from '../paths.js';
import { type HttpBenchOptions, list } from './args.js';
import { buildServers, removeBuild } from './build.js';
import { bareCookie, closeClient, cookiePool, get, newSessionCookie, verifyCookie } from './client.js';
import {
  type Config,
  FRAMEWORK_LABEL,
  FRAMEWORKS,
  type Framework,
  type Kind,
  kindKey,
  LIBRARIES,
  type Route,
  SCENARIO_LABEL,
  type Scenario,
} from './configs.js';
import { configsFor } from './index.js';
import type { LoadResult } from './load.js';
import { hasCommand, type RunningServer, startRedis, startServer, stopServer } from './processes.js';
import { f2, verdict } from './report.js';
import { type Results, record, summarise } from './stats.js';
import { computeTargets, type TargetRow } from './targets.js';
import { collectVersions } from './versions.js';

const USAGE = `npm run bench -- instructions [flags]
  --frameworks a,b    node,express,fastify,hono,koa (default all)
  --only lib,lib      libraries besides bare, e.g. hallpass-sealed,secure-session (default: the whole matrix
                      but iron-session and hono-sessions, 20–60× slower than hallpass in the timed run)
  --routes read,write,untouched   --scenarios same,pool
  --warmup n (2000)   requests per route before counting
  --pool-warmup n (8000)  more requests on each pool route just before it is counted (hallpass's cache settles its admission)
  --requests n (400)  requests per counted window   --windows n (6)
  --pool n (2000)     distinct cookies in the pool scenario (more than hallpass's 1000-entry cache)
  --jobs n (2)        servers counted at once (keep it below the cores: an oversubscribed machine widens the spread)
  --no-cache-options json  also count the pool with these hallpass options, e.g. {"cookieCache":0} (a side run: the targets use the defaults)
  --out file          markdown output (default docs/benchmarks/instruction-counts.md; --no-write to skip), rewritten after each server
  --from-log file     render the markdown from an earlier run's log (its stderr) instead of counting
  --keep-dumps dir    keep each counted window's callgrind dump there (<config>.<scenario>-<route>.<n>.out),
                      to see where the instructions go: callgrind_annotate --inclusive=no <dump>`;

interface Options {
  http: HttpBenchOptions;
  warmup: number;
  /** Requests on a pool route alone, just before its windows. */
  poolWarmup: number;
  requests: number;
  windows: number;
  jobs: number;
  out?: string;
  /** Render from an earlier run's log instead of counting. */
  fromLog?: string;
  /** Where each counted window's dump is kept, when asked. */
  keepDumps?: string;
}

/**
 * Left out unless named in `--only`: under callgrind their requests take far longer than natively, and
 * the timed benchmark already puts them far behind hallpass (docs/benchmarks/instruction-counts.md).
 */
const SLOW_PEERS = ['iron-session', 'hono-sessions'];

/**
 * Under callgrind a store call takes far longer than natively, past hallpass's default
 * `storeTimeout`; a longer deadline arms the same timer, so it costs the same instructions.
 */
const SLOW_STORE = { storeTimeout: 60_000 };

/** Uncounted windows allowed before counting (see countConfig), and how close two must be to count as settled. */
const MIN_SETTLING_WINDOWS = 3;
const MAX_SETTLING_WINDOWS = 12;
const SETTLED = 0.03;

const log = (message: string) => process.stderr.write(`[instructions] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      frameworks: { type: 'string' },
      only: { type: 'string' },
      routes: { type: 'string' },
      scenarios: { type: 'string' },
      warmup: { type: 'string', default: '2000' },
      'pool-warmup': { type: 'string', default: '8000' },
      requests: { type: 'string', default: '400' },
      windows: { type: 'string', default: '6' },
      pool: { type: 'string', default: '2000' },
      jobs: { type: 'string', default: '2' },
      out: { type: 'string', default: INSTRUCTIONS_REPORT },
      'no-write': { type: 'boolean', default: false },
      'no-cache-options': { type: 'string' },
      'from-log': { type: 'string' },
      'keep-dumps': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const frameworks = (list(values.frameworks) ?? [...FRAMEWORKS]) as Framework[];
  for (const framework of frameworks) if (!FRAMEWORKS.includes(framework)) throw new Error(`unknown framework ${framework}\n${USAGE}`);
  const count = (name: string, value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
    return n;
  };
  return {
    // The HTTP benchmark's options pick the same configs; the load settings in them are unused here.
    http: {
      frameworks,
      only: new Set(list(values.only) ?? Object.keys(LIBRARIES).filter((library) => !SLOW_PEERS.includes(library))),
      quick: false,
      duration: 0,
      warmup: 0,
      rounds: count('windows', values.windows),
      connections: 1,
      poolSize: count('pool', values.pool),
      routes: (list(values.routes) ?? ['read', 'write', 'untouched']) as Route[],
      scenarios: (list(values.scenarios) ?? ['same', 'pool']) as Scenario[],
      loader: 'wrk',
      serverCpu: '1',
      loadCpu: '0',
      noCacheOptions: values['no-cache-options'],
      tsx: false,
    },
    warmup: count('warmup', values.warmup),
    poolWarmup: count('pool-warmup', values['pool-warmup']),
    requests: count('requests', values.requests),
    windows: count('windows', values.windows),
    jobs: count('jobs', values.jobs),
    out: values['no-write'] ? undefined : values.out,
    fromLog: values['from-log'],
    keepDumps: values['keep-dumps'],
  };
}

/** valgrind's arguments: count with callgrind, windows opened and closed by the server's markers. */
function callgrind(outFile: string): string[] {
  return [
    'valgrind',
    '--tool=callgrind',
    `--callgrind-out-file=${outFile}`,
    '--zero-before=uv_os_gethostname',
    '--dump-before=uv_os_getpriority',
    '--dump-line=no',
    '--compress-strings=no',
  ];
}

/** Waits for callgrind's n-th dump and reads its instruction total; the dump is removed, or moved to `keepAs`. */
async function readDump(outFile: string, n: number, keepAs?: string): Promise<number> {
  const file = `${outFile}.${n}`;
  for (let waited = 0; waited < 120_000; waited += 100) {
    if (existsSync(file)) {
      // `totals:` is the dump's last line: present once the file is complete.
      const match = /^totals: (\d+)/m.exec(readFileSync(file, 'utf8'));
      if (match) {
        if (keepAs) renameSync(file, keepAs);
        else rmSync(file);
        return Number(match[1]);
      }
    }
    await sleep(100);
  }
  throw new Error(`callgrind wrote no dump ${file}`);
}

interface Counted {
  server: RunningServer;
  outFile: string;
  dumps: number;
  marks: number;
}

/** `count` requests one after another; fails on any answer but 200. */
async function sequential(port: number, route: Route, cookies: readonly string[], count: number, offset: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const reply = await get(port, `/${route}`, cookies[(offset + i) % cookies.length]);
    if (reply.status !== 200) throw new Error(`GET /${route} answered ${reply.status}: ${reply.body.slice(0, 200)}`);
  }
}

/** Asks the server for its next marker (a line on stdin) and waits until it says it made it. */
function mark(counted: Counted): Promise<void> {
  const { child } = counted.server;
  const expected = `mark ${++counted.marks}\n`;
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`the server did not answer ${expected.trim()}`)), 60_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(expected)) done();
    };
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      if (error) reject(error);
      else resolve();
    };
    child.stdout?.on('data', onData);
    child.stdin?.write('mark\n');
  });
}

/** One window: zero the counter, run the requests, dump; instructions per request. `keepAs`: where its dump goes. */
async function countWindow(counted: Counted, run: () => Promise<void>, requests: number, keepAs?: string): Promise<number> {
  await mark(counted);
  await run();
  await mark(counted);
  counted.dumps++;
  return (await readDump(counted.outFile, counted.dumps, keepAs)) / requests;
}

interface Shared {
  options: Options;
  secret: string;
  prefix: string;
  redisPort: number;
  entry: string;
  dir: string;
  results: Results;
  failures: string[];
  /** Instructions per request in each window, by `<config id> <kind>`. */
  windows: Map<string, number[]>;
}

async function countConfig(config: Config, shared: Shared): Promise<void> {
  const { options } = shared;
  const outFile = join(shared.dir, `${config.id.replace(/[^a-z0-9+-]/gi, '_')}.out`);
  const server = await startServer({
    framework: config.framework,
    library: config.library,
    entry: shared.entry,
    wrapper: callgrind(outFile),
    // V8's helper threads (parallel GC, concurrent compiler) spin while they wait, and under callgrind's
    // one-thread-at-a-time scheduling how long depends on the machine's load: their work goes on the main thread.
    nodeFlags: ['--single-threaded'],
    stdin: true,
    // Generous: on a loaded machine a server under callgrind can take minutes to start.
    startTimeoutMs: 900_000,
    env: {
      BENCH_SECRET: shared.secret,
      BENCH_REDIS_PORT: String(shared.redisPort),
      BENCH_PREFIX: shared.prefix,
      BENCH_MARKERS: '1',
      ...config.env,
      HALLPASS_BENCH_OPTIONS: JSON.stringify({ ...JSON.parse(config.env?.HALLPASS_BENCH_OPTIONS ?? '{}'), ...SLOW_STORE }),
    },
  });
  const counted: Counted = { server, outFile, dumps: 0, marks: 0 };
  try {
    const reference = LIBRARIES[config.library]?.reference;
    const cookie = reference ? bareCookie() : await newSessionCookie(server.port);
    if (!reference) await verifyCookie(server.port, cookie);
    const wantsPool = config.kinds.some((kind) => kind.scenario === 'pool');
    const poolSize = options.http.poolSize;
    const pool = !wantsPool
      ? []
      : reference
        ? Array.from({ length: poolSize }, (_, i) => bareCookie(i))
        : await cookiePool(server.port, poolSize);
    // Each route as one stream of requests; the pool route walks on through its cookies.
    const offsets = new Map<Kind, number>();
    const run = async (kind: Kind, count: number) => {
      const offset = offsets.get(kind) ?? 0;
      await sequential(server.port, kind.route, kind.scenario === 'pool' ? pool : [cookie], count, offset);
      offsets.set(kind, offset + count);
    };
    // Every route warms up before any is counted, in turns, so that the code they share has seen them all.
    const turns = 10;
    for (let turn = 0; turn < turns; turn++) for (const kind of config.kinds) await run(kind, Math.ceil(options.warmup / turns));
    for (const kind of config.kinds) {
      // hallpass's verified-cookie cache judges its hit rate every 1,000 lookups and halves its
      // admissions at each judgement of a pool, so it needs about six of them (6,000 pool requests,
      // with no repeat-cookie hits mixed in) to settle; until then each window costs less than the
      // last. The bare app gets the same traffic: its first few thousand pool requests cost more too.
      if (kind.scenario === 'pool') await run(kind, options.poolWarmup);
      const window = (keepAs?: string) => countWindow(counted, () => run(kind, options.requests), options.requests, keepAs);
      // Counts swing for the first windows after warm-up ends, even on an app that does nothing,
      // then hold within a few percent: uncounted windows first.
      let previous = await window();
      for (let settle = 1; settle < MAX_SETTLING_WINDOWS; settle++) {
        const next = await window();
        const agree = Math.abs(next - previous) / previous < SETTLED;
        previous = next;
        if (agree && settle >= MIN_SETTLING_WINDOWS - 1) break;
      }
      const perWindow: number[] = [];
      const keepAs = (i: number) =>
        options.keepDumps
          ? join(options.keepDumps, `${config.id.replace('/', '.')}.${kindKey(kind).replace('/', '-')}.${i + 1}.out`)
          : undefined;
      for (let i = 0; i < options.windows; i++) perWindow.push(await window(keepAs(i)));
      // The median window: the collections a request's allocations cause are part of its cost.
      const steady = medianOf(perWindow);
      record(shared.results, config.id, kindKey(kind), 0, asResult(steady, options.requests * options.windows));
      shared.windows.set(`${config.id} ${kindKey(kind)}`, perWindow);
      log(
        `${config.id} ${kindKey(kind)}: ${Math.round(steady)} instructions per request (windows ${perWindow.map((n) => Math.round(n)).join(' / ')})`,
      );
    }
  } finally {
    await stopServer(server);
  }
}

/** The median of the counted windows (the mean of the middle two for an even count). */
function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * A window's count in the shape the HTTP benchmark's statistics read: "requests per second" becomes
 * requests per 10⁹ instructions, so its `1e6 / rps` (the added-µs arithmetic) is thousands of
 * instructions per request and every target computes unchanged.
 */
function asResult(instructionsPerRequest: number, requests: number): LoadResult {
  const kiloInstructions = instructionsPerRequest / 1000;
  return { rps: 1e6 / kiloInstructions, p99ms: Number.NaN, requests, errors: 0, non2xx: 0, cpuUs: kiloInstructions };
}

async function inLanes(configs: Config[], jobs: number, work: (config: Config) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < configs.length) await work(configs[next++] as Config);
  };
  await Promise.all(Array.from({ length: Math.min(jobs, configs.length) }, lane));
}

const k = (n: number) => (Number.isFinite(n) ? (n / 1000).toFixed(1) : '-');

function targetTable(rows: TargetRow[]): string[] {
  const shown = rows.filter((row) => row.rps && !row.target.startsWith('2b'));
  return [
    '| target | framework | hallpass | route | limit | hallpass | reference | ratio | met |',
    '|---|---|---|---|---|---:|---|---:|---|',
    ...shown.map((row) => {
      const m = row.rps as NonNullable<TargetRow['rps']>;
      // For /untouched the measure is a rate (requests per 10⁹ instructions): show instructions per request instead.
      const show = (n: number) => (row.unit === 'µs' ? `${n.toFixed(1)} k` : `${(1e6 / n).toFixed(1)} k`);
      return `| ${row.target} | ${row.framework} | ${row.subject} | ${row.route} | ${row.limit} | ${show(m.value)} | ${m.referenceLabel} ${show(m.reference)} | ${f2(m.ratio)}× | ${verdict(m.pass)} |`;
    }),
  ];
}

function frameworkTable(framework: Framework, configs: Config[], results: Results, windows: Map<string, number[]>): string[] {
  const lines = [
    `### ${FRAMEWORK_LABEL[framework]}`,
    '',
    '| library | store | scenario | route | instructions/request | added over bare | × bare | each window |',
    '|---|---|---|---|---:|---:|---:|---|',
  ];
  for (const config of configs.filter((c) => c.framework === framework)) {
    const info = LIBRARIES[config.library];
    for (const kind of config.kinds) {
      const s = summarise(results, config.id, `${framework}/bare`, kindKey(kind));
      const store = `${info?.store ?? ''}${config.variant ? `, ${config.variant}` : ''}`;
      const scenario = SCENARIO_LABEL[kind.scenario];
      if (!s) {
        lines.push(`| ${info?.label} | ${store} | ${scenario} | /${kind.route} | failed | | | |`);
        continue;
      }
      const isBare = config.library === 'bare';
      const counts = windows.get(`${config.id} ${kindKey(kind)}`) ?? [];
      lines.push(
        `| ${info?.label} | ${store} | ${scenario} | /${kind.route} | ${k(s.cpuUs * 1000)} k | ${isBare ? '-' : `${k(s.addedCpuUs * 1000)} k`} | ${isBare ? '1.00' : f2(1 / s.cpuRatio)} | ${counts.map(k).join(' / ')} |`,
      );
    }
  }
  return lines;
}

export async function runInstructionCount(argv: readonly string[]): Promise<string> {
  const options = parseOptions(argv);
  if (options.fromLog) return finish(options, fromLog(options, argv));
  if (!hasCommand('valgrind')) throw new Error('valgrind is not installed (Debian: apt-get install valgrind)');
  if (options.keepDumps) mkdirSync(options.keepDumps, { recursive: true });
  const startedAt = new Date();
  const redis = await startRedis('0');
  const entry = buildServers();
  const shared: Shared = {
    options,
    secret: randomBytes(32).toString('base64url'),
    prefix: `hallpass-instructions:${process.pid}:`,
    redisPort: redis.port,
    entry,
    dir: mkdtempSync(join(tmpdir(), 'hallpass-instructions-')),
    results: new Map(),
    failures: [],
    windows: new Map(),
  };
  const configs = options.http.frameworks.flatMap((framework) => configsFor(framework, options.http, true));
  try {
    await inLanes(configs, options.jobs, async (config) => {
      log(`${config.id}: starting under callgrind`);
      try {
        await countConfig(config, shared);
      } catch (error) {
        shared.failures.push(`${config.id}: ${(error as Error).message.split('\n')[0]}`);
        log(`${config.id}: FAILED ${(error as Error).message}`);
      }
      // A long run stopped halfway keeps what it counted.
      if (options.out) writeFileSync(options.out, `${render(options, argv, configs, shared, `${stamp(startedAt)} (in progress)`)}\n`);
    });
  } finally {
    closeClient();
    await redis.stop();
    rmSync(shared.dir, { recursive: true, force: true });
    removeBuild();
  }
  const minutes = ((Date.now() - startedAt.getTime()) / 60_000).toFixed(1);
  return finish(options, render(options, argv, configs, shared, `${stamp(startedAt)} in ${minutes} min`));
}

const stamp = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function finish(options: Options, markdown: string): string {
  console.log(markdown);
  if (options.out) {
    writeFileSync(options.out, `${markdown}\n`);
    log(`wrote ${options.out}`);
  }
  return markdown;
}

/**
 * Rebuilds the figures from the log (stderr) of an earlier run, for the frameworks asked for:
 * a run stopped before its end, or one whose report should be rendered again.
 */
function fromLog(options: Options, argv: readonly string[]): string {
  const file = options.fromLog as string;
  const counts: Counts = { results: new Map(), windows: new Map(), failures: [] };
  const configs = options.http.frameworks.flatMap((framework) => configsFor(framework, options.http, true));
  const known = new Set(configs.map((config) => config.id));
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const figure = /^\[instructions\] (\S+) (\S+): \d+ instructions per request \(windows ([\d /]+)\)$/.exec(line);
    if (figure && known.has(figure[1] as string)) {
      const [, id, kind, windows] = figure as unknown as [string, string, string, string];
      const perWindow = windows.split(' / ').map(Number);
      record(counts.results, id, kind, 0, asResult(medianOf(perWindow), options.requests * perWindow.length));
      counts.windows.set(`${id} ${kind}`, perWindow);
    }
    const failed = /^\[instructions\] (\S+): FAILED (.*)$/.exec(line);
    if (failed && known.has(failed[1] as string)) counts.failures.push(`${failed[1]}: ${failed[2]}`);
  }
  // Configs the log never reached are left out rather than shown as failed.
  const counted = configs.filter((config) => counts.results.has(config.id) || counts.failures.some((f) => f.startsWith(`${config.id}:`)));
  return render(options, argv, counted, counts, `${stamp(statSync(file).mtime)}, rendered from the run's log`);
}

/** What a run counted: the figures, each window's, and what failed. */
interface Counts {
  results: Results;
  windows: Map<string, number[]>;
  failures: string[];
}

/** The markdown for docs/benchmarks/instruction-counts.md; `when` says when the counts were taken. */
function render(options: Options, argv: readonly string[], configs: Config[], counts: Counts, when: string): string {
  const targets = computeTargets(configs, counts.results, {});
  const valgrind = hasCommand('valgrind') ? /valgrind-(\S+)/.exec(execFileSync('valgrind', ['--version']).toString())?.[1] : undefined;
  // The command that counts these figures again: without where the markdown went or which log it came from.
  const dropped = new Set(['--no-write', '--from-log', '--out', '--keep-dumps']);
  const flags = argv.filter((arg, i) => !dropped.has(arg) && !dropped.has(argv[i - 1] as string)).join(' ');
  const lines = [
    '# Instructions per request',
    '',
    `What each session library adds to a request, counted in CPU instructions by valgrind's callgrind instead of timed: the servers, routes, cookies and targets of [the timed benchmark](http.md), in a unit the machine's other work disturbs far less than time. Counted ${when}.`,
    '',
    'Reproduce:',
    '',
    '```sh',
    `npm run bench -- instructions${flags ? ` ${flags}` : ''}`,
    '```',
    '',
    '## Targets',
    '',
    "The targets with added instructions per request in place of added µs (thousands, \"k\"; a library's count minus its framework's bare app's). For `/untouched` the ratio is the bare app's instructions per request over hallpass's, the req/s ratio a saturated core would show if time followed instructions. Target 2b, against a tight-loop crypto floor, is left to the timed benchmark (http.md).",
    '',
    ...targetTable(targets),
    '',
    '## Method',
    '',
    `- Each server runs as in the HTTP benchmark (compiled JavaScript, same secret, cookies and routes) under \`valgrind --tool=callgrind\`, ${options.jobs} at a time, with V8's \`--single-threaded\`: V8's helper threads (parallel GC, concurrent compiler) spin while they wait, and under callgrind, which runs one thread at a time, how long depends on the machine's load (figures moved by 2× under load without the flag); single-threaded, the same work runs on the main thread and counts there.`,
    `- Requests go one at a time over one keep-alive connection: ${options.warmup} per route to warm up (V8 optimises the hot code), in ten turns over all routes before any is counted, then ${options.poolWarmup} more on each pool route just before it is counted (hallpass's cache needs about six judgements of 1,000 pool lookups to settle its admissions), then per route uncounted windows and ${options.windows} counted windows of ${options.requests}. After warm-up the count of one window swings (by up to 2.3× on the bare app) for the first few windows, so uncounted windows run first: at least ${MIN_SETTLING_WINDOWS} and until two in a row agree within ${SETTLED * 100}% (at most ${MAX_SETTLING_WINDOWS}). Counted windows then mostly agree within a few percent, but a major garbage collection or a recompilation lands in one now and then and can double it. The figure is the median of the counted windows, each window's instructions divided by its requests: collections are part of what a request's allocations cost, so the figure keeps its share of them (every window is in the tables). The same-cookie scenario sends one cookie; the pool scenario cycles through ${options.http.poolSize} distinct valid cookies, more than hallpass's default cache of 1000, so with the cache on most lookups miss (it keeps a sample of the pool, and hits on that).`,
    `- hallpass's store-backed configs run with \`storeTimeout: ${SLOW_STORE.storeTimeout}\`: under callgrind a store call takes longer than the 500 ms default; the deadline's timer costs the same either way.`,
    "- A window starts and ends at the server's markers: a line on its stdin makes it call `uv_os_gethostname`, which `--zero-before` watches, and the next line `uv_os_getpriority`, which `--dump-before` watches; the server answers each line, so no request overtakes a marker. Every thread of the process counts.",
    `- Left out unless named in \`--only\`: ${SLOW_PEERS.join(' and ')}, whose requests take 50–100× longer under callgrind than natively; the timed benchmark puts them at 20–60× hallpass's added cost. Without hono-sessions, Hono has no peer here and its target rows are absent.`,
    '- Not counted: the kernel (system calls, the loopback network), waiting on memory and caches. One request at a time also means no batching of several requests in one event-loop turn, which the timed benchmark has under 32 connections. Read the figures as the user-space work each library asks of the CPU.',
    '',
    '## Results',
    '',
  ];
  for (const framework of options.http.frameworks) lines.push(...frameworkTable(framework, configs, counts.results, counts.windows), '');
  if (counts.failures.length > 0) lines.push('## Failures', '', ...counts.failures.map((f) => `- ${f}`), '');
  lines.push(
    '## Versions',
    '',
    '| component | version |',
    '|---|---|',
    ...[...collectVersions(), ['valgrind', valgrind ?? 'unknown'] as [string, string]].map(([name, version]) => `| ${name} | ${version} |`),
    '',
  );
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runInstructionCount(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
