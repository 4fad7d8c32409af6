/** A store wrapper that records every call, so tests can assert which store operations a request made. */
import type { SessionStore } from 'hallpass';

export interface StoreCall {
  op: string;
  args: unknown[];
}

/** Wraps `inner` (every method it has) and records each call with its arguments. */
export function countingStore<S extends SessionStore>(inner: S): S & { calls: StoreCall[]; ops(): string[] } {
  const calls: StoreCall[] = [];
  const wrapped = { calls, ops: () => calls.map((call) => call.op) } as unknown as S & { calls: StoreCall[]; ops(): string[] };
  for (const op of ['get', 'set', 'destroy', 'touch', 'patch', 'listByUser', 'destroyByUser'] as const) {
    const method = inner[op] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!method) continue;
    (wrapped as unknown as Record<string, unknown>)[op] = (...args: unknown[]) => {
      calls.push({ op, args });
      return method.apply(inner, args);
    };
  }
  return wrapped;
}
