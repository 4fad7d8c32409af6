/**
 * Base64 exactly as Python decodes it for Starlette and itsdangerous: `binascii.a2b_base64` in its
 * default, non-validating mode. Accepting precisely what Python accepts (no more, no less) keeps a
 * cookie valid on both sides; it is safe to be lenient here because every decoded part is covered
 * by the HMAC, which is checked on the bytes actually received.
 */
import { cryptoProvider } from '../core/crypto/index.js';

const PAD = 0x3d; // '='
const TABLE = new Int8Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((char, index) => {
  TABLE[char.charCodeAt(0)] = index;
});

/**
 * `base64.b64decode(data)`, i.e. `binascii.a2b_base64(data, strict_mode=False)`: characters outside
 * the standard alphabet are skipped, a complete pad sequence ends the input, and a dangling quad is
 * an error (`undefined`). Starlette decodes the session payload with it.
 */
export function pythonB64decode(data: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((data.length * 3) / 4) + 3);
  let length = 0;
  let quadPos = 0;
  let leftChar = 0;
  let pads = 0;
  for (const byte of data) {
    if (byte === PAD) {
      if (quadPos >= 2 && quadPos + ++pads >= 4) return out.subarray(0, length);
      continue;
    }
    const value = TABLE[byte] as number;
    if (value < 0) continue;
    pads = 0;
    switch (quadPos) {
      case 0:
        leftChar = value;
        quadPos = 1;
        break;
      case 1:
        out[length++] = ((leftChar << 2) | (value >> 4)) & 0xff;
        leftChar = value & 0x0f;
        quadPos = 2;
        break;
      case 2:
        out[length++] = ((leftChar << 4) | (value >> 2)) & 0xff;
        leftChar = value & 0x03;
        quadPos = 3;
        break;
      default:
        out[length++] = ((leftChar << 6) | value) & 0xff;
        quadPos = 0;
    }
  }
  return quadPos === 0 ? out.subarray(0, length) : undefined;
}

/**
 * `itsdangerous.encoding.base64_decode`: pads with `=` to a multiple of 4, maps the URL-safe
 * alphabet onto the standard one (so `+` and `/` are accepted too), then decodes leniently.
 */
export function itsdangerousB64decode(data: Uint8Array): Uint8Array | undefined {
  const padded = new Uint8Array(data.length + ((4 - (data.length % 4)) % 4)).fill(PAD);
  for (let index = 0; index < data.length; index++) {
    const byte = data[index] as number;
    padded[index] = byte === 0x2d ? 0x2b : byte === 0x5f ? 0x2f : byte; // '-' -> '+', '_' -> '/'
  }
  return pythonB64decode(padded);
}

/** `itsdangerous.encoding.base64_encode`: URL-safe alphabet, padding stripped. */
export function itsdangerousB64encode(bytes: Uint8Array): string {
  return cryptoProvider().base64urlEncode(bytes);
}
