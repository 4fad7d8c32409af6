/**
 * `npm run bench -- runtimes [flags]`: a bare fetch handler, hallpass (`hallpass/fetch`, default
 * settings) and iron-session, each bundled alone and served by Deno, Bun, workerd (and the edge
 * runtime with `--runtimes ...,edge`), loaded from Node on `/read` and `/write` with a pool of
 * distinct cookies and with one repeated cookie, rounds interleaved. Flags: bench/runtimes/args.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningRuntime } from '../../test/runtimes/contract.js';
import { type LoadResult, loadRun } from '../http/load.js';
import { type Results, record } from '../http/stats.js';
import { parseRuntimesArgs } from './args.js';
import { checkServer } from './check.js';
import { LIBRARIES, type Library, ROUTES, SCENARIOS } from './libraries.js';
import { makePool } from './pool.js';
import { configId, renderReport } from './report.js';
import { startServer } from './servers.js';
import { collectVersions, loadAverage } from './versions.js';

export async function runRuntimesBench(argv: readonly string[]): Promise<void> {
  const options = parseRuntimesArgs(argv);
  const started = new Date();
  const loadAverages = [loadAverage()];
  console.error(`runtimes bench: ${options.runtimes.join(', ')}; ${options.rounds} rounds of ${options.duration} s per row.`);
  console.error('Note: timed on a busy 2-core machine shared with other work; the load note goes into the report.');
  const secret = randomBytes(32).toString('base64url');
  const scratch = mkdtempSync(join(tmpdir(), 'hallpass-runtimes-bench-'));
  const pools = new Map<Library, { file: string; repeat: string }>();
  const servers = new Map<string, RunningRuntime>();
  const results: Results = new Map();
  try {
    for (const library of LIBRARIES) {
      const cookies = await makePool(library, secret, options.poolSize);
      const file = join(scratch, `${library}.txt`);
      writeFileSync(file, `${cookies.join('\n')}\n`);
      pools.set(library, { file, repeat: cookies[0] as string });
    }
    for (const runtime of options.runtimes) {
      for (const library of LIBRARIES) {
        const name = configId(runtime, library);
        const server = await startServer(runtime, library, secret);
        servers.set(name, server);
        await checkServer(server.base, library, pools.get(library)?.repeat as string, name);
        console.error(`${name} serving on ${server.base}`);
      }
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const runtime of options.runtimes) {
        for (const scenario of SCENARIOS) {
          for (const route of ROUTES) {
            // The order of the libraries turns each round, so none is always timed first after a switch.
            const order = LIBRARIES.map((_, i) => LIBRARIES[(i + round) % LIBRARIES.length] as Library);
            for (const library of order) {
              const name = configId(runtime, library);
              const pool = pools.get(library) as { file: string; repeat: string };
              const port = Number(new URL(servers.get(name)?.base as string).port);
              let result: LoadResult | undefined;
              try {
                result = await loadRun(
                  {
                    port,
                    path: `/${route}`,
                    seconds: options.duration,
                    connections: options.connections,
                    cpu: options.loadCpu,
                    ...(scenario === 'pool' ? { poolFile: pool.file } : { cookie: pool.repeat }),
                  },
                  'autocannon',
                );
              } catch (error) {
                console.error(`${name} ${scenario}/${route} round ${round + 1} failed: ${(error as Error).message}`);
              }
              record(results, name, `${scenario}/${route}`, round, result);
              console.error(`round ${round + 1} ${name} ${scenario}/${route}: ${result ? Math.round(result.rps) : 'failed'} req/s`);
            }
            loadAverages.push(loadAverage());
          }
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((server) => server.close().catch(() => {})));
    rmSync(scratch, { recursive: true, force: true });
  }
  const report = renderReport(results, options, {
    command: `npm run bench -- runtimes ${argv.join(' ')}`.trim(),
    started,
    seconds: (Date.now() - started.getTime()) / 1000,
    versions: collectVersions(),
    loadAverages,
  });
  console.log(report);
  if (options.out) writeFileSync(options.out, report);
}
