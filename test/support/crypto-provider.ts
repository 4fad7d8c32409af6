/**
 * Runs code with one crypto provider: hallpass picks node:crypto on Node, and these tests force Web
 * Crypto (what edge runtimes and Workers have) through the library's internal switch.
 */
import { forceCryptoProvider } from '../../src/core/crypto/index.js';

export type ProviderName = 'node' | 'web';

/** Builds something (a codec, `createSessions`, `createTokens`) with `name`'s provider, then goes back to the runtime's choice. */
export function withProvider<T>(name: ProviderName, make: () => T): T {
  forceCryptoProvider(name);
  try {
    return make();
  } finally {
    forceCryptoProvider(undefined);
  }
}

/** Makes `name` the provider for everything from now on (random IDs and hashes at request time too). */
export function forceProvider(name: ProviderName | undefined): void {
  forceCryptoProvider(name);
}
