/**
 * Instructions per call of the steps a session library takes per request, counted by valgrind's
 * callgrind: `npm run bench -- calls [--count n] [--only text]`. Prints markdown.
 *
 * Each operation of bench/http/servers/per-call.ts runs in its own process under callgrind twice,
 * once with the warm-up alone and once with `--count` more calls; the difference of the two totals
 * over `--count` is the operation's cost per call, with start-up, compilation and warm-up
 * cancelled out. It answers what the HTTP instruction counts cannot: how much of a request's
 * session work is the primitive itself and how much the calls around it.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { buildServers, removeBuild } from './build.js';
import { hasCommand } from './processes.js';
import { collectVersions } from './versions.js';

const run = promisify(execFile);

const USAGE = `npm run bench -- calls [flags]
  --count n      calls counted per operation, after 20,000 to warm up (default 10000)
  --only a,b     only the operations whose name contains one of these texts
  --jobs n       operations counted at once (default 1; each runs two processes)
The "redis:" operations need a Redis server on 127.0.0.1 (port BENCH_REDIS_PORT, default 6379).`;

/** The instructions one process spent in all, from callgrind's closing summary. */
async function totalInstructions(entry: string, operation: string, count: number): Promise<number> {
  const { stderr } = await run(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', entry, operation, String(count)],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const collected = /Collected : (\d+)/.exec(stderr);
  if (!collected) throw new Error(`callgrind printed no total for ${JSON.stringify(operation)}:\n${stderr.slice(-2000)}`);
  return Number(collected[1]);
}

export async function runPerCallCount(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '10000' },
      only: { type: 'string' },
      jobs: { type: 'string', default: '1' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!hasCommand('valgrind')) throw new Error('valgrind is not installed (Debian: apt-get install valgrind)');
  const count = Number(values.count);
  if (!Number.isSafeInteger(count) || count <= 0) throw new Error(`--count must be a positive integer, got ${values.count}`);
  const entry = join(dirname(buildServers()), 'per-call.js');
  try {
    const { stdout } = await run(process.execPath, [entry, '--list']);
    const only = values.only?.split(',').map((text) => text.trim());
    const operations = (JSON.parse(stdout) as string[]).filter((name) => !only || only.some((text) => name.includes(text)));
    const rows: string[] = new Array(operations.length);
    let next = 0;
    // Callgrind counts instructions, so processes running at once do not disturb each other's figure.
    const lane = async () => {
      while (next < operations.length) {
        const index = next++;
        const operation = operations[index] as string;
        const [base, loaded] = await Promise.all([totalInstructions(entry, operation, 0), totalInstructions(entry, operation, count)]);
        const perCall = (loaded - base) / count;
        console.error(`[calls] ${operation}: ${Math.round(perCall)} instructions per call`);
        rows[index] = `| ${operation} | ${(perCall / 1000).toFixed(1)} k |`;
      }
    };
    const jobs = Number(values.jobs);
    if (!Number.isSafeInteger(jobs) || jobs <= 0) throw new Error(`--jobs must be a positive integer, got ${values.jobs}`);
    await Promise.all(Array.from({ length: Math.min(jobs, operations.length) }, lane));
    const versions = new Map(collectVersions());
    console.log(
      [
        `# Instructions per call (Node ${process.version}, sodium-native ${versions.get('sodium-native') ?? 'unknown'})`,
        '',
        `Each operation: 20,000 calls to warm up, then ${count} counted; the figure is the difference between that process's total and a process that only warms up, divided by ${count}. About 200 bytes of session JSON.`,
        '',
        '| operation | instructions per call |',
        '|---|---:|',
        ...rows,
      ].join('\n'),
    );
  } finally {
    removeBuild();
  }
}
