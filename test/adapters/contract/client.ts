/** A small HTTP client for the contract: it sends cookies by hand so every test sees exactly what crossed the wire. */
export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  /** Every Set-Cookie header, in order. */
  setCookies: string[];
}

export interface CallOptions {
  /** A `Cookie` header value, e.g. `sid=...`. */
  cookie?: string;
  /** A JSON body. */
  json?: unknown;
}

export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(base + path, {
    method,
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body, setCookies: response.headers.getSetCookie() };
}

/** The `name=value` pair of a Set-Cookie header, ready to send back as a Cookie header. */
export function pairOf(setCookie: string | undefined): string {
  if (!setCookie) throw new Error('expected a Set-Cookie header');
  return setCookie.slice(0, setCookie.indexOf(';'));
}

/** The same cookie with one character in the middle of its value changed. */
export function tamper(pair: string): string {
  const at = pair.indexOf('=') + Math.floor((pair.length - pair.indexOf('=')) / 2);
  return pair.slice(0, at) + (pair[at] === 'A' ? 'B' : 'A') + pair.slice(at + 1);
}
