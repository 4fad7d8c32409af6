import { SessionValueError } from './errors.js';
import type { Json, SessionData } from './types.js';

/**
 * Refuses anything that would not survive a JSON round trip unchanged, at `set` time, so the
 * mistake surfaces where it was made rather than at commit.
 */
export function assertJsonValue(key: string, value: unknown): asserts value is Json {
  const problem = findProblem(value, new Set());
  if (problem) {
    throw new SessionValueError(
      'ERR_SESSION_VALUE',
      `session.set(${JSON.stringify(key)}) refused ${problem}. Session values must be JSON data: strings, finite numbers, booleans, null, arrays and plain objects.`,
    );
  }
}

function findProblem(value: unknown, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `the number ${value}`;
    case 'object': {
      if (value === null) return undefined;
      if (seen.has(value)) return 'a circular reference';
      seen.add(value);
      if (Array.isArray(value)) {
        for (const item of value) {
          const problem = findProblem(item, seen);
          if (problem) return problem;
        }
      } else {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          const name = (value as object).constructor?.name ?? 'object';
          return `a ${name}${name === 'Date' ? ' (store date.toISOString() instead)' : ''}`;
        }
        for (const item of Object.values(value)) {
          const problem = findProblem(item, seen);
          if (problem) return problem;
        }
      }
      seen.delete(value);
      return undefined;
    }
    default:
      return `a value of type ${typeof value}`;
  }
}

/** Takes a parsed JSON object as session data: a null-prototype object, so no key can reach a prototype. */
export function adoptData(parsed: unknown): SessionData | undefined {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  Object.setPrototypeOf(parsed, null);
  return parsed as SessionData;
}

export function emptyData(): SessionData {
  return Object.create(null) as SessionData;
}

/** Applies a patch's changed keys to stored data, on a null-prototype copy. Shared by the stores that patch in JS. */
export function applyPatch(data: SessionData, patch: { set: SessionData; unset: readonly string[]; replace?: boolean }): SessionData {
  const out = patch.replace ? emptyData() : Object.assign(emptyData(), data);
  for (const key of Object.keys(patch.set)) out[key] = patch.set[key] as Json;
  for (const key of patch.unset) delete out[key];
  return out;
}
