import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  ARRAY_UNIQUE,
  getMetadataStorage,
  IS_EMAIL,
  IS_INT,
  IS_LENGTH,
  IS_URL,
  IS_UUID,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
} from 'class-validator';
import { EXTERNAL_ID_PATTERN } from '../common/external-id.js';
import { MAX_CURSOR_LENGTH } from '../common/pagination.js';
import { CALENDAR_DATE, INSTANT, MAX_INSTANT_LENGTH, MAX_TIME_ZONE_LENGTH } from '../common/validators.js';
import { MAX_DURATION_LENGTH } from '../follow-ups/policy.dto.js';

/**
 * The limits the server enforces, put into the OpenAPI schemas FROM the class-validator metadata of the DTOs
 * (the one source: the decorators the validation pipe and the compiled bulk check run), so a limit cannot be
 * written twice and drift. @ApiProperty still carries what only a reader needs (examples, descriptions).
 */

type ValidationMetadata = ReturnType<
  ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']
>[number];

export interface Schema {
  type?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  nullable?: boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
  description?: string;
  example?: unknown;
  default?: unknown;
}

/** What a property's rules say about its values, in JSON Schema terms. */
export type Facts = Omit<Schema, 'items'> & { items?: Facts };

const int32 = 2 ** 31 - 1;
const UUID_LENGTH = '00000000-0000-0000-0000-000000000000'.length;
/** JSON.stringify writes a Date with toISOString: 24 characters for the years 1–9999 that inputs allow. */
const ISO_INSTANT_LENGTH = new Date(Date.UTC(2026, 10, 26)).toISOString().length;

/** `^[…]{m,n}$`: a pattern of one repeated character class says its lengths too. */
function lengthsOf(pattern: RegExp): Facts {
  const m = /\{(\d+),(\d+)\}\$$/.exec(pattern.source);
  return m ? { minLength: Number(m[1]), maxLength: Number(m[2]) } : {};
}

export const EXTERNAL_ID_FACTS: Facts = {
  pattern: EXTERNAL_ID_PATTERN.source,
  ...lengthsOf(EXTERNAL_ID_PATTERN),
};

/**
 * The project's own validators (common/validators.ts and the like) by their registered name. No `format:
 * date-time` for instants: RFC 3339 requires seconds, which the server does not; the pattern is the rule.
 */
const CUSTOM: Readonly<Record<string, Facts>> = {
  isIanaTimeZone: { maxLength: MAX_TIME_ZONE_LENGTH },
  isInstantWithOffset: { pattern: INSTANT.source, maxLength: MAX_INSTANT_LENGTH },
  isCalendarDate: { format: 'date', pattern: CALENDAR_DATE.source, maxLength: 'YYYY-MM-DD'.length },
  isIsoDuration: { maxLength: MAX_DURATION_LENGTH },
};

/** The facts one rule states (for its elements when `each`). */
function factsOfRule(m: ValidationMetadata): Facts {
  const c = m.constraints ?? [];
  switch (m.name) {
    case MAX_LENGTH:
      return { maxLength: c[0] as number };
    case MIN_LENGTH:
      return { minLength: c[0] as number };
    case IS_LENGTH:
      return { minLength: c[0] as number, ...(c[1] === undefined ? {} : { maxLength: c[1] as number }) };
    case MIN:
      return { minimum: c[0] as number };
    case MAX:
      return { maximum: c[0] as number };
    case IS_INT:
      return { type: 'integer' };
    case ARRAY_MAX_SIZE:
      return { maxItems: c[0] as number };
    case ARRAY_MIN_SIZE:
      return { minItems: c[0] as number };
    case ARRAY_UNIQUE:
      return { uniqueItems: true };
    case MATCHES:
      return { pattern: (c[0] as RegExp).source, ...lengthsOf(c[0] as RegExp) };
    case IS_EMAIL:
      return { format: 'email' };
    case IS_URL:
      return { format: 'uri' };
    case IS_UUID:
      return { format: 'uuid', maxLength: UUID_LENGTH };
    default:
      return CUSTOM[m.name ?? ''] ?? {};
  }
}

/** The facts of each validated property of `target`, its inherited rules included. */
export function validatedFacts(target: DtoClass): Map<string, Facts> {
  const storage = getMetadataStorage();
  const byProperty = new Map<string, Facts>();
  for (const m of storage.getTargetValidationMetadatas(target, '', true, false)) {
    const facts = byProperty.get(m.propertyName) ?? {};
    const rule = factsOfRule(m);
    if (m.each) facts.items = { ...facts.items, ...rule };
    else Object.assign(facts, rule);
    byProperty.set(m.propertyName, facts);
  }
  for (const facts of byProperty.values()) {
    const { minimum = -int32 - 1, maximum = int32 } = facts;
    if (facts.type === 'integer')
      facts.format = minimum >= -int32 - 1 && maximum <= int32 ? 'int32' : 'int64';
  }
  return byProperty;
}

