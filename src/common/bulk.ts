import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ClassConstructor } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, validateSync } from 'class-validator';
import { AppError, UnprocessableError, ValidationFailedError } from './app-error.js';
import { compiledCheck } from './compiled-check.js';
import { nulCharacterErrors } from './nul-characters.js';
import { toProblem, type ProblemDetails } from './problem-details.filter.js';
import { flattenValidationErrors, prototypeKeyErrors } from './validation.js';

export const MAX_BULK_ITEMS = 1000;

export class BulkRequest {
  /** The items are checked one by one in runBulk, so that a bad item fails alone. */
  static readonly validatesItemsOneByOne = true;

  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    maxItems: MAX_BULK_ITEMS,
    description: 'Each item is the PUT body plus its `externalId`',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_ITEMS)
  items!: unknown[];
}

export type UpsertStatus = 'created' | 'updated' | 'unchanged';
export type UpsertOutcome = { status: UpsertStatus } | { status: 'error'; error: AppError };

export class BulkItemResult {
  @ApiProperty({ nullable: true, type: String }) externalId!: string | null;
  @ApiProperty({ enum: ['created', 'updated', 'unchanged', 'error'] }) status!: UpsertStatus | 'error';
  @ApiPropertyOptional({
    description: 'A problem object (type, title, status, detail, errors[]) for items that failed',
  })
  error?: ProblemDetails;
}

export class BulkResponse {
  @ApiProperty({ type: [BulkItemResult], description: 'One result per item, in input order' })
  results!: BulkItemResult[];
}

/**
 * Validates each bulk item on its own (a bad item fails alone), hands the valid ones to `upsert`, and
 * assembles one result per item in input order. An externalId repeated within the batch is stored once,
 * from its last occurrence; the earlier occurrences are reported as errors.
 */
export async function runBulk<T extends { externalId: string }>(
  itemClass: ClassConstructor<T>,
  rawItems: unknown[],
  upsert: (items: T[]) => Promise<UpsertOutcome[]>,
): Promise<BulkResponse> {
  const results: BulkItemResult[] = rawItems.map((raw) => ({
    externalId: externalIdOf(raw),
    status: 'error',
  }));
  const accepted: { index: number; item: T }[] = [];
  const lastIndexOf = new Map<string, number>();
  rawItems.forEach((raw, index) => {
    const item = validateItem(itemClass, raw);
    if (item instanceof AppError) {
      results[index].error = toProblem(item);
      return;
    }
    accepted.push({ index, item });
    lastIndexOf.set(item.externalId, index);
  });
  const unique = accepted.filter(({ index, item }) => {
    const last = lastIndexOf.get(item.externalId)!;
    if (last === index) return true;
    results[index].error = toProblem(
      new UnprocessableError(
        `externalId ${item.externalId} appears again later in this batch (item ${last}); only that one is stored.`,
      ),
    );
    return false;
  });
  const outcomes = unique.length ? await upsert(unique.map((u) => u.item)) : [];
  unique.forEach(({ index }, i) => {
    const outcome = outcomes[i];
    results[index].status = outcome.status;
    if (outcome.status === 'error') results[index].error = toProblem(outcome.error);
  });
  return { results };
}

/**
 * The item as its DTO class, or the error saying what is wrong with it. The compiled check (derived from the
 * same DTO metadata) lets a valid item through without class-validator's per-call overhead; any item it does
 * not accept takes the full path, so every message still comes from the DTO's decorators.
 */
export function validateItem<T extends object>(itemClass: ClassConstructor<T>, raw: unknown): T | AppError {
  if (!isJsonObject(raw)) return notAnObject();
  const item = asItemOf(itemClass, raw);
  return compiledCheck(itemClass)(raw, item) ? item : checkFully(item, raw);
}

/** The full path alone, as every item took before the compiled check: tests and the benchmark compare the two. */
export function validateItemFully<T extends object>(
  itemClass: ClassConstructor<T>,
  raw: unknown,
): T | AppError {
  return isJsonObject(raw) ? checkFully(asItemOf(itemClass, raw), raw) : notAnObject();
}

function isJsonObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function notAnObject(): AppError {
  return new ValidationFailedError(
    [{ path: '', message: 'must be a JSON object' }],
    'Each item must be a JSON object.',
  );
}

function checkFully<T extends object>(item: T, raw: Record<string, unknown>): T | AppError {
  const refused = [...nulCharacterErrors(raw), ...prototypeKeyErrors(raw)];
  if (refused.length) return new ValidationFailedError(refused);
  const errors = validateSync(item, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  return errors.length ? new ValidationFailedError(flattenValidationErrors(errors)) : item;
}

/**
 * The item as an instance of its DTO class, so class-validator finds its rules. A shallow copy is enough (the
 * items have no nested DTOs or transforms) and is far cheaper than class-transformer across 1000 items.
 * `__proto__` is skipped so an item cannot swap its prototype (and with it its rules); both checks refuse
 * such an item, this is a second guard.
 */
export function asItemOf<T extends object>(itemClass: ClassConstructor<T>, raw: Record<string, unknown>): T {
  const item = Object.create(itemClass.prototype as object) as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key !== '__proto__') item[key] = raw[key];
  }
  return item as T;
}

function externalIdOf(raw: unknown): string | null {
  const value = (raw as { externalId?: unknown } | null)?.externalId;
  return typeof value === 'string' ? value : null;
}

/** Maps the rows an upsert returned (created or actually changed) back onto the submitted keys, in order. */
export function classifyUpserts(
  keys: string[],
  returned: { external_id: string; inserted: boolean }[],
): UpsertStatus[] {
  const byKey = new Map(returned.map((r) => [r.external_id, r.inserted]));
  return keys.map((key) => {
    const inserted = byKey.get(key);
    return inserted === undefined ? 'unchanged' : inserted ? 'created' : 'updated';
  });
}

/** PUT answers 201 when it created the resource, 200 when it changed it or found it unchanged (SPEC 5.1). */
export function upsertStatusCode(status: UpsertStatus): 201 | 200 {
  return status === 'created' ? 201 : 200;
}
