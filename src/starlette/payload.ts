/**
 * The signed payload of a Starlette cookie: `base64.b64encode(json.dumps(session).encode())` on the
 * way out, `json.loads(base64.b64decode(payload))` on the way in.
 */
import { encodeBase64 } from '../core/crypto/index.js';
import { adoptData } from '../core/json-value.js';
import type { SessionData } from '../core/types.js';
import { pythonB64decode } from './base64.js';
import { pythonJsonDumps } from './json.js';
import { pythonJsonLoads } from './json-parse.js';

/** Standard base64 WITH padding: Starlette answers HTTP 500 to anything else, even when validly signed. */
export function encodePayload(data: SessionData): string {
  return encodeBase64(new TextEncoder().encode(pythonJsonDumps(data)));
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The session in a verified payload, or `undefined` where Starlette would fail (bad base64, bad
 * JSON) or where the data is not a dict JavaScript can hold exactly.
 */
export function decodePayload(payload: Uint8Array): SessionData | undefined {
  const bytes = pythonB64decode(payload);
  if (!bytes) return undefined;
  // json.loads(bytes) guesses the encoding; a NUL in the first bytes means UTF-16/32, which no
  // Starlette writer produces, so only UTF-8 (with or without a BOM, which TextDecoder drops) is read.
  if (bytes.subarray(0, 4).includes(0)) return undefined;
  try {
    return adoptData(pythonJsonLoads(utf8.decode(bytes)));
  } catch {
    return undefined; // a parse error, an unrepresentable value, invalid UTF-8 or a nesting too deep
  }
}
