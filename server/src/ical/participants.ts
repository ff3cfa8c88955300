/**
 * The organizer and attendees of an event (RFC 5545 sections 3.8.4.1 and 3.8.4.3) with their answers (PARTSTAT)
 * and the delivery status of their invitations (RFC 6638 SCHEDULE-STATUS), as plain data for the admin. Read only:
 * nothing here writes them.
 */
import type ICAL from 'ical.js';

export interface EventOrganizer {
  /** The calendar user address as written, e.g. `mailto:ada@example.org`. */
  address: string;
  /** The address without its `mailto:` (any case); null for other addresses (`urn:uuid:...`). */
  email: string | null;
  /** The CN parameter. */
  name: string | null;
}

export interface EventAttendee extends EventOrganizer {
  /** ROLE, upper-cased (parameter values are case-insensitive): CHAIR, REQ-PARTICIPANT (the default), OPT-PARTICIPANT, NON-PARTICIPANT. */
  role: string;
  /** PARTSTAT, upper-cased: NEEDS-ACTION (the default), ACCEPTED, DECLINED, TENTATIVE, DELEGATED. */
  partstat: string;
  /** SCHEDULE-STATUS as written (one or more status codes, e.g. `1.2` or `5.3`); null when there is none. */
  scheduleStatus: string | null;
}

export interface EventParticipants {
  organizer: EventOrganizer | null;
  attendees: EventAttendee[];
}

/** A parameter's text, or null when it is missing or blank; a repeated parameter gives its first value. */
export function parameterText(property: ICAL.Property, name: string): string | null {
  const value: unknown = property.getParameter(name);
  const first: unknown = Array.isArray(value) ? value.find((item: unknown) => typeof item === 'string') : value;
  if (typeof first !== 'string') return null;
  const trimmed = first.trim();
  return trimmed === '' ? null : trimmed;
}

/** Who a property names; null for a property without an address (nothing to show of it). */
function personOf(property: ICAL.Property): EventOrganizer | null {
  const value: unknown = property.getFirstValue();
  if (typeof value !== 'string' || value.trim() === '') return null;
  const address = value.trim();
  const mailto = /^mailto:(.*)$/i.exec(address);
  const email = mailto ? mailto[1].trim() : '';
  return { address, email: email === '' ? null : email, name: parameterText(property, 'cn') };
}

/** The organizer and attendees written on one component (a VEVENT, or one of its overrides). */
export function participantsOf(component: ICAL.Component): EventParticipants {
  let organizer: EventOrganizer | null = null;
  for (const property of component.getAllProperties('organizer')) {
    organizer = personOf(property);
    if (organizer) break;
  }
  const attendees: EventAttendee[] = [];
  for (const property of component.getAllProperties('attendee')) {
    const person = personOf(property);
    if (!person) continue;
    attendees.push({
      ...person,
      role: parameterText(property, 'role')?.toUpperCase() ?? 'REQ-PARTICIPANT',
      partstat: parameterText(property, 'partstat')?.toUpperCase() ?? 'NEEDS-ACTION',
      scheduleStatus: parameterText(property, 'schedule-status'),
    });
  }
  return { organizer, attendees };
}

/**
 * The organizer and attendees of an iCalendar object's event as a whole: those of its master VEVENT (the one
 * without RECURRENCE-ID). Overrides may invite others to one occurrence; they do not change the meeting's list.
 */
export function masterParticipants(calendar: ICAL.Component): EventParticipants {
  const master = calendar.getAllSubcomponents('vevent').find((component) => !component.hasProperty('recurrence-id'));
  return master ? participantsOf(master) : { organizer: null, attendees: [] };
}
