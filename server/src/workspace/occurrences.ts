import type { Core } from '@strapi/strapi';
import type ICAL from 'ical.js';

import { parseCalendarText } from '../ical/document';
import {
  ExpansionLimitReached,
  overlappingInstances,
  queryBudget,
  recurrenceSets,
} from '../ical/occurrences';
import { participantsOf } from '../ical/participants';
import { DAY_MS, dateString, instantOf } from '../ical/times';
import { CALENDAR_UID, EVENT_UID } from '../uids';
import { badRequest } from '../admin-api';
import type { EventStatus, WorkspaceOccurrence } from './types';

/** The widest window one request may ask for: a year view plus some margin. */
export const MAX_WINDOW_DAYS = 400;

export interface Window {
  start: Date;
  end: Date;
}

/** Reads `start`, `end` (ISO) from a query, refusing anything an editor's page would never send. */
export function parseWindow(start: unknown, end: unknown): Window {
  if (typeof start !== 'string' || typeof end !== 'string' || start === '' || end === '') {
    throw badRequest('Give the window as ?start=<ISO date-time>&end=<ISO date-time>, e.g. start=2026-01-01T00:00:00Z&end=2026-02-01T00:00:00Z.');
  }
  const from = new Date(start);
  const to = new Date(end);
  if (Number.isNaN(from.getTime())) throw badRequest(`"start" is not a date-time: "${start}".`);
  if (Number.isNaN(to.getTime())) throw badRequest(`"end" is not a date-time: "${end}".`);
  if (to <= from) throw badRequest('"end" must be after "start".');
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    throw badRequest(`The window is too wide: ask for at most ${MAX_WINDOW_DAYS} days at a time.`);
  }
  return { start: from, end: to };
}

interface EventRow {
  documentId: string;
  publishedAt: string | Date | null;
  icalendar: string | null;
  etag: string | null;
  summary: string | null;
  location: string | null;
  description: string | null;
  timezone: string | null;
  start: string | Date | null;
  end: string | Date | null;
  rrule: string | null;
  calendar: { documentId: string } | null;
}

const iso = (value: string | Date | null): string | null => (value === null ? null : new Date(value).toISOString());

/** The calendars' documentIds from `?calendars=a,b`; every calendar when absent. Unknown ones are refused. */
export async function resolveCalendars(strapi: Core.Strapi, param: unknown): Promise<string[]> {
  const rows = (await strapi.db.query(CALENDAR_UID as never).findMany({ select: ['documentId'] })) as Array<{ documentId: string }>;
  const known = new Set(rows.map((row) => row.documentId));
  if (param === undefined || param === null) return [...known];
  if (typeof param !== 'string') throw badRequest('Give calendars as a comma-separated list of documentIds.');
  const wanted = param.split(',').map((id) => id.trim()).filter((id) => id !== '');
  const unknown = wanted.filter((id) => !known.has(id));
  if (unknown.length > 0) throw badRequest(`No calendar with documentId ${unknown.map((id) => `"${id}"`).join(', ')}.`);
  return wanted;
}

const countOf = (rrule: string | null): number | null => {
  const match = rrule ? /(?:^|;)COUNT=(\d+)/i.exec(rrule) : null;
  return match ? Number(match[1]) : null;
};

function recurrenceIdText(time: ICAL.Time): string {
  return time.isDate ? dateString(time) : new Date(instantOf(time)).toISOString();
}

