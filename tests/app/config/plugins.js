'use strict';

const path = require('node:path');

module.exports = ({ env }) => ({
  'users-permissions': { config: { jwtSecret: 'test-users-permissions-jwt-secret' } },
  caldav: {
    enabled: true,
    // Loads the plugin's TypeScript source through the test runner's transform: no build before testing.
    resolve: path.join(__dirname, '..', '..', 'harness', 'plugin'),
    config: JSON.parse(env('CALDAV_TEST_CONFIG', '{}')),
  },
  // Only the tests that ask for it run Strapi's GraphQL plugin; the plugin must work with and without it.
  graphql: {
    enabled: env('CALDAV_TEST_GRAPHQL', 'false') === 'true',
    resolve: path.dirname(require.resolve('@strapi/plugin-graphql/package.json')),
    config: { depthLimit: 10, defaultLimit: 25, maxLimit: 100 },
  },
});
