import { createHash } from 'node:crypto';

import { clip, editableEntries } from '../content-types/structured-values';
import type { CalendarObject, EventFields } from '../ical';

/** A strong entity tag for stored bytes. */
export function etagOf(data: string): string {
  return createHash('sha256').update(data).digest('base64url').slice(0, 27);
}

// The field copies are for editors and queries; the raw text keeps everything, so long values are shortened here
// rather than refused (the schema's limits: string columns hold 255 characters on PostgreSQL and MySQL).
const limits = { summary: 255, location: 255, url: 2000, rrule: 255, timezone: 64 } as const;

/** Span classes: an object in class k covers at most 2^k hours from its first to its last instant. */
export const SPAN_CLASSES = 24;
const HOUR_MS = 3_600_000;

/** The class of objects without bounds (endless series) or longer than every class: every query reads them. */
export const UNBOUNDED_SPAN = -1;

/**
 * The span class of an object's occurrences, for time-range queries that read only what may overlap: objects of
 * class k that overlap [start, end] begin between start - 2^k hours and end, an index range per class.
 */
export function spanClassOf(first: Date | null | undefined, last: Date | null | undefined): number {
  if (!first || !last) return UNBOUNDED_SPAN;
  const hours = Math.max(1, (last.getTime() - first.getTime()) / HOUR_MS);
  const spanClass = Math.ceil(Math.log2(hours));
  return spanClass < SPAN_CLASSES ? spanClass : UNBOUNDED_SPAN;
}

/** The hours an object of a span class may cover. */
export const spanClassHours = (spanClass: number) => 2 ** spanClass;

/** The event's fields as stored in the CMS, derived from a parsed calendar object and its text. */
export function eventDataFromObject(parsed: CalendarObject, data: string) {
  const fields: EventFields = parsed.fields;
  return {
    uid: parsed.uid,
    componentType: parsed.componentType,
    summary: clip(fields.summary, limits.summary),
    description: fields.description,
    location: clip(fields.location, limits.location),
    url: clip(fields.url, limits.url),
    start: fields.start,
    end: fields.end,
    allDay: fields.allDay,
    timezone: clip(fields.timezone, limits.timezone),
    rrule: clip(fields.rrule, limits.rrule),
    exdates: editableEntries('datetime', fields.exdates),
    eventStatus: fields.eventStatus,
    categories: editableEntries('text', fields.categories),
    firstOccurrence: parsed.firstOccurrence?.toISOString() ?? null,
    lastOccurrence: parsed.lastOccurrence?.toISOString() ?? null,
    occurrenceSpan: spanClassOf(parsed.firstOccurrence, parsed.lastOccurrence),
    icalendar: data,
    etag: etagOf(data),
    size: Buffer.byteLength(data),
  };
}

export type EventData = ReturnType<typeof eventDataFromObject>;
