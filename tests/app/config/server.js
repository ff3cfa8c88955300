'use strict';

module.exports = ({ env }) => ({
  host: '127.0.0.1',
  // 0: the operating system picks a free port; the harness reads it back after listening.
  port: env.int('PORT', 0),
  app: { keys: ['test-key-a', 'test-key-b'] },
  logger: { updates: { enabled: false }, startup: { enabled: false } },
});
