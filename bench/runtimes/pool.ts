/**
 * The cookies each library is loaded with, made beforehand in Node by the very handler the runtimes
 * serve (bench/runtimes/handlers/), with the run's secret: `size` distinct sessions from `/write`
 * without a cookie. The bare handler gets hallpass's, so every row sends a cookie of the same size.
 */
import type { Library } from './libraries.js';

export async function makePool(library: Library, secret: string, size: number): Promise<string[]> {
  const source: Library = library === 'bare' ? 'hallpass' : library;
  const { makeHandler } = (await import(`./handlers/${source}.js`)) as {
    makeHandler: (secret: string) => (request: Request) => Promise<Response>;
  };
  const handler = makeHandler(secret);
  const cookies: string[] = [];
  for (let i = 0; i < size; i++) {
    const response = await handler(new Request('http://127.0.0.1/write'));
    const setCookie = response.headers.getSetCookie()[0];
    if (!setCookie) throw new Error(`${source}'s /write issued no cookie`);
    cookies.push(setCookie.split(';')[0] as string);
  }
  return cookies;
}
