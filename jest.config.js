'use strict';

const transform = {
  '^.+\\.tsx?$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};

/** @type {import('jest').Config} */
module.exports = {
  // Each integration test file boots its own Strapi on its own database; two at a time fit this machine's cores.
  testTimeout: 120000,
  maxWorkers: process.env.JEST_MAX_WORKERS || 2,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/integration/**/*.test.ts'],
      transform,
      modulePathIgnorePatterns: ['<rootDir>/demo/', '<rootDir>/dist/'],
    },
  ],
};
