/**
 * What a request carrying the session cookie's name 250 times costs the demo, over real HTTP on
 * 127.0.0.1, against the same request carrying it once: in cookie mode (sealed, the default; every
 * value a sealed look-alike that fails authentication, the most expensive kind) and in server mode
 * (every value a well-formed token the store does not know, each one a store lookup if tried).
 * Prints server CPU per request for both and their ratio, from the same run.
 *
 *   node --import tsx scripts/duplicate-cookies.ts [--requests 3000]
 */
import { fork } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createSessions, memoryStore } from 'hallpass';
import { createDemoApp, type DemoData } from '../examples/app/app.js';
import { newToken } from '../src/core/random.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '3000' }, serve: { type: 'string' } } });
const requests = Number(values.requests);
const SECRET = 'kq7Zr1VbX9dT3mWf0LhPz5sYc2NjGu8eRaQ4oKiBtE6';

if (values.serve) {
  // The demo in this child process, so its CPU is counted apart from the client's. `/__cpu`
  // answers the process's CPU time so far (microseconds).
  const sessions = createSessions<DemoData>(values.serve === 'server' ? { store: memoryStore() } : { secret: SECRET });
  const demo = createDemoApp(sessions);
  const server = createServer((req, res) => {
    if (req.url !== '/__cpu') return demo(req, res);
    const { user, system } = process.cpuUsage();
    res.end(String(user + system));
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
} else {
  await main();
}

function get(port: number, agent: Agent, path: string, cookie?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.once('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.once('error', reject);
    req.end();
  });
}

/** Server CPU microseconds per request. */
async function cpuPerRequest(port: number, cookie: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 300; i++) await get(port, agent, '/', cookie);
  const before = Number(await get(port, agent, '/__cpu'));
  for (let i = 0; i < requests; i++) await get(port, agent, '/', cookie);
  const used = Number(await get(port, agent, '/__cpu')) - before;
  agent.destroy();
  return used / requests;
}

async function measure(label: string, mode: 'cookie' | 'server', value: (i: number) => string): Promise<void> {
  const child = fork(new URL(import.meta.url), ['--serve', mode], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve(Number(message))));
  const name = 'hallpass';
  const one = `${name}=${value(0)}`;
  const many = Array.from({ length: 250 }, (_, i) => `${name}=${value(i)}`).join('; ');
  // Interleaved rounds, so drift in the machine's load falls on both.
  const ratios: number[] = [];
  let last = { single: 0, flood: 0 };
  for (let round = 0; round < 3; round++) {
    const single = await cpuPerRequest(port, one);
    const flood = await cpuPerRequest(port, many);
    ratios.push(flood / single);
    last = { single, flood };
  }
  child.kill();
  ratios.sort((a, b) => a - b);
  console.log(
    `  ${label.padEnd(26)} 1 copy ${last.single.toFixed(0).padStart(4)} µs, 250 copies (${many.length} bytes) ${last.flood.toFixed(0).padStart(4)} µs: median ${(ratios[1] as number).toFixed(2)}× (rounds ${ratios.map((r) => r.toFixed(2)).join(', ')})`,
  );
}

async function main(): Promise<void> {
  // Values shaped like sealed cookies under the demo's key (version, key id, a blob long enough to
  // be decrypted) that fail authentication: each one tried costs a full AES-GCM open.
  const sealed = createSessions({ secret: SECRET });
  const probe = await sealed.load(undefined);
  probe.set('x', 1);
  const real = (await sealed.commit(probe)).setCookie as string;
  const prefix = real.slice(real.indexOf('=') + 1, real.lastIndexOf('.') + 1);
  const lookAlike = (i: number) => `${prefix}${i.toString(36).padStart(40, 'A')}`;
  const tokens = Array.from({ length: 250 }, () => newToken());
  console.log(`duplicate session cookies, ${requests} requests per measurement, Node ${process.version}, server CPU per request:`);
  await measure('cookie mode (sealed)', 'cookie', lookAlike);
  await measure('server mode (memoryStore)', 'server', (i) => tokens[i] as string);
}
