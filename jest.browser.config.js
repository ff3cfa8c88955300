'use strict';

/**
 * `npm run test:browser`: the admin's calendar page in a real browser (Debian's chromium) against the demo site.
 * Kept out of jest.config.js so that `npm test` never needs a browser.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/tests/browser/**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  modulePathIgnorePatterns: ['<rootDir>/demo/', '<rootDir>/dist/'],
  // One demo site for the whole run.
  globalSetup: '<rootDir>/tests/browser/global-setup.ts',
  globalTeardown: '<rootDir>/tests/browser/global-teardown.ts',
  testTimeout: 300000,
  maxWorkers: 1,
};
