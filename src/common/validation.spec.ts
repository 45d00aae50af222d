import type { ValidationError } from '@nestjs/common';
import { flattenValidationErrors } from './validation.js';

describe('flattenValidationErrors', () => {
  it('turns nested class-validator errors into paths with indexes and plain messages', () => {
    const errors = [
      { property: 'name', constraints: { isString: 'name must be a string' }, children: [] },
      {
        property: 'extra',
        constraints: { whitelistValidation: 'property extra should not exist' },
        children: [],
      },
      {
        property: 'items',
        children: [
          {
            property: '2',
            children: [
              { property: 'email', constraints: { isEmail: 'email must be an email' }, children: [] },
            ],
          },
        ],
      },
    ] as ValidationError[];
    expect(flattenValidationErrors(errors)).toEqual([
      { path: 'name', message: 'must be a string' },
      { path: 'extra', message: 'is not a known field' },
      { path: 'items[2].email', message: 'must be an email' },
    ]);
  });

  it('says "is required" once for a missing field, whatever rules it has', () => {
    const errors = [
      {
        property: 'name',
        value: undefined,
        constraints: { isString: 'name must be a string', minLength: 'name must be longer' },
        children: [],
      },
      { property: 'email', value: 'x', constraints: { isEmail: 'email must be an email' }, children: [] },
    ] as ValidationError[];
    expect(flattenValidationErrors(errors)).toEqual([
      { path: 'name', message: 'is required' },
      { path: 'email', message: 'must be an email' },
    ]);
  });
});
