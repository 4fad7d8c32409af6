/**
 * base64url without padding, in plain JavaScript for runtimes without node:buffer. Decoding stops
 * at the first character outside the alphabet, so such text decodes to fewer bytes than its length
 * promises: the codecs' strict decoding (codecs/envelope.ts) refuses it by that count alone, on this
 * decoder as on Node's, which skips such characters.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const NOT_IN_ALPHABET = 255;
const VALUES = new Uint8Array(128).fill(NOT_IN_ALPHABET);
for (let index = 0; index < ALPHABET.length; index++) VALUES[ALPHABET.charCodeAt(index)] = index;

export function encodeBase64url(bytes: Uint8Array): string {
  let out = '';
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63) + ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - whole;
  if (rest === 1) {
    const n = (bytes[whole] as number) << 16;
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63);
  } else if (rest === 2) {
    const n = ((bytes[whole] as number) << 16) | ((bytes[whole + 1] as number) << 8);
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63) + ALPHABET.charAt((n >> 6) & 63);
  }
  return out;
}

export function decodeBase64url(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let length = 0;
  let bits = 0;
  let carry = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (VALUES[code] as number) : NOT_IN_ALPHABET;
    if (value === NOT_IN_ALPHABET) break;
    carry = (carry << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (carry >> bits) & 0xff;
    }
  }
  return out.subarray(0, length);
}

/** Standard base64 with padding, as Python's `base64.b64encode` writes it. */
export function encodeBase64(bytes: Uint8Array): string {
  const url = encodeBase64url(bytes);
  return url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (url.length % 4)) % 4);
}
