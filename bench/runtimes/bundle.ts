/**
 * One bundle per runtime and library: the library's handler (bench/runtimes/handlers/) behind the
 * runtime's own server entry, bundled by test/runtimes/bundle.ts exactly as the runtime tests are.
 */
import { bundle } from '../../test/runtimes/bundle.js';
import { EDGE_GLOBAL } from '../../test/runtimes/edge-server.js';
import { handlerPath, type Library, type Runtime } from './libraries.js';

// The line test/runtimes/process.ts waits for, printed by the bundle itself.
const LISTEN_LINE = 'console.log("Listening on http://" + hostname + ":" + port + "/")';

function entry(runtime: Runtime, library: Library, secret: string): string {
  const head = `import { makeHandler } from './${handlerPath(library)}';\nconst handler = makeHandler(${JSON.stringify(secret)});\n`;
  if (runtime === 'deno') {
    return `${head}Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ hostname, port }) => ${LISTEN_LINE} }, handler);\n`;
  }
  if (runtime === 'bun') {
    return `${head}const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler });\nconst { hostname, port } = server;\n${LISTEN_LINE};\n`;
  }
  return `${head}export default ${runtime === 'workerd' ? '{ fetch: handler }' : 'handler'};\n`;
}

export function bundleFor(runtime: Runtime, library: Library, secret: string): Promise<string> {
  const edge = runtime === 'edge';
  return bundle(`${runtime}-${library}.ts`, {
    contents: entry(runtime, library, secret),
    format: edge ? 'iife' : 'esm',
    globalName: edge ? EDGE_GLOBAL : undefined,
  });
}
