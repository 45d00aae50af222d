/**
 * Unit tests (`*.spec.ts` beside the code) and e2e tests (`test/*.e2e-spec.ts`) against real services.
 * NestJS 12 ships as ES modules only, so Jest runs in its native ESM mode (npm test sets
 * --experimental-vm-modules) and ts-jest emits ESM.
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/helpers/global-setup.mjs',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.mjs',
  testTimeout: 60000,
  maxWorkers: 2,
};
