import type { Core } from '@strapi/strapi';

import { buildCalendarObject, CalendarObjectError, componentTypes, parseCalendarObject, type ComponentType, type EventFields, type EventStatus } from '../ical';
import { eventDataFromObject } from '../store/event-data';
import { EVENT_UID } from '../uids';

type Data = Record<string, unknown>;
type Result = { data: Data } | { problem: { field: string; message: string } };

const ALL_COMPONENTS: ComponentType[] = [...componentTypes];

/** The fields an editor edits that live in the iCalendar text too. */
const EVENT_FIELDS = [
  'componentType', 'summary', 'description', 'location', 'url', 'start', 'end', 'allDay', 'timezone', 'rrule', 'exdates',
  'eventStatus', 'categories',
] as const;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const instant = (value: unknown): string | null => {
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'string' || value === '') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
};
const list = (value: unknown): string[] | null =>
  Array.isArray(value) && value.length > 0 ? value.filter((item): item is string => typeof item === 'string') : null;

function fieldsFrom(record: Data): EventFields {
  return {
    componentType: ALL_COMPONENTS.includes(record.componentType as ComponentType) ? (record.componentType as ComponentType) : 'VEVENT',
    summary: text(record.summary),
    description: text(record.description),
    location: text(record.location),
    url: text(record.url),
    start: instant(record.start),
    end: instant(record.end),
    allDay: record.allDay === true,
    timezone: text(record.timezone),
    rrule: text(record.rrule),
    exdates: list(record.exdates),
    eventStatus: (text(record.eventStatus) as EventStatus | null) ?? null,
    categories: list(record.categories),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * An editor's form carries the etag of the version it showed. If a calendar or contacts app changed the entry since,
 * saving would silently overwrite that change: refuse instead, and say how to go on.
 */
export function staleEdit(data: Data, current: Data | null): Result | null {
  if (!current || typeof data.etag !== 'string' || data.etag === '' || data.etag === current.etag) return null;
  return {
    problem: {
      field: 'etag',
      message: 'this entry was changed by a calendar or contacts app since you opened it; reload the page to see the change, then edit again',
    },
  };
}

/**
 * Keeps an event's iCalendar text in step with an editor's change (Content Manager, REST, GraphQL, services):
 * - the text was edited itself: it is the truth, and the fields are derived from it;
 * - fields were edited: only the touched properties of the stored text are rewritten (SEQUENCE, DTSTAMP and
 *   LAST-MODIFIED follow), so what clients wrote (alarms, attendees, X- properties) survives;
 * - a new event gets a complete, valid object.
 * The etag, size and occurrence bounds follow the text.
 */
export async function withCalendarText(strapi: Core.Strapi, data: Data, documentId: string | null): Promise<Result> {
  const current = documentId
    ? ((await strapi.db.query(EVENT_UID as never).findOne({ where: { documentId, publishedAt: { $null: true } } })) as Data | null)
    : null;
  const storedText = text(current?.icalendar);
  const givenText = text(data.icalendar);
  const conflict = staleEdit(data, current);
  if (conflict) return conflict;

  if (givenText !== null && givenText !== storedText) {
    try {
      const parsed = parseCalendarObject(givenText, { supportedComponents: ALL_COMPONENTS });
      return { data: { ...data, ...eventDataFromObject(parsed, givenText) } };
    } catch (error) {
      if (error instanceof CalendarObjectError) return { problem: { field: 'icalendar', message: error.message } };
      throw error;
    }
  }

  const before = current ? fieldsFrom(current) : null;
  const after = fieldsFrom({ ...(current ?? {}), ...data });
  if (before && storedText && EVENT_FIELDS.every((field) => same(before[field], after[field]))) return { data };

  const uid = text(data.uid) ?? text(current?.uid);
  if (!uid) return { problem: { field: 'uid', message: 'an event needs a UID' } };
  let built: string;
  try {
    built = buildCalendarObject({ ...after, uid }, storedText);
    const parsed = parseCalendarObject(built, { supportedComponents: ALL_COMPONENTS });
    const derived = eventDataFromObject(parsed, built);
    return {
      data: {
        ...data,
        icalendar: built,
        etag: derived.etag,
        size: derived.size,
        firstOccurrence: derived.firstOccurrence,
        lastOccurrence: derived.lastOccurrence,
        occurrenceSpan: derived.occurrenceSpan,
      },
    };
  } catch (error) {
    if (error instanceof CalendarObjectError) {
      const field = /DTSTART/.test(error.message) ? 'start' : /RRULE|recurrence rule/i.test(error.message) ? 'rrule' : /DTEND|DUE/.test(error.message) ? 'end' : 'icalendar';
      return { problem: { field, message: error.message } };
    }
    throw error;
  }
}
