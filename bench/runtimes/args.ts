/** Command-line flags of `npm run bench -- runtimes`. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { list } from '../http/args.js';
import { RUNTIMES, type Runtime } from './libraries.js';

export interface RuntimesBenchOptions {
  runtimes: Runtime[];
  duration: number;
  rounds: number;
  connections: number;
  poolSize: number;
  loadCpu: string;
  /** Where to write the markdown; undefined to only print it. */
  out?: string;
}

export const USAGE = `npm run bench -- runtimes [flags]
  --runtimes a,b     deno,bun,workerd,edge (default deno,bun,workerd)
  --duration s (2)   --rounds n (2)   --connections n (16)   --pool n (1000)   --load-cpu 0
  --out file         also write the report there (e.g. docs/benchmarks/runtimes.md)`;

export function parseRuntimesArgs(argv: readonly string[]): RuntimesBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      runtimes: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      pool: { type: 'string' },
      'load-cpu': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const runtimes = (list(values.runtimes) ?? ['deno', 'bun', 'workerd']) as Runtime[];
  const unknown = runtimes.filter((name) => !(RUNTIMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--runtimes: unknown ${unknown.join(', ')}; choose from ${RUNTIMES.join(', ')}.\n${USAGE}`);
  const positive = (name: string, value: string | undefined, fallback: number) => {
    const number = value === undefined ? fallback : Number(value);
    if (!(number > 0)) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(value)}.\n${USAGE}`);
    return number;
  };
  return {
    runtimes,
    duration: positive('duration', values.duration, 2),
    rounds: Math.round(positive('rounds', values.rounds, 2)),
    connections: Math.round(positive('connections', values.connections, 16)),
    poolSize: Math.round(positive('pool', values.pool, 1000)),
    loadCpu: values['load-cpu'] ?? '0',
    // npm runs the suite inside bench/: a relative path is taken from where `npm run` was typed.
    out: values.out === undefined ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), values.out),
  };
}
