import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';
import { NUL_CHARACTER_MESSAGE, nulCharacterErrors } from '../common/nul-characters.js';

/*
 * PostgreSQL text cannot hold U+0000. GraphQL strings can (`"\u0000"`), so they are refused before any resolver
 * runs, with HTTP 400, instead of failing inside SQL as an internal error.
 */

/** Validation rule for string literals in the query itself (checked once per document, then cached by Apollo). */
export function nulFreeStringLiterals(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node) {
      if (node.value.includes('\u0000'))
        context.reportError(
          new GraphQLError(`A string literal ${NUL_CHARACTER_MESSAGE}.`, { nodes: [node] }),
        );
    },
  };
}

/** The same for the request's variables, which change with every request. */
export const nulFreeVariables: ApolloServerPlugin = {
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation: ({ request }) => {
        const [first] = nulCharacterErrors(request.variables ?? {});
        if (!first) return Promise.resolve();
        return Promise.reject(
          new GraphQLError(`Variable $${first.path} ${first.message}.`, {
            extensions: {
              code: ApolloServerErrorCode.BAD_USER_INPUT,
              field: first.path,
              http: { status: 400 },
            },
          }),
        );
      },
    }),
};
