/**
 * The shapes the calendar page's admin API answers with: the one definition that the server and the admin page
 * (admin/src/pages/workspace-api.ts) both use. Types only, so that the admin bundle takes nothing else from here.
 */

import type { EventAttendee, EventOrganizer } from '../ical/participants';

export type { EventAttendee, EventOrganizer };

export interface WorkspaceCalendar {
  documentId: string;
  name: string;
  slug: string;
  color: string | null;
  timezone: string | null;
  visibility: 'private' | 'public';
  owner: string | null;
}

/**
 * What editors see of a document: `published` when clients see exactly the editor's version, `draft` when clients
 * see nothing of it, `modified` when clients see an older published version.
 */
export type EventStatus = 'published' | 'draft' | 'modified';

export interface WorkspaceOccurrence {
  /** Unique within an answer: the document and the occurrence's RECURRENCE-ID. */
  id: string;
  documentId: string;
  calendar: string;
  summary: string | null;
  location: string | null;
  description: string | null;
  /** ISO instants in UTC; for all-day occurrences 00:00Z of the first day and of the day after the last. */
  start: string;
  end: string;
  allDay: boolean;
  timezone: string | null;
  recurring: boolean;
  /** The occurrence's RECURRENCE-ID: a date (YYYY-MM-DD) for all-day series, else an ISO instant; null when not recurring. */
  recurrenceId: string | null;
  /** True when a calendar app gave this occurrence its own details (a RECURRENCE-ID override in the text). */
  override: boolean;
  /** The series as stored: its first start and end, rule and time zone, for editing "all events". */
  series: { start: string | null; end: string | null; rrule: string | null; count: number | null };
  /** The meeting's ORGANIZER, from the master VEVENT; null when it names none. Read only. */
  organizer: EventOrganizer | null;
  /** The meeting's ATTENDEEs with their answers, from the master VEVENT (not from overrides). Read only. */
  attendees: EventAttendee[];
  status: EventStatus;
  etag: string | null;
}
