/** Session cookies for the load runs: one per config, and a pool of distinct ones, each checked before use. */
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

export interface Reply {
  status: number;
  body: string;
  setCookies: string[];
}

export function get(port: number, path: string, cookie?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => {
        const raw = res.headers['set-cookie'];
        resolve({ status: res.statusCode ?? 0, body, setCookies: raw ?? [] });
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * The `Cookie` header a browser would send after these `Set-Cookie` headers: name=value pairs,
 * the last value winning when a name repeats (hono-sessions sets its cookie twice on a first write).
 */
export function cookieHeaderFrom(setCookies: readonly string[]): string {
  const jar = new Map<string, string>();
  for (const line of setCookies) {
    const pair = line.split(';', 1)[0] as string;
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** One fresh session: `GET /write` without a cookie, its `Set-Cookie` turned into a `Cookie` header. */
export async function newSessionCookie(port: number): Promise<string> {
  const reply = await get(port, '/write');
  const cookie = cookieHeaderFrom(reply.setCookies);
  if (reply.status !== 200 || !cookie) throw new Error(`GET /write answered ${reply.status} with no cookie: ${reply.body}`);
  return cookie;
}

/** Fails unless `GET /read` with the cookie answers `{"count":1}`. */
export async function verifyCookie(port: number, cookie: string): Promise<void> {
  const reply = await get(port, '/read', cookie);
  if (reply.status !== 200 || reply.body !== '{"count":1}') {
    throw new Error(`GET /read with the session cookie answered ${reply.status} ${reply.body}, expected {"count":1}`);
  }
}

/**
 * `size` valid cookies, each from a new session with count 1, fetched 16 at a time; a sample is
 * verified. Libraries whose cookie is a pure function of the data (cookie-session; koa-session
 * within one millisecond) give the same value for equal sessions: those repeats are kept, and the
 * caller reports how many are distinct.
 */
export async function cookiePool(port: number, size: number): Promise<string[]> {
  const pool: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < size) {
      next++;
      pool.push(await newSessionCookie(port));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  for (let i = 0; i < pool.length; i += Math.max(1, Math.floor(pool.length / 20))) await verifyCookie(port, pool[i] as string);
  return pool;
}

/** What the bare app receives: a cookie header of typical size that no library reads. */
export function bareCookie(index = 0): string {
  return `visitor=${String(index).padStart(6, '0')}${'x'.repeat(120)}`;
}

export function closeClient(): void {
  agent.destroy();
}
