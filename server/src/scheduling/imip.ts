/**
 * iMIP (RFC 6047): iTIP messages for attendees who have no account on the site, sent as email through Strapi's
 * email plugin and whatever provider the site configured for it.
 */
import type { Core } from '@strapi/strapi';
import ICAL from 'ical.js';

import { ianaNameForTzid } from '../ical';

export type ItipMethod = 'REQUEST' | 'CANCEL' | 'REPLY';

export interface ImipMessage {
  method: ItipMethod;
  /** The recipient's email address (no mailto:). */
  to: string;
  /** The sender on whose behalf it goes: the organizer for REQUEST/CANCEL, the attendee for REPLY. */
  from: { email: string | null; name: string | null };
  /** The whole iTIP object: a VCALENDAR with METHOD set, as it is to be attached. */
  ics: string;
}

export type EmailMode = 'auto' | 'on' | 'off';

export interface InvitationMailer {
  /** Whether invitations can be emailed on this site, and if not, why (for logs and SCHEDULE-STATUS). */
  availability(): { available: true } | { available: false; reason: string };
  /** Sends one message; rejects with an Error whose message is readable when the provider fails. */
  send(message: ImipMessage): Promise<void>;
}

/**
 * What goes to Strapi's email plugin. The plugin's `send` hands the object to the provider untouched, and the
 * provider applies `settings.defaultFrom` (and `defaultReplyTo`) where `from` (`replyTo`) is unset.
 *
 * The calendar travels as `icalEvent` only, never also in `attachments`: Strapi's nodemailer provider (5.38 and
 * later) and its default sendmail provider pass `icalEvent` to nodemailer, which writes it as the
 * `text/calendar; method=...` alternative that mail clients turn into accept/decline buttons, plus an
 * `application/ics` attachment named after `filename`. The same content in `attachments` too would give clients a
 * second calendar part to show. (The nodemailer provider before 5.38 drops `icalEvent`; so do providers that do
 * not know it: those sites get the text only.)
 *
 * `html` is set because the nodemailer provider otherwise sends `text` as the HTML part as well, where its line
 * breaks collapse and an event's summary or description would be read as markup.
 */
export interface InvitationEmail {
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  icalEvent: { method: ItipMethod; filename: string; content: string };
}

export const INVITATION_FILENAME = 'invite.ics';

/** The provider Strapi's email plugin uses when the site configures none (config/plugins `email`). */
const STRAPI_DEFAULT_PROVIDERS = new Set(['sendmail', '@strapi/provider-email-sendmail', 'strapi-provider-email-sendmail']);

interface EmailPluginService {
  send(options: InvitationEmail): Promise<unknown>;
}

export function createInvitationMailer(strapi: Core.Strapi, mode: () => EmailMode): InvitationMailer {
  const availability = (): ReturnType<InvitationMailer['availability']> => {
    const current = mode();
    if (current === 'off') {
      return { available: false, reason: 'Emailing invitations is turned off on this site' };
    }
    if (!emailService(strapi)) {
      return { available: false, reason: "Strapi's email plugin is not running on this site, so invitations cannot be emailed" };
    }
    if (current === 'on') return { available: true };
    const provider = configuredProvider(strapi);
    // Strapi's default sendmail provider delivers straight to the recipient's mail server from this host, which
    // most hosts cannot do (port 25 closed, no reverse DNS, no SPF): 'auto' only trusts a provider the site chose.
    if (provider === null || STRAPI_DEFAULT_PROVIDERS.has(provider)) {
      return {
        available: false,
        reason: "No email provider is configured for Strapi's email plugin (only its default, sendmail), so invitations are not emailed",
      };
    }
    return { available: true };
  };

  return {
    availability,
    async send(message) {
      const state = availability();
      if (!state.available) throw new Error(state.reason);
      const service = emailService(strapi);
      if (!service) throw new Error("Strapi's email plugin is not running on this site");
      const email = composeInvitationEmail(message);
      try {
        await service.send(email);
      } catch (error) {
        throw new Error(`The email provider could not send the ${messageNoun(message.method)} to ${email.to}: ${describeError(error)}`, {
          cause: error,
        });
      }
    },
  };
}

