/** The demo tests' view of the shared client: one request, no redirects followed, the cookie by hand. */
import { call as send } from '../support/http.js';

export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

export interface CallOptions {
  method?: string;
  /** A `name=value` Cookie header. */
  cookie?: string;
  accept?: string;
  json?: unknown;
  /** Form fields; pairs when a name repeats (a hidden field before a checkbox of the same name). */
  form?: Record<string, string> | [string, string][];
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json(): unknown;
  /** The one Set-Cookie header, if any (the demo never sends two). */
  setCookie?: string;
  /** The `name=value` pair of `setCookie`, ready for the next request. */
  cookie?: string;
}

export async function call(base: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.accept) headers.accept = options.accept;
  const method = options.method ?? (options.json === undefined && !options.form ? 'GET' : 'POST');
  const answer = await send(base, method, path, { cookie: options.cookie, json: options.json, form: options.form, headers });
  if (answer.setCookies.length > 1) throw new Error(`expected at most one Set-Cookie, got ${answer.setCookies.length}`);
  const setCookie = answer.setCookies[0];
  const { text } = answer;
  return {
    status: answer.status,
    headers: answer.headers,
    text,
    json: () => JSON.parse(text),
    setCookie,
    cookie: setCookie?.slice(0, setCookie.indexOf(';')),
  };
}

/** A browser form post: form-encoded, asking for HTML. */
export function submit(base: string, path: string, form: Record<string, string> | [string, string][], cookie?: string): Promise<Reply> {
  return call(base, path, { form, cookie, accept: BROWSER_ACCEPT });
}

/** The page a browser gets for `/`. */
export function page(base: string, cookie?: string): Promise<Reply> {
  return call(base, '/', { cookie, accept: BROWSER_ACCEPT });
}
