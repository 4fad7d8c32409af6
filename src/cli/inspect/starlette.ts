import { checkStarletteMaxAge, checkStarletteSecrets } from '../../starlette/options.js';
import { decodePayload } from '../../starlette/payload.js';
import { ageProblem, timestampSigner, type Unsigned } from '../../starlette/signer.js';
import type { InspectArgs, InspectResult } from './result.js';

/**
 * Decodes and verifies a FastAPI/Starlette `SessionMiddleware` cookie offline, as Starlette would
 * at `args.now` with `secret_key` = `--secret` (repeat it for rotated secrets) and
 * `max_age` = `--max-age` (default 1209600). An expired or future-dated cookie still shows its session.
 *
 * @example
 * ```sh
 * hallpass inspect 'eyJ1c2VyX2lkIjogImFsaWNlIn0=.ZVPxAA.cBEnE8z_4D9lsARDq5ejD_jkbWk' \
 *   --format starlette --secret "$SESSION_SECRET" --max-age 1209600 --now 1700000010 --json
 * ```
 */
export function inspectStarletteCookie(value: string, args: InspectArgs): InspectResult {
  const signer = timestampSigner(checkStarletteSecrets(args.secrets, '--secret'));
  const maxAge = checkStarletteMaxAge(args.maxAge, '--max-age');
  const invalid = { valid: false, format: 'starlette', session: null, createdAt: null, lastSeenAt: null, expiresAt: null };
  // The CLI runs on Node, where the signer answers synchronously.
  const unsigned = signer.unsign(value) as Unsigned;
  if (!unsigned.ok) return { ...invalid, reason: unsigned.reason };
  const { timestamp } = unsigned;
  const times = { createdAt: timestamp, lastSeenAt: timestamp, expiresAt: maxAge === null ? null : timestamp + maxAge };
  const data = decodePayload(unsigned.payload);
  if (!data) return { ...invalid, ...times, reason: 'malformed' };
  const reason = ageProblem(timestamp, args.now, maxAge) ?? null;
  return { valid: reason === null, reason, format: 'starlette', session: { ...data }, ...times };
}