export type DtoClass = abstract new (...args: never[]) => object;

/** Every class that has class-validator rules (the DTOs), by name. */
export function validatedClasses(): Map<string, DtoClass> {
  // class-validator has no API that lists the classes it knows; its storage's (private, untyped) map does.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
  const byTarget: Map<unknown, unknown> = getMetadataStorage()['validationMetadatas'];
  const classes = [...byTarget.keys()].filter((t): t is DtoClass => typeof t === 'function');
  return new Map(classes.map((target) => [target.name, target]));
}

/**
 * A request field's default goes into its description: generators such as openapi-typescript (by default)
 * make a field with a `default` required, so a client would have to send what the server fills in itself.
 */
function defaultInWords(schema: Schema): void {
  if (schema.default === undefined) return;
  const said = `Default: ${JSON.stringify(schema.default)}.`;
  schema.description = schema.description ? `${schema.description}. ${said}` : said;
  delete schema.default;
}

function apply(schema: Schema, facts: Facts): void {
  defaultInWords(schema);
  const { items, ...own } = facts;
  Object.assign(schema, own);
  if (items && schema.items && !schema.items.$ref) Object.assign(schema.items, items);
}

/** Path parameters, which pipes (not DTOs) check, by name. */
const PATH_PARAMETERS: Readonly<Record<string, Facts>> = {
  externalId: EXTERNAL_ID_FACTS,
  companyExternalId: EXTERNAL_ID_FACTS,
  id: { format: 'uuid', maxLength: UUID_LENGTH },
  centerId: { format: 'uuid', maxLength: UUID_LENGTH },
  previewId: { format: 'uuid', maxLength: UUID_LENGTH },
};

type Parameter = { name: string; in: string; schema?: Schema };
type Operation = { parameters?: Parameter[] };

/**
 * Writes the enforced limits into the document: request schemas (and `additionalProperties: false`, since the
 * pipe refuses unknown fields), query and path parameters, and the response strings whose values came in
 * through a validated field of the same name (a stored name is at most as long as the name accepted).
 */
export function applyValidationLimits(
  schemas: Record<string, Schema>,
  paths: Record<string, Record<string, Operation>>,
): void {
  const classes = validatedClasses();
  /** Field name -> its string limits, where every DTO with that field agrees. */
  const byName = new Map<string, Facts | null>();
  for (const [name, target] of classes) {
    for (const [property, facts] of validatedFacts(target)) {
      const { maxLength, pattern } = facts;
      const stringFacts = maxLength === undefined ? null : { maxLength, ...(pattern ? { pattern } : {}) };
      const seen = byName.get(property);
      if (seen === undefined) byName.set(property, stringFacts);
      else if (JSON.stringify(seen) !== JSON.stringify(stringFacts)) byName.set(property, null);
    }
    const schema = schemas[name];
    if (!schema?.properties) continue;
    for (const [property, facts] of validatedFacts(target))
      if (schema.properties[property]) apply(schema.properties[property], facts);
    Object.values(schema.properties).forEach(defaultInWords);
    schema.additionalProperties = false;
  }
  const queryFacts = new Map<string, Facts>();
  for (const [name, target] of classes)
    if (name.endsWith('Query')) for (const [p, f] of validatedFacts(target)) queryFacts.set(p, f);
  for (const operations of Object.values(paths))
    for (const operation of Object.values(operations))
      for (const parameter of operation.parameters ?? []) {
        const facts = parameter.in === 'query' ? queryFacts.get(parameter.name) : undefined;
        const pathFacts = parameter.in === 'path' ? PATH_PARAMETERS[parameter.name] : undefined;
        if (parameter.schema && (facts ?? pathFacts)) apply(parameter.schema, (facts ?? pathFacts)!);
        if (parameter.schema) defaultInWords(parameter.schema);
      }
  for (const [name, schema] of Object.entries(schemas)) {
    if (classes.has(name)) continue;
    for (const [property, prop] of Object.entries(schema.properties ?? {})) {
      if (prop.type !== 'string' || prop.maxLength !== undefined || prop.enum) continue;
      const known = byName.get(property);
      if (known) Object.assign(prop, known);
      else if (prop.format === 'date-time') prop.maxLength = ISO_INSTANT_LENGTH;
      else if (prop.format === 'uuid') prop.maxLength = UUID_LENGTH;
      else if (property.endsWith('ExternalId') || property === 'externalId')
        Object.assign(prop, EXTERNAL_ID_FACTS);
      else if (property === 'nextCursor') prop.maxLength = MAX_CURSOR_LENGTH;
    }
  }
}
