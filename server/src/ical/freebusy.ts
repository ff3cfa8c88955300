/**
 * Free-busy time (RFC 4791 section 7.10) from stored calendar objects.
 */
import ICAL from 'ical.js';

import type { TimeRange } from '../dav/model';
import { parseCalendarText } from './document';
import {
  queryBudget,
  ExpansionLimitReached,
  overlappingInstances,
  recurrenceSets,
  type Instance,
} from './occurrences';
import { serializeComponent } from './serialize';
import { DAY_MS, instantOf } from './times';
import type { BusyPeriod } from './types';

type BusyType = BusyPeriod['type'];

interface Span {
  start: number;
  end: number;
  type: BusyType;
}

/**
 * The busy time of some calendar objects within a range: instances of VEVENTs that are not TRANSP:TRANSPARENT or
 * STATUS:CANCELLED (STATUS:TENTATIVE ones are BUSY-TENTATIVE), and the busy periods of VFREEBUSY components.
 * Periods of one type are merged where they overlap or touch; all are clipped to the range and sorted.
 */
export function busyPeriods(texts: string[], range: TimeRange): BusyPeriod[] {
  const rangeStart = range.start ? range.start.getTime() : -Infinity;
  const rangeEnd = range.end ? range.end.getTime() : Infinity;
  const spans: Span[] = [];
  const add = (start: number, end: number, type: BusyType): void => {
    const clippedStart = Math.max(start, rangeStart);
    const clippedEnd = Math.min(end, rangeEnd);
    if (clippedEnd > clippedStart) spans.push({ start: clippedStart, end: clippedEnd, type });
  };

  for (const text of texts) {
    let root: ICAL.Component;
    try {
      root = parseCalendarText(text).root;
    } catch {
      continue; // one unreadable object must not hide everyone else's busy time
    }
    const budget = queryBudget();
    for (const set of recurrenceSets(root)) {
      if (set.type !== 'vevent') continue;
      try {
        for (const instance of overlappingInstances(set, range, budget)) {
          const busy = busyOf(instance);
          if (busy) add(busy.start, busy.end, busy.type);
        }
      } catch (error) {
        if (!(error instanceof ExpansionLimitReached)) throw error;
      }
    }
    for (const freeBusy of root.getAllSubcomponents('vfreebusy')) {
      for (const property of freeBusy.getAllProperties('freebusy')) {
        const type = freeBusyType(property.getFirstParameter('fbtype'));
        if (!type) continue;
        for (const period of property.getValues() as unknown[]) {
          if (period instanceof ICAL.Period) add(instantOf(period.start), instantOf(period.getEnd()), type);
        }
      }
    }
  }
  return merge(spans).map((span) => ({ start: new Date(span.start), end: new Date(span.end), type: span.type }));
}

function busyOf(instance: Instance): Span | null {
  const component = instance.component;
  const transparency = String(component.getFirstPropertyValue('transp') ?? 'OPAQUE').toUpperCase();
  const status = String(component.getFirstPropertyValue('status') ?? '').toUpperCase();
  if (transparency === 'TRANSPARENT' || status === 'CANCELLED') return null;
  const type: BusyType = status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY';
  const occurrence = instance.occurrence;
  if (occurrence.kind === 'span') return { start: occurrence.start, end: occurrence.end, type };
  if (occurrence.kind === 'instant' && instance.start?.isDate)
    return { start: occurrence.at, end: occurrence.at + DAY_MS, type };
  return null; // an event without duration takes no time
}

function freeBusyType(fbtype: string | undefined | null): BusyType | null {
  switch (String(fbtype ?? 'BUSY').toUpperCase()) {
    case 'FREE':
      return null;
    case 'BUSY-TENTATIVE':
      return 'BUSY-TENTATIVE';
    case 'BUSY-UNAVAILABLE':
      return 'BUSY-UNAVAILABLE';
    default:
      return 'BUSY'; // BUSY, and unknown types (RFC 5545: treat as BUSY)
  }
}

function merge(spans: Span[]): Span[] {
  const merged: Span[] = [];
  const types: BusyType[] = ['BUSY', 'BUSY-UNAVAILABLE', 'BUSY-TENTATIVE'];
  for (const type of types) {
    const ofType = spans.filter((span) => span.type === type).sort((a, b) => a.start - b.start);
    let current: Span | null = null;
    for (const span of ofType) {
      if (current && span.start <= current.end) {
        current.end = Math.max(current.end, span.end);
      } else {
        current = { ...span };
        merged.push(current);
      }
    }
  }
  return merged.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The answer to a free-busy-query: a VCALENDAR with one VFREEBUSY holding DTSTAMP, the range as DTSTART/DTEND and
 * one FREEBUSY line per period (FBTYPE left out for BUSY, its default), all in UTC.
 */
export function freeBusyCalendar(periods: BusyPeriod[], range: TimeRange, now: Date = new Date()): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', '-//Strapi CalDAV//EN');
  const freeBusy = new ICAL.Component('vfreebusy');
  freeBusy.addPropertyWithValue('dtstamp', utcTime(now));
  if (range.start) freeBusy.addPropertyWithValue('dtstart', utcTime(range.start));
  if (range.end) freeBusy.addPropertyWithValue('dtend', utcTime(range.end));
  for (const period of [...periods].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    const property = new ICAL.Property('freebusy');
    property.setValue(ICAL.Period.fromData({ start: utcTime(period.start), end: utcTime(period.end) }));
    if (period.type !== 'BUSY') property.setParameter('fbtype', period.type);
    freeBusy.addProperty(property);
  }
  calendar.addSubcomponent(freeBusy);
  return serializeComponent(calendar);
}

function utcTime(date: Date): ICAL.Time {
  return ICAL.Time.fromJSDate(date, true);
}
