/** Small HTTP helpers for the demo: body parsing with a size limit, JSON, page and redirect replies, static assets. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';

const BODY_LIMIT = 64 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error));
  }
}

/** Reads a JSON or form body into a plain object (empty when there is none). */
export async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new HttpError(413, { error: 'payload_too_large' });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  const type = req.headers['content-type'] ?? '';
  // A form post is parsed as a form, unless it is plainly JSON (as `curl -d '{...}'` sends it).
  if (type.includes('application/x-www-form-urlencoded') && !text.trimStart().startsWith('{')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, { error: 'invalid_json', message: 'The body is not valid JSON.' });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HttpError(422, { error: 'invalid_body', message: 'The body must be a JSON object.' });
  }
  return parsed as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

// The page loads only its own style sheet, script and icon, and posts forms only to itself.
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'private, no-store',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

/** A page for one user: never cached by shared caches, nor kept for the back button (it may show a flash once). */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, PAGE_HEADERS);
  res.end(html);
}

/** 303 See Other: what a form post answers so a reload does not post again. */
export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location });
  res.end();
}

/** True when the client is a browser asking for a page rather than JSON. */
export function wantsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

/** True when the request came from an HTML form (so it should be answered with a redirect). */
export function isFormPost(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** The files of an assets folder, served at `/assets/<name>`, each with a content-hashed URL. */
export interface Assets {
  /** `name` -> `/assets/<name>?v=<hash>`: the URL changes with the content, so it can be cached for a year. */
  url(name: string): string;
  /** Answers GET and HEAD for `/assets/*`; returns false for any other request. Never touches the session. */
  serve(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

export function loadAssets(dir: URL): Assets {
  const files = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(new URL(name, dir));
    files.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
  }
  return {
    url(name) {
      const asset = files.get(name);
      if (!asset) throw new Error(`No asset named ${name}`);
      return `/assets/${name}?v=${asset.etag.slice(1, 9)}`;
    },
    serve(req, res, url) {
      if (!url.pathname.startsWith('/assets/') || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
      const asset = files.get(url.pathname.slice('/assets/'.length));
      if (!asset) {
        sendJson(res, 404, { error: 'not_found' });
        return true;
      }
      const headers = {
        'Content-Type': asset.type,
        'Cache-Control': 'public, max-age=31536000, immutable',
        ETag: asset.etag,
        'X-Content-Type-Options': 'nosniff',
      };
      if (req.headers['if-none-match'] === asset.etag) {
        res.writeHead(304, headers).end();
        return true;
      }
      res.writeHead(200, { ...headers, 'Content-Length': asset.body.length });
      res.end(req.method === 'HEAD' ? undefined : asset.body);
      return true;
    },
  };
}