/** The occurrences of one stored version overlapping the window, expanded as calendar-query expands them. */
function occurrencesOf(row: EventRow, status: EventStatus, window: Window): WorkspaceOccurrence[] {
  if (!row.icalendar || !row.calendar) return [];
  let root: ICAL.Component;
  try {
    root = parseCalendarText(row.icalendar).root;
  } catch {
    return []; // stored text that no longer parses has no occurrences to show; the Content Manager still lists it
  }
  const found: WorkspaceOccurrence[] = [];
  const budget = queryBudget();
  for (const set of recurrenceSets(root)) {
    if (set.type !== 'vevent') continue;
    const recurring = set.overrides.length > 0 || Boolean(set.master?.hasProperty('rrule') || set.master?.hasProperty('rdate'));
    // The meeting's list, not an occurrence's: the panel edits an override only as part of the whole series.
    const { organizer, attendees } = set.master ? participantsOf(set.master) : { organizer: null, attendees: [] };
    try {
      for (const instance of overlappingInstances(set, window, budget)) {
        if (!instance.start) continue;
        const startMs = instantOf(instance.start);
        const endTime = instance.end();
        const allDay = instance.start.isDate;
        const endMs = endTime ? instantOf(endTime) : startMs + (allDay ? DAY_MS : 0);
        const summary = instance.component.getFirstPropertyValue('summary');
        const location = instance.component.getFirstPropertyValue('location');
        const description = instance.component.getFirstPropertyValue('description');
        const recurrenceId = recurring && instance.recurrenceId ? recurrenceIdText(instance.recurrenceId) : null;
        found.push({
          id: `${row.documentId}:${recurrenceId ?? ''}`,
          documentId: row.documentId,
          calendar: row.calendar.documentId,
          summary: typeof summary === 'string' ? summary : null,
          location: typeof location === 'string' ? location : null,
          description: typeof description === 'string' ? description : null,
          start: new Date(startMs).toISOString(),
          end: new Date(Math.max(endMs, startMs)).toISOString(),
          allDay,
          timezone: row.timezone,
          recurring,
          recurrenceId,
          override: instance.component !== set.master,
          series: { start: iso(row.start), end: iso(row.end), rrule: row.rrule, count: countOf(row.rrule) },
          organizer,
          attendees,
          status,
          etag: row.etag,
        });
      }
    } catch (error) {
      // A series too dense to expand in full: show what was found rather than nothing.
      if (!(error instanceof ExpansionLimitReached)) throw error;
    }
  }
  return found;
}

/**
 * The occurrences of the calendars' events in the window. Editors see their latest version of each event (the
 * draft), marked by whether clients see it too; the stored occurrence bounds keep the expansion to candidates.
 */
export async function listOccurrences(strapi: Core.Strapi, calendars: string[], window: Window): Promise<WorkspaceOccurrence[]> {
  if (calendars.length === 0) return [];
  const events = () => strapi.db.query(EVENT_UID as never);
  const rows = (await events().findMany({
    select: ['documentId', 'publishedAt', 'icalendar', 'etag', 'summary', 'location', 'description', 'timezone', 'start', 'end', 'rrule'],
    where: {
      calendar: { documentId: { $in: calendars } },
      componentType: 'VEVENT',
      $and: [
        { $or: [{ firstOccurrence: { $null: true } }, { firstOccurrence: { $lte: window.end } }] },
        { $or: [{ lastOccurrence: { $null: true } }, { lastOccurrence: { $gte: window.start } }] },
      ],
    },
    populate: { calendar: { select: ['documentId'] } },
  })) as EventRow[];

  const drafts = new Map<string, EventRow>();
  const published = new Map<string, EventRow>();
  for (const row of rows) (row.publishedAt ? published : drafts).set(row.documentId, row);

  // Versions that matched only in part: a published version in the window whose draft is elsewhere, or a draft
  // whose published version is elsewhere. Their other side decides what the editor sees and how it is marked.
  const missingDrafts = [...published.keys()].filter((id) => !drafts.has(id));
  const draftsElsewhere = new Set(
    missingDrafts.length === 0
      ? []
      : ((await events().findMany({ select: ['documentId'], where: { documentId: { $in: missingDrafts }, publishedAt: { $null: true } } })) as Array<{ documentId: string }>).map(
          (row) => row.documentId,
        ),
  );
  const missingPublished = [...drafts.keys()].filter((id) => !published.has(id));
  const publishedEtags = new Map<string, string | null>(
    missingPublished.length === 0
      ? []
      : ((await events().findMany({ select: ['documentId', 'etag'], where: { documentId: { $in: missingPublished }, publishedAt: { $notNull: true } } })) as Array<{
          documentId: string;
          etag: string | null;
        }>).map((row) => [row.documentId, row.etag]),
  );
  for (const [id, row] of published) publishedEtags.set(id, row.etag);

  const result: WorkspaceOccurrence[] = [];
  for (const [id, draft] of drafts) {
    const status: EventStatus = !publishedEtags.has(id) ? 'draft' : publishedEtags.get(id) === draft.etag ? 'published' : 'modified';
    result.push(...occurrencesOf(draft, status, window));
  }
  for (const [id, row] of published) {
    if (!drafts.has(id) && !draftsElsewhere.has(id)) result.push(...occurrencesOf(row, 'published', window));
  }
  return result.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
}
