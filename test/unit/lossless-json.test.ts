import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonLosslessly, quoteIntegerLiterals } from '../../src/shared/lossless-json.js';

describe('quoteIntegerLiterals', () => {
  it('quotes every integer outside strings and leaves fractions, exponents and strings alone', () => {
    const text = '{"a":12,"b":-3,"c":1.5,"d":2e3,"e":"7 and \\"8\\"","f":[0,18446744073709551615]}';
    expect(JSON.parse(quoteIntegerLiterals(text))).toEqual({
      a: '12',
      b: '-3',
      c: 1.5,
      d: 2000,
      e: '7 and "8"',
      f: ['0', '18446744073709551615'],
    });
  });

  it('with unsafe-integers, quotes only what JSON.parse would round', () => {
    expect(
      JSON.parse(quoteIntegerLiterals('[9007199254740991,9007199254740993]', 'unsafe-integers')),
    ).toEqual([9007199254740991, '9007199254740993']);
  });
});

describe('parseJsonLosslessly', () => {
  it('rejects what JSON.parse rejects, even when quoting would make it valid', () => {
    expect(() => parseJsonLosslessly('-')).toThrow(SyntaxError);
    expect(() => parseJsonLosslessly('0123456789012345678901')).toThrow(SyntaxError);
  });

  it('agrees with JSON.parse on any JSON without unsafe integers', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        // A double such as 1.2345678901234567e19 prints as a 20-digit integer: that one is meant to differ.
        fc.pre(!/\d{16,}/.test(text));
        expect(parseJsonLosslessly(text)).toEqual(JSON.parse(text));
      }),
    );
  });
});
