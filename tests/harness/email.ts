/**
 * What the test email provider (tests/harness/email-recorder) was asked to send, in a site booted with
 * `startTestServer({ email: true })`: the options Strapi's email plugin handed it, in order.
 */

export interface SentEmail {
  to?: string | string[];
  from?: string;
  replyTo?: string;
  subject?: string;
  text?: string;
  html?: string;
  icalEvent?: { method?: string; filename?: string; content?: string };
  attachments?: Array<{ filename?: string; content?: string; contentType?: string }>;
  /** The provider's `settings` from config/plugins (defaultFrom, defaultReplyTo), recorded beside the options. */
  settings: { defaultFrom?: string; defaultReplyTo?: string };
  [option: string]: unknown;
}

const SENT_EMAILS_KEY = '__caldavSentEmails';

function recorded(): SentEmail[] {
  const store = globalThis as typeof globalThis & { [SENT_EMAILS_KEY]?: SentEmail[] };
  if (!Array.isArray(store[SENT_EMAILS_KEY])) store[SENT_EMAILS_KEY] = [];
  return store[SENT_EMAILS_KEY];
}

/** Every email sent since the last clearSentEmails(), oldest first (a copy of the list). */
export function sentEmails(): SentEmail[] {
  return [...recorded()];
}

export function clearSentEmails(): void {
  recorded().length = 0;
}
