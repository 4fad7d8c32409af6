/**
 * Reading what a Redis REST endpoint sends, within bounds: the body up to a size cap, and its
 * error text cut short and stripped of control characters before it reaches an error message (and
 * so a log). Runtime-neutral: Web streams and `TextDecoder` only.
 * @module
 */
import { StoreError } from '../../core/errors.js';

/** The largest reply read: far above any session (cookie-sized IDs, small JSON), far below a flood. */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;
/** The most characters of an endpoint's own error text kept in a message. */
const MAX_ERROR_TEXT = 200;

/** The body of `response` as text; past `maxBytes` the stream is cancelled and a `StoreError` thrown. */
export async function readCapped(response: Response, maxBytes = MAX_REPLY_BYTES): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new StoreError('ERR_STORE', `The Redis REST endpoint sent a reply over ${maxBytes} bytes; it was cut off.`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** Text an endpoint supplied, fit for an error message: control characters out, at most 200 characters. */
export function endpointText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  return clean.length > MAX_ERROR_TEXT ? `${clean.slice(0, MAX_ERROR_TEXT)}...` : clean;
}
