/**
 * Property-based tests of the Cookie header parser (`readCookie`): it never throws, it finds
 * exactly the values a well-formed header carries for a name (in order, duplicates included), and
 * a value never spans two cookies. 5,000 cases per property.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readCookie } from '../../src/core/cookie.js';

const RUNS = 5000;

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const OCTETS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
  .filter((c) => !'",;\\'.includes(c))
  .join('');
const fromChars = (chars: string, minLength: number, maxLength: number) =>
  fc.array(fc.constantFrom(...chars), { minLength, maxLength }).map((list) => list.join(''));

const cookieName = fromChars(TOKEN_CHARS, 1, 12);
const cookieValue = fromChars(OCTETS, 0, 40);
const spaces = fc.constantFrom('', ' ', '  ', '\t');

describe('fuzz: readCookie', () => {
  it(`never throws and returns strings, whatever the header (${RUNS} headers of any UTF-16, ${RUNS} of cookie-ish syntax)`, () => {
    fc.assert(
      fc.property(fc.option(fc.string({ unit: 'binary', maxLength: 300 })), fc.string({ maxLength: 20 }), (header, name) => {
        const values = readCookie(header, name);
        assert.ok(Array.isArray(values) && values.every((v) => typeof v === 'string'));
      }),
      { numRuns: RUNS },
    );
    const cookieish = fc.array(fc.constantFrom('a', '=', ';', ' ', '"', 'hallpass', '\\', ',', '\t', '\x00', 'é'), { maxLength: 60 });
    fc.assert(
      fc.property(cookieish, (parts) => {
        for (const value of readCookie(parts.join(''), 'hallpass')) assert.ok(!value.includes(';'));
      }),
      { numRuns: RUNS },
    );
  });

  it(`finds exactly the values sent for a name, in order, however the pairs are spaced (${RUNS} headers)`, () => {
    const pairs = fc.array(fc.tuple(fc.oneof(cookieName, fc.constant('hallpass')), cookieValue, spaces, spaces), { maxLength: 12 });
    fc.assert(
      fc.property(pairs, fc.boolean(), (list, quoteSome) => {
        const header = list
          .map(([name, value, before, after], i) => {
            const shown = quoteSome && i % 2 === 0 ? `"${value}"` : value;
            return `${before}${name}=${shown}${after}`;
          })
          .join(';');
        const expected = list.filter(([name]) => name === 'hallpass').map(([, value]) => value);
        assert.deepEqual(readCookie(header, 'hallpass'), expected);
      }),
      { numRuns: RUNS },
    );
  });

  it(`matches names exactly: a name differing only in case or by a prefix is never read (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(cookieName, cookieValue, (name, value) => {
        const other = name.toUpperCase() === name ? name.toLowerCase() : name.toUpperCase();
        fc.pre(other !== name);
        assert.deepEqual(readCookie(`${other}=${value}; x${name}=${value}; ${name}x=${value}`, name), []);
      }),
      { numRuns: RUNS },
    );
  });
});
