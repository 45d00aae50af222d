import {
  GraphQLError,
  GraphQLScalarType,
  Kind,
  getNamedType,
  print,
  type ASTNode,
  type ASTVisitor,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { isInstantWithOffset } from '../../common/validators.js';

const EXPECTED =
  'RFC 3339 with an explicit offset (Z or ±hh:mm) in the years 1–9999, e.g. 2026-11-26T10:00:00+09:00';

/** The instant of an RFC 3339 date-time with an offset that PostgreSQL can store, else null. */
function parseInstant(value: unknown): Date | null {
  if (!isInstantWithOffset(value)) return null;
  const date = new Date(value as string);
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1 || year > 9999 ? null : date;
}

/**
 * DateTime as REST takes it: an offset-less time, a bare date or epoch seconds would each need a guess (whose
 * zone? which unit?), so they are refused before any resolver runs (HTTP 400), never guessed. Answers are
 * always in UTC with `Z`.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: `An instant: ${EXPECTED}. Answers are always in UTC, such as 2026-11-26T01:00:00.000Z.`,
  parseValue(value) {
    const date = parseInstant(value);
    if (!date) throw new GraphQLError(`DateTime must be ${EXPECTED}.`);
    return date;
  },
  parseLiteral(ast) {
    const date = ast.kind === Kind.STRING ? parseInstant(ast.value) : null;
    // A plain Error: graphql-js then says which type and value, at the literal's location.
    if (!date) throw new Error(`DateTime must be ${EXPECTED}.`);
    return date;
  },
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError('Not a date-time.');
    return date.toISOString();
  },
});

/**
 * graphql-js refuses a bad DateTime literal without naming where it was; this rule adds which argument (and
 * input field) holds it, e.g. `input.sentAt`.
 */
export function dateTimeLiteralsNamed(context: ValidationContext): ASTVisitor {
  type Ancestors = readonly (ASTNode | readonly ASTNode[])[];
  const check = (node: ValueNode, parent: ASTNode | readonly ASTNode[] | undefined, ancestors: Ancestors) => {
    const type = context.getInputType();
    if (!type || getNamedType(type).name !== DateTimeScalar.name || node.kind === Kind.VARIABLE) return;
    if (node.kind === Kind.NULL || (node.kind === Kind.STRING && parseInstant(node.value))) return;
    const path = [...ancestors, parent]
      .filter((a): a is ASTNode => a !== undefined && !Array.isArray(a))
      .flatMap((a) => (a.kind === Kind.ARGUMENT || a.kind === Kind.OBJECT_FIELD ? [a.name.value] : []));
    context.reportError(
      new GraphQLError(`Argument ${path.join('.')} must be ${EXPECTED}; got ${print(node)}.`, {
        nodes: [node],
        extensions: { field: path.join('.') },
      }),
    );
  };
  return {
    StringValue: (node, _key, parent, _path, ancestors) => check(node, parent, ancestors),
    IntValue: (node, _key, parent, _path, ancestors) => check(node, parent, ancestors),
    FloatValue: (node, _key, parent, _path, ancestors) => check(node, parent, ancestors),
    BooleanValue: (node, _key, parent, _path, ancestors) => check(node, parent, ancestors),
    EnumValue: (node, _key, parent, _path, ancestors) => check(node, parent, ancestors),
  };
}
