import fc from 'fast-check';
import { BULK_ITEM_CLASSES, bulkItem } from '../../test/helpers/bulk-items.js';
import { AppError } from './app-error.js';
import { asItemOf, validateItem, validateItemFully } from './bulk.js';
import { compiledCheck, isCompilable } from './compiled-check.js';
import { toProblem } from './problem-details.filter.js';

const isObject = (raw: unknown): raw is Record<string, unknown> =>
  typeof raw === 'object' && raw !== null && !Array.isArray(raw);

const namesAnObjectPrototypeMember = (raw: object) =>
  Object.keys(raw).some((key) => Object.hasOwn(Object.prototype, key));

describe.each(Object.entries(BULK_ITEM_CLASSES))('the compiled check of %s bulk items', (_, itemClass) => {
  it('is compiled from the DTO metadata (no rule kind it cannot run)', () => {
    expect(isCompilable(itemClass)).toBe(true);
  });

  it('accepts exactly the items class-validator accepts, and bulk answers as class-validator alone', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(bulkItem(itemClass), (raw) => {
        const full = validateItemFully(itemClass, raw);
        const fullyValid = !(full instanceof AppError);
        if (isObject(raw)) {
          const compiled = compiledCheck(itemClass)(raw, asItemOf(itemClass, raw));
          expect(compiled).toBe(fullyValid);
          // Inherited names (`hasOwnProperty`, `toString`, …) are unknown fields on both paths.
          if (namesAnObjectPrototypeMember(raw)) expect(fullyValid).toBe(false);
        }
        // What runBulk uses: the same item, or the same problem, byte for byte.
        const answer = validateItem(itemClass, raw);
        if (fullyValid) expect(answer).toEqual(full);
        else expect(toProblem(answer as AppError)).toEqual(toProblem(full));
        if (fullyValid) accepted++;
        else refused++;
      }),
      { numRuns: 3000 },
    );
    // Both answers must be common, or the property says little.
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});
