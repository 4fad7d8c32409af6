/**
 * The response gate placed on Express's base response prototype instead of on each response: what
 * `expressSession` does unless `gateOnPrototype: false`. See "The response gate and Express's
 * prototype" in docs/frameworks.md for what it saves and what it changes.
 *
 * Express gives every response its app's prototype (`setPrototypeOf` per request). V8 then adds
 * each own property to such an object on a slow path, with a hidden class of its own rather than
 * one shared with the previous response, so four wrapped methods per response would cost more
 * than the rest of the middleware. Placed on the prototype, the four methods go on once, each
 * finds its response's gate in a WeakMap, and a response without one (not under the session
 * middleware, or of another app) passes straight through.
 */
import { ServerResponse } from 'node:http';
import { answer, type Gate, METHODS, type Method, type Originals } from './gate-calls.js';

const GATES = new WeakMap<ServerResponse, Gate>();
/** Each prototype that carries the dispatching methods, with the methods they stand in front of. */
const PROTOTYPE_ORIGINALS = new WeakMap<object, Originals>();

/**
 * The methods that the dispatching methods on `res`'s framework base prototype stand in front of,
 * putting them there on first need; `registerGate` then hands the response its gate. Undefined
 * when no prototype can carry the gate (see `gatePrototypeOf`): the caller uses own closures.
 */
export function prototypeOriginals(res: ServerResponse): Originals | undefined {
  const prototype = gatePrototypeOf(res);
  return prototype ? gatedPrototype(prototype) : undefined;
}

/** Hands `res` its gate: the dispatching methods send its calls there from now on. */
export function registerGate(res: ServerResponse, gate: Gate): void {
  GATES.set(res, gate);
}

/** The response's gate: the last one registered (the middleware may run twice for a response). */
export function currentGate(res: ServerResponse): Gate | undefined {
  return GATES.get(res);
}

/**
 * The prototype that carries the gate for this response: the framework's base response object,
 * the one just above Node's `ServerResponse.prototype` (`express.response`). Every app's response
 * prototype inherits from it: the app's own, a mounted sub-app's (which Express swaps in and out
 * as the request enters and leaves it), and that of an app called without being mounted (`vhost`,
 * or `otherApp(req, res, next)` in a middleware), so the gate stays on the response's chain
 * wherever the response is finished. The exception, an app of another copy of Express called
 * without being mounted, is caught when the response finishes (`onBypass` in gate.ts).
 *
 * Undefined, and own closures are used instead: for a plain `ServerResponse`, or when the
 * response or an object on the way already has its own methods that are not the gate's (a
 * middleware that wrapped `res.end` first captured the ungated one, so only own closures can come
 * before it).
 */
function gatePrototypeOf(res: ServerResponse): object | undefined {
  if (hasOwnMethod(res)) return undefined;
  let prototype = Object.getPrototypeOf(res) as object | null;
  while (prototype !== null && prototype !== ServerResponse.prototype) {
    const parent = Object.getPrototypeOf(prototype) as object | null;
    if (parent === ServerResponse.prototype) return prototype;
    if (hasOwnMethod(prototype)) return undefined;
    prototype = parent;
  }
  return undefined;
}

function hasOwnMethod(target: object): boolean {
  return METHODS.some((method) => Object.hasOwn(target, method));
}

/**
 * Puts the dispatching methods on `prototype` once; returns the methods they stand in front of.
 * A method the prototype already had as its own (another library's patch of `express.response.end`,
 * or the gate of a second copy of hallpass in the process) is kept and called behind the gate.
 * Otherwise the method is looked up on the prototype's parent at each call, so a patch made
 * further down the chain later (an APM agent on `ServerResponse.prototype`) is still called.
 */
function gatedPrototype(prototype: object): Originals {
  const known = PROTOTYPE_ORIGINALS.get(prototype);
  if (known) return known;
  const target = prototype as Originals;
  const ungated = (method: Method) => {
    if (Object.hasOwn(prototype, method)) return target[method] as (...args: unknown[]) => unknown;
    return function inherited(this: ServerResponse, ...args: unknown[]): unknown {
      const parent = Object.getPrototypeOf(prototype) as Originals;
      return (parent[method] as (...a: unknown[]) => unknown).apply(this, args);
    };
  };
  const originals = {
    writeHead: ungated('writeHead'),
    write: ungated('write'),
    end: ungated('end'),
    flushHeaders: ungated('flushHeaders'),
  } as unknown as Originals;
  for (const method of METHODS) {
    const callUngated = originals[method] as (...args: unknown[]) => unknown;
    Object.defineProperty(prototype, method, {
      configurable: true,
      writable: true,
      value: function gated(this: ServerResponse, ...args: unknown[]) {
        const gate = GATES.get(this);
        return gate ? answer(this, method, gate.enter(method, args)) : callUngated.apply(this, args);
      },
    });
  }
  PROTOTYPE_ORIGINALS.set(prototype, originals);
  return originals;
}
