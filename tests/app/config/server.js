'use strict';

module.exports = ({ env }) => ({
  host: '127.0.0.1',
  // 0: the operating system picks a free port; the harness reads it back after listening.
  port: env.int('PORT', 0),
  app: { keys: ['test-key-a', 'test-key-b'] },
  logger: { updates: { enabled: false }, startup: { enabled: false } },
  // Settings a test adds, as a site owner would write them here (e.g. `url` and `proxy` behind a reverse proxy).
  ...JSON.parse(env('CALDAV_TEST_SERVER_CONFIG', '{}')),
});