function emailService(strapi: Core.Strapi): EmailPluginService | null {
  // Typed as always present, but a site can disable the email plugin: then there is none.
  const plugin = strapi.plugin('email') as Core.Plugin | undefined;
  if (!plugin) return null;
  const service: unknown = plugin.service('email');
  if (typeof service !== 'object' || service === null || !('send' in service) || typeof service.send !== 'function') return null;
  return service as EmailPluginService;
}

/** The provider name or module path the site configured, lowercased as the email plugin reads it; null when unreadable. */
function configuredProvider(strapi: Core.Strapi): string | null {
  const config: unknown = strapi.config.get('plugin::email');
  if (typeof config !== 'object' || config === null || !('provider' in config) || typeof config.provider !== 'string') return null;
  return config.provider.trim().toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------------
// Composing the email

/** Addresses that go into To and Reply-To: one address, nothing that could add a recipient or a header. */
const SINGLE_ADDRESS = /^[^\s@,;:<>()"[\]\\]+@[^\s@,;:<>()"[\]\\]+$/;

/** Subject, text, HTML and calendar part of the email for one iTIP message (RFC 6047 section 2). */
export function composeInvitationEmail(message: ImipMessage): InvitationEmail {
  if (!SINGLE_ADDRESS.test(message.to)) {
    throw new Error(`"${oneLine(message.to)}" is not a single email address to send the ${messageNoun(message.method)} to`);
  }
  const event = readEvent(message.ics, message.method);
  const senderEmail = message.from.email !== null && SINGLE_ADDRESS.test(message.from.email) ? message.from.email : null;
  const paragraphs = bodyParagraphs(message, event);
  return {
    to: message.to,
    ...(senderEmail ? { replyTo: senderEmail } : {}),
    subject: subjectFor(message, event),
    text: `${paragraphs.join('\n\n')}\n`,
    html: htmlFor(paragraphs),
    icalEvent: { method: message.method, filename: INVITATION_FILENAME, content: message.ics },
  };
}

interface Party {
  email: string | null;
  name: string | null;
}

/** What the email says about the event, read from the iTIP object. */
interface EventSummary {
  summary: string;
  when: string | null;
  location: string | null;
  description: string | null;
  organizer: Party | null;
  attendees: Array<Party & { partstat: string | null }>;
  /** SEQUENCE above 0: the organizer has revised the event since first sending it (RFC 5546 section 2.1.4). */
  revised: boolean;
}

function readEvent(ics: string, method: ItipMethod): EventSummary {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(ics);
  } catch (error) {
    throw new Error(`The ${messageNoun(method)} is not valid iCalendar: ${describeError(error)}`);
  }
  // ical.js answers one component as ['name', props, comps] and several as a list of those.
  if (!Array.isArray(parsed) || parsed.length === 0 || Array.isArray(parsed[0])) {
    throw new Error(`The ${messageNoun(method)} is not one VCALENDAR`);
  }
  const root = new ICAL.Component(parsed);
  if (root.name !== 'vcalendar') throw new Error(`The ${messageNoun(method)} is a ${root.name.toUpperCase()}, not a VCALENDAR`);
  const declared = root.getFirstPropertyValue('method');
  if (typeof declared !== 'string' || declared.toUpperCase() !== method) {
    throw new Error(`The ${messageNoun(method)}'s METHOD is ${typeof declared === 'string' ? declared : 'missing'}, not ${method}`);
  }
  const component = mainComponent(root);
  if (!component) throw new Error(`The ${messageNoun(method)} holds no VEVENT or VTODO`);
  const summary = textValue(component, 'summary');
  const sequence = component.getFirstPropertyValue('sequence');
  return {
    summary: summary === null ? 'Untitled event' : summary,
    when: describeWhen(component, root),
    location: textValue(component, 'location'),
    description: textValue(component, 'description'),
    organizer: partyOf(component.getFirstProperty('organizer')),
    attendees: component.getAllProperties('attendee').map((property) => ({
      ...(partyOf(property) ?? { email: null, name: null }),
      partstat: textParameter(property, 'partstat')?.toUpperCase() ?? null,
    })),
    revised: typeof sequence === 'number' && sequence > 0,
  };
}

/** The event the message is about: the master VEVENT (or VTODO), else the first overridden instance (a CANCEL of one). */
function mainComponent(root: ICAL.Component): ICAL.Component | null {
  for (const name of ['vevent', 'vtodo']) {
    const components = root.getAllSubcomponents(name);
    const chosen = components.find((component) => !component.hasProperty('recurrence-id')) ?? components[0];
    if (chosen) return chosen;
  }
  return null;
}

