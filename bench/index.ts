/**
 * `npm run bench`: the codec micro-benchmark (when no suite, or `codecs`, is named), and the suites named on the command line:
 * `npm run bench -- jwt` for tokens, `npm run bench -- http [flags]` for HTTP throughput against
 * every peer (flags after `http` go to it: `--quick`, `--frameworks fastify,node`, ...; see
 * bench/http/args.ts), `npm run bench -- instructions [flags]` for the same servers' instructions
 * per request under callgrind (bench/http/instructions.ts), `npm run bench -- calls` for the
 * instructions per call of each codec and the primitives under it (bench/http/per-call-count.ts),
 * `npm run bench -- runtimes [flags]` for hallpass against iron-session on Deno, Bun and workerd
 * (bench/runtimes/).
 */
import { runCodecBench } from './codecs.js';
import { runHttpBench } from './http/index.js';
import { runInstructionCount } from './http/instructions.js';
import { runPerCallCount } from './http/per-call-count.js';
import { runJwtBench } from './jwt.js';
import { runRuntimesBench } from './runtimes/index.js';

const suites = process.argv.slice(2);
if (suites.length === 0) console.log(runCodecBench());
for (const suite of suites) {
  if (suite === 'codecs') {
    console.log(runCodecBench());
    continue;
  }
  if (suite === 'http') {
    await runHttpBench(process.argv.slice(process.argv.indexOf('http') + 1));
    break;
  }
  if (suite === 'instructions') {
    await runInstructionCount(process.argv.slice(process.argv.indexOf('instructions') + 1));
    break;
  }
  if (suite === 'calls') {
    await runPerCallCount(process.argv.slice(process.argv.indexOf('calls') + 1));
    break;
  }
  if (suite === 'runtimes') {
    await runRuntimesBench(process.argv.slice(process.argv.indexOf('runtimes') + 1));
    break;
  }
  if (suite === 'jwt') {
    console.log(await runJwtBench());
    continue;
  }
  console.error(`unknown bench suite ${JSON.stringify(suite)}`);
  process.exitCode = 2;
}
