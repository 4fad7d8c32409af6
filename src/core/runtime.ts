/**
 * What hallpass asks of the host process, read without assuming one: edge runtimes and Workers have
 * no `process`, and Deno throws when a permission does not cover the variable read.
 */
type Host = { env?: Record<string, string | undefined>; emitWarning?: (message: string, options: { code: string }) => void };

const host = (): Host | undefined => (globalThis as { process?: Host }).process;

/** `true` when `NODE_ENV` is `production`; `false` where it cannot be read. */
export function isProduction(): boolean {
  try {
    return host()?.env?.NODE_ENV === 'production';
  } catch {
    // Deno without `--allow-env=NODE_ENV` throws NotCapable: an unreadable setting is not production's.
    return false;
  }
}

/** The warning codes given so far: each is said once per process (each cluster worker is one). */
const given = new Set<string>();

/** Emits `message` once per process under `code`: a process warning on Node, the console elsewhere. */
export function warnOnce(code: string, message: string): void {
  if (given.has(code)) return;
  given.add(code);
  try {
    const emit = host()?.emitWarning;
    if (typeof emit === 'function') return void emit.call(host(), message, { code });
  } catch {
    // Next.js's edge sandbox hands out a `process.emitWarning` that throws when called.
  }
  console.warn(message);
}
