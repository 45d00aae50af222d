import fc from 'fast-check';
import type { ClassConstructor } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';
import { AdvisorBulkItem } from '../../src/directory/advisor.dto.js';
import { CompanyBulkItem } from '../../src/directory/company.dto.js';
import { StudentBulkItem } from '../../src/directory/student.dto.js';
import { FollowUpBulkItem } from '../../src/interactions/follow-up.dto.js';
import { InteractionBulkItem } from '../../src/interactions/interaction.dto.js';

/** Every class a `POST /v1/<collection>/bulk` validates its items with (ResourceController's `item`). */
export const BULK_ITEM_CLASSES: Record<string, ClassConstructor<object>> = {
  advisors: AdvisorBulkItem,
  companies: CompanyBulkItem,
  students: StudentBulkItem,
  'follow-ups': FollowUpBulkItem,
  interactions: InteractionBulkItem,
};

const externalIds = {
  valid: ['adv-1', 'cmp-1', 'stu-1', 'int-1', 'a:b.c_d-e', 'a'.repeat(128)],
  invalid: ['a'.repeat(129), '', 'a b', 'é', 42],
};
const instants = {
  // In the past: a follow-up sent in the future is refused by the service (a 400 of its own).
  valid: [
    '2025-11-26T10:00:00+09:00',
    '2025-11-26T11:00+09:00',
    '2025-11-26T00:59:59.5Z',
    '2024-02-29T10:00:00-05:00',
  ],
  invalid: [
    '2026-02-29T10:00:00Z',
    '0000-02-29T10:00:00Z',
    '2026-11-26T10:00:00',
    '2026-11-26T24:00:00Z',
    '2026-11-26T10:00:00+19:00',
    '2026-11-26',
  ],
};
const texts = (min: number, max: number) => ({
  valid: ['面接のお礼', 'x', 'x'.repeat(max), ' ', ...(min ? [] : [''])],
  invalid: ['x'.repeat(max + 1), ...(min ? [''] : []), 7, ['x']],
});
const oneOf = (values: string[], invalid: unknown[]) => ({ valid: values, invalid });

/**
 * Values near each field's rules, by field name: `valid` ones build items that should pass, `invalid` ones
 * (and any JSON value, null, U+0000) break them. The split only steers the mix: the tests compare checkers.
 */
const SAMPLES: Record<string, { valid: unknown[]; invalid: unknown[] }> = {
  externalId: externalIds,
  advisorExternalId: externalIds,
  studentExternalId: externalIds,
  companyExternalId: externalIds,
  interactionExternalId: externalIds,
  name: texts(1, 200),
  industry: texts(0, 200),
  notes: texts(0, 10000),
  note: texts(0, 10000),
  email: {
    valid: ['hanako.sato@career.example.ac.jp', 'a@b.co'],
    invalid: ['not an e-mail', 'a@b', `${'a'.repeat(64)}@${'b'.repeat(250)}.jp`, ''],
  },
  timezone: oneOf(
    ['Asia/Tokyo', 'UTC', 'Etc/GMT-9', 'Asia/Kolkata'],
    ['asia/tokyo', 'JST', 'Mars/Olympus', ''],
  ),
  locale: oneOf(['ja', 'en'], ['fr', 'JA']),
  graduationYear: { valid: [2027, 1950, 2100], invalid: [1949, 2101, 2027.5, '2027'] },
  notificationsEnabled: { valid: [true, false], invalid: ['true', 0] },
  kind: oneOf(['INTERVIEW', 'INFO_SESSION', 'CAREER_FAIR', 'NETWORKING', 'OTHER'], ['interview']),
  outcome: oneOf(['PENDING', 'PASSED', 'OFFER', 'REJECTED', 'WITHDRAWN'], ['pending']),
  channel: oneOf(['EMAIL', 'PHONE', 'SNS', 'LETTER', 'IN_PERSON'], ['FAX']),
  purpose: oneOf(['THANK_YOU', 'CHECK_IN'], ['OTHER']),
  occurredAt: instants,
  endedAt: instants,
  sentAt: instants,
  resultExpectedBy: { valid: ['2026-12-04', '2028-02-29'], invalid: ['2026-02-29', '2026-12-4', 20261204] },
  contactExternalIds: {
    valid: [[], ['ct-1'], ['ct-1', 'ct-2'], Array.from({ length: 50 }, (_, i) => `ct-${i}`)],
    invalid: [
      ['ct-1', 'ct-1'],
      Array.from({ length: 51 }, (_, i) => `ct-${i}`),
      ['a b'],
      [1],
      [null],
      [['ct-1']],
      [{ id: 'ct-1' }],
      'ct-1',
    ],
  },
};
const FALLBACK = { valid: ['text'], invalid: [''] };

const withNul = fc.constantFrom('a\u0000b', '\u0000', 'adv-\u0000');
const UNKNOWN_KEYS = [
  'extra',
  'id',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'isPrototypeOf',
];
const ABSENT = Symbol('absent');

/** Anything that may break a field: a wrong value, any JSON value, null, U+0000, or the field missing. */
function breaking(field: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...(SAMPLES[field] ?? FALLBACK).invalid) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: withNul },
    { weight: 1, arbitrary: withNul.map((text) => [text]) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.constant(ABSENT) },
  );
}

/** The class's fields, from its class-validator metadata (so a new field is generated without a change here). */
export function fieldsOf(itemClass: ClassConstructor<object>): string[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(
    itemClass,
    undefined as unknown as string,
    false,
    false,
  );
  return [...new Set(metadatas.map((m) => m.propertyName))];
}

/**
 * Random bulk items for `itemClass`, as the API receives them (parsed from JSON text, so a `__proto__` key
 * is an own property): each field present with likely-valid values most of the time, sometimes missing,
 * wrong, null or holding U+0000, and now and then an unknown or prototype key, at the top or deeper.
 */
export function bulkItem(itemClass: ClassConstructor<object>): fc.Arbitrary<unknown> {
  const fields = fieldsOf(itemClass);
  // Valid values for every field (optional ones sometimes missing), then up to two fields broken.
  const base = fc.tuple(
    ...fields.map((field) =>
      fc.oneof(
        { weight: 30, arbitrary: fc.constantFrom(...(SAMPLES[field] ?? FALLBACK).valid) },
        { weight: 1, arbitrary: fc.constant(ABSENT) },
      ),
    ),
  );
  const oneChange = fc
    .nat(fields.length - 1)
    .chain((i) => breaking(fields[i]).map((value) => [i, value] as const));
  // About half the items keep every field valid.
  const broken = fc.oneof(fc.constant([]), fc.array(oneChange, { minLength: 1, maxLength: 2 }));
  const extra = fc.option(fc.tuple(fc.constantFrom(...UNKNOWN_KEYS), fc.jsonValue({ maxDepth: 1 })), {
    freq: 8,
  });
  const object = fc.tuple(base, broken, extra).map(([values, changes, unknown]) => {
    const all: unknown[] = [...values];
    for (const [i, value] of changes) all[i] = value;
    const entries = fields.flatMap((field, i): [string, unknown][] =>
      all[i] === ABSENT ? [] : [[field, all[i]]],
    );
    if (unknown) entries.splice(entries.length >> 1, 0, unknown);
    return JSON.parse(
      `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`,
    ) as unknown;
  });
  return fc.oneof(
    { weight: 40, arbitrary: object },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    { weight: 1, arbitrary: fc.constant(JSON.parse('{"name":{"__proto__":{"a":1}}}') as unknown) },
  );
}
