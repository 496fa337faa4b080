// mayHoldBadText lets the text guard skip parsing a JSON body: it must never say "no" for a body whose
// parsed value findBadText would refuse.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findBadText, mayHoldBadText } from '../../model/text-check';

// Strings of any UTF-16 code units (lone surrogates and NUL included), and JSON values made of them.
const anyText = fc.string({ unit: 'binary' });
const withBad = fc.oneof(anyText, fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\udc00b', '\ud83d\ude80', '\\u0000', 'x\\ud800'));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, withBad, fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('node')), fc.dictionary(withBad, tie('node'))),
})).node;

describe('mayHoldBadText', () => {
  it('is true for every JSON text whose parsed value holds a NUL or a lone surrogate (as JSON.stringify writes it)', () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = JSON.stringify(v);
        if (findBadText(JSON.parse(text))) expect(mayHoldBadText(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads escapes in either case, and is false for ordinary text', () => {
    expect(mayHoldBadText('{"a":"\\u0000"}')).toBe(true);
    expect(mayHoldBadText('{"a":"\\uD800"}')).toBe(true);
    expect(mayHoldBadText('{"a":"\\udfff"}')).toBe(true);
    expect(findBadText(JSON.parse('{"a":"\\uDFFF"}'))).not.toBeNull();
    expect(mayHoldBadText(JSON.stringify({ entries: [{ key: 't1@2024-03', fields: { progress: '推进中 🚀 \\n "引号"' } }] }))).toBe(false);
  });
});
