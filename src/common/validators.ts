import { registerDecorator, type ValidationOptions } from 'class-validator';
import { DateTime, IANAZone } from 'luxon';

function rule(
  name: string,
  message: string,
  validate: (value: unknown) => boolean,
  options?: ValidationOptions,
) {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message, ...options },
      validator: { validate },
    });
}

/** An IANA time zone name luxon (and so the follow-up rules) can use, e.g. `Asia/Tokyo`. */
export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'isIanaTimeZone',
    'must be an IANA time zone such as Asia/Tokyo',
    (value) => typeof value === 'string' && IANAZone.isValidZone(value),
    options,
  );
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO-8601 instant with an explicit offset (`2026-11-26T10:00:00+09:00` or `…Z`). Offset-less times are
 * rejected: guessing the zone of an interview would move every reminder.
 */
export function IsInstantWithOffset(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'isInstantWithOffset',
    'must be an ISO-8601 date-time with an explicit offset, e.g. 2026-11-26T10:00:00+09:00',
    (value) =>
      typeof value === 'string' && INSTANT.test(value) && DateTime.fromISO(value, { setZone: true }).isValid,
    options,
  );
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'isCalendarDate',
    'must be a calendar date YYYY-MM-DD',
    (value) =>
      typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid,
    options,
  );
}

/** For `endedAt`-like fields: when both are valid instants, this one must not be before `other`. */
export function IsNotBefore(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isNotBefore',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      options: { message: `must not be before ${other}`, ...options },
      validator: {
        validate(value: unknown, args) {
          const start = (args?.object as Record<string, unknown>)[other];
          if (typeof value !== 'string' || typeof start !== 'string') return true; // the format rules report those
          const end = DateTime.fromISO(value);
          const begin = DateTime.fromISO(start);
          return !end.isValid || !begin.isValid || end >= begin;
        },
      },
    });
}
