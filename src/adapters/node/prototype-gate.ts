/**
 * The response gate placed on Express's shared response prototype instead of on each response:
 * what `expressSession`'s `gateOnPrototype` option turns on (off by default). See "The response
 * gate and Express's prototype" in docs/frameworks.md for what it saves and what it changes.
 *
 * Express gives every response its app's prototype (`setPrototypeOf` per request), and V8 makes
 * each own property then added to that object costlier than on a plain `ServerResponse`. Placed
 * on the prototype, the four methods go on once, each finds its response's gate in a WeakMap,
 * and a response without one (not under the session middleware) passes straight through.
 */
import { ServerResponse } from 'node:http';
import { answer, type Enter, METHODS, type Originals } from './gate-calls.js';

const GATES = new WeakMap<ServerResponse, Enter>();
const PROTOTYPE_ORIGINALS = new WeakMap<object, Originals>();

/**
 * Gates `res` through its framework's response prototype: the methods there stand in front of
 * the ungated ones, which are returned; `register` then hands the response its gate. Undefined
 * when that prototype cannot carry the gate (see `gatePrototypeOf`): the caller uses own closures.
 */
export function prototypeGate(res: ServerResponse): { original: Originals; register: (enter: Enter) => void } | undefined {
  const base = gatePrototypeOf(res);
  if (!base) return undefined;
  return { original: gatedPrototype(base), register: (enter) => GATES.set(res, enter) };
}

/**
 * The prototype that carries the gate for this response: the framework's base response object,
 * the one just above Node's `ServerResponse.prototype` (Express's, shared by every app and mounted
 * sub-app, whose prototypes it swaps in and out). Undefined, and own closures are used instead,
 * for a plain `ServerResponse`, or when the response or an object on the way already has its own
 * methods (a middleware that wrapped `res.end` first captured the ungated one, so only own
 * closures can come before it).
 */
function gatePrototypeOf(res: ServerResponse): object | undefined {
  if (METHODS.some((method) => Object.hasOwn(res, method))) return undefined;
  let prototype = Object.getPrototypeOf(res) as object | null;
  while (prototype !== null && prototype !== ServerResponse.prototype) {
    const parent = Object.getPrototypeOf(prototype) as object | null;
    if (parent === ServerResponse.prototype) return prototype;
    if (METHODS.some((method) => Object.hasOwn(prototype as object, method))) return undefined;
    prototype = parent;
  }
  return undefined;
}

/** Puts the dispatching methods on `prototype` once; returns the methods they stand in front of. */
function gatedPrototype(prototype: object): Originals {
  const known = PROTOTYPE_ORIGINALS.get(prototype);
  if (known) return known;
  const target = prototype as Originals;
  const originals: Originals = { writeHead: target.writeHead, write: target.write, end: target.end, flushHeaders: target.flushHeaders };
  for (const method of METHODS) {
    const ungated = originals[method] as (...args: unknown[]) => unknown;
    Object.defineProperty(prototype, method, {
      configurable: true,
      writable: true,
      value: function gated(this: ServerResponse, ...args: unknown[]) {
        const enter = GATES.get(this);
        return enter ? answer(this, method, enter(method, args)) : ungated.apply(this, args);
      },
    });
  }
  PROTOTYPE_ORIGINALS.set(prototype, originals);
  return originals;
}
