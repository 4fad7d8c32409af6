import type { InvalidReason } from '../core/types.js';
import type { ResolvedOptions } from './options.js';

/** Checks a session's times against the server's own limits. `now` and the times are Unix seconds. */
export function expiryProblem(
  options: ResolvedOptions,
  createdAt: number,
  lastSeenAt: number,
  now: number,
  /** False for a codec whose format carries its own timestamp checks (Starlette's): it judges future and expired itself. */
  checkTimestamps = true,
  /** This session's absolute lifetime (its own choice, or the configured one). */
  maxAge = options.maxAge,
): InvalidReason | undefined {
  if (checkTimestamps) {
    if (createdAt > now + options.clockLeeway || lastSeenAt > now + options.clockLeeway) return 'future';
    if (now >= createdAt + maxAge) return 'expired';
  }
  if (options.idleTimeout !== false && now >= lastSeenAt + options.idleTimeout) return 'idle';
  return undefined;
}

/** Seconds this session may still live: the nearer of its absolute and idle deadlines (at least 1). */
export function remainingLifetime(
  options: ResolvedOptions,
  createdAt: number,
  lastSeenAt: number,
  now: number,
  maxAge = options.maxAge,
): number {
  let remaining = createdAt + maxAge - now;
  if (options.idleTimeout !== false) remaining = Math.min(remaining, lastSeenAt + options.idleTimeout - now);
  return Math.max(1, remaining);
}

/** True when an unchanged session is due to slide its idle timeout. */
export function touchDue(options: ResolvedOptions, lastSeenAt: number, now: number): boolean {
  return options.idleTimeout !== false && now - lastSeenAt >= options.touchInterval;
}
