/**
 * Python's `json.loads` for Starlette payloads, limited to what JavaScript holds exactly: an integer
 * beyond 2^53 - 1, `NaN` or `Infinity` (all legal for Python) refuse the whole payload instead of
 * being silently changed, so hallpass never writes back a different session than it read.
 */
import type { Json } from '../core/types.js';
import { type PythonHint, pythonHints } from './json.js';

/** Why a payload was refused: not JSON for Python, or JSON whose values JavaScript cannot hold exactly. */
export class PythonJsonError extends Error {}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses like `json.loads(text)`; nested objects and arrays carry `pythonHints`. Throws `PythonJsonError`. */
export function pythonJsonLoads(text: string): Json {
  let pos = 0;
  const fail = (what: string): never => {
    throw new PythonJsonError(`${what} at offset ${pos}`);
  };
  const skip = () => {
    while (WHITESPACE.has(text.charCodeAt(pos))) pos++;
  };

  const parseString = (): string => {
    pos++; // opening quote
    let out = '';
    let start = pos;
    for (;;) {
      const code = text.charCodeAt(pos);
      if (Number.isNaN(code)) fail('Unterminated string');
      if (code === 0x22) break;
      // strict=True (the default): raw control characters are not allowed inside strings.
      if (code < 0x20) fail('Invalid control character');
      if (code !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(start, pos);
      const escaped = text[pos + 1] ?? '';
      if (escaped === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Invalid \\uXXXX escape');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        pos += 6;
      } else {
        const replacement = ESCAPES[escaped];
        if (replacement === undefined) fail('Invalid \\escape');
        out += replacement;
        pos += 2;
      }
      start = pos;
    }
    out += text.slice(start, pos);
    pos++; // closing quote
    return out;
  };

  /** A number, and whether Python reads it as a float whose value happens to be integral. */
  const parseNumber = (): { value: number; integralFloat: boolean } => {
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(text);
    if (!match) return fail('Expecting value');
    pos += match[0].length;
    const value = Number(match[0]);
    const isFloat = match[1] !== undefined || match[2] !== undefined;
    if (!isFloat && !Number.isSafeInteger(value)) fail('Integer beyond 2^53 - 1 (JavaScript would change it)');
    if (!Number.isFinite(value)) fail('Float out of range (Python reads it as inf)');
    return { value, integralFloat: isFloat && Number.isInteger(value) };
  };

  const parseValue = (hint: () => PythonHint, key: string): Json => {
    skip();
    const code = text.charCodeAt(pos);
    if (code === 0x22) return parseString();
    if (code === 0x7b) return parseObject();
    if (code === 0x5b) return parseArray();
    if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      if (text.startsWith('-Infinity', pos)) fail('-Infinity is not a JSON value JavaScript can keep');
      const { value, integralFloat } = parseNumber();
      if (integralFloat) {
        const container = hint();
        container.floats ??= new Set();
        container.floats.add(key);
      }
      return value;
    }
    for (const [word, value] of [
      ['null', null],
      ['true', true],
      ['false', false],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    if (text.startsWith('NaN', pos) || text.startsWith('Infinity', pos)) fail('NaN and Infinity are not values JavaScript can keep');
    return fail('Expecting value');
  };

  const parseArray = (): Json[] => {
    pos++;
    const array: Json[] = [];
    const hint: PythonHint = {};
    skip();
    if (text.charCodeAt(pos) === 0x5d) {
      pos++;
      return array;
    }
    for (;;) {
      array.push(parseValue(() => hint, String(array.length)));
      skip();
      const code = text.charCodeAt(pos++);
      if (code === 0x5d) break;
      if (code !== 0x2c) fail("Expecting ',' delimiter");
    }
    if (hint.floats) pythonHints.set(array, hint);
    return array;
  };

  const parseObject = (): { [key: string]: Json } => {
    pos++;
    const object: { [key: string]: Json } = {};
    const hint: PythonHint = {};
    const order: string[] = [];
    skip();
    if (text.charCodeAt(pos) === 0x7d) {
      pos++;
      return object;
    }
    for (;;) {
      skip();
      if (text.charCodeAt(pos) !== 0x22) fail('Expecting property name enclosed in double quotes');
      const key = parseString();
      skip();
      if (text.charCodeAt(pos++) !== 0x3a) fail("Expecting ':' delimiter");
      // A repeated key keeps its first position and takes the last value, as a Python dict does.
      if (!Object.hasOwn(object, key)) order.push(key);
      else hint.floats?.delete(key);
      const value = parseValue(() => hint, key);
      // defineProperty, so a "__proto__" key is plain data and never a prototype.
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      skip();
      const code = text.charCodeAt(pos++);
      if (code === 0x7d) break;
      if (code !== 0x2c) fail("Expecting ',' delimiter");
    }
    const keys = Object.keys(object);
    if (keys.some((key, index) => key !== order[index])) hint.order = order;
    if (hint.floats || hint.order) pythonHints.set(object, hint);
    return object;
  };

  const value = parseValue(() => ({}), '');
  skip();
  if (pos !== text.length) fail('Extra data');
  return value;
}
