import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './connection-errors.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['admin shutdown', withCode('57P01')],
    ['crash shutdown', withCode('57P02')],
    ['cannot connect now (starting or stopping)', withCode('57P03')],
    ['connection failure', withCode('08006')],
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['connection ended', new Error('Connection terminated unexpectedly')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    [
      'a query whose connection died (TypeORM wraps the driver error)',
      new QueryFailedError('SELECT 1', [], withCode('57P01', 'terminating connection')),
    ],
    [
      'every address refused (AggregateError)',
      Object.assign(new AggregateError([withCode('ECONNREFUSED')], 'connect'), { code: undefined }),
    ],
    ['a non-Error thrown value graphql-js wrapped', { thrownValue: { code: 'ECONNREFUSED' } }],
  ])('is true for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['unique violation', new QueryFailedError('INSERT', [], withCode('23505'))],
    ['syntax error', withCode('42601')],
    ['query canceled by statement timeout', withCode('57014')],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('is false for %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
