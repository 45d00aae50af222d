import base from './jest.config.js';

/** `npm run test:chaos`: crash and flush tests with real worker processes (slower; CI runs them after npm test). */
export default { ...base, testMatch: ['**/*.chaos-spec.ts'], testTimeout: 300000 };
