import type { PipeTransform } from '@nestjs/common';
import { Matches } from 'class-validator';
import { ValidationFailedError } from './app-error.js';

/** The portal's own ids: 1–128 characters of A-Za-z0-9._:- (SPEC 5.1). */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const MESSAGE = 'must be 1–128 characters of A-Za-z0-9._:-';

export function IsExternalId(): PropertyDecorator {
  return Matches(EXTERNAL_ID_PATTERN, { message: MESSAGE });
}

/** Path parameters named `externalId` and the like: a bad one is a 400 naming the parameter. Use an instance. */
export class ExternalIdPipe implements PipeTransform<string, string> {
  constructor(private readonly name = 'externalId') {}

  transform(value: string): string {
    if (!EXTERNAL_ID_PATTERN.test(value))
      throw new ValidationFailedError([{ path: this.name, message: MESSAGE }]);
    return value;
  }
}
