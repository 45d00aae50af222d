import { lintFromString, loadConfig } from '@redocly/openapi-core';
import { Document, Spectral, type RulesetDefinition } from '@stoplight/spectral-core';
import * as functions from '@stoplight/spectral-functions';
import owaspModule from '@stoplight/spectral-owasp-ruleset';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  getMetadataStorage,
  IS_INT,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
} from 'class-validator';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/**
 * The served document, linted as integrators lint it: Redocly's recommended rules and Spectral's OAS and
 * OWASP rulesets, with the committed redocly.yaml and .spectral.yaml (docs/rest-api.md). 0 errors; on failure
 * each problem is listed with where it is.
 */
const root = new URL('../', import.meta.url);
const SEVERITY = ['error', 'warn', 'info', 'hint'];
const owasp = ((owaspModule as { default?: unknown }).default ?? owaspModule) as RulesetDefinition;

/** .spectral.yaml as Spectral's CLI reads it: ruleset names and core function names mapped to the objects. */
function spectralRuleset(): RulesetDefinition {
  const config = parse(readFileSync(new URL('.spectral.yaml', root), 'utf8')) as {
    extends: (string | [string, string])[];
    rules: Record<string, unknown>;
  };
  const named: Record<string, RulesetDefinition> = {
    'spectral:oas': oas as RulesetDefinition,
    '@stoplight/spectral-owasp-ruleset': owasp,
  };
  const rules = Object.fromEntries(
    Object.entries(config.rules).map(([name, rule]) => {
      if (typeof rule !== 'object' || rule === null) return [name, rule];
      const then = (rule as { then: { function: string } }).then;
      const fn = (functions as Record<string, unknown>)[then.function];
      if (!fn) throw new Error(`.spectral.yaml: unknown function ${then.function}`);
      return [name, { ...rule, then: { ...then, function: fn } }];
    }),
  );
  const extendsList = config.extends.map((entry) =>
    Array.isArray(entry) ? [named[entry[0]], entry[1]] : named[entry],
  );
  return { extends: extendsList, rules } as RulesetDefinition;
}

describe('the OpenAPI document, linted', () => {
  let t: TestApp;
  let text: string;
  let spec: {
    components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
    paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: object }[] }>>;
  };
  beforeAll(async () => {
    t = await startTestApp({ role: 'api' });
    text = (await t.http.get('/openapi.json').expect(200)).text;
    spec = JSON.parse(text);
  });
  afterAll(() => t.close());

  it("passes Redocly's recommended rules (redocly.yaml) with 0 errors", async () => {
    const config = await loadConfig({ configPath: new URL('redocly.yaml', root).pathname });
    const problems = await lintFromString({ source: text, absoluteRef: '/openapi.json', config });
    const errors = problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it("passes Spectral's OAS and OWASP rulesets (.spectral.yaml) with 0 errors", async () => {
    const spectral = new Spectral();
    spectral.setRuleset(spectralRuleset());
    const results = await spectral.run(new Document(text, Json, '/openapi.json'));
    const errors = results
      .filter((r) => SEVERITY[r.severity] === 'error')
      .map((r) => `${r.code}: ${r.message} at ${r.path.join('.')}`);
    expect(errors).toEqual([]);
    // A rule the config names must exist, so a renamed rule cannot silently stop being off (or on).
    expect(results.filter((r) => r.code === 'unrecognized-format')).toEqual([]);
  });

  it('states every limit a validated DTO enforces, from its class-validator rules', () => {
    const storage = getMetadataStorage();
    const expected: [string, string, unknown][] = [];
    for (const target of storage['validationMetadatas'].keys()) {
      if (typeof target !== 'function' || !spec.components.schemas[target.name]) continue;
      for (const m of storage.getTargetValidationMetadatas(target, '', true, false)) {
        const [c] = (m.constraints ?? []) as unknown[];
        const where = `${target.name}.${m.propertyName}`;
        const fact: Record<string, [string, unknown]> = {
          [MAX_LENGTH]: ['maxLength', c],
          [MIN_LENGTH]: ['minLength', c],
          [MAX]: ['maximum', c],
          [MIN]: ['minimum', c],
          [ARRAY_MAX_SIZE]: ['maxItems', c],
          [ARRAY_MIN_SIZE]: ['minItems', c],
          [MATCHES]: ['pattern', c instanceof RegExp ? c.source : c],
          [IS_INT]: ['type', 'integer'],
        };
        const [key, value] = fact[m.name ?? ''] ?? [];
        if (key) expected.push([m.each ? `${where}[]` : where, key, value]);
      }
    }
    expect(expected.length).toBeGreaterThan(40);
    const missing = expected.filter(([where, key, value]) => {
      const [schema, property] = where.replace('[]', '').split('.');
      const prop = spec.components.schemas[schema].properties?.[property];
      const holder = where.endsWith('[]') ? (prop?.items as Record<string, unknown> | undefined) : prop;
      return holder?.[key] !== value;
    });
    expect(missing).toEqual([]);
  });

  it('states the limits of query and path parameters, and refuses unknown body fields', () => {
    const params = spec.paths['/v1/students/{externalId}'].get.parameters!;
    expect(params.find((p) => p.name === 'externalId')!.schema).toMatchObject({
      maxLength: 128,
      pattern: '^[A-Za-z0-9._:-]{1,128}$',
    });
    const list = spec.paths['/v1/reminders'].get.parameters!;
    expect(list.find((p) => p.name === 'limit')!.schema).toMatchObject({
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: 500,
    });
    expect(list.find((p) => p.name === 'cursor')!.schema).toMatchObject({ maxLength: 400 });
    const kind = spec.paths['/v1/policies/{kind}'].put.parameters!.find((p) => p.name === 'kind')!;
    expect(kind).toMatchObject({ in: 'path', schema: { enum: expect.arrayContaining(['INTERVIEW']) } });
    for (const name of ['StudentBody', 'InteractionBody', 'PolicyBody', 'CreateWebhookEndpointBody'])
      expect(spec.components.schemas[name]).toMatchObject({ additionalProperties: false });
    expect(spec.components.schemas.StudentBody.properties!.timezone).toMatchObject({ maxLength: 64 });
    expect(spec.components.schemas.InteractionBody.properties!.contactExternalIds).toMatchObject({
      maxItems: 50,
      items: { pattern: '^[A-Za-z0-9._:-]{1,128}$' },
    });
  });
});
