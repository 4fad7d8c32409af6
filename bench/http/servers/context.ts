/**
 * What every benchmark server shares: the secrets, the Redis port and key prefix, the three routes'
 * answers, and how a server says it is ready (`listening <port>` on stdout).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServerContext {
  /** 43-character random secret (32 bytes, base64url) shared by every library that takes a string. */
  secret: string;
  /** The Redis server the store-backed configs use. */
  redisPort: number;
  /** Prefix for every Redis key this run writes. */
  prefix: string;
}

/** Starts a server for one library on one framework; resolves once it is listening. */
export type Starter = (ctx: ServerContext) => Promise<Server>;

export const ROUTES = ['/read', '/write', '/untouched'] as const;

/** The body of `/untouched` on every server: no session involved. */
export const UNTOUCHED_BODY = '{"count":0}';

export const countBody = (count: number) => `{"count":${count}}`;

/** Reads a session counter whatever a library hands back (undefined before the first write). */
export const asCount = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** Prints the port the harness waits for. */
export function announce(server: Server): Server {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
  return server;
}

/** Listens on an OS-chosen port of 127.0.0.1. */
export function listen(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
