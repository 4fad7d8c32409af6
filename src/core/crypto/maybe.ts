import type { MaybePromise } from './types.js';

/**
 * Runs `next` on a value that may still be a promise: at once when it is not (node:crypto), after
 * it settles when it is (Web Crypto). One code path serves both providers, and the synchronous one
 * pays a type check rather than a microtask.
 */
export function after<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * A value made on first use and kept; while a promise is pending the promise is shared, and once it
 * settles the plain value is handed out, so later calls need no tick. A rejected promise is
 * forgotten, so the next call tries again.
 */
export function lazily<T>(make: () => MaybePromise<T>): () => MaybePromise<T> {
  let made = false;
  let value: T | undefined;
  let pending: Promise<T> | undefined;
  return () => {
    if (made) return value as T;
    if (pending) return pending;
    const result = make();
    if (!(result instanceof Promise)) {
      made = true;
      value = result;
      return result;
    }
    pending = result.then(
      (resolved) => {
        made = true;
        value = resolved;
        pending = undefined;
        return resolved;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

/** Every value of `list`: a plain array when none is a promise, else a promise of one. */
export function all<T>(list: readonly MaybePromise<T>[]): MaybePromise<T[]> {
  return list.some((item) => item instanceof Promise) ? Promise.all(list) : (list as T[]);
}
