import { HallpassError, StoreError } from './errors.js';
import type { SessionEvent } from './types.js';

/**
 * Runs one store operation with a deadline, so a dead or slow store fails the request fast with a
 * `StoreError` instead of hanging it. The store's own error is kept as `cause`.
 */
export function callStore<T>(
  operation: string,
  run: () => Promise<T>,
  timeoutMs: number,
  onEvent?: (event: SessionEvent) => void,
): Promise<T> {
  const failed = (error: unknown): StoreError => {
    const failure =
      error instanceof HallpassError && error.code.startsWith('ERR_STORE')
        ? (error as StoreError)
        : new StoreError('ERR_STORE', `The session store failed on ${operation}: ${(error as Error)?.message ?? String(error)}`, {
            cause: error,
          });
    onEvent?.({ type: 'store-error', operation, error: failure });
    return failure;
  };
  // One promise and one timer per call (no Promise.race, which allocates and chains more): this
  // sits on every store round trip of every request.
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      reject(failed(new StoreError('ERR_STORE_TIMEOUT', `The session store did not answer ${operation} within ${timeoutMs} ms.`)));
    }, timeoutMs);
    const finish = (ok: boolean, value: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (ok) resolve(value as T);
      else reject(failed(value));
    };
    let pending: Promise<T>;
    try {
      pending = run();
    } catch (error) {
      finish(false, error);
      return;
    }
    Promise.resolve(pending).then(
      (value) => finish(true, value),
      (error: unknown) => finish(false, error),
    );
  });
}
