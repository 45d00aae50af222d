import { ValidationPipe, type Type, type ValidationError } from '@nestjs/common';
import { ValidationFailedError, type FieldError } from './app-error.js';

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

/** Validate once at the edge: unknown fields are 400, types are transformed, every problem is listed. */
export function createValidationPipe(expectedType?: Type<unknown>): ValidationPipe {
  return new ValidationPipe({
    expectedType,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}
