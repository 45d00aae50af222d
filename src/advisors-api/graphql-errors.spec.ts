import { GraphQLError } from 'graphql';
import { NotFoundError } from '../common/app-error.js';
import { formatGraphqlError } from './graphql-errors.js';

describe('formatGraphqlError', () => {
  const logged: object[] = [];
  const format = formatGraphqlError({ error: (details) => logged.push(details) });

  it('hides unexpected errors (SQL, driver messages, stacks) behind a fixed message and logs them', () => {
    const original = new Error('relation "students" does not exist: SELECT * FROM students');
    const formatted = format(
      {
        message: original.message,
        path: ['student'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] },
      },
      new GraphQLError(original.message, { originalError: original, path: ['student'] }),
    );
    expect(formatted).toEqual({
      message: 'Internal server error. It has been logged.',
      path: ['student'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logged).toHaveLength(1);
  });

  it('maps domain errors to their GraphQL code with their message', () => {
    const error = new NotFoundError('No gap x in your scope.');
    const formatted = format(
      { message: error.message },
      new GraphQLError(error.message, { originalError: error, path: ['dismissGap'] }),
    );
    expect(formatted).toMatchObject({
      message: 'No gap x in your scope.',
      extensions: { code: 'NOT_FOUND' },
    });
  });
});
