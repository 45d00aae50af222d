import fc from 'fast-check';
import { stableId as referenceStableId } from './reference/stable-id.oracle.js';
import { stableId } from './stable-id.js';

describe('stableId (SHA-1 in JavaScript)', () => {
  it('gives the ids node:crypto gave, for keys of any length and any characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 80 })),
        (key) => {
          expect(stableId(key)).toBe(referenceStableId(key));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000])('around block boundaries: %i bytes', (length) => {
    const key = 'k'.repeat(length);
    expect(stableId(key)).toBe(referenceStableId(key));
  });

  it('is a version 5 UUID', () => {
    expect(stableId('gap:i1:THANK_YOU')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
