/**
 * The Python-compatible JSON and base64 under the Starlette codec: fixed cases here, and the same
 * functions checked against Python itself on thousands of generated inputs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { itsdangerousB64decode, pythonB64decode } from '../../src/starlette/base64.js';
import { pythonFloatRepr, pythonJsonDumps } from '../../src/starlette/json.js';
import { PythonJsonError, pythonJsonLoads } from '../../src/starlette/json-parse.js';
import { needService } from '../support/services.js';

const PYTHON = '/usr/bin/python3';

/** Runs a Python snippet that reads JSON lines on stdin and prints one line per input. */
function python(script: string, inputs: unknown[]): string[] {
  const output = execFileSync(PYTHON, ['-c', script], { input: inputs.map((input) => JSON.stringify(input)).join('\n'), encoding: 'utf8' });
  return output.split('\n').slice(0, inputs.length);
}

describe('Python float repr', () => {
  const cases: Array<[number, string]> = [
    [1, '1.0'],
    [-1, '-1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [2.5, '2.5'],
    [0.1, '0.1'],
    [1 / 3, '0.3333333333333333'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [123456789012345680000, '1.2345678901234568e+20'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
  ];
  for (const [value, text] of cases) it(`writes ${value} as ${text}`, () => assert.equal(pythonFloatRepr(value), text));
});

describe('Python json.dumps', () => {
  it('uses Python spacing and keeps insertion order', () => {
    assert.equal(pythonJsonDumps({ b: [1, 2.5, null, true, false], a: {} }), '{"b": [1, 2.5, null, true, false], "a": {}}');
    assert.equal(pythonJsonDumps({ list: [], nested: { x: [{}] } }), '{"list": [], "nested": {"x": [{}]}}');
  });

  it('escapes like ensure_ascii: \\uXXXX in lowercase hex, astral characters as surrogate pairs, / left alone', () => {
    assert.equal(
      pythonJsonDumps({ s: 'Zoë 😀 </script> "q" \\ \n\r\t\b\f \u0001 \u007f' }),
      String.raw`{"s": "Zo\u00eb \ud83d\ude00 </script> \"q\" \\ \n\r\t\b\f \u0001 \u007f"}`,
    );
    assert.equal(pythonJsonDumps({ lone: '\ud800' }), String.raw`{"lone": "\ud800"}`);
  });

  it('writes a safe integer as an int and anything else as a float', () => {
    assert.equal(
      pythonJsonDumps({ a: 9007199254740991, b: 2 ** 53, c: 1e300, d: -0 }),
      '{"a": 9007199254740991, "b": 9007199254740992.0, "c": 1e+300, "d": 0}',
    );
  });

  it('leaves out what JSON.stringify leaves out and refuses a cycle', () => {
    assert.equal(
      pythonJsonDumps({ a: undefined, b: () => 1, c: [undefined], d: new Date(0) }),
      '{"c": [null], "d": "1970-01-01T00:00:00.000Z"}',
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => pythonJsonDumps(cycle), TypeError);
  });
});

describe('Python json.loads', () => {
  it('keeps floats that look like integers, and Python key order, for the way back', () => {
    const text = '{"b": 1.0, "2": [1.0, 2, 1e16, -0.0], "a": {"x": 3.0}}';
    const value = pythonJsonLoads(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(value), ['2', 'b', 'a'], 'JavaScript enumerates integer keys first');
    assert.equal(pythonJsonDumps(value), '{"b": 1.0, "2": [1.0, 2, 1e+16, -0.0], "a": {"x": 3.0}}');
    // A changed value keeps the type Python gave its key; a new key comes after the known ones.
    value.b = 7;
    value['1'] = 'new';
    assert.equal(pythonJsonDumps(value), '{"b": 7.0, "2": [1.0, 2, 1e+16, -0.0], "a": {"x": 3.0}, "1": "new"}');
  });

  it('keeps the first position and the last value of a repeated key, as a dict does', () => {
    const value = pythonJsonLoads('{"a": 1.0, "b": 2, "a": 3}');
    assert.deepEqual(value, { a: 3, b: 2 });
    assert.equal(pythonJsonDumps(value), '{"a": 3, "b": 2}');
  });

  it('takes "__proto__" as a plain key', () => {
    const value = pythonJsonLoads('{"__proto__": {"admin": true}, "x": {"__proto__": 1}}') as Record<string, any>;
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(value.admin, undefined);
    assert.deepEqual(Object.keys(value), ['__proto__', 'x']);
    assert.equal(Object.getPrototypeOf(value.x), Object.prototype);
    assert.equal(pythonJsonDumps(value), '{"__proto__": {"admin": true}, "x": {"__proto__": 1}}');
  });

  it('reads escapes and whitespace as Python does', () => {
    assert.deepEqual(pythonJsonLoads(' \t\n{ "a" :\r"\\u00e9\\ud83d\\ude00\\/" } '), { a: 'é😀/' });
  });

  for (const text of [
    '{"n": 9007199254740992}',
    '{"n": -9007199254740992}',
    '{"n": NaN}',
    '{"n": Infinity}',
    '{"n": -Infinity}',
    '{"n": 1e400}',
  ]) {
    it(`refuses ${text}: JavaScript cannot hold it exactly`, () => assert.throws(() => pythonJsonLoads(text), PythonJsonError));
  }
  for (const text of [
    '',
    '{',
    '{"a": 1,}',
    "{'a': 1}",
    '{"a": 01}',
    '{"a": 1.}',
    '{"a": "\u0001"}',
    '{"a": "\\x"}',
    '{"a": 1} x',
    '[1 2]',
  ]) {
    it(`refuses ${JSON.stringify(text)} as Python does`, () => assert.throws(() => pythonJsonLoads(text), PythonJsonError));
  }
});

const pythonSkip = needService(
  'Python',
  existsSync(PYTHON),
  `Install python3 at ${PYTHON} (Debian: apt-get install python3-itsdangerous).`,
);

describe('against Python itself', { skip: pythonSkip }, () => {
  it('formats every double as repr(float) does', () => {
    const values = [
      ...fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), 3000),
      ...fc.sample(
        fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 1000),
        500,
      ),
    ];
    // The shortest representation round-trips exactly, so Python reads the very same double.
    const theirs = python(
      'import sys, json\nfor line in sys.stdin: print(repr(float(json.loads(line))))',
      values.map((value) => pythonFloatRepr(value)),
    );
    values.forEach((value, index) => {
      assert.equal(pythonFloatRepr(value), theirs[index], `for ${value}`);
    });
  });

  it('serializes arbitrary sessions as json.dumps does, and reads its own output back', () => {
    // Any UTF-16 unit (lone surrogates included), mostly ASCII, now and then an astral character.
    const unit = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)), weight: 4 },
      fc.integer({ min: 0x80, max: 0xffff }).map((code) => String.fromCharCode(code)),
      fc.constantFrom('😀', '𝄞'),
    );
    const text = fc.string({ unit, maxLength: 12 });
    const sessions = fc.sample(fc.dictionary(text, fc.jsonValue({ maxDepth: 2, stringUnit: unit }), { maxKeys: 6 }), 300);
    const texts = sessions.map((session) => pythonJsonDumps(session));
    const theirs = python('import sys, json\nfor line in sys.stdin: print(json.dumps(json.loads(json.loads(line))))', texts);
    texts.forEach((text, index) => {
      assert.equal(theirs[index], text);
      assert.deepEqual(pythonJsonLoads(text), JSON.parse(JSON.stringify(sessions[index])));
    });
  });

  it('decodes base64 as b64decode and itsdangerous do, junk characters and padding included', () => {
    const inputs = fc.sample(
      fc.array(fc.constantFrom(...'Ab0+/-_=. é'), { maxLength: 14 }).map((chars) => chars.join('')),
      3000,
    );
    const script = `import sys, json, base64, itsdangerous.encoding as e
for line in sys.stdin:
    b = json.loads(line).encode('utf-8')
    out = []
    for f in (base64.b64decode, e.base64_decode):
        try: out.append(f(b).hex())
        except Exception: out.append('error')
    print(' '.join(out))`;
    const theirs = python(script, inputs);
    const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : 'error');
    inputs.forEach((input, index) => {
      const bytes = Buffer.from(input, 'utf8');
      const [standard, itsdangerous] = (theirs[index] as string).split(' ');
      assert.equal(hex(pythonB64decode(bytes)), standard, `b64decode(${JSON.stringify(input)})`);
      assert.equal(hex(itsdangerousB64decode(bytes)), itsdangerous, `base64_decode(${JSON.stringify(input)})`);
    });
  });
});
