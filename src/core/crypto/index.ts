import { nodeProvider } from './node.js';
import type { CryptoProvider } from './types.js';
import { webProvider } from './web.js';

export { encodeBase64 } from './base64url.js';
export { after, all, lazily } from './maybe.js';
export type { CryptoProvider, HmacHash, MaybePromise, OpaqueKey } from './types.js';

/** What Node (20.16+), Bun and Deno put on `process`: built-in modules without a static import. */
interface NodeLike {
  getBuiltinModule?(id: string): unknown;
}

let chosen: CryptoProvider | undefined;
let nodeModule: unknown;

/**
 * The runtime's crypto provider, chosen once, on first use. Where node:crypto can be had it wins:
 * its calls are synchronous, which keeps the lazy cookie path (decode on first access) and the
 * commit free of promises. It is reached through `process.getBuiltinModule` rather than an import
 * or a package.json condition: a static `node:` import would fail to load on Web runtimes, and a
 * condition would need every bundler and test runner to pick the right file, while this check runs
 * the same source everywhere. Elsewhere (Vercel's edge runtime, Workers without nodejs_compat,
 * browsers) Web Crypto serves.
 */
export function cryptoProvider(): CryptoProvider {
  chosen ??= pick();
  return chosen;
}

function pick(): CryptoProvider {
  const { crypto, buffer } = nodeModules();
  if (crypto && typeof buffer?.Buffer?.from === 'function' && hasNodeCrypto(crypto)) {
    nodeModule = crypto;
    return nodeProvider(crypto, buffer.Buffer);
  }
  const web = (globalThis as { crypto?: Crypto }).crypto;
  if (web?.subtle && typeof web.getRandomValues === 'function') return webProvider(web);
  throw new Error('hallpass needs Web Crypto (globalThis.crypto.subtle) or node:crypto, and this runtime offers neither.');
}

type NodeCrypto = Parameters<typeof nodeProvider>[0];
type NodeBuffer = { Buffer: Parameters<typeof nodeProvider>[1] };

/**
 * node:crypto and node:buffer where the runtime hands them out; none where it does not. Next.js's
 * edge sandbox puts a `process` whose unsupported members throw when read, so the look-up itself
 * is guarded: a runtime that refuses is one without node:crypto.
 */
function nodeModules(): { crypto?: NodeCrypto; buffer?: NodeBuffer } {
  try {
    const runtime = (globalThis as { process?: NodeLike }).process;
    if (typeof runtime?.getBuiltinModule !== 'function') return {};
    return {
      crypto: runtime.getBuiltinModule('node:crypto') as NodeCrypto | undefined,
      buffer: runtime.getBuiltinModule('node:buffer') as NodeBuffer | undefined,
    };
  } catch {
    return {};
  }
}

/** Every call the node provider makes: a partial node:crypto (some compatibility layers) is passed over for Web Crypto. */
const NODE_CALLS = [
  'createCipheriv',
  'createDecipheriv',
  'createHash',
  'createHmac',
  'createSecretKey',
  'hkdfSync',
  'randomFillSync',
  'timingSafeEqual',
];

function hasNodeCrypto(crypto: object): boolean {
  return NODE_CALLS.every((name) => typeof (crypto as Record<string, unknown>)[name] === 'function');
}

/**
 * node:crypto itself when it is the chosen provider, for what Web Crypto cannot do synchronously
 * (reading PEM keys into JWKs for the JWT keyring); `undefined` on Web Crypto.
 */
export function nodeCryptoModule(): typeof import('node:crypto') | undefined {
  return cryptoProvider().name === 'node' ? (nodeModule as typeof import('node:crypto')) : undefined;
}

/**
 * Internal, for hallpass's own tests: makes `name` the provider that codecs, keys and tokens built
 * from now on use (`undefined` goes back to the runtime's choice). No package entry exports it.
 */
export function forceCryptoProvider(name: 'node' | 'web' | undefined): CryptoProvider {
  chosen = undefined;
  if (name === 'web') chosen = webProvider(globalThis.crypto);
  else if (name === 'node') {
    chosen = pick();
    if (chosen.name !== 'node') throw new Error('node:crypto is not available in this runtime');
  }
  return cryptoProvider();
}
