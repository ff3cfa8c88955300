/**
 * What the iCalendar layer hands to the rest of the plugin: plain data, no ical.js objects.
 */

export type ComponentType = 'VEVENT' | 'VTODO' | 'VJOURNAL';

export const componentTypes: readonly ComponentType[] = ['VEVENT', 'VTODO', 'VJOURNAL'];

/** iCalendar STATUS, lower-cased, '-' replaced by '_' (the event content type's `eventStatus`). */
export type EventStatus =
  | 'tentative'
  | 'confirmed'
  | 'cancelled'
  | 'needs_action'
  | 'completed'
  | 'in_process'
  | 'draft'
  | 'final';

export const eventStatuses: readonly EventStatus[] = [
  'tentative',
  'confirmed',
  'cancelled',
  'needs_action',
  'completed',
  'in_process',
  'draft',
  'final',
];

/** The CalDAV preconditions (RFC 4791 sections 5.3.2 and 5.2.6 to 5.2.9) a stored object can fail. */
export type CalendarPrecondition =
  | 'valid-calendar-data'
  | 'valid-calendar-object-resource'
  | 'supported-calendar-component'
  | 'min-date-time'
  | 'max-date-time'
  | 'max-instances';

/** A calendar object that cannot be stored; `precondition` is the CalDAV error element to answer with. */
export class CalendarObjectError extends Error {
  readonly precondition: CalendarPrecondition;

  constructor(precondition: CalendarPrecondition, message: string) {
    super(message);
    this.name = 'CalendarObjectError';
    this.precondition = precondition;
  }
}

/** The editable fields of an event, as the CMS stores them. Instants are ISO 8601 in UTC. */
export interface EventFields {
  componentType: ComponentType;
  summary: string | null;
  description: string | null;
  location: string | null;
  url: string | null;
  /** DTSTART as an ISO UTC instant; an all-day (DATE) start is that date at 00:00Z; a floating time is read as UTC. */
  start: string | null;
  /** DTEND, or DTSTART+DURATION, or DUE for a VTODO; same conventions (an all-day end is exclusive). */
  end: string | null;
  /** DTSTART is a DATE. */
  allDay: boolean;
  /** The IANA name of DTSTART's TZID; null for UTC, floating, all-day and zones without a clear IANA name. */
  timezone: string | null;
  /** The RRULE value, e.g. "FREQ=WEEKLY;BYDAY=MO". */
  rrule: string | null;
  /** EXDATE values: ISO UTC instants, or "YYYY-MM-DD" for DATE values. */
  exdates: string[] | null;
  eventStatus: EventStatus | null;
  categories: string[] | null;
}

export interface CalendarObject {
  uid: string;
  componentType: ComponentType;
  /** From the master component (the one without RECURRENCE-ID), or the first override when there is none. */
  fields: EventFields;
  /** The earliest instant any instance covers; null when the object has no time at all. */
  firstOccurrence: Date | null;
  /** The latest instant any instance covers; null when that is unbounded (or unknown) or the object has no time. */
  lastOccurrence: Date | null;
}

export interface BusyPeriod {
  start: Date;
  end: Date;
  type: 'BUSY' | 'BUSY-TENTATIVE' | 'BUSY-UNAVAILABLE';
}
