/**
 * A local server that speaks Redis's HTTP protocol as Upstash's REST API does, in front of a real
 * Redis: `POST /` with a JSON array (`["SET","k","v"]`) answers `{"result": ...}` or, with HTTP 400,
 * `{"error": "..."}`; `POST /pipeline` and `POST /multi-exec` take an array of commands and answer
 * an array of those; `Authorization: Bearer <token>` is checked (401 otherwise); with
 * `Upstash-Encoding: base64` every string in a reply is base64 (a bare `OK` excepted), as
 * `@upstash/redis` asks by default; each reply carries an `upstash-sync-token`. Faithful enough
 * that `@upstash/redis` works against it unmodified.
 *
 * @example
 * ```ts
 * const rest = await startRedisRestServer({ token: 'secret' })
 * const store = redisHttpStore({ url: rest.url, token: 'secret' })
 * // ... rest.fault = { status: 500 } to fail every request; await rest.close()
 * ```
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

export interface RedisRestServerOptions {
  /** The bearer token clients must send. */
  token: string;
  /** The Redis behind it. Default 127.0.0.1:6379. */
  redisHost?: string;
  redisPort?: number;
  /** The port to listen on (127.0.0.1). Default: a free one. */
  port?: number;
}

export interface RedisRestServer {
  /** `http://127.0.0.1:<port>`: the REST URL to give a client. */
  readonly url: string;
  readonly port: number;
  /** While set, every request is answered with this status and body (default `{"error":"injected"}`) and reaches no Redis. */
  fault: { status: number; body?: string } | undefined;
  /** Every command received, in order (uppercased name and arguments). */
  readonly commands: string[][];
  /** Every request received: its path, whether it asked for base64 replies, its `upstash-sync-token` ('' when absent). */
  readonly requests: Array<{ path: string; base64: boolean; syncToken: string }>;
  /** Stops listening, drops open connections and disconnects from Redis. */
  close(): Promise<void>;
}

type Command = Array<string | number | boolean>;

/** A reply as Upstash encodes it: strings base64 when asked (a top-level `OK` stays as is). */
function encode(reply: unknown, base64: boolean, top = true): unknown {
  if (reply === null || reply === undefined) return null;
  if (Buffer.isBuffer(reply) || typeof reply === 'string') {
    const bytes = Buffer.isBuffer(reply) ? reply : Buffer.from(reply);
    if (!base64 || (top && bytes.toString() === 'OK')) return bytes.toString();
    return bytes.toString('base64');
  }
  if (Array.isArray(reply)) return reply.map((item) => encode(item, base64, false));
  if (reply instanceof Error) return reply.message;
  return reply;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

const isCommand = (value: unknown): value is Command =>
  Array.isArray(value) && value.length > 0 && value.every((arg) => ['string', 'number', 'boolean'].includes(typeof arg));

export async function startRedisRestServer(options: RedisRestServerOptions): Promise<RedisRestServer> {
  const redis = new Redis({ host: options.redisHost ?? '127.0.0.1', port: options.redisPort ?? 6379, maxRetriesPerRequest: 1 });
  redis.on('error', () => {}); // a failed command answers its request; the event needs a listener
  const commands: string[][] = [];
  const requests: RedisRestServer['requests'] = [];
  let sync = 0;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'upstash-sync-token': String(++sync) });
    res.end(JSON.stringify(body));
  };
  const record = (command: Command) => {
    const args = command.map(String);
    commands.push([String(args[0]).toUpperCase(), ...args.slice(1)]);
    return args as [string, ...string[]];
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://rest.local').pathname;
    const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    requests.push({ path, base64, syncToken: String(req.headers['upstash-sync-token'] ?? '') });
    if (server.fault) {
      res.writeHead(server.fault.status, { 'content-type': 'text/plain' });
      res.end(server.fault.body ?? '{"error":"injected"}');
      return;
    }
    if (req.headers.authorization !== `Bearer ${options.token}`) return send(res, 401, { error: 'Unauthorized' });
    if (req.method !== 'POST') return send(res, 405, { error: 'ERR only POST is served here' });
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: 'ERR failed to parse the command' });
    }
    if (path === '/') {
      if (!isCommand(body)) return send(res, 400, { error: 'ERR the body must be a JSON array of command arguments' });
      const [name, ...args] = record(body);
      try {
        return send(res, 200, { result: encode(await redis.callBuffer(name, ...args), base64) });
      } catch (error) {
        return send(res, 400, { error: (error as Error).message });
      }
    }
    if (path === '/pipeline' || path === '/multi-exec') {
      if (!Array.isArray(body) || body.length === 0 || !body.every(isCommand)) {
        return send(res, 400, { error: 'ERR the body must be a JSON array of commands' });
      }
      const batch = path === '/pipeline' ? redis.pipeline() : redis.multi();
      for (const command of body) {
        const [name, ...args] = record(command);
        batch.callBuffer(name, ...args);
      }
      try {
        const replies = (await batch.exec()) ?? [];
        return send(
          res,
          200,
          replies.map(([error, reply]) => (error ? { error: error.message } : { result: encode(reply, base64) })),
        );
      } catch (error) {
        return send(res, 400, { error: (error as Error).message });
      }
    }
    return send(res, 404, { error: `ERR no such endpoint: ${path}` });
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: String((error as Error)?.message ?? error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (http.address() as AddressInfo).port;
  const server: RedisRestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    fault: undefined,
    commands,
    requests,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      redis.disconnect();
    },
  };
  return server;
}
