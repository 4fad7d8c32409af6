/**
 * The autocannon fallback when wrk is not installed: `node --import tsx autocannon-load.ts '<json>'`
 * prints one LoadResult as JSON. A pool file rotates cookies through `setupRequest`.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  seconds: number;
  connections: number;
  cookie?: string;
  poolFile?: string;
};
const pool = spec.poolFile ? readFileSync(spec.poolFile, 'utf8').split('\n').filter(Boolean) : [];
let index = 0;

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  headers: spec.cookie ? { cookie: spec.cookie } : {},
  requests: pool.length
    ? [
        {
          setupRequest: (request: { headers?: Record<string, string> }) => {
            index = (index + 1) % pool.length;
            return { ...request, headers: { ...request.headers, cookie: pool[index] as string } };
          },
        },
      ]
    : undefined,
});
process.stdout.write(
  JSON.stringify({
    rps: result.requests.average,
    p99ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  }),
);
