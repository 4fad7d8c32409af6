/**
 * `npm run bench`: the codec micro-benchmark (always), then the suites named on the command line:
 * `npm run bench -- http` for HTTP throughput against peers, `npm run bench -- jwt` for tokens.
 */
import { runCodecBench } from './codecs.js';
import { runJwtBench } from './jwt.js';

const suites = process.argv.slice(2);
console.log(runCodecBench());
for (const suite of suites) {
  if (suite === 'codecs') continue;
  if (suite === 'jwt') {
    console.log(await runJwtBench());
    continue;
  }
  console.error(`unknown bench suite ${JSON.stringify(suite)}`);
  process.exitCode = 2;
}
