/**
 * What the response gate intercepts: the four `ServerResponse` methods that send headers or body,
 * and what a held or dropped call answers the app.
 */
import type { ServerResponse } from 'node:http';

export type Method = 'writeHead' | 'write' | 'end' | 'flushHeaders';
export type Call = { method: Method; args: unknown[] };
export type Originals = Pick<ServerResponse, Method>;

/** One response's gate: takes each intercepted call and says what it returned. */
export interface Gate {
  enter(method: Method, args: unknown[]): unknown;
}

export const METHODS: readonly Method[] = ['writeHead', 'write', 'end', 'flushHeaders'];

/** What a held or dropped call answers: `write` says the data was taken, the others return `res`. */
export const DROPPED = Symbol('dropped');

/** What a gated call returns to the app, as the method it stands for would. */
export function answer(res: ServerResponse, method: Method, result: unknown): unknown {
  if (method === 'write') return result === DROPPED ? true : result;
  return method === 'flushHeaders' ? undefined : res;
}
