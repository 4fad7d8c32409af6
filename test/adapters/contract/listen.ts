export { listen, type Running } from '../../support/listen.js';

/** Reads a request body as JSON (`undefined` when empty), for apps without a body parser. */
export async function readJson(stream: AsyncIterable<Buffer | string>): Promise<unknown> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text === '' ? undefined : JSON.parse(text);
}
