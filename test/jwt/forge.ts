/**
 * Hand-made tokens for the JWT tests: any header, any payload, signed with node:crypto directly
 * (or not at all), so the tests can present what hallpass itself would never issue.
 */
import { createHmac, type KeyObject, sign } from 'node:crypto';

const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export type ForgeKey =
  | { alg: 'none' }
  | { alg: 'HS256' | 'HS384' | 'HS512'; secret: string | Buffer }
  | { alg: 'EdDSA'; privateKey: KeyObject }
  | { alg: 'ES256' | 'RS256'; privateKey: KeyObject };

/** A compact JWS of `header` (the `alg` is not added: pass the one you want the header to claim) and `payload`. */
export function forge(header: Record<string, unknown>, payload: unknown, key: ForgeKey): string {
  const input = `${part(header)}.${part(payload)}`;
  let signature: Buffer;
  switch (key.alg) {
    case 'none':
      return `${input}.`;
    case 'HS256':
    case 'HS384':
    case 'HS512':
      signature = createHmac(`sha${key.alg.slice(2)}`, key.secret)
        .update(input)
        .digest();
      break;
    case 'EdDSA':
      signature = sign(null, Buffer.from(input), key.privateKey);
      break;
    case 'ES256':
      signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
      break;
    case 'RS256':
      signature = sign('sha256', Buffer.from(input), key.privateKey);
      break;
  }
  return `${input}.${signature.toString('base64url')}`;
}

/** The decoded header of a token. */
export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
}

/** The decoded payload of a token (not verified). */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/** Rejects unless `promise` rejects with a `code`; resolves that error for more checks. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error('expected a rejection');
}
