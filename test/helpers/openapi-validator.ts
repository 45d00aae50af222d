import { Ajv } from 'ajv';
import formats from 'ajv-formats';

/**
 * Validates values against the schemas of the served OpenAPI 3.0 document, with OpenAPI 3.0.3's meaning of
 * `nullable`: it adds null to the `type` of the same schema object only, so `nullable` next to an `allOf`
 * does not let null through (what a strict client or validator does). Annotations JSON Schema does not know
 * (`example`) are dropped.
 *
 * Formats (date-time, uuid, email, uri) are checked too, with ajv-formats.
 */
type Json = Record<string, unknown>;

function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'example' || key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string')
      out.$ref = value.replace('#/components/schemas/', '#/definitions/');
    else if (key === 'properties')
      out.properties = Object.fromEntries(
        Object.entries(value as Json).map(([k, v]) => [k, toJsonSchema(v)]),
      );
    else out[key] = toJsonSchema(value);
  }
  const { nullable, type } = node as { nullable?: boolean; type?: string };
  if (nullable && typeof type === 'string') {
    out.type = [type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
}

export class OpenApiValidator {
  private readonly ajv: Ajv;
  private readonly definitions: unknown;

  constructor(document: OpenApiDocument) {
    const options = { allErrors: true, strict: false };
    this.ajv = new Ajv(options);
    // ajv-formats is CommonJS: under Node's ESM the default import is its module object.
    formats.default(this.ajv);
    this.ajv.addFormat('int32', /^-?\d+$/);
    this.ajv.addFormat('int64', /^-?\d+$/);
    this.definitions = toJsonSchema(document.components.schemas);
  }

  /** The errors of `value` against `schema` (a document schema, $refs to components allowed); [] if valid. */
  errors(schema: unknown, value: unknown): string[] {
    const validate = this.ajv.compile({ definitions: this.definitions, ...(toJsonSchema(schema) as Json) });
    if (validate(value) === true) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** The schema of an operation's response, from the document. */
  static responseSchema(document: OpenApiDocument, method: string, path: string, status: number): unknown {
    const response = document.paths[path]?.[method]?.responses[String(status)];
    if (!response) throw new Error(`the document has no ${status} for ${method.toUpperCase()} ${path}`);
    const content = response.content ?? {};
    const media = content['application/json'] ?? content['application/problem+json'];
    if (!media) throw new Error(`${method.toUpperCase()} ${path} ${status} documents no JSON body`);
    return media.schema;
  }
}
