/**
 * CPU profiles of the benchmark servers under load (`node --cpu-prof`), summarised per request:
 *
 *   node --import tsx bench/http/profile.ts --frameworks fastify,node --libraries bare,hallpass-sealed --routes read,write
 *
 * Each server runs pinned like in the benchmark, is warmed up, loaded with wrk for `--duration`
 * seconds and stopped; only the samples of the timed window are counted. Prints markdown; the
 * `.cpuprofile` files stay in `--dir` (default a temporary directory) for Chrome DevTools.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildServers, removeBuild } from './build.js';
import { bareCookie, closeClient, cookiePool, newSessionCookie } from './client.js';
import { LIBRARIES } from './configs.js';
import { type FunctionTime, summariseProfile } from './cpuprofile.js';
import { loadRun } from './load.js';
import { cpuSeconds, pinSelf, startRedis, startServer, stopServer } from './processes.js';

const { values } = parseArgs({
  options: {
    frameworks: { type: 'string', default: 'fastify,node' },
    libraries: { type: 'string', default: 'bare,hallpass-sealed' },
    routes: { type: 'string', default: 'read,write,untouched' },
    scenario: { type: 'string', default: 'same' },
    duration: { type: 'string', default: '8' },
    pool: { type: 'string', default: '2000' },
    top: { type: 'string', default: '25' },
    interval: { type: 'string', default: '200' },
    dir: { type: 'string' },
    tsx: { type: 'boolean', default: false },
  },
});
const list = (text: string) => text.split(',').filter(Boolean);
const duration = Number(values.duration);
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'hallpass-profile-'));
const top = Number(values.top);
const us = (n: number) => n.toFixed(2);

async function profileOne(framework: string, library: string, route: string): Promise<string[]> {
  const name = `${framework}-${library}-${route}-${values.scenario}`;
  // Each thread writes its own profile (tsx runs a loader thread): one directory per server, main thread's file kept.
  const profileDir = join(dir, name);
  mkdirSync(profileDir, { recursive: true });
  const server = await startServer({
    framework,
    library,
    cpu: '1',
    env: { BENCH_SECRET: secret, BENCH_PREFIX: `hallpass-profile:${process.pid}:`, BENCH_REDIS_PORT: String(redis?.port ?? 6379) },
    nodeFlags: ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', values.interval],
    entry,
  });
  let poolFile: string | undefined;
  let cookie: string;
  try {
    cookie = LIBRARIES[library]?.reference ? bareCookie() : await newSessionCookie(server.port);
    if (values.scenario === 'pool') {
      const pool = LIBRARIES[library]?.reference
        ? Array.from({ length: Number(values.pool) }, (_, i) => bareCookie(i))
        : await cookiePool(server.port, Number(values.pool));
      poolFile = join(dir, `${name}.cookies`);
      writeFileSync(poolFile, `${pool.join('\n')}\n`);
    }
    const spec = { port: server.port, path: `/${route}`, connections: 32, cpu: '0', cookie, poolFile };
    await loadRun({ ...spec, seconds: 2 }, 'wrk');
    const before = cpuSeconds(server.child.pid) ?? 0;
    const result = await loadRun({ ...spec, seconds: duration }, 'wrk');
    const cpu = ((cpuSeconds(server.child.pid) ?? 0) - before) * 1e6;
    await stopServer(server);
    const mainThread = readdirSync(profileDir).find((file) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(file));
    if (!mainThread) throw new Error(`no main-thread profile in ${profileDir}`);
    const summary = summariseProfile(join(profileDir, mainThread), duration);
    const requests = result.requests * (summary.windowUs / (duration * 1e6));
    const busy = summary.categories.filter((c) => c.category !== 'idle').reduce((a, c) => a + c.us, 0);
    const perRequest = (n: number) => us(n / requests);
    const share = (n: number) => `${((100 * n) / busy).toFixed(1)}%`;
    const row = (f: FunctionTime, n: number) => `| ${perRequest(n)} | ${share(n)} | \`${f.name}\` | ${f.where} | ${f.category} |`;
    const self = [...summary.functions].sort((a, b) => b.selfUs - a.selfUs).slice(0, top);
    const mine = summary.functions
      .filter((f) => f.category === 'hallpass')
      .sort((a, b) => b.totalUs - a.totalUs)
      .slice(0, top);
    return [
      `### ${framework} / ${library} / GET /${route} (${values.scenario === 'pool' ? `pool of ${values.pool}` : 'repeat cookie'})`,
      '',
      `${Math.round(result.rps)} req/s under the profiler; ${us(cpu / result.requests)} CPU µs per request (from /proc); profiled busy time ${perRequest(busy)} µs per request.`,
      '',
      '| category | µs/req | share |',
      '|---|---:|---:|',
      ...summary.categories.map((c) => `| ${c.category} | ${perRequest(c.us)} | ${c.category === 'idle' ? '-' : share(c.us)} |`),
      '',
      `Top ${top} by self time:`,
      '',
      '| self µs/req | share | function | where | category |',
      '|---:|---:|---|---|---|',
      ...self.map((f) => row(f, f.selfUs)),
      '',
      'hallpass functions by inclusive time (their callees included):',
      '',
      '| total µs/req | share | function | where | category |',
      '|---:|---:|---|---|---|',
      ...mine.map((f) => row(f, f.totalUs)),
      '',
    ];
  } finally {
    await stopServer(server);
  }
}

const secret = (await import('node:crypto')).randomBytes(32).toString('base64url');
// Profile the code as it ships (compiled), unless --tsx asks for the sources.
const entry = values.tsx ? undefined : buildServers();
// Redis-backed libraries get a private redis-server, as in the benchmark.
const redis = list(values.libraries).some((library) => library.endsWith('-redis')) ? await startRedis('0') : undefined;
pinSelf('0');
const out: string[] = [`Profiles in ${dir} (interval ${values.interval} µs, ${duration} s window after a 2 s warm-up).`, ''];
for (const framework of list(values.frameworks)) {
  for (const library of list(values.libraries)) {
    for (const route of list(values.routes)) {
      process.stderr.write(`[profile] ${framework}/${library} /${route}\n`);
      try {
        out.push(...(await profileOne(framework, library, route)));
      } catch (error) {
        out.push(`### ${framework} / ${library} / GET /${route}: failed: ${(error as Error).message}`, '');
      }
    }
  }
}
closeClient();
await redis?.stop();
if (entry) removeBuild();
console.log(out.join('\n'));
