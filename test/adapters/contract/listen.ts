import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A contract app listening on a free port of 127.0.0.1. */
export interface Running {
  url: string;
  close(): Promise<void>;
}

export async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Reads a request body as JSON (`undefined` when empty), for apps without a body parser. */
export async function readJson(stream: AsyncIterable<Buffer | string>): Promise<unknown> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text === '' ? undefined : JSON.parse(text);
}
