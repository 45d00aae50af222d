import {
  Body,
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
  type Type,
  type ValidationError,
} from '@nestjs/common';
import { ValidationFailedError, type FieldError } from './app-error.js';
import { nulCharacterErrors } from './nul-characters.js';

export const REQUIRED_MESSAGE = 'is required';
export const UNKNOWN_FIELD_MESSAGE = 'is not a known field';

/** class-validator's nested errors → flat `{ path, message }` entries, e.g. `items[2].email`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = !parent
      ? error.property
      : /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`;
    const constraints = Object.entries(error.constraints ?? {});
    // A required field that is missing fails every rule it has; one message says what is wrong.
    const own =
      'value' in error &&
      error.value === undefined &&
      constraints.length &&
      !error.constraints?.whitelistValidation
        ? [{ path, message: REQUIRED_MESSAGE }]
        : constraints.map(([constraint, message]) => ({
            path,
            message:
              constraint === 'whitelistValidation'
                ? UNKNOWN_FIELD_MESSAGE
                : stripPropertyName(message, error.property),
          }));
    return own.concat(flattenValidationErrors(error.children ?? [], path));
  });
}

/** class-validator messages start with the property name ("name must be a string"); the path already says it. */
function stripPropertyName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/**
 * Keys no input field has: `__proto__`, `prototype` and every name an object inherits (`constructor`,
 * `hasOwnProperty`, `toString`, …). Nest's pipe deletes some before class-validator's whitelist could report
 * them, and the whitelist takes others (those of Object.prototype's methods that take arguments) for fields.
 */
const isPrototypeKey = (key: string) => key === '__proto__' || key === 'prototype' || key in Object.prototype;

/**
 * Where `value` (parsed JSON or a query) has a prototype key (`__proto__`, `constructor`, …), at any depth
 * (`deep: false`: its own keys only). JSON.parse makes such keys own properties; the whitelist never sees
 * them, so they are reported here as the unknown fields they are. Iterative, like nulCharacterErrors.
 */
export function prototypeKeyErrors(value: unknown, path = '', deep = true): FieldError[] {
  const errors: FieldError[] = [];
  const pending: [unknown, string][] = [[value, path]];
  while (pending.length) {
    const [current, at] = pending.pop()!;
    if (Array.isArray(current)) {
      if (deep) current.forEach((item, i) => pending.push([item, `${at}[${i}]`]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const itemPath = at ? `${at}.${key}` : key;
        if (isPrototypeKey(key)) errors.push({ path: itemPath, message: UNKNOWN_FIELD_MESSAGE });
        if (deep) pending.push([item, itemPath]);
      }
    }
  }
  return errors.reverse();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TEXT_INPUT = new Set<ArgumentMetadata['type']>(['body', 'query', 'param']);

/** class-validator's pipe, refusing first any string that holds U+0000 (PostgreSQL text cannot store it). */
class EdgeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only what came in as JSON or URL text: other parameters (a GraphQL context, a custom decorator's value)
    // are objects of our own, and GraphQL input is checked by its own rule (advisors-api/nul-characters.ts).
    // A bulk body is left to its handler, which checks each item on its own so that a bad item fails alone.
    const itemsLater =
      (metadata.metatype as { validatesItemsOneByOne?: boolean } | undefined)?.validatesItemsOneByOne ===
      true;
    if (TEXT_INPUT.has(metadata.type)) {
      const path = metadata.type === 'body' ? '' : (metadata.data ?? '');
      const errors = itemsLater
        ? prototypeKeyErrors(value, path, false)
        : [...nulCharacterErrors(value, path), ...prototypeKeyErrors(value, path)];
      if (errors.length) throw new ValidationFailedError(errors);
    }
    if (itemsLater && isObject(value) && Array.isArray(value.items)) {
      // The envelope's rules (an array of 1 to 1000 items) look only at how many items there are: Nest's pipe
      // gets stand-ins, so it neither copies (class-transformer) nor walks 1000 items the handler checks anyway,
      // and the items reach the handler exactly as sent (the pipe deletes `__proto__`, `constructor` and
      // `prototype` keys in place, and such a key must fail its item like any other).
      const sentItems = value.items;
      const result: unknown = await super.transform(
        { ...value, items: new Array<null>(sentItems.length).fill(null) },
        metadata,
      );
      if (isObject(result)) result.items = sentItems;
      return result;
    }
    return super.transform(value, metadata);
  }
}

/** Validate once at the edge: unknown fields are 400, types are transformed, every problem is listed. */
export function createValidationPipe(expectedType?: Type<unknown>): ValidationPipe {
  return new EdgeValidationPipe({
    expectedType,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}

/** Refuses what NoBody refuses. */
class NoBodyPipe implements PipeTransform {
  transform(value: unknown): undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
      throw new ValidationFailedError([{ path: '', message: 'must be absent or an empty object' }]);
    const fields = Object.keys(value);
    if (fields.length)
      throw new ValidationFailedError(fields.map((path) => ({ path, message: UNKNOWN_FIELD_MESSAGE })));
    return undefined;
  }
}

/**
 * The body of a POST that takes none (`@NoBody() _none: undefined`): absent or `{}`; any field is "not a known
 * field" (400), as on every other route.
 */
export const NoBody = () => Body(new NoBodyPipe());
