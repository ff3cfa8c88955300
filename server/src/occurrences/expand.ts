/**
 * The occurrences of one stored event in a window, as the site's front end shows them: recurrences expanded with the
 * same code and limits as calendar-query, times in UTC and in the reader's zone. Floating times and all-day dates
 * belong to no zone: they are read on the reader's clock (RFC 5545 section 3.3.5), as calendar apps show them.
 */
import type ICAL from 'ical.js';

import { parseCalendarText } from '../ical/document';
import { ExpansionLimitReached, overlappingInstances, queryBudget, recurrenceSets, type Instance } from '../ical/occurrences';
import { DAY_MS, FLOATING_SLACK_MS, dateString, instantOf, isFloating } from '../ical/times';
import { instantOfWall, localIso, wallDate } from './zone-time';

export interface OccurrenceCalendar {
  slug: string;
  name: string;
  color: string | null;
}

export interface PublicOccurrence {
  /** The event's documentId (the same for every occurrence of a series). */
  documentId: string;
  /** Which occurrence of a series this is: its original start (a date for all-day series); null for single events. */
  recurrenceId: string | null;
  calendar: OccurrenceCalendar;
  summary: string | null;
  location: string | null;
  description: string | null;
  url: string | null;
  categories: string[];
  /** CONFIRMED, TENTATIVE or CANCELLED as the calendar app set it; null when it set none. */
  status: string | null;
  allDay: boolean;
  /** ISO instants in UTC (for all-day occurrences: the reader's midnights). */
  start: string;
  end: string;
  /** In the requested zone: ISO with its offset, or for all-day occurrences the first day and the day after the last. */
  localStart: string;
  localEnd: string;
}

export interface OccurrenceWindow {
  start: Date;
  end: Date;
  timeZone: string;
}

const text = (component: ICAL.Component, name: string): string | null => {
  const value = component.getFirstPropertyValue(name);
  return typeof value === 'string' && value !== '' ? value : null;
};

function categoriesOf(component: ICAL.Component): string[] {
  const found: string[] = [];
  for (const property of component.getAllProperties('categories')) {
    for (const value of property.getValues() as unknown[]) {
      if (typeof value === 'string' && value.trim() !== '' && !found.includes(value.trim())) found.push(value.trim());
    }
  }
  return found;
}

function recurrenceIdText(time: ICAL.Time): string {
  return time.isDate ? dateString(time) : new Date(instantOf(time)).toISOString();
}

/** Start and end instants of an instance: zoned times as they are, floating ones on the reader's clock. */
function instantsOf(instance: Instance, start: ICAL.Time, timeZone: string): { startMs: number; endMs: number; endWall: number } {
  const endTime = instance.end();
  const startWall = instantOf(start);
  const endWall = endTime ? instantOf(endTime) : startWall + (start.isDate ? DAY_MS : 0);
  const startMs = isFloating(start) ? instantOfWall(startWall, timeZone) : startWall;
  const endMs = endTime && !isFloating(endTime) ? endWall : isFloating(start) ? instantOfWall(endWall, timeZone) : startMs + (endWall - startWall);
  return { startMs, endMs: Math.max(endMs, startMs), endWall: Math.max(endWall, startWall) };
}

/** The VEVENT occurrences of a stored calendar object that overlap the window (zero-length ones: start inside it). */
export function occurrencesIn(documentId: string, storedText: string, calendar: OccurrenceCalendar, window: OccurrenceWindow): PublicOccurrence[] {
  let root: ICAL.Component;
  try {
    root = parseCalendarText(storedText).root;
  } catch {
    return []; // text that no longer parses has no occurrences to show
  }
  const from = window.start.getTime();
  const until = window.end.getTime();
  // Floating times can be up to 14 hours either side of their UTC reading: expand that much wider, then decide exactly.
  const wide = { start: new Date(from - FLOATING_SLACK_MS), end: new Date(until + FLOATING_SLACK_MS) };
  const found: PublicOccurrence[] = [];
  for (const set of recurrenceSets(root)) {
    if (set.type !== 'vevent') continue;
    const recurring = set.overrides.length > 0 || Boolean(set.master?.hasProperty('rrule') || set.master?.hasProperty('rdate'));
    const budget = queryBudget();
    try {
      for (const instance of overlappingInstances(set, wide, budget)) {
        const start = instance.start;
        if (!start) continue;
        const { startMs, endMs, endWall } = instantsOf(instance, start, window.timeZone);
        const inWindow = endMs > startMs ? startMs < until && endMs > from : startMs >= from && startMs < until;
        if (!inWindow) continue;
        const component = instance.component;
        found.push({
          documentId,
          recurrenceId: recurring && instance.recurrenceId ? recurrenceIdText(instance.recurrenceId) : null,
          calendar,
          summary: text(component, 'summary'),
          location: text(component, 'location'),
          description: text(component, 'description'),
          url: text(component, 'url'),
          categories: categoriesOf(component),
          status: text(component, 'status')?.toUpperCase() ?? null,
          allDay: start.isDate,
          start: new Date(startMs).toISOString(),
          end: new Date(endMs).toISOString(),
          localStart: start.isDate ? dateString(start) : localIso(startMs, window.timeZone),
          localEnd: start.isDate ? wallDate(Math.max(endWall, instantOf(start) + DAY_MS)) : localIso(endMs, window.timeZone),
        });
      }
    } catch (error) {
      // A series too dense to expand in full: what was found within the budget is answered, as calendar-query does.
      if (!(error instanceof ExpansionLimitReached)) throw error;
    }
  }
  return found;
}

/** Sorted by start, then by event and occurrence, so that pages do not overlap. */
export function compareOccurrences(a: PublicOccurrence, b: PublicOccurrence): number {
  return a.start.localeCompare(b.start) || a.documentId.localeCompare(b.documentId) || (a.recurrenceId ?? '').localeCompare(b.recurrenceId ?? '');
}
