import { HallpassError, StoreError } from './errors.js';
import type { SessionEvent } from './types.js';

/**
 * Runs one store operation with a deadline, so a dead or slow store fails the request fast with a
 * `StoreError` instead of hanging it. The store's own error is kept as `cause`.
 */
export async function callStore<T>(
  operation: string,
  run: () => Promise<T>,
  timeoutMs: number,
  onEvent?: (event: SessionEvent) => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreError('ERR_STORE_TIMEOUT', `The session store did not answer ${operation} within ${timeoutMs} ms.`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([run(), deadline]);
  } catch (error) {
    const failure =
      error instanceof HallpassError && error.code.startsWith('ERR_STORE')
        ? error
        : new StoreError('ERR_STORE', `The session store failed on ${operation}: ${(error as Error)?.message ?? String(error)}`, {
            cause: error,
          });
    onEvent?.({ type: 'store-error', operation, error: failure });
    throw failure;
  } finally {
    clearTimeout(timer);
  }
}
