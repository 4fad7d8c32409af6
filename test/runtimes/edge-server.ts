/**
 * Vercel's edge runtime, as its own server does it: the bundled app is evaluated in an EdgeVM (a V8
 * context holding only Web APIs: no `require`, no `Buffer`, no Node modules), and a small node:http
 * server turns each request into the VM's own `Request` and writes back the `Response` it returns.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { EdgeVM } from '@edge-runtime/vm';
import { listen } from '../support/listen.js';
import type { RunningRuntime } from './contract.js';

/** The global the bundle (an IIFE) assigns the entry's exports to. */
export const EDGE_GLOBAL = 'edgeApp';

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function serveOnEdge(code: string, env: Record<string, string>): Promise<RunningRuntime> {
  let output = '';
  const vm = new EdgeVM({ extend: (context) => Object.assign(context, { process: { env: { ...env } } }) });
  try {
    vm.evaluate(code);
  } catch (error) {
    throw new Error(`the edge runtime could not load the app: ${(error as Error).message}`);
  }
  const handler = vm.evaluate(`${EDGE_GLOBAL}.default`) as (request: Request) => Promise<Response>;
  const server = createServer(async (req, res) => {
    try {
      const body = await readAll(req);
      const headers = new vm.context.Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
      const request = new vm.context.Request(`http://${req.headers.host}${req.url}`, {
        method: req.method,
        headers,
        body: body.length > 0 ? new vm.context.Uint8Array(body) : undefined,
      });
      const response = await handler(request as unknown as Request);
      res.statusCode = response.status;
      response.headers.forEach((value, name) => {
        if (name !== 'set-cookie') res.setHeader(name, value);
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) res.setHeader('set-cookie', cookies);
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      output += `${(error as Error).stack}\n`;
      res.statusCode = 500;
      res.end();
    }
  });
  const running = await listen(server);
  return { base: running.url, output: () => output, close: running.close };
}
