import { inspectHallpassCookie, loadSodium } from './hallpass.js';
import type { InspectArgs, Inspector, InspectResult } from './result.js';
import { inspectStarletteCookie } from './starlette.js';

/** Every format `hallpass inspect --format` knows. `auto` picks one from the value's prefix. */
export const inspectors: Record<string, Inspector> = {
  sealed: (value, args) => inspectHallpassCookie('sealed', value, args),
  signed: (value, args) => inspectHallpassCookie('signed', value, args),
  secretbox: async (value, args) => inspectHallpassCookie('secretbox', value, args, await loadSodium()),
  starlette: inspectStarletteCookie,
  jwt: async (value, args) => (await loadJwtInspector())(value, args),
};

/** The JWT inspector needs `jose`, an optional peer: loaded only for a token, so `hallpass secret` runs without it. */
async function loadJwtInspector(): Promise<Inspector> {
  try {
    return (await import('./jwt.js')).inspectJwt;
  } catch (error) {
    throw new Error('Inspecting a JWT needs jose: install it where you run hallpass (npm install jose).', { cause: error });
  }
}

export function detectFormat(value: string): string {
  const bare = value.replace(/^[^=.]+=(?=[hsx]1\.)/, '');
  if (bare.startsWith('h1.')) return 'sealed';
  if (bare.startsWith('s1.')) return 'signed';
  if (bare.startsWith('x1.')) return 'secretbox';
  return isJwt(value) ? 'jwt' : 'starlette';
}

/** A JWT's first segment is a JSON header naming its algorithm; a Starlette payload is the session itself. */
function isJwt(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 3) return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && typeof header.alg === 'string';
  } catch {
    return false;
  }
}

export async function inspectValue(value: string, format: string, args: InspectArgs): Promise<InspectResult> {
  const chosen = format === 'auto' ? detectFormat(value) : format;
  const inspector = inspectors[chosen];
  if (!inspector) throw new Error(`Unknown --format ${JSON.stringify(format)}; use one of: auto, ${Object.keys(inspectors).join(', ')}.`);
  return inspector(value, args);
}

/** The human-readable form of an inspection. */
export function describeResult(result: InspectResult): string {
  const time = (seconds: number | null) => (seconds === null ? '-' : `${new Date(seconds * 1000).toISOString()} (${seconds})`);
  const lines = [
    `format:     ${result.format}`,
    `valid:      ${result.valid ? 'yes' : `no (${result.reason})`}`,
    `created:    ${time(result.createdAt)}`,
    `last seen:  ${time(result.lastSeenAt)}`,
    `expires:    ${time(result.expiresAt)}`,
  ];
  if (result.session !== undefined) lines.push(`session:    ${JSON.stringify(result.session, null, 2)}`);
  if (result.claims !== undefined) lines.push(`claims:     ${JSON.stringify(result.claims, null, 2)}`);
  return lines.join('\n');
}
