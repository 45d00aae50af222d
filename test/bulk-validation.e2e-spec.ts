import fc from 'fast-check';
import { AppError } from '../src/common/app-error.js';
import { validateItemFully } from '../src/common/bulk.js';
import { toProblem } from '../src/common/problem-details.filter.js';
import { BULK_ITEM_CLASSES, bulkItem } from './helpers/bulk-items.js';
import { createCenter, startTestApp, type TestApp, type TestCenter } from './helpers/test-app.js';

/**
 * Bulk items are let through by a check compiled from the DTOs, and only the others go through class-validator
 * (src/common/compiled-check.ts). Through HTTP, each item's result must be what class-validator alone says:
 * the same problem, byte for byte, for an invalid item, and no validation problem for a valid one.
 */
describe('bulk item validation through HTTP (real database)', () => {
  let t: TestApp;
  let center: TestCenter;
  beforeAll(async () => {
    t = await startTestApp();
    center = await createCenter(t);
  });
  afterAll(() => t.close());

  it.each(Object.entries(BULK_ITEM_CLASSES))(
    'answers each %s item as class-validator alone would',
    async (collection, itemClass) => {
      await fc.assert(
        fc.asyncProperty(fc.array(bulkItem(itemClass), { minLength: 1, maxLength: 40 }), async (items) => {
          const response = await t.http
            .post(`/v1/${collection}/bulk`)
            .set(center.auth)
            .send({ items })
            .expect(200);
          const results = response.body.results as { status: string; error?: { status: number } }[];
          expect(results).toHaveLength(items.length);
          items.forEach((raw, i) => {
            const full = validateItemFully(itemClass, raw);
            if (full instanceof AppError) {
              expect(results[i]).toMatchObject({ status: 'error' });
              expect(results[i].error).toEqual(JSON.parse(JSON.stringify(toProblem(full))));
            } else {
              // Stored, or refused for what is not validation: a missing reference, a repeated externalId.
              expect(results[i].error?.status).not.toBe(400);
            }
          });
        }),
        { numRuns: 15 },
      );
    },
  );
});
