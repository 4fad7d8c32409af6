/**
 * HTTP clients for the attack suite. `send` goes through node:http on a keep-alive agent and can
 * send several `Cookie` header lines (as HTTP/2 splits them). `sendRaw` writes the request bytes
 * itself, for values node:http refuses to send (control characters, raw UTF-8).
 */
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  /** Every Set-Cookie header, in order. */
  setCookie: string[];
  text: string;
  json: any;
}

export interface SendOptions {
  /** One `Cookie` header, or several header lines. */
  cookie?: string | readonly string[];
  json?: unknown;
  /** A urlencoded form body. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

function replyOf(status: number, headers: IncomingHttpHeaders, text: string): Reply {
  const setCookie = headers['set-cookie'] ?? [];
  let json: unknown;
  if (String(headers['content-type'] ?? '').includes('json') && text !== '') json = JSON.parse(text);
  return { status, headers, setCookie, text, json };
}

/** Sends one request to `127.0.0.1:port` on `agent` and resolves the whole reply. */
export function send(port: number, agent: Agent, method: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const raw: string[] = ['Host', 'demo.local'];
  const cookies = options.cookie === undefined ? [] : typeof options.cookie === 'string' ? [options.cookie] : options.cookie;
  for (const line of cookies) raw.push('Cookie', line);
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    raw.push('Content-Type', 'application/json');
  } else if (options.form !== undefined) {
    body = new URLSearchParams(options.form).toString();
    raw.push('Content-Type', 'application/x-www-form-urlencoded');
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) raw.push(name, value);
  // Always a length, 0 for no body: without one node:http would send a chunked (possibly empty) body.
  if (!(options.headers && Object.keys(options.headers).some((h) => h.toLowerCase() === 'content-length'))) {
    raw.push('Content-Length', String(body === undefined ? 0 : Buffer.byteLength(body)));
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: raw }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(replyOf(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8'))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A keep-alive agent for one test server; destroy it when the server closes. */
export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 16 });
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    out.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/**
 * Writes `GET path` with the given header block bytes (each line without CRLF) on a fresh
 * connection and parses the reply. The server may refuse bytes itself (400), which is also a reply.
 */
export function sendRaw(port: number, path: string, headerLines: readonly (string | Buffer)[], method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      if (split === -1) return reject(new Error(`no HTTP reply: ${JSON.stringify(all.toString('latin1'))}`));
      const [statusLine = '', ...lines] = all.subarray(0, split).toString('latin1').split('\r\n');
      const headers: IncomingHttpHeaders = {};
      const setCookie: string[] = [];
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'set-cookie') setCookie.push(value);
        else headers[name] = value;
      }
      if (setCookie.length) headers['set-cookie'] = setCookie;
      let body: Buffer = all.subarray(split + 4);
      if (String(headers['transfer-encoding'] ?? '').includes('chunked')) body = dechunk(body);
      resolve(replyOf(Number(statusLine.split(' ')[1]), headers, body.toString('utf8')));
    });
    const head: Buffer[] = [Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: demo.local\r\nConnection: close\r\n`, 'latin1')];
    for (const line of headerLines) head.push(typeof line === 'string' ? Buffer.from(line, 'latin1') : line, Buffer.from('\r\n'));
    head.push(Buffer.from('\r\n'));
    socket.end(Buffer.concat(head));
  });
}
