import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after } from 'node:test';
import { listen, type Running } from '../../support/listen.js';

export { listen, type Running };

/**
 * A suite's `serve(app)`: serves a `node:http` handler (an Express app, say) on a free port and
 * answers its base URL; every server it started closes when the suite ends.
 */
export function appServer(): (app: (req: IncomingMessage, res: ServerResponse) => void) => Promise<string> {
  const running: Running[] = [];
  after(() => Promise.all(running.map((server) => server.close())));
  return async (app) => {
    const server = await listen(createServer(app));
    running.push(server);
    return server.url;
  };
}

/** Reads a request body as JSON (`undefined` when empty), for apps without a body parser. */
export async function readJson(stream: AsyncIterable<Buffer | string>): Promise<unknown> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text === '' ? undefined : JSON.parse(text);
}