function textValue(component: ICAL.Component, name: string): string | null {
  const value = component.getFirstPropertyValue(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function textParameter(property: ICAL.Property, name: string): string | null {
  const value: unknown = property.getParameter(name);
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() !== '' ? first.trim() : null;
}

function partyOf(property: ICAL.Property | null): Party | null {
  if (!property) return null;
  const value = property.getFirstValue();
  const address = typeof value === 'string' ? value.trim() : '';
  const email = /^mailto:/i.test(address) ? address.slice('mailto:'.length) : null;
  const name = textParameter(property, 'cn');
  return email === null && name === null ? null : { email: email === '' ? null : email, name };
}

function subjectFor(message: ImipMessage, event: EventSummary): string {
  const summary = clip(oneLine(event.summary), 150);
  switch (message.method) {
    case 'REQUEST':
      return `${event.revised ? 'Updated invitation' : 'Invitation'}: ${summary}`;
    case 'CANCEL':
      return `Cancelled: ${summary}`;
    case 'REPLY':
      return `${replyWord(replyPartstat(message, event))}: ${summary}`;
  }
}

/** The PARTSTAT of the attendee who replies: the one whose address is the sender's, else the only one there is. */
function replyPartstat(message: ImipMessage, event: EventSummary): string | null {
  const sender = message.from.email?.toLowerCase();
  const replier = event.attendees.find((attendee) => sender !== undefined && attendee.email?.toLowerCase() === sender) ?? event.attendees[0];
  return replier?.partstat ?? null;
}

function replyWord(partstat: string | null): string {
  switch (partstat) {
    case 'ACCEPTED':
      return 'Accepted';
    case 'DECLINED':
      return 'Declined';
    case 'TENTATIVE':
      return 'Tentatively accepted';
    case 'DELEGATED':
      return 'Delegated';
    default:
      return 'Reply';
  }
}

function bodyParagraphs(message: ImipMessage, event: EventSummary): string[] {
  const paragraphs = [introduction(message, event)];
  const facts = [`What: ${oneLine(event.summary)}`];
  if (event.when) facts.push(`When: ${event.when}`);
  if (event.location) facts.push(`Where: ${oneLine(event.location)}`);
  if (event.organizer) facts.push(`Organizer: ${partyLabel(event.organizer)}`);
  paragraphs.push(facts.join('\n'));
  if (event.description) paragraphs.push(event.description.replace(/\r\n?/g, '\n'));
  paragraphs.push(closing(message.method));
  return paragraphs;
}

function introduction(message: ImipMessage, event: EventSummary): string {
  switch (message.method) {
    case 'REQUEST': {
      const organizer = event.organizer ? partyName(event.organizer) : senderName(message);
      if (event.revised) return organizer ? `${organizer} has updated an event you are invited to.` : 'An event you are invited to has been updated.';
      return organizer ? `${organizer} has invited you to an event.` : 'You have been invited to an event.';
    }
    case 'CANCEL': {
      const organizer = event.organizer ? partyName(event.organizer) : senderName(message);
      return organizer ? `${organizer} has cancelled this event.` : 'This event has been cancelled.';
    }
    case 'REPLY': {
      const attendee = senderName(message) ?? 'An attendee';
      const answer: Record<string, string> = {
        ACCEPTED: 'has accepted your invitation',
        DECLINED: 'has declined your invitation',
        TENTATIVE: 'has tentatively accepted your invitation',
        DELEGATED: 'has delegated your invitation to someone else',
      };
      return `${attendee} ${answer[replyPartstat(message, event) ?? ''] ?? 'has replied to your invitation'}.`;
    }
  }
}

function closing(method: ItipMethod): string {
  switch (method) {
    case 'REQUEST':
      return `The attached invitation (${INVITATION_FILENAME}) can be opened in any calendar app to add the event and reply.`;
    case 'CANCEL':
      return `The attached cancellation (${INVITATION_FILENAME}) can be opened in any calendar app to remove the event.`;
    case 'REPLY':
      return `The attached reply (${INVITATION_FILENAME}) can be opened in any calendar app to record the answer.`;
  }
}

function messageNoun(method: ItipMethod): string {
  return method === 'REQUEST' ? 'invitation' : method === 'CANCEL' ? 'cancellation' : 'reply';
}

function senderName(message: ImipMessage): string | null {
  return partyName({ email: message.from.email, name: message.from.name });
}

function partyName(party: Party): string | null {
  const name = party.name ?? party.email;
  return name === null ? null : oneLine(name);
}

function partyLabel(party: Party): string {
  if (party.name && party.email) return `${oneLine(party.name)} <${oneLine(party.email)}>`;
  return oneLine(party.name ?? party.email ?? '');
}

function htmlFor(paragraphs: string[]): string {
  const body = paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`).join('\n');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n${body}\n</body></html>\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Header and label text: one line (a summary with line breaks would otherwise break the subject). */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function describeError(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = error.message;
  else if (typeof error === 'string') text = error;
  else if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') text = error.message;
  else text = String(error);
  text = oneLine(text);
  return clip(text === '' ? 'no reason given' : text, 300);
}

// ---------------------------------------------------------------------------------------------------------------
// When: the event's time as written, in its own zone (the recipient's zone is unknown)

const dateFormat = new Intl.DateTimeFormat('en-US', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

function describeWhen(component: ICAL.Component, root: ICAL.Component): string | null {
  const startProperty = component.getFirstProperty('dtstart');
  const start = startProperty?.getFirstValue();
  if (!startProperty || !(start instanceof ICAL.Time)) return null;
  const endProperty = component.getFirstProperty(component.name === 'vtodo' ? 'due' : 'dtend');
  const endValue = endProperty?.getFirstValue();
  let end: ICAL.Time | null = endValue instanceof ICAL.Time ? endValue : null;
  let endZone = endProperty && end ? zoneLabel(endProperty, end, root) : null;
  const duration = component.getFirstPropertyValue('duration');
  if (!end && duration instanceof ICAL.Duration) {
    end = start.clone();
    end.addDuration(duration);
    endZone = zoneLabel(startProperty, start, root);
  }
  const repeats = component.hasProperty('rrule') || component.hasProperty('rdate') ? ', repeating' : '';

  if (start.isDate) {
    // DTEND of an all-day event is the day after its last day (RFC 5545 section 3.6.1).
    const last = end && end.isDate && end.compare(start) > 0 ? dayBefore(end) : start;
    const days = last.compare(start) > 0 ? `${calendarDate(start)} – ${calendarDate(last)}` : calendarDate(start);
    return `${days} (all day)${repeats}`;
  }
  const startZone = zoneLabel(startProperty, start, root);
  const zoneSuffix = (zone: string | null): string => (zone ? ` (${zone})` : '');
  if (!end || end.isDate) return `${calendarDate(start)}, ${clock(start)}${zoneSuffix(startZone)}${repeats}`;
  if (endZone !== startZone) {
    return `${calendarDate(start)}, ${clock(start)}${zoneSuffix(startZone)} – ${calendarDate(end)}, ${clock(end)}${zoneSuffix(endZone)}${repeats}`;
  }
  const sameDay = start.year === end.year && start.month === end.month && start.day === end.day;
  const until = sameDay ? clock(end) : `${calendarDate(end)}, ${clock(end)}`;
  return `${calendarDate(start)}, ${clock(start)} – ${until}${zoneSuffix(startZone)}${repeats}`;
}

/** The zone a time is written in, by name: the TZID (as an IANA name when it stands for one), UTC, or null for floating. */
function zoneLabel(property: ICAL.Property, time: ICAL.Time, root: ICAL.Component): string | null {
  const tzid = textParameter(property, 'tzid');
  if (tzid) return ianaNameForTzid(tzid, root) ?? oneLine(tzid);
  return time.zone === ICAL.Timezone.utcTimezone ? 'UTC' : null;
}

function dayBefore(date: ICAL.Time): ICAL.Time {
  const previous = date.clone();
  previous.adjust(-1, 0, 0, 0);
  return previous;
}

function calendarDate(time: ICAL.Time): string {
  const date = new Date(Date.UTC(2000, time.month - 1, time.day));
  // Set apart from Date.UTC, which reads years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(time.year);
  return dateFormat.format(date);
}

function clock(time: ICAL.Time): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}
