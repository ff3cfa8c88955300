/**
 * iMIP invitations (RFC 6047) go out through Strapi's email plugin: a site whose email plugin uses the recording
 * test provider gets one email per message, with a subject and a plain-text body saying what, when and where, and
 * the iTIP object as the calendar part; a provider's failure comes back as a readable error; and a site that
 * configured no email provider (Strapi's default, sendmail) or turned emailing off sends nothing.
 */

import path from 'node:path';

import { createInvitationMailer, type EmailMode, type ImipMessage, type ItipMethod } from '../../server/src/scheduling/imip';
import { clearSentEmails, sentEmails, type SentEmail } from '../harness/email';
import { startTestServer, type TestServer } from '../harness/strapi';
import { BERLIN_VTIMEZONE } from '../unit/ical-fixtures';


interface ItipOptions {
  partstat?: string;
  sequence?: number;
  /** The event's times: in Europe/Berlin with its VTIMEZONE (default), in UTC, or a whole day. */
  times?: 'berlin' | 'utc' | 'all-day';
  description?: string;
}

/** A small iTIP object: one VEVENT from Alice (the organizer) with Bob as the attendee. */
function itip(method: ItipMethod, options: ItipOptions = {}): string {
  const times = options.times ?? 'berlin';
  const schedule =
    times === 'berlin'
      ? ['DTSTART;TZID=Europe/Berlin:20260303T100000', 'DTEND;TZID=Europe/Berlin:20260303T110000']
      : times === 'utc'
        ? ['DTSTART:20260303T090000Z', 'DTEND:20260303T100000Z']
        : ['DTSTART;VALUE=DATE:20260303', 'DTEND;VALUE=DATE:20260304'];
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Strapi CalDAV//EN',
    `METHOD:${method}`,
    ...(times === 'berlin' ? BERLIN_VTIMEZONE : []),
    'BEGIN:VEVENT',
    'UID:imip-test-1@site.test',
    'DTSTAMP:20260201T120000Z',
    ...schedule,
    `SEQUENCE:${options.sequence ?? 0}`,
    'SUMMARY:Team meeting',
    'LOCATION:Room 4\\, second floor',
    ...(options.description ? [`DESCRIPTION:${options.description}`] : []),
    'ORGANIZER;CN=Alice Organizer:mailto:alice@example.test',
    `ATTENDEE;CN=Bob Guest;PARTSTAT=${options.partstat ?? 'NEEDS-ACTION'};RSVP=TRUE:mailto:bob@guest.test`,
    ...(method === 'CANCEL' ? ['STATUS:CANCELLED'] : []),
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

const fromOrganizer = { email: 'alice@example.test', name: 'Alice Organizer' };
const fromAttendee = { email: 'bob@guest.test', name: 'Bob Guest' };

function onlyEmail(): SentEmail {
  const emails = sentEmails();
  expect(emails).toHaveLength(1);
  return emails[0];
}

describe('iMIP through a site whose email plugin has a provider', () => {
  let server: TestServer;
  let mode: EmailMode = 'auto';
  const mailer = () => createInvitationMailer(server.strapi, () => mode);

  beforeAll(async () => {
    server = await startTestServer({ email: true });
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(() => {
    mode = 'auto';
    clearSentEmails();
  });

  test('is available in the default mode and sends a REQUEST as one email with the invitation as its calendar part', async () => {
    expect(mailer().availability()).toEqual({ available: true });
    const ics = itip('REQUEST', { description: 'Agenda:\\n1. <b>Budget</b>\\n2. Plans' });
    const message: ImipMessage = { method: 'REQUEST', to: 'carol@guest.test', from: fromOrganizer, ics };
    await mailer().send(message);

    const email = onlyEmail();
    expect(email.to).toBe('carol@guest.test');
    // From is left to the email plugin's defaultFrom: the site, not the organizer, is the sender.
    expect(email.from).toBeUndefined();
    expect(email.settings.defaultFrom).toBe('Test Site <calendar@site.test>');
    expect(email.replyTo).toBe('alice@example.test');
    expect(email.subject).toBe('Invitation: Team meeting');
    expect(email.text).toContain('Alice Organizer has invited you to an event.');
    expect(email.text).toContain('What: Team meeting');
    expect(email.text).toContain('When: Tuesday, March 3, 2026, 10:00 – 11:00 (Europe/Berlin)');
    expect(email.text).toContain('Where: Room 4, second floor');
    expect(email.text).toContain('Organizer: Alice Organizer <alice@example.test>');
    expect(email.text).toContain('Agenda:\n1. <b>Budget</b>\n2. Plans');
    expect(email.text).toMatch(/attached invitation \(invite\.ics\) can be opened in any calendar app/);
    // The HTML part is the same text, escaped: an event's text is never read as markup.
    expect(email.html).toContain('1. &lt;b&gt;Budget&lt;/b&gt;<br>');
    expect(email.html).not.toContain('<b>');
    expect(email.icalEvent).toEqual({ method: 'REQUEST', filename: 'invite.ics', content: ics });
    expect(email.attachments).toBeUndefined();
  });

  test('with nodemailer, as Strapi’s nodemailer and sendmail providers use it, the email has one text/calendar part with the method', async () => {
    const ics = itip('REQUEST');
    await mailer().send({ method: 'REQUEST', to: 'carol@guest.test', from: fromOrganizer, ics });
    const { settings, ...options } = onlyEmail();

    // nodemailer as installed with Strapi (a dependency of its default sendmail provider), writing the message
    // instead of sending it.
    const sendmailProvider = path.dirname(require.resolve('@strapi/provider-email-sendmail/package.json'));
    const nodemailer = require(require.resolve('nodemailer', { paths: [sendmailProvider] })) as {
      createTransport(options: { streamTransport: true; buffer: true; newline: 'unix' }): {
        sendMail(message: Record<string, unknown>): Promise<{ message: Buffer }>;
      };
    };
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    const { message } = await transport.sendMail({ ...options, from: options.from ?? settings.defaultFrom });
    const raw = message.toString('utf8');

    expect(raw.match(/^Content-Type: text\/calendar; charset=utf-8; method=REQUEST$/gm)).toHaveLength(1);
    expect(raw.match(/^Content-Type: text\/calendar/gm)).toHaveLength(1);
    expect(raw.match(/^Content-Type: application\/ics; name=invite\.ics$/gm)).toHaveLength(1);
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    expect(raw).toMatch(/^Reply-To: alice@example\.test$/m);
    expect(raw).toMatch(/^From: Test Site <calendar@site\.test>$/m);
    expect(raw).toMatch(/^Subject: Invitation: Team meeting$/m);
  });

  test('a revised REQUEST (SEQUENCE above 0) is an updated invitation', async () => {
    await mailer().send({ method: 'REQUEST', to: 'carol@guest.test', from: fromOrganizer, ics: itip('REQUEST', { sequence: 2 }) });
    const email = onlyEmail();
    expect(email.subject).toBe('Updated invitation: Team meeting');
    expect(email.text).toContain('Alice Organizer has updated an event you are invited to.');
  });

  test('a CANCEL says cancelled, with the cancellation as its calendar part', async () => {
    const ics = itip('CANCEL', { sequence: 1 });
    await mailer().send({ method: 'CANCEL', to: 'bob@guest.test', from: fromOrganizer, ics });
    const email = onlyEmail();
    expect(email.subject).toBe('Cancelled: Team meeting');
    expect(email.replyTo).toBe('alice@example.test');
    expect(email.text).toContain('Alice Organizer has cancelled this event.');
    expect(email.text).toContain('When: Tuesday, March 3, 2026, 10:00 – 11:00 (Europe/Berlin)');
    expect(email.icalEvent).toEqual({ method: 'CANCEL', filename: 'invite.ics', content: ics });
  });

  test.each([
    ['ACCEPTED', 'Accepted: Team meeting', 'Bob Guest has accepted your invitation.'],
    ['DECLINED', 'Declined: Team meeting', 'Bob Guest has declined your invitation.'],
    ['TENTATIVE', 'Tentatively accepted: Team meeting', 'Bob Guest has tentatively accepted your invitation.'],
  ])('a REPLY with PARTSTAT=%s is titled from the attendee’s answer', async (partstat, subject, sentence) => {
    const ics = itip('REPLY', { partstat });
    await mailer().send({ method: 'REPLY', to: 'alice@example.test', from: fromAttendee, ics });
    const email = onlyEmail();
    expect(email.to).toBe('alice@example.test');
    expect(email.subject).toBe(subject);
    expect(email.replyTo).toBe('bob@guest.test');
    expect(email.text).toContain(sentence);
    expect(email.icalEvent).toEqual({ method: 'REPLY', filename: 'invite.ics', content: ics });
  });

  test('times in UTC and whole days read as such', async () => {
    await mailer().send({ method: 'REQUEST', to: 'carol@guest.test', from: fromOrganizer, ics: itip('REQUEST', { times: 'utc' }) });
    await mailer().send({ method: 'REQUEST', to: 'carol@guest.test', from: fromOrganizer, ics: itip('REQUEST', { times: 'all-day' }) });
    const [utc, allDay] = sentEmails();
    expect(utc.text).toContain('When: Tuesday, March 3, 2026, 09:00 – 10:00 (UTC)');
    expect(allDay.text).toContain('When: Tuesday, March 3, 2026 (all day)');
  });

  test('without the sender’s address there is no Reply-To, so the email plugin’s defaultReplyTo applies', async () => {
    await mailer().send({ method: 'REQUEST', to: 'carol@guest.test', from: { email: null, name: null }, ics: itip('REQUEST') });
    const email = onlyEmail();
    expect(email.replyTo).toBeUndefined();
    expect(email.settings.defaultReplyTo).toBe('no-reply@site.test');
  });

  test('a provider failure rejects with a readable message naming the recipient and the provider’s reason', async () => {
    const sending = mailer().send({ method: 'REQUEST', to: 'dave@fail.test', from: fromOrganizer, ics: itip('REQUEST') });
    await expect(sending).rejects.toThrow(
      'The email provider could not send the invitation to dave@fail.test: 550 mailbox unavailable: the test provider refuses dave@fail.test',
    );
    expect(sentEmails()).toHaveLength(0);
  });

  test('a message whose iTIP object is not for its method, or whose recipient is not one address, is not sent', async () => {
    await expect(mailer().send({ method: 'CANCEL', to: 'bob@guest.test', from: fromOrganizer, ics: itip('REQUEST') })).rejects.toThrow(
      "The cancellation's METHOD is REQUEST, not CANCEL",
    );
    await expect(
      mailer().send({ method: 'REQUEST', to: 'bob@guest.test, eve@else.test', from: fromOrganizer, ics: itip('REQUEST') }),
    ).rejects.toThrow(/is not a single email address/);
    await expect(mailer().send({ method: 'REQUEST', to: 'bob@guest.test', from: fromOrganizer, ics: 'not iCalendar' })).rejects.toThrow(
      /The invitation is not valid iCalendar/,
    );
    expect(sentEmails()).toHaveLength(0);
  });

  test("mode 'off' is unavailable even with a provider, and sends nothing", async () => {
    mode = 'off';
    const availability = mailer().availability();
    expect(availability.available).toBe(false);
    expect(availability).toEqual({ available: false, reason: expect.stringMatching(/turned off/) });
    await expect(mailer().send({ method: 'REQUEST', to: 'carol@guest.test', from: fromOrganizer, ics: itip('REQUEST') })).rejects.toThrow(
      /turned off/,
    );
    expect(sentEmails()).toHaveLength(0);
  });
});

describe('iMIP in a site that configured no email provider', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  test("the default mode reports no email provider; 'on' uses Strapi's default provider anyway", () => {
    const auto = createInvitationMailer(server.strapi, () => 'auto').availability();
    expect(auto).toEqual({ available: false, reason: expect.stringMatching(/email provider/) });
    expect(createInvitationMailer(server.strapi, () => 'on').availability()).toEqual({ available: true });
    expect(createInvitationMailer(server.strapi, () => 'off').availability().available).toBe(false);
  });

  test('sending in the default mode rejects with that reason before reaching any provider', async () => {
    const sending = createInvitationMailer(server.strapi, () => 'auto').send({
      method: 'REQUEST',
      to: 'carol@guest.test',
      from: fromOrganizer,
      ics: itip('REQUEST'),
    });
    await expect(sending).rejects.toThrow(/No email provider is configured/);
  });
});
