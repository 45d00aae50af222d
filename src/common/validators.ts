import { registerDecorator, type ValidationOptions } from 'class-validator';
import { IANAZone } from 'luxon';

/** An IANA time zone name luxon (and so the follow-up rules) can use, e.g. `Asia/Tokyo`. */
export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must be an IANA time zone such as Asia/Tokyo', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && IANAZone.isValidZone(value) },
    });
}
