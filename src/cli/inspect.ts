import { inspectHallpassCookie } from './inspect-hallpass.js';
import { inspectJwt } from './inspect-jwt.js';
import { inspectStarletteCookie } from './inspect-starlette.js';
import type { InspectArgs, InspectResult, Inspector } from './inspect-result.js';

/** Every format `hallpass inspect --format` knows. `auto` picks one from the value's prefix. */
export const inspectors: Record<string, Inspector> = {
  sealed: (value, args) => inspectHallpassCookie('sealed', value, args),
  signed: (value, args) => inspectHallpassCookie('signed', value, args),
  starlette: inspectStarletteCookie,
  jwt: inspectJwt,
};

export function detectFormat(value: string): string {
  if (value.startsWith('h1.')) return 'sealed';
  if (value.startsWith('s1.')) return 'signed';
  if (value.startsWith('eyJ') && value.split('.').length === 3 && inspectors.jwt) return 'jwt';
  if (inspectors.starlette) return 'starlette';
  return 'sealed';
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
