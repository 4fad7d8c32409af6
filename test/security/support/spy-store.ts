/**
 * A store wrapper for the attack suite: it records every call (operation and key) and can make
 * chosen operations fail, hang, or wait at a gate the test opens, to replay races deterministically.
 */
import type { SessionStore } from 'hallpass';

export interface StoreCall {
  op: string;
  key: string;
  args: unknown[];
}

export interface SpyControl {
  /** `fail` rejects, `hang` never answers, `gate` waits until `release()`. */
  fault: 'none' | 'fail' | 'hang' | 'gate';
  /** When set, the fault hits only these operations. */
  only?: ReadonlySet<string>;
}

export interface SpyStore {
  store: SessionStore;
  calls: StoreCall[];
  control: SpyControl;
  /** Calls waiting at the gate right now. */
  readonly waiting: number;
  /** Lets every call waiting at the gate go on (and later ones pass straight through until the fault changes). */
  release(): void;
}

export function spyStore(inner: SessionStore): SpyStore {
  const calls: StoreCall[] = [];
  const control: SpyControl = { fault: 'none' };
  let gate: Array<() => void> = [];
  const store: Record<string, unknown> = {};
  for (const op of ['get', 'set', 'destroy', 'touch', 'patch', 'listByUser', 'destroyByUser'] as const) {
    const fn = inner[op] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (typeof fn !== 'function') continue;
    store[op] = async (...args: unknown[]) => {
      calls.push({ op, key: String(args[0]), args });
      const hit = control.only === undefined || control.only.has(op);
      if (hit && control.fault === 'fail') throw new Error('connection refused');
      if (hit && control.fault === 'hang') return new Promise(() => {});
      if (hit && control.fault === 'gate') await new Promise<void>((resolve) => gate.push(resolve));
      return fn.apply(inner, args);
    };
  }
  return {
    store: store as unknown as SessionStore,
    calls,
    control,
    get waiting() {
      return gate.length;
    },
    release() {
      control.fault = 'none';
      const queued = gate;
      gate = [];
      for (const resume of queued) resume();
    },
  };
}
