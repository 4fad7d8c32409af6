/**
 * `req.session` without an own property on the request: an accessor, put once on Express's base
 * request prototype, that keeps each request's session in a WeakMap.
 *
 * Express gives every request its app's prototype (`setPrototypeOf` per request), and V8 adds an
 * own property to such an object on a slow path, with a hidden class of its own (the response
 * gate has the same reason to live on the prototype, node/prototype-gate.ts). To the app,
 * `req.session` reads, assigns (`req.session = null`) and tests (`if (!req.session)`) as before;
 * it is not among the request's own keys.
 */
import { IncomingMessage } from 'node:http';

const SESSIONS = new WeakMap<object, unknown>();
const SLOTTED = new WeakSet<object>();

const ACCESSOR: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: object) {
    return SESSIONS.get(this);
  },
  set(this: object, value: unknown) {
    SESSIONS.set(this, value);
  },
};

/**
 * Makes `req.session` an accessor of Express's base request prototype (`express.request`, just
 * above Node's `IncomingMessage.prototype`), which every app's request prototype inherits, so it
 * holds wherever the request goes: mounted sub-apps, and apps called without being mounted.
 * Leaves the request as it is (assignments then add an own property, as on any object) when it
 * already has a `session` of its own, when an object on the way defines one, or when there is no
 * such prototype (not an Express request).
 */
export function installSessionSlot(req: IncomingMessage): void {
  if (Object.hasOwn(req, 'session')) return;
  let prototype = Object.getPrototypeOf(req) as object | null;
  while (prototype !== null && prototype !== IncomingMessage.prototype) {
    const parent = Object.getPrototypeOf(prototype) as object | null;
    if (parent === IncomingMessage.prototype) {
      if (SLOTTED.has(prototype)) return;
      if (Object.hasOwn(prototype, 'session')) return;
      Object.defineProperty(prototype, 'session', ACCESSOR);
      SLOTTED.add(prototype);
      return;
    }
    if (Object.hasOwn(prototype, 'session')) return;
    prototype = parent;
  }
}
