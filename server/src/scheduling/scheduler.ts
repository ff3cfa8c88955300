/**
 * Implicit scheduling (RFC 6638) over the calendars of the site's users. When an organizer stores a meeting, each
 * attendee who is a user of the site gets the invitation in their inbox and the event in their calendar; anyone else
 * gets an email (iMIP) when the site can send one. An attendee's answer updates the organizer's copy the same way.
 * What each delivery did is written into the stored object as SCHEDULE-STATUS.
 */
import { createId } from '@paralleldrive/cuid2';

import { busyPeriods, freeBusyCalendar, parseCalendarObject } from '../ical';
import { screenCalendarText } from '../ical/document';
import {
  addressKey,
  applyReply,
  attendeeCopy,
  cancelledCopy,
  emailOf,
  freeBusyReply,
  organizerMessage,
  parseFreeBusyRequest,
  partstatsOf,
  replyMessage,
  schedulingObject,
  schedulingSignature,
  withScheduleStatus,
  type ItipMethod,
  type Participant,
  type SchedulingObject,
} from '../ical/itip';
import { CalendarObjectError } from '../ical/types';
import type { CalendarBackend, CalendarInfo, FreeBusyAnswer, Principal, Scheduler, SchedulingInbox, SchedulingPlan } from '../dav/backend';
import { DavError } from '../dav/errors';
import { NS } from '../dav/model';
import { isTransparentCalendar } from '../dav/properties';

/** Where the scheduler keeps inbox messages and finds the site's users. */
export interface SchedulingStore {
  /** The active user with this email, if any. */
  principalByEmail(email: string): Promise<Principal | null>;
  inbox: SchedulingInbox & {
    add(recipient: Principal, message: { method: ItipMethod; uid: string; data: string }): Promise<void>;
  };
}

/** Email for people without an account (see imip.ts). */
export interface InvitationSender {
  availability(): { available: true } | { available: false; reason: string };
  send(message: { method: ItipMethod; to: string; from: { email: string | null; name: string | null }; ics: string }): Promise<void>;
}

export interface SchedulerOptions {
  calendars: CalendarBackend;
  store: SchedulingStore;
  mailer: InvitationSender;
  log: { warn(message: string): void };
}

/** RFC 6638 3.2.9 / RFC 5546 3.6 status codes this server writes into SCHEDULE-STATUS. */
const STATUS = {
  sent: '1.1', // emailed: on its way, not known to be delivered
  delivered: '1.2', // in the user's inbox and calendar
  invalidUser: '3.7', // not an address anyone can be reached at
  noAuthority: '3.8', // the recipient has another event with the meeting's UID, which the message may not change
  notDelivered: '5.1', // no way to deliver it (no email provider configured)
} as const;

const MEETING = /^(ORGANIZER|ATTENDEE)[;:]/im;

/** Free-busy requests name at most this many recipients, and cover at most this span. */
const MAX_FREE_BUSY_RECIPIENTS = 50;
const MAX_FREE_BUSY_DAYS = 366;

type Recipient = { kind: 'user'; principal: Principal } | { kind: 'email'; email: string } | { kind: 'invalid' };

/** One message to send; `refused` when its status already says it cannot be delivered there. */
interface Outgoing {
  to: Participant;
  recipient: Recipient;
  method: ItipMethod;
  data: string;
  refused?: boolean;
}

const organizerOf = (text: string) => schedulingObject(text)?.organizer?.key ?? null;

