/** The markdown the HTTP benchmark prints and writes to docs/benchmarks/http.md. */
import type { HttpBenchOptions } from './args.js';
import { type Config, FRAMEWORK_LABEL, type Framework, LIBRARIES, SCENARIO_LABEL, type Scenario } from './configs.js';
import type { TripCount } from './redis-trips.js';
import { type Results, summarise } from './stats.js';
import type { Measure, TargetRow } from './targets.js';

export interface RunReport {
  options: HttpBenchOptions;
  command: string;
  configs: Config[];
  results: Results;
  targets: TargetRow[];
  floor: Record<string, number>;
  floorSamples: number;
  trips: Array<{ config: Config; kind: string; count: TripCount }>;
  failures: string[];
  notes: string[];
  versions: Array<[string, string]>;
  startedAt: Date;
  seconds: number;
  /** The machine the run measured on: CPU, cores, load when it started. */
  machine: string;
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
export const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
const int = (n: number) => (Number.isFinite(n) ? String(Math.round(n)) : '-');
export const verdict = (pass: boolean | undefined) => (pass === undefined ? 'n/a' : pass ? 'yes' : '**no**');

function targetTable(rows: TargetRow[]): string[] {
  const cell = (m: Measure | undefined, unit: TargetRow['unit']) => {
    if (!m) return ['-', '-', '-', '-'];
    const show = (n: number) => (unit === 'µs' ? `${f1(n)} µs` : `${int(n)}/s`);
    return [show(m.value), `${m.referenceLabel} ${show(m.reference)}`, `${f2(m.ratio)}×`, verdict(m.pass)];
  };
  return [
    '| target | framework | hallpass | route | limit | hallpass (req/s) | reference (req/s) | ratio | met | hallpass (CPU) | reference (CPU) | ratio | met |',
    '|---|---|---|---|---|---:|---|---:|---|---:|---|---:|---|',
    ...rows.map((r) =>
      [r.target, r.framework, r.subject, r.route, r.limit, ...cell(r.rps, r.unit), ...cell(r.cpu, r.unit)]
        .join(' | ')
        .replace(/^/, '| ')
        .concat(' |'),
    ),
  ];
}

function frameworkTable(framework: Framework, configs: Config[], results: Results): string[] {
  const bareId = `${framework}/bare`;
  const lines = [
    `### ${FRAMEWORK_LABEL[framework]}`,
    '',
    '| library | store | scenario | route | req/s | p99 ms | × bare | added µs/req | CPU µs/req | added CPU µs/req | req/s per round | errors |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|',
  ];
  for (const config of configs.filter((c) => c.framework === framework)) {
    const info = LIBRARIES[config.library];
    for (const kind of config.kinds) {
      const key = `${kind.scenario}/${kind.route}`;
      const s = summarise(results, config.id, bareId, key);
      const store = `${info?.store ?? ''}${config.variant ? `, ${config.variant}` : ''}`;
      const scenario = SCENARIO_LABEL[kind.scenario];
      if (!s) {
        lines.push(`| ${info?.label} | ${store} | ${scenario} | /${kind.route} | failed | | | | | | | |`);
        continue;
      }
      const isBare = config.library === 'bare';
      lines.push(
        `| ${info?.label} | ${store} | ${scenario} | /${kind.route} | ${int(s.rps)} | ${f2(s.p99ms)} | ${isBare ? '1.00' : f2(s.ratio)} | ${isBare ? '-' : f1(s.addedUs)} | ${f1(s.cpuUs)} | ${isBare ? '-' : f1(s.addedCpuUs)} | ${s.perRound.map(int).join(' / ')} | ${s.errors} |`,
      );
    }
  }
  return lines;
}

const FLOOR_ROWS: Array<[string, string]> = [
  ['sealed floor read', 'AES-256-GCM open (node:crypto) + JSON.parse'],
  ['sealed floor write', 'AES-256-GCM open + JSON.parse + JSON.stringify + seal'],
  ['signed floor read', 'HMAC-SHA256 verify (node:crypto) + JSON.parse'],
  ['signed floor write', 'HMAC-SHA256 verify + JSON.parse + JSON.stringify + sign'],
  ['base64url decode+encode', 'base64url decode + encode of the cookie (not in the floor)'],
  ['sealed codec read', 'hallpass sealed codec decode'],
  ['sealed codec write', 'hallpass sealed codec decode + encode'],
  ['signed codec read', 'hallpass signed codec decode'],
  ['signed codec write', 'hallpass signed codec decode + encode'],
  ['sealed core read', 'hallpass core, no HTTP: loadNow + get + commitNow (sealed)'],
  ['sealed core write', 'hallpass core, no HTTP: loadNow + get + set + commitNow (sealed)'],
];

export function renderReport(run: RunReport): string {
  const { options } = run;
  const frameworks = [...new Set(run.configs.map((c) => c.framework))];
  const minutes = (run.seconds / 60).toFixed(1);
  const lines = [
    '# Benchmarks',
    '',
    `HTTP throughput of hallpass against the session libraries people use today, on five frameworks. Measured ${run.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC on Node ${process.version}, ${run.machine}; the run took ${minutes} min. Every ratio below is against a baseline measured in the same run.`,
    '',
    'Reproduce:',
    '',
    '```sh',
    run.command,
    '```',
    '',
    '## Targets',
    '',
    'Each ratio compares figures from the same run. "Added µs" is what a library adds to a request over its framework\'s bare app, per round, then the median: from throughput (`1e6/rps_lib − 1e6/rps_bare`, valid while the server saturates its core) and from the server process\'s CPU time per request (user + system from `/proc`, divided by the requests served), which other work on a shared machine disturbs far less. For `/untouched` the ratio is req/s against the bare app (CPU: bare CPU µs / hallpass CPU µs). "n/a": the reference is at or below zero, inside the noise, or the row states a cost (limit `cost`) rather than a target.',
    '',
    ...targetTable(run.targets),
    '',
    '## Method',
    '',
    `- Each server is its own process pinned to CPU ${options.serverCpu} (\`taskset -c ${options.serverCpu}\`); the load generator (${options.loader}${options.loader === 'wrk' ? ', one thread' : ''}) runs pinned to CPU ${options.loadCpu}, and so do this harness and the Redis server, so the server core pays only the Node side of each store call.`,
    `- ${options.connections} connections; a ${options.warmup} s warm-up per config and route; ${options.rounds} rounds of ${options.duration} s. Rounds are interleaved: in each round every route runs on every config of the framework, forward in odd rounds and backward in even ones. Figures are medians over rounds; ratios and added µs are computed per round against the bare app's run of the same round, then the median is taken.`,
    '- Routes: `GET /read` answers `{"count":n}` from the session without changing it; `GET /write` increments it; `GET /untouched` never touches the session. The bare app answers the same bodies from a process-wide counter.',
    `- Before loading, each config gets a session cookie from one \`GET /write\` (its \`Set-Cookie\`, the last value winning per name) and \`GET /read\` with it must answer \`{"count":1}\`. Same-cookie scenario: that cookie on every request. Pool scenario: ${options.poolSize.toLocaleString('en')} valid cookies from as many sessions (one \`GET /write\` each, a sample verified), rotated request by request (a wrk Lua script); they are all distinct except where a library's cookie is a pure function of the session data (see the notes). The bare app receives a cookie header of similar size.`,
    "- Peers: express-session (MemoryStore, and connect-redis over node-redis) and cookie-session are connect-style middleware; Express mounts them with `app.use`, and node:http runs them in front of its handler as a connect app would, so they are also measured without Express's own cost per middleware. hallpass runs on node-redis there too, connect-redis's client, so the Redis comparison isolates the session layers: both clients are created as each library's documentation shows, and hallpass's store sends its own commands without node-redis's per-command timer (docs/stores-network.md), which connect-redis's commands keep.",
    "- `(no-op middleware)`: the bare app behind one middleware shaped like hallpass's that does nothing (on Fastify, the same three hooks), run on `/untouched` only. It is the framework's own price of adding any middleware, which target 4 counts against hallpass; row 4b compares with it instead.",
    "- `(middleware setting req.session)` (Express): the no-op middleware that also sets `req.session`, as any session middleware must, on `/untouched` only. Express sets each request's prototype, and on Node 20 a property added after that gives the request a hidden class of its own; row 4c compares with it.",
    '- The load generator ignores `Set-Cookie`: every `/write` decodes the same stored value and writes count 2 (cookie libraries) or increments the stored session (server-side stores).',
    '- p99 latency with all connections queued on one saturated core mostly shows queueing and GC pauses: read it as a relative indicator.',
    '- The machine is shared and noisy: trust same-round ratios over absolute req/s.',
    '- Where a pool read goes, piece by piece, counted in instructions: [pool-read.md](pool-read.md).',
    "- The same servers, routes and targets counted in CPU instructions under valgrind instead of timed, a unit the machine's load disturbs far less than time: [instruction-counts.md](instruction-counts.md) (`npm run bench -- instructions`).",
    ...run.notes.map((note) => `- ${note}`),
    '',
    '## Results',
    '',
  ];
  for (const framework of frameworks) lines.push(...frameworkTable(framework, run.configs, run.results), '');
  lines.push(
    '## Crypto floor (same run)',
    '',
    `On the payload hallpass carries in this benchmark (${run.floor['payload bytes']} bytes of JSON, a ${run.floor['cookie chars']}-character sealed cookie), in a process pinned to the server core between load runs; median of ${run.floorSamples} samples.`,
    '',
    '| operation | µs |',
    '|---|---:|',
    ...FLOOR_ROWS.map(([key, label]) => `| ${label} | ${f2(run.floor[key] ?? Number.NaN)} |`),
    '',
  );
  if (run.trips.length > 0) {
    // The count depends on the library, not the framework: one row per library, scenario and route.
    const rows = new Map<string, { frameworks: string[]; line: (frameworks: string) => string }>();
    for (const { config, kind, count } of run.trips) {
      const key = `${config.library} ${kind}`;
      const [scenario, route] = kind.split('/');
      const commands = Object.entries(count.commands)
        .map(([name, n]) => `${name} ${f2(n)}`)
        .join(', ');
      const info = LIBRARIES[config.library];
      const row = rows.get(key) ?? {
        frameworks: [],
        line: (frameworks: string) =>
          `| ${info?.label} | ${info?.store} | ${SCENARIO_LABEL[scenario as Scenario]} | /${route} | ${f2(count.perRequest)} | ${commands} | ${frameworks} |`,
      };
      row.frameworks.push(FRAMEWORK_LABEL[config.framework]);
      rows.set(key, row);
    }
    lines.push(
      '## Store round trips per request',
      '',
      'Redis commands each request sends (counted with `MONITOR` over 200 sequential requests outside the timed runs; commands run inside a Lua script are not round trips and are not counted).',
      '',
      '| library | store | scenario | route | round trips | commands per request | measured on |',
      '|---|---|---|---|---:|---|---|',
      ...[...rows.values()].map((row) => row.line(row.frameworks.join(', '))),
      '',
    );
  }
  if (run.failures.length > 0) lines.push('## Failures', '', ...run.failures.map((failure) => `- ${failure}`), '');
  lines.push(
    '## Versions',
    '',
    '| component | version |',
    '|---|---|',
    ...run.versions.map(([name, version]) => `| ${name} | ${version} |`),
    '',
  );
  return lines.join('\n');
}
