'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * The test email provider's module path. Strapi's email plugin lowercases the provider name before requiring it,
 * so a checkout under a path with capitals (on a case-sensitive file system) reaches it through a lowercase link.
 */
function emailRecorderPath() {
  const modulePath = path.join(__dirname, '..', '..', 'harness', 'email-recorder');
  if (modulePath === modulePath.toLowerCase()) return modulePath;
  const digest = crypto.createHash('sha256').update(modulePath).digest('hex').slice(0, 12);
  const link = path.join(os.tmpdir().toLowerCase(), `caldav-email-recorder-${digest}`);
  try {
    fs.symlinkSync(modulePath, link, 'dir');
  } catch (error) {
    // Another test worker made the same link first.
    if (error.code !== 'EEXIST') throw error;
  }
  return link;
}

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
  // Only the tests that ask for it record email; the others keep Strapi's default provider (sendmail), as a site
  // that configured none does.
  ...(env('CALDAV_TEST_EMAIL', '') === 'recorder'
    ? {
        email: {
          config: {
            provider: emailRecorderPath(),
            providerOptions: {},
            settings: { defaultFrom: 'Test Site <calendar@site.test>', defaultReplyTo: 'no-reply@site.test' },
          },
        },
      }
    : {}),
});