/** A resource name for an invitation delivered to someone's calendar, from its UID. */
export const copyName = (uid: string) => `${uid.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 200) || 'invitation'}.ics`;

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { calendars, store, mailer, log } = options;

  const addressOfOwner = (calendar: CalendarInfo): string | null => (calendar.owner?.email ? `mailto:${calendar.owner.email.toLowerCase()}` : null);

  async function recipientOf(key: string): Promise<Recipient> {
    const email = emailOf(key);
    if (!email || !email.includes('@')) return { kind: 'invalid' };
    const principal = await store.principalByEmail(email);
    return principal ? { kind: 'user', principal } : { kind: 'email', email };
  }

  /** What SCHEDULE-STATUS a message of a meeting to this recipient gets, decided before anything is sent. */
  async function statusFor(recipient: Recipient, meeting: { uid: string; organizer: string }): Promise<string> {
    if (recipient.kind === 'user') {
      const copy = await copyOf(recipient.principal, meeting.uid);
      return copy && organizerOf(copy.data) !== meeting.organizer ? STATUS.noAuthority : STATUS.delivered;
    }
    if (recipient.kind === 'invalid') return STATUS.invalidUser;
    return mailer.availability().available ? STATUS.sent : STATUS.notDelivered;
  }

  /** The user's own calendars for events, in their order: the first is where invitations land. */
  async function eventCalendars(owner: Principal): Promise<CalendarInfo[]> {
    return (await calendars.listCalendars(owner)).filter((calendar) => calendar.owner?.id === owner.id && calendar.components.includes('VEVENT'));
  }

  async function defaultCalendar(owner: Principal, create: boolean): Promise<CalendarInfo | null> {
    const [first] = await eventCalendars(owner);
    if (first || !create) return first ?? null;
    // A user invited before they made any calendar gets one, as their calendar app would show it.
    const base = `${owner.username.toLowerCase().replace(/[^a-z0-9._~-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 80) || 'user'}-calendar`;
    for (const slug of [base, `${base}-${Date.now().toString(36)}`]) {
      try {
        return await calendars.createCalendar(owner, slug, { displayName: 'Calendar', components: ['VEVENT', 'VTODO'] });
      } catch (error) {
        if (!(error instanceof DavError && error.status === 409)) throw error;
      }
    }
    return null;
  }

  /** The user's copy of a meeting, in whichever of their own calendars it is. */
  async function copyOf(owner: Principal, uid: string): Promise<{ calendar: CalendarInfo; name: string; data: string } | null> {
    for (const calendar of await eventCalendars(owner)) {
      const name = await calendars.findObjectNameByUid(calendar, uid);
      if (name === null) continue;
      const object = await calendars.findObject(calendar, name);
      if (object) return { calendar, name, data: object.data };
    }
    return null;
  }

  async function store_(calendar: CalendarInfo, name: string, data: string): Promise<void> {
    const parsed = parseCalendarObject(data, { supportedComponents: calendar.components });
    const result = await calendars.putObject(calendar, name, data, parsed);
    // Another object of the calendar has the UID (written since it was looked for): that one is the copy.
    if ('uidTakenBy' in result) await calendars.putObject(calendar, result.uidTakenBy, data, parsed);
  }

  /** Applies a message to a user's calendar and puts it in their inbox. */
  async function deliverToUser(principal: Principal, method: ItipMethod, uid: string, message: string): Promise<void> {
    const found = await copyOf(principal, uid);
    // A message changes only a copy of the same meeting: the one its organizer scheduled. Anything else with that
    // UID (the user's own event, another organizer's meeting) is left alone, whoever chose the UID.
    if (found && organizerOf(found.data) !== organizerOf(message)) {
      throw new Error(`${principal.username} has another event with the UID of this meeting; it was left as it is`);
    }
    const copy = found;
    if (method === 'REQUEST') {
      const calendar = copy?.calendar ?? (await defaultCalendar(principal, true));
      if (!calendar) throw new Error(`${principal.username} has no calendar for invitations`);
      // A new copy never takes the name of an event already there (a UID can be chosen to match any name).
      let name = copy?.name ?? copyName(uid);
      if (!copy && (await calendars.findObject(calendar, name))) name = `${createId()}.ics`;
      await store_(calendar, name, attendeeCopy(message, copy?.data ?? null));
    } else if (method === 'CANCEL') {
      if (copy) await store_(copy.calendar, copy.name, cancelledCopy(message, copy.data));
    } else if (copy) {
      const updated = applyReply(copy.data, message);
      if (updated) await store_(copy.calendar, copy.name, updated);
    }
    await store.inbox.add(principal, { method, uid, data: message });
  }

  async function deliver(recipient: Recipient, method: ItipMethod, uid: string, message: string, sender: Principal): Promise<void> {
    try {
      if (recipient.kind === 'user') await deliverToUser(recipient.principal, method, uid, message);
      else if (recipient.kind === 'email' && mailer.availability().available) {
        await mailer.send({ method, to: recipient.email, from: { email: sender.email, name: sender.displayName }, ics: message });
      }
    } catch (error) {
      const to = recipient.kind === 'user' ? recipient.principal.username : recipient.kind === 'email' ? recipient.email : 'an invalid address';
      log.warn(`caldav: delivering a scheduling message (${method}) to ${to} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Sends each message in turn, once the organizer's or attendee's own copy is stored. */
  const sender = (owner: Principal, uid: string, messages: Outgoing[]) =>
    async () => {
      for (const message of messages) if (!message.refused) await deliver(message.recipient, message.method, uid, message.data, owner);
    };

  async function organizerPlan(
    owner: Principal,
    me: string,
    previous: { text: string; object: SchedulingObject | null } | null,
    next: { text: string; object: SchedulingObject | null },
  ): Promise<SchedulingPlan> {
    const organizedByMe = (object: SchedulingObject | null | undefined) => (object?.organizer?.key === me ? object : null);
    const served = (participant: Participant) => participant.scheduleAgent === 'SERVER' && participant.key !== me;
    const now = organizedByMe(next.object);
    const before = organizedByMe(previous?.object);
    const current = now ? now.attendees.filter(served) : [];
    const earlier = before ? before.attendees.filter(served) : [];
    const kept = new Set(current.map((attendee) => attendee.key));
    const removed = earlier.filter((attendee) => !kept.has(attendee.key));

    const messages: Outgoing[] = [];
    const statuses = new Map<string, string>();
    if (removed.length > 0 && previous) {
      const cancel = organizerMessage(previous.text, 'CANCEL', new Set(removed.map((attendee) => attendee.key)));
      for (const attendee of removed) messages.push({ to: attendee, recipient: await recipientOf(attendee.key), method: 'CANCEL', data: cancel });
    }
    if (now && current.length > 0) {
      const cancelledNow = now.cancelled && !before?.cancelled;
      const changed = !previous || !before || schedulingSignature(previous.text) !== schedulingSignature(next.text);
      if (cancelledNow || (!now.cancelled && changed)) {
        const method = cancelledNow ? 'CANCEL' : 'REQUEST';
        const data = organizerMessage(next.text, method, cancelledNow ? kept : undefined);
        for (const attendee of current) {
          const recipient = await recipientOf(attendee.key);
          const status = await statusFor(recipient, { uid: now.uid, organizer: me });
          statuses.set(attendee.key, status);
          messages.push({ to: attendee, recipient, method, data, refused: status === STATUS.noAuthority });
        }
      }
    }
    const uid = (now ?? before)?.uid ?? '';
    return { data: now ? withScheduleStatus(next.text, statuses, 'attendee') : next.text, send: sender(owner, uid, messages) };
  }

  async function attendeePlan(owner: Principal, me: string, previous: string | null, next: string, object: SchedulingObject): Promise<SchedulingPlan | null> {
    const organizer = object.organizer;
    if (!organizer || organizer.scheduleAgent !== 'SERVER') return null;
    const before = previous ? partstatsOf(previous, me) : new Map<string, string>();
    const answered = [...partstatsOf(next, me)].some(([recurrence, partstat]) => (before.get(recurrence) ?? 'NEEDS-ACTION') !== partstat);
    if (!answered) return null;
    const recipient = await recipientOf(organizer.key);
    const status = await statusFor(recipient, { uid: object.uid, organizer: organizer.key });
    return {
      data: withScheduleStatus(next, new Map([[organizer.key, status]]), 'organizer'),
      send: sender(owner, object.uid, [
        { to: organizer, recipient, method: 'REPLY', data: replyMessage(next, me), refused: status === STATUS.noAuthority },
      ]),
    };
  }

  return {
    async planPut(calendar, previous, next) {
      const owner = calendar.owner;
      const me = addressOfOwner(calendar);
      // Most objects are no meetings: decided from the text, without parsing.
      if (!owner || !me || !(MEETING.test(next) || (previous !== null && MEETING.test(previous)))) return null;
      const nextObject = schedulingObject(next);
      const previousObject = previous ? schedulingObject(previous) : null;
      const organizer = (nextObject ?? previousObject)?.organizer;
      if (!organizer) return null;
      if (organizer.key === me) {
        return organizerPlan(owner, me, previous ? { text: previous, object: previousObject } : null, { text: next, object: nextObject });
      }
      if (nextObject?.attendees.some((attendee) => attendee.key === me)) return attendeePlan(owner, me, previous, next, nextObject);
      return null;
    },

    async planDelete(calendar, removed, reply) {
      const owner = calendar.owner;
      const me = addressOfOwner(calendar);
      if (!owner || !me || !MEETING.test(removed)) return null;
      const object = schedulingObject(removed);
      if (!object?.organizer) return null;
      if (object.organizer.key === me) {
        // The organizer deleted the meeting: it is called off for everyone still invited.
        const attendees = object.attendees.filter((attendee) => attendee.scheduleAgent === 'SERVER' && attendee.key !== me);
        if (attendees.length === 0 || object.cancelled) return null;
        const data = organizerMessage(removed, 'CANCEL', new Set(attendees.map((attendee) => attendee.key)));
        const messages = await Promise.all(
          attendees.map(async (attendee) => ({ to: attendee, recipient: await recipientOf(attendee.key), method: 'CANCEL' as const, data })),
        );
        return { send: sender(owner, object.uid, messages) };
      }
      const mine = object.attendees.find((attendee) => attendee.key === me);
      // An attendee who deletes the event declines it; nothing to say about one already cancelled or declined.
      if (!reply || !mine || object.cancelled || mine.partstat === 'DECLINED' || object.organizer.scheduleAgent !== 'SERVER') return null;
      const recipient = await recipientOf(object.organizer.key);
      return {
        send: sender(owner, object.uid, [{ to: object.organizer, recipient, method: 'REPLY', data: replyMessage(removed, me, 'DECLINED') }]),
      };
    },

    async freeBusy(requester, text) {
      const invalid = (message: string, name = 'valid-scheduling-message') => new DavError(403, message, { ns: NS.CALDAV, name });
      try {
        screenCalendarText(text);
      } catch (error) {
        if (error instanceof CalendarObjectError) throw invalid(error.message, 'valid-calendar-data');
        throw error;
      }
      let request;
      try {
        request = parseFreeBusyRequest(text);
      } catch {
        throw invalid('The free-busy request is not valid iCalendar.', 'valid-calendar-data');
      }
      if (!request) throw invalid('A free-busy request is a VCALENDAR with METHOD:REQUEST and a VFREEBUSY with ORGANIZER, DTSTART and DTEND.');
      if (!requester.email || addressKey(request.organizer) !== `mailto:${requester.email.toLowerCase()}`) {
        throw invalid('The ORGANIZER of a free-busy request must be your own address.', 'organizer-allowed');
      }
      if (request.attendees.length === 0) throw invalid('Name at least one ATTENDEE whose free-busy time you want.', 'recipient-specified');
      if (request.attendees.length > MAX_FREE_BUSY_RECIPIENTS) throw invalid(`A free-busy request may name at most ${MAX_FREE_BUSY_RECIPIENTS} attendees.`);
      const spanDays = (request.end.getTime() - request.start.getTime()) / 86_400_000;
      if (!(spanDays > 0) || spanDays > MAX_FREE_BUSY_DAYS) {
        throw invalid(`DTEND must follow DTSTART by at most ${MAX_FREE_BUSY_DAYS} days.`);
      }
      const range = { start: request.start, end: request.end };
      const answers: FreeBusyAnswer[] = [];
      for (const attendee of request.attendees) {
        const recipient = await recipientOf(addressKey(attendee));
        if (recipient.kind !== 'user') {
          answers.push({ recipient: attendee, status: '3.7;Invalid calendar user', data: null });
          continue;
        }
        // Busy time comes from the user's own calendars that count (not set transparent); it tells when, never what.
        const texts: string[] = [];
        for (const calendar of await eventCalendars(recipient.principal)) {
          if (isTransparentCalendar(calendar)) continue;
          for (const object of await calendars.queryObjects(calendar, range)) texts.push(object.data);
        }
        answers.push({ recipient: attendee, status: '2.0;Success', data: freeBusyReply(freeBusyCalendar(busyPeriods(texts, range), range), request, attendee) });
      }
      return answers;
    },

    defaultCalendar: (owner) => defaultCalendar(owner, false),
    inbox: store.inbox,
  };
}
