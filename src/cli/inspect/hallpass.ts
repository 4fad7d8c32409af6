import { sealedCodec } from '../../codecs/sealed.js';
import { type SodiumSecretbox, secretboxCodec } from '../../codecs/secretbox.js';
import { signedCodec } from '../../codecs/signed.js';
import { checkSecrets } from '../../core/keys.js';
import { expiryProblem } from '../../engine/expiry.js';
import { DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_AGE, resolveOptions } from '../../engine/options.js';
import type { InspectArgs, InspectResult } from './result.js';

const NAMED_VALUE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=([hsx]1\..*)$/;

/**
 * Decodes and verifies a hallpass `sealed`, `signed` or `secretbox` cookie offline (`secretbox`
 * needs libsodium's module, `sodium`). The cookie name is part of what is authenticated: it comes
 * from `--name` (default `hallpass`) or from a `name=value` pair pasted as is.
 */
export function inspectHallpassCookie(
  format: 'sealed' | 'signed' | 'secretbox',
  input: string,
  args: InspectArgs,
  sodium?: SodiumSecretbox,
): InspectResult {
  const named = NAMED_VALUE.exec(input);
  const name = named?.[1] ?? args.flags.name ?? 'sid';
  const value = named?.[2] ?? input;
  const secrets = checkSecrets('--secret', args.secrets);
  const codec =
    format === 'secretbox'
      ? secretboxCodec(sodium as SodiumSecretbox, secrets, { name })
      : format === 'sealed'
        ? sealedCodec(secrets, { name })
        : signedCodec(secrets, { name });
  const idleTimeout = args.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
  const opened = codec.decode(value, args.now);
  if (!opened.ok) {
    return { valid: false, reason: opened.reason, format, session: null, createdAt: null, lastSeenAt: null, expiresAt: null };
  }
  const { envelope } = opened;
  // A lifetime the app chose for this session (session.setLifetime) outranks the configured one, as in the app.
  const maxAge = envelope.lifetime?.maxAge ?? args.maxAge ?? DEFAULT_MAX_AGE;
  const options = resolveOptions({ codec, maxAge, idleTimeout, now: () => args.now * 1000 });
  const reason = expiryProblem(options, envelope.createdAt, envelope.lastSeenAt, args.now) ?? null;
  const absolute = envelope.createdAt + maxAge;
  const expiresAt = idleTimeout === false ? absolute : Math.min(absolute, envelope.lastSeenAt + idleTimeout);
  return {
    valid: reason === null,
    reason,
    format,
    session: { ...envelope.data },
    createdAt: envelope.createdAt,
    lastSeenAt: envelope.lastSeenAt,
    expiresAt,
  };
}

/** The app's own `sodium-native`, which hallpass does not depend on: a clear error when it is not installed. */
export async function loadSodium(): Promise<SodiumSecretbox> {
  // A specifier in a variable: hallpass neither depends on the package nor bundles its types.
  const specifier = 'sodium-native';
  try {
    const module = (await import(specifier)) as { default?: SodiumSecretbox };
    // Cast: without a default export, the module namespace itself is the library.
    return module.default ?? (module as unknown as SodiumSecretbox);
  } catch (error) {
    throw new Error(
      'Inspecting a secretbox cookie needs libsodium: install sodium-native where you run hallpass (npm install sodium-native).',
      {
        cause: error,
      },
    );
  }
}
