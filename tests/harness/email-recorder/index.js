'use strict';

/**
 * A Strapi email provider for the tests: it keeps every `options` object the email plugin hands it, in a list shared
 * by the whole process (tests/harness/email.ts reads it), instead of delivering anything. Sending to an address at
 * fail.test throws, the way a provider reports a delivery it refused.
 */

const SENT_EMAILS_KEY = '__caldavSentEmails';

function sentEmails() {
  if (!Array.isArray(globalThis[SENT_EMAILS_KEY])) globalThis[SENT_EMAILS_KEY] = [];
  return globalThis[SENT_EMAILS_KEY];
}

function recipients(to) {
  if (Array.isArray(to)) return to.map(String);
  return typeof to === 'string' ? to.split(',').map((address) => address.trim()) : [];
}

module.exports = {
  init(providerOptions, settings) {
    return {
      async send(options) {
        const refused = recipients(options.to).find((address) => address.toLowerCase().endsWith('@fail.test'));
        if (refused) {
          throw new Error(`550 mailbox unavailable: the test provider refuses ${refused}`);
        }
        // A copy, with the provider's settings beside it, as a real provider would read them.
        sentEmails().push({ ...options, settings: { ...settings } });
      },
    };
  },
  SENT_EMAILS_KEY,
};
