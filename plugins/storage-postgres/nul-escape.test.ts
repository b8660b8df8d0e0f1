import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonText, decodeText, encodeJsonText, encodeText } from './nul-escape.ts';

describe('storage-postgres NUL escape', () => {
  it('round-trips any text, and leaves text without U+0000 or U+E000 untouched', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\u0000', '\uE000', '0', '1', '\\', 'u') }), (text) => {
        const encoded = encodeText(text);
        expect(encoded.includes('\u0000')).toBe(false);
        expect(decodeText(encoded)).toBe(text);
      }),
    );
    expect(encodeText('plain ünïcödé')).toBe('plain ünïcödé');
    expect(encodeText(null)).toBeNull();
  });

  it('round-trips JSON text through the escape, keeping escaped backslashes apart', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.string({ unit: fc.constantFrom('x', '\u0000', '\uE000', '\\', '0') }),
        (value, text) => {
          const json = JSON.stringify({ value, text, [text]: 1 });
          const encoded = encodeJsonText(json);
          // No NUL is left for PostgreSQL to refuse (the alphabet has no 'u', so any \u0000 is one).
          expect(JSON.stringify(JSON.parse(encoded)).includes('\\u0000')).toBe(false);
          expect(JSON.parse(decodeJsonText(encoded))).toEqual(JSON.parse(json));
        },
      ),
    );
  });
});
