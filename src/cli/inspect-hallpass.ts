import { sealedCodec } from '../codecs/sealed.js';
import { signedCodec } from '../codecs/signed.js';
import { expiryProblem } from '../core/expiry.js';
import { checkSecrets } from '../core/keys.js';
import { DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_AGE, resolveOptions } from '../core/options.js';
import type { InspectArgs, InspectResult } from './inspect-result.js';

const NAMED_VALUE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=([hs]1\..*)$/;

/**
 * Decodes and verifies a hallpass `sealed` or `signed` cookie offline. The cookie name is part of
 * what is authenticated: it comes from `--name` (default `hallpass`) or from a `name=value` pair
 * pasted as is.
 */
export function inspectHallpassCookie(format: 'sealed' | 'signed', input: string, args: InspectArgs): InspectResult {
  const named = NAMED_VALUE.exec(input);
  const name = named?.[1] ?? args.flags.name ?? 'hallpass';
  const value = named?.[2] ?? input;
  const secrets = checkSecrets('--secret', args.secrets);
  const codec = format === 'sealed' ? sealedCodec(secrets, { name }) : signedCodec(secrets, { name });
  const maxAge = args.maxAge ?? DEFAULT_MAX_AGE;
  const idleTimeout = args.idleTimeout ?? DEFAULT_IDLE_TIMEOUT;
  const opened = codec.decode(value, args.now);
  if (!opened.ok) {
    return { valid: false, reason: opened.reason, format, session: null, createdAt: null, lastSeenAt: null, expiresAt: null };
  }
  const { envelope } = opened;
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
