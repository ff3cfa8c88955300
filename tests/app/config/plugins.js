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
});
