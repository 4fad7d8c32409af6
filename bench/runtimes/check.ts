/**
 * Before any load: each server must open its own library's pool cookie (count 1 on `/read`) and
 * issue a cookie on `/write`, so a row never times a handler that silently ignores its cookies.
 */
import type { Library } from './libraries.js';

export async function checkServer(base: string, library: Library, cookie: string, name: string): Promise<void> {
  const read = await fetch(`${base}/read`, { headers: { cookie } });
  const body = (await read.json()) as { count?: number };
  const expected = library === 'bare' ? 0 : 1;
  if (read.status !== 200 || body.count !== expected) {
    throw new Error(`${name}: /read with a pool cookie answered ${read.status} ${JSON.stringify(body)}, expected {"count":${expected}}`);
  }
  const write = await fetch(`${base}/write`, { headers: { cookie } });
  await write.arrayBuffer();
  if (write.status !== 200 || (library !== 'bare' && write.headers.getSetCookie().length === 0)) {
    throw new Error(`${name}: /write answered ${write.status} without a Set-Cookie`);
  }
}
