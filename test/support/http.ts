/**
 * The one small HTTP client the tests share, and a `node:http` server on an ephemeral port. The
 * client sends cookies by hand and follows no redirect, so every test sees exactly what crossed
 * the wire.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, type Running } from './listen.js';

export type TestServer = Running;

/** Starts `handler` on 127.0.0.1, port 0. */
export function serve(handler: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<TestServer> {
  return listen(
    createServer((req, res) => {
      void handler(req, res);
    }),
  );
}

/** Resolves after `ms` milliseconds. */
export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Answer {
  status: number;
  headers: Headers;
  /** The body parsed as JSON when the response says it is JSON (loose: each test knows its shape), else the text. */
  body: any;
  text: string;
  /** Every Set-Cookie header, in order. */
  setCookies: string[];
}

export interface CallOptions {
  /** A `Cookie` header value, e.g. `sid=...`. */
  cookie?: string;
  /** A JSON body. */
  json?: unknown;
  /** A form-encoded body. */
  form?: Record<string, string> | [string, string][];
  headers?: Record<string, string>;
}

/** One request to `base + path`; no redirect is followed. */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  } else if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const response = await fetch(base + path, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed, text, setCookies: response.headers.getSetCookie() };
}
