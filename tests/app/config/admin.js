'use strict';

module.exports = () => ({
  auth: { secret: 'test-admin-jwt-secret' },
  apiToken: { salt: 'test-api-token-salt' },
  transfer: { token: { salt: 'test-transfer-token-salt' } },
  secrets: { encryptionKey: 'test-encryption-key-0123456789ab' },
  // The tests drive the admin's HTTP API; the admin's browser bundle is not built for them.
  serveAdminPanel: false,
  autoOpen: false,
});
