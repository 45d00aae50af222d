import { createRequire } from 'node:module';
import * as path from 'node:path';
import { buildSchemaSdl } from '../src/advisors-api/schema-sdl.js';

/**
 * graphql-schema-linter's default rules (every rule it ships) pass on the advisor API's schema, built from the
 * code exactly as `npm run schema:print` prints it: every type, field, argument, input field and enum value is
 * described, so GraphiQL's Docs, generated clients and IDEs show what each one means. The repository's
 * .graphql-schema-linterrc.yml is applied as `npx graphql-schema-linter schema.graphql` applies it; the only
 * exception it makes is the description of the root types Query and Mutation, which the code-first builder
 * cannot give (their fields are described).
 */
const ROOT = path.resolve(import.meta.dirname, '..');

interface LintError {
  message: string;
  ruleName: string;
  locations: { line: number; column: number }[];
}

interface Linter {
  validateSchemaDefinition(schema: unknown, rules: unknown[], configuration: unknown): LintError[];
  Configuration: new (schema: unknown, options: Record<string, unknown>) => { getRules(): unknown[] };
  Schema: new (definition: string, sourceMap: unknown) => unknown;
  SourceMap: new (files: Record<string, string>) => unknown;
  loadOptionsFromConfigDir(dir: string): Record<string, unknown>;
}

/** The linter's own modules (CommonJS, no type declarations): its programmatic API, as its CLI uses it. */
function linter(): Linter {
  const require = createRequire(path.join(ROOT, 'package.json'));
  const lib = (file: string) => require(`graphql-schema-linter/lib/${file}`) as Record<string, unknown>;
  return {
    ...(lib('validator.js') as Pick<Linter, 'validateSchemaDefinition'>),
    ...(lib('configuration.js') as Pick<Linter, 'Configuration'>),
    ...(lib('schema.js') as Pick<Linter, 'Schema'>),
    ...(lib('source_map.js') as Pick<Linter, 'SourceMap'>),
    ...(lib('options.js') as Pick<Linter, 'loadOptionsFromConfigDir'>),
  };
}

/** The linter's errors for the SDL as readable lines (`line:column rule: message` with the line's text). */
function lint(sdl: string, options: Record<string, unknown>): string[] {
  const { validateSchemaDefinition, Configuration, Schema, SourceMap } = linter();
  const schema = new Schema(sdl, new SourceMap({ 'schema.graphql': sdl }));
  const configuration = new Configuration(schema, options);
  const lines = sdl.split('\n');
  return validateSchemaDefinition(schema, configuration.getRules(), configuration).map((error) => {
    const { line, column } = error.locations[0];
    return `${line}:${column} ${error.ruleName}: ${error.message} | ${lines[line - 1].trim()}`;
  });
}

describe('the advisor GraphQL schema under graphql-schema-linter', () => {
  let sdl: string;

  beforeAll(async () => {
    sdl = await buildSchemaSdl();
  });

  it("passes every default rule, with the repository's configuration", () => {
    const options = linter().loadOptionsFromConfigDir(ROOT);
    // The configuration restricts no rule: all the linter's rules run.
    expect(options.rules).toBeUndefined();
    expect(options.ignore).toEqual({ 'types-have-descriptions': ['Query', 'Mutation'] });
    const errors = lint(sdl, options);
    expect({ count: errors.length, errors }).toEqual({ count: 0, errors: [] });
  });

  it('needs the configuration for the root types alone', () => {
    expect(lint(sdl, {}).map((error) => error.split(' | ')[0].replace(/^\d+:\d+ /, ''))).toEqual([
      'types-have-descriptions: The object type `Mutation` is missing a description.',
      'types-have-descriptions: The object type `Query` is missing a description.',
    ]);
  });
});
