import { SessionValueError } from './errors.js';
import type { Json, SessionData } from './types.js';

/**
 * How deeply session values may nest: arrays and objects at most this many levels inside one
 * another (`[[1]]` is 2 levels). Sessions hold a few levels; the limit keeps every walk over
 * session data (this check, JSON.stringify at commit) far below the engine's call stack, which a
 * few thousand levels exhaust with a RangeError. `session.set` refuses a deeper value, and a
 * cookie or store record holding one reads as no session, so what one request writes, the next
 * can always read.
 */
export const MAX_NESTING = 64;

/**
 * Refuses anything that would not survive a JSON round trip unchanged, at `set` time, so the
 * mistake surfaces where it was made rather than at commit: a value that is not JSON data, a
 * cycle, or arrays and objects nested more than `MAX_NESTING` levels deep.
 */
export function assertJsonValue(key: string, value: unknown): asserts value is Json {
  // A string, number or boolean (most values set) needs no record of the objects seen.
  const problem = findProblem(value, typeof value === 'object' && value !== null ? new Set() : NO_OBJECTS, 1);
  if (problem) {
    throw new SessionValueError(
      'ERR_SESSION_VALUE',
      `session.set(${JSON.stringify(key)}) refused ${problem}. Session values must be JSON data: strings, finite numbers, booleans, null, arrays and plain objects.`,
    );
  }
}

/** Never added to: `findProblem` records objects only, and a primitive has none. */
const NO_OBJECTS: Set<object> = new Set();

/** What makes `value` unfit for a session, if anything; `depth` is the level an array or object here would be at. */
function findProblem(value: unknown, seen: Set<object>, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `the number ${value}`;
    case 'object': {
      if (value === null) return undefined;
      if (seen.has(value)) return 'a circular reference';
      // Checked before descending, so the walk itself never goes deeper than the limit.
      if (depth > MAX_NESTING) return `arrays and objects nested more than ${MAX_NESTING} levels deep`;
      seen.add(value);
      if (Array.isArray(value)) {
        for (const item of value) {
          const problem = findProblem(item, seen, depth + 1);
          if (problem) return problem;
        }
      } else {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          const name = (value as object).constructor?.name ?? 'object';
          return `a ${name}${name === 'Date' ? ' (store date.toISOString() instead)' : ''}`;
        }
        for (const item of Object.values(value)) {
          const problem = findProblem(item, seen, depth + 1);
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

/**
 * Whether arrays and objects nest deeper than `MAX_NESTING` inside `value`, itself an array or
 * object at `depth`; stops at the limit. It runs on every cookie opened, so it walks the keys in
 * place rather than through `Object.values`, which would copy each object's values into an array.
 * An own `__proto__` key (JSON.parse makes one) shadows the accessor, so `value[key]` reads it.
 */
function nestsTooDeep(value: object, depth: number): boolean {
  if (depth > MAX_NESTING) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object' && nestsTooDeep(item, depth + 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object' && nestsTooDeep(item, depth + 1)) return true;
  }
  return false;
}

/**
 * Takes a parsed JSON object as session data: a null-prototype object, so no key can reach a
 * prototype. `undefined` for anything else, or for data whose values nest deeper than `set`
 * accepts (the data object is level 0, as the session is to `set`'s values).
 */
export function adoptData(parsed: unknown): SessionData | undefined {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  if (nestsTooDeep(parsed, 0)) return undefined;
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
