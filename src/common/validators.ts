import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { IANAZone } from 'luxon';

function rule(
  name: string,
  message: string | ((args: ValidationArguments) => string),
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

/**
 * Time zones are IANA names, spelled exactly as in the tz database. Intl (and so luxon) also takes Java's
 * three-letter ids (`JST`, `PST`), abbreviations (`EST`, `CET`), legacy country names (`Japan`, `US/Eastern`)
 * and any letter case (`asia/tokyo`), and stores what it was given: a zone the portal and other tools may
 * read differently. So a name must be one Intl knows AND be either one of Intl's own canonical names, exact
 * case, or a geographic `Area/Location` or `Etc/…` link such as `Asia/Kolkata` or `Europe/Kyiv`, spelled
 * in the tz database's case, or `UTC`. Other spellings are refused, not corrected: nothing is stored that the
 * portal did not send.
 */
const CANONICAL_ZONES = new Set(Intl.supportedValuesOf('timeZone'));
const CANONICAL_BY_LOWER_CASE = new Map(
  [...CANONICAL_ZONES, 'UTC'].map((zone) => [zone.toLowerCase(), zone]),
);
const IANA_LINK =
  /^(?:(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)(?:\/[A-Z][a-z]*(?:[_-](?:[A-Z][a-z]*|[a-z]+))*)+|Etc\/(?:GMT(?:[+-](?:1[0-4]|[0-9]))?|GMT0|Greenwich|UCT|UTC|Universal|Zulu))$/;

function isIanaName(value: string): boolean {
  if (CANONICAL_ZONES.has(value) || value === 'UTC') return true;
  if (CANONICAL_BY_LOWER_CASE.has(value.toLowerCase())) return false; // another spelling of a canonical name
  return IANA_LINK.test(value) && IANAZone.isValidZone(value);
}

/** Bulk imports ask about the same few zones again and again, and luxon's check builds an Intl formatter. */
const knownZones = new Map<string, boolean>();

/** The longest zone name accepted (the tz database's longest is 32); OpenAPI reads it from here too. */
export const MAX_TIME_ZONE_LENGTH = 64;

export function isIanaTimeZone(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > MAX_TIME_ZONE_LENGTH) return false;
  let valid = knownZones.get(value);
  if (valid === undefined) {
    valid = isIanaName(value);
    if (knownZones.size < 10_000) knownZones.set(value, valid);
  }
  return valid;
}

/** The tz database's spelling of a name given in another letter case, e.g. `Asia/Tokyo` for `asia/tokyo`. */
export function canonicalZoneSpelling(value: unknown): string | undefined {
  return typeof value === 'string' ? CANONICAL_BY_LOWER_CASE.get(value.toLowerCase()) : undefined;
}

/** An IANA time zone name luxon (and so the follow-up rules) can use, e.g. `Asia/Tokyo` (see isIanaName). */
export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'isIanaTimeZone',
    ({ value }: ValidationArguments) => {
      const spelling = canonicalZoneSpelling(value);
      return spelling && spelling !== value
        ? `must be spelled as in the tz database: ${spelling}`
        : 'must be an IANA time zone such as Asia/Tokyo';
    },
    isIanaTimeZone,
    options,
  );
}

/** Exported so OpenAPI shows the same pattern (one source); it, not a format, is the rule. */
export const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * IsNotBefore asks again about the two instants its item's format rules have just checked (`endedAt`, then
 * `occurredAt`): the last two answers are kept. ('' is not an instant, so the empty slots answer right.)
 */
let lastValue = '';
let lastValid = false;
let previousValue = '';
let previousValid = false;

export function isInstantWithOffset(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (value === lastValue) return lastValid;
  if (value === previousValue) return previousValid;
  const valid = isInstantText(value);
  [previousValue, previousValid, lastValue, lastValid] = [lastValue, lastValid, value, valid];
  return valid;
}

/** Checked field by field (cheaper than a full date-time parse; bulk imports check thousands at once). */
function isInstantText(value: string): boolean {
  const m = INSTANT.exec(value);
  // Absent seconds and offset (`Z`) are undefined, and count as 0.
  return (
    m !== null &&
    isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3])) &&
    Number(m[4]) <= 23 &&
    Number(m[5]) <= 59 &&
    Number(m[6] ?? 0) <= 59 &&
    Number(m[7] ?? 0) <= 18 &&
    Number(m[8] ?? 0) <= 59
  );
}

/** The longest text INSTANT matches: nine fraction digits and a numeric offset. */
export const MAX_INSTANT_LENGTH = '2026-11-26T10:00:00.123456789+09:00'.length;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Without a Date per call (bulk imports check thousands of instants at once). */
function isCalendarDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= DAYS_IN_MONTH[month - 1] || (month === 2 && day === 29 && isLeapYear(year));
}

/** Years 0–99 count as 1900–1999, as in the Date.UTC this replaces: `0000-02-29` stays refused. */
function isLeapYear(year: number): boolean {
  const y = year < 100 ? year + 1900 : year;
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/**
 * An ISO-8601 instant with an explicit offset (`2026-11-26T10:00:00+09:00` or `…Z`). Offset-less times are
 * rejected: guessing the zone of an interview would move every reminder.
 */
export function IsInstantWithOffset(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'isInstantWithOffset',
    'must be an ISO-8601 date-time with an explicit offset, e.g. 2026-11-26T10:00:00+09:00',
    isInstantWithOffset,
    options,
  );
}

/** A Date between the years 1 and 9999, as REST's four-digit years allow and PostgreSQL can store. */
export function IsStorableDate(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'isStorableDate',
    'must be a date-time between the years 1 and 9999',
    (value) =>
      value instanceof Date &&
      !Number.isNaN(value.getTime()) &&
      value.getUTCFullYear() >= 1 &&
      value.getUTCFullYear() <= 9999,
    options,
  );
}

export const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` that exists. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return rule(
    'isCalendarDate',
    'must be a calendar date YYYY-MM-DD',
    (value) => {
      const m = typeof value === 'string' ? CALENDAR_DATE.exec(value) : null;
      return m !== null && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
    },
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
          if (!isInstantWithOffset(value) || !isInstantWithOffset(start)) return true; // the format rules report those
          return Date.parse(value as string) >= Date.parse(start as string);
        },
      },
    });
}
