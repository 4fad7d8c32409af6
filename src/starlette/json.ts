/**
 * Python's `json.dumps` with its defaults (what Starlette writes): `", "` and `": "` separators,
 * `ensure_ascii` escapes, Python's float repr, dict insertion order. JavaScript cannot tell `1.0`
 * from `1` nor keep `{"b": 0, "1": 0}` in that order, so the parser leaves hints on the objects it
 * builds and the writer follows them: a session read from Python is written back byte for byte.
 */

/** What the parser noticed about one decoded object or array. */
export interface PythonHint {
  /** Keys (array indices as strings) whose value Python wrote as a float with an integral value. */
  floats?: Set<string>;
  /** Key order as Python wrote it, kept only when JavaScript would enumerate the keys differently. */
  order?: string[];
}

/** Hints by container; weak, so they vanish with the session data they describe. */
export const pythonHints = new WeakMap<object, PythonHint>();

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for exponents -4..15, `e+XX` otherwise. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument gives the same shortest digits Python's repr uses.
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/**
 * A JavaScript number as Python would write it: a safe integer is a Python `int`; anything else
 * (a fraction, or an integer too large to be exact) is a `float`, so hallpass never writes an
 * integer it would refuse to read back.
 */
function formatNumber(value: number, asFloat: boolean): string {
  if (!Number.isFinite(value)) return 'null'; // as JSON.stringify; session.set refuses these anyway
  if (!asFloat && Number.isSafeInteger(value)) return String(value === 0 ? 0 : value);
  return pythonFloatRepr(value);
}

const SHORT_ESCAPES: Record<number, string> = { 34: '\\"', 92: '\\\\', 10: '\\n', 13: '\\r', 9: '\\t', 8: '\\b', 12: '\\f' };
const NEEDS_ESCAPE = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/;

/** `ensure_ascii` string escaping: `\uXXXX` (lowercase hex) for anything outside printable ASCII, per UTF-16 unit. */
export function pythonString(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const short = SHORT_ESCAPES[code];
    if (short) out += short;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += text[index];
  }
  return `${out}"`;
}

function keysOf(object: object, hint: PythonHint | undefined): string[] {
  const keys = Object.keys(object);
  if (!hint?.order) return keys;
  const known = new Set(hint.order);
  return [...hint.order.filter((key) => Object.hasOwn(object, key)), ...keys.filter((key) => !known.has(key))];
}

/** Serialises session data the way `json.dumps(session)` does. Throws `TypeError` on a cycle or a BigInt, as `JSON.stringify` does. */
export function pythonJsonDumps(value: unknown): string {
  const stack = new Set<object>();
  const write = (item: unknown, key: string, asFloat: boolean): string | undefined => {
    if (item !== null && typeof item === 'object' && typeof (item as { toJSON?: unknown }).toJSON === 'function') {
      item = (item as { toJSON(key: string): unknown }).toJSON(key);
    }
    switch (typeof item) {
      case 'string':
        return pythonString(item);
      case 'number':
        return formatNumber(item, asFloat);
      case 'boolean':
        return item ? 'true' : 'false';
      case 'bigint':
        throw new TypeError('Do not know how to serialize a BigInt');
      case 'object':
        break;
      default:
        return undefined; // undefined, functions and symbols are left out, as JSON.stringify does
    }
    if (item === null) return 'null';
    if (stack.has(item)) throw new TypeError('Converting circular structure to JSON');
    stack.add(item);
    const hint = pythonHints.get(item);
    const floats = hint?.floats;
    let out: string;
    if (Array.isArray(item)) {
      const parts = item.map((element, index) => write(element, String(index), floats?.has(String(index)) === true) ?? 'null');
      out = `[${parts.join(', ')}]`;
    } else {
      const parts: string[] = [];
      for (const name of keysOf(item, hint)) {
        const text = write((item as Record<string, unknown>)[name], name, floats?.has(name) === true);
        if (text !== undefined) parts.push(`${pythonString(name)}: ${text}`);
      }
      out = `{${parts.join(', ')}}`;
    }
    stack.delete(item);
    return out;
  };
  return write(value, '', false) ?? 'null';
}
