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

/** class-validator's nested errors → flat `{ path, message }` entries, e.g. `items[2].email`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = !parent
      ? error.property
      : /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      path,
      message:
        constraint === 'whitelistValidation'
          ? 'is not a known field'
          : stripPropertyName(message, error.property),
    }));
    return own.concat(flattenValidationErrors(error.children ?? [], path));
  });
}

/** class-validator messages start with the property name ("name must be a string"); the path already says it. */
function stripPropertyName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
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
    if (TEXT_INPUT.has(metadata.type) && !itemsLater) {
      const errors = nulCharacterErrors(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (errors.length) throw new ValidationFailedError(errors);
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
      throw new ValidationFailedError(fields.map((path) => ({ path, message: 'is not a known field' })));
    return undefined;
  }
}

/**
 * The body of a POST that takes none (`@NoBody() _none: undefined`): absent or `{}`; any field is "not a known
 * field" (400), as on every other route.
 */
export const NoBody = () => Body(new NoBodyPipe());
