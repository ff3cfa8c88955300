/**
 * CalDAV calendar-query filters (RFC 4791 section 9.7) evaluated against one stored calendar object.
 */
import ICAL from 'ical.js';

import type { Collation, CompFilter, ParamFilter, PropFilter, TextMatch, TimeRange } from '../dav/model';
import { parseCalendarText } from './document';
import {
  queryBudget,
  ExpansionLimitReached,
  instances,
  overlaps,
  overrideInstance,
  recurrenceSets,
  recurringTypes,
  type Instance,
  type Occurrence,
  type RecurrenceSet,
  windowFor,
} from './occurrences';
import { addNominal, DAY_MS, instantOf, isFloating } from './times';

/**
 * True when the object matches the filter. The top-level filter is the VCALENDAR comp-filter. Floating times are
 * compared as if they were UTC. A recurrence too dense to expand within the budget counts as matching (returning
 * an extra object is harmless to a client; hiding one is not).
 */
export function matchesCalendarFilter(text: string, filter: CompFilter): boolean {
  let root: ICAL.Component;
  try {
    root = parseCalendarText(text).root;
  } catch {
    return false;
  }
  const evaluation = new FilterEvaluation(root);
  const candidates = root.name === filter.name.toLowerCase() ? [root] : [];
  return evaluation.compFilterMatches(filter, candidates);
}

/**
 * The answer for the most common query (VEVENTs overlapping a time range) without evaluating the filter on a
 * freshly parsed object, or null when the full evaluation is needed (another filter, to-dos or journals, an endless
 * or very long series):
 * - a single VEVENT with a UTC or zoned start and a positive duration is decided from its stored occurrence bounds,
 *   which are exact for it (RFC 4791 9.9: start < end-of-event AND end > DTSTART), without parsing it;
 * - any other object of VEVENTs is decided from its occurrences, computed once per stored version (etag) with the
 *   same expansion and overlap rules as the full evaluation, and remembered: a recurring event is expanded once,
 *   not on every query that could concern it.
 */
export function quickTimeRangeMatch(
  object: { data: string; etag: string; bounds: { first: Date | null; last: Date | null } },
  filter: CompFilter,
): boolean | null {
  const range = simpleEventRange(filter);
  if (!range) return null;
  const text = object.data;
  if (/^BEGIN:V(TODO|JOURNAL|FREEBUSY)\b/m.test(text)) return null;
  const byBounds = singleEventByBounds(text, range, object.bounds);
  if (byBounds !== null) return byBounds;
  const occurrences = occurrencesOf(text, object.etag);
  return occurrences ? occurrences.some((occurrence) => overlaps(occurrence, range)) : null;
}

function singleEventByBounds(text: string, range: TimeRange, bounds: { first: Date | null; last: Date | null }): boolean | null {
  if (!bounds.first || !bounds.last || bounds.first.getTime() >= bounds.last.getTime()) return null;
  const begin = text.indexOf('BEGIN:VEVENT');
  const end = text.indexOf('END:VEVENT', begin);
  if (begin < 0 || end < 0 || text.indexOf('BEGIN:VEVENT', begin + 1) >= 0) return null;
  const event = text.slice(begin, end);
  if (/^(RRULE|RDATE|EXRULE|RECURRENCE-ID)[;:]/im.test(event)) return null;
  // Zoned or UTC date-times only: floating times and dates have widened bounds.
  const start = /^DTSTART(;TZID=[^:;\r\n"]+)?:\d{8}T\d{6}(Z)?\r?$/m.exec(event);
  if (!start || (!start[1] && !start[2])) return null;
  const afterStart = !range.start || range.start.getTime() < bounds.last.getTime();
  const beforeEnd = !range.end || range.end.getTime() > bounds.first.getTime();
  return afterStart && beforeEnd;
}

/**
 * How many objects' occurrences are remembered, the most occurrences remembered for one object, and in all (so that
 * twenty thousand series of a thousand instances each cannot fill the memory).
 */
const REMEMBERED_OBJECTS = 20_000;
const REMEMBERED_OCCURRENCES = 1_000;
const REMEMBERED_OCCURRENCES_IN_ALL = 500_000;
/** Occurrences by etag (least recently used first); null for objects that need the full evaluation every time. */
const rememberedOccurrences = new Map<string, Occurrence[] | null>();
let rememberedInAll = 0;

function occurrencesOf(text: string, etag: string): Occurrence[] | null {
  const remembered = rememberedOccurrences.get(etag);
  if (remembered !== undefined) {
    rememberedOccurrences.delete(etag);
    rememberedOccurrences.set(etag, remembered);
    return remembered;
  }
  let occurrences: Occurrence[] | null = [];
  try {
    const budget = queryBudget();
    for (const set of recurrenceSets(parseCalendarText(text).root)) {
      for (const instance of instances(set, budget)) {
        occurrences.push(instance.occurrence);
        if (occurrences.length > REMEMBERED_OCCURRENCES) throw new ExpansionLimitReached();
      }
    }
  } catch {
    // Endless, very long or unreadable: the full evaluation decides, with its own limits.
    occurrences = null;
  }
  const size = occurrences?.length ?? 0;
  while (
    rememberedOccurrences.size > 0 &&
    (rememberedOccurrences.size >= REMEMBERED_OBJECTS || rememberedInAll + size > REMEMBERED_OCCURRENCES_IN_ALL)
  ) {
    const [oldestEtag, oldest] = rememberedOccurrences.entries().next().value as [string, Occurrence[] | null];
    rememberedOccurrences.delete(oldestEtag);
    rememberedInAll -= oldest?.length ?? 0;
  }
  rememberedOccurrences.set(etag, occurrences);
  rememberedInAll += size;
  return occurrences;
}

/** The time range of a filter that is only "a VEVENT overlapping this range", or null. */
function simpleEventRange(filter: CompFilter): TimeRange | null {
  if (filter.isNotDefined || filter.timeRange || filter.propFilters.length > 0 || filter.compFilters.length !== 1) return null;
  if (filter.name.toUpperCase() !== 'VCALENDAR') return null;
  const [event] = filter.compFilters;
  if (event.name.toUpperCase() !== 'VEVENT' || event.isNotDefined || !event.timeRange) return null;
  if (event.propFilters.length > 0 || event.compFilters.length > 0) return null;
  return event.timeRange;
}

class FilterEvaluation {
  private readonly sets: RecurrenceSet[];
  private readonly budget = queryBudget();

  constructor(root: ICAL.Component) {
    this.sets = recurrenceSets(root);
  }

  compFilterMatches(filter: CompFilter, candidates: ICAL.Component[]): boolean {
    if (filter.isNotDefined) return candidates.length === 0;
    return candidates.some((component) => this.componentMatches(filter, component));
  }

  private componentMatches(filter: CompFilter, component: ICAL.Component): boolean {
    if (filter.timeRange && !this.inTimeRange(component, filter.timeRange)) return false;
    if (!filter.propFilters.every((propFilter) => propFilterMatches(propFilter, component))) return false;
    return filter.compFilters.every((child) =>
      this.compFilterMatches(child, component.getAllSubcomponents(child.name.toLowerCase())),
    );
  }

  private inTimeRange(component: ICAL.Component, range: TimeRange): boolean {
    try {
      switch (component.name) {
        case 'vevent':
        case 'vtodo':
        case 'vjournal':
          return this.someInstance(component, range, (instance) => overlaps(instance.occurrence, range));
        case 'vfreebusy':
          return freeBusyInRange(component, range);
        case 'valarm':
          return this.alarmInRange(component, range);
        case 'vcalendar':
          return component
            .getAllSubcomponents()
            .some((child) => [...recurringTypes, 'vfreebusy'].includes(child.name) && this.inTimeRange(child, range));
        default:
          return false; // RFC 4791 defines time ranges for no other component
      }
    } catch (error) {
      if (error instanceof ExpansionLimitReached) return true;
      throw error;
    }
  }

  /**
   * Whether any instance the component describes satisfies the test: an override describes one instance, a
   * master the instances of its recurrence set that no override replaces. Expansion stops `lead` after the range end.
   */
  private someInstance(
    component: ICAL.Component,
    range: TimeRange,
    test: (instance: Instance) => boolean,
    lead = 0,
  ): boolean {
    const set = this.sets.find((candidate) => candidate.master === component);
    if (!set) return test(overrideInstance(component));
    for (const instance of instances(set, this.budget, { ...windowFor(set, range, lead), masterOnly: true })) {
      if (test(instance)) return true;
    }
    return false;
  }

  /**
   * RFC 4791 section 9.9, VALARM: (start <= trigger-time) AND (end > trigger-time) for any trigger time, including
   * REPEAT repetitions, of any instance of the component the alarm belongs to.
   */
  private alarmInRange(alarm: ICAL.Component, range: TimeRange): boolean {
    const trigger = alarm.getFirstProperty('trigger');
    const triggerValue = trigger?.getFirstValue();
    if (!trigger || !triggerValue) return false;
    const repeat = Number(alarm.getFirstPropertyValue('repeat') ?? 0);
    const interval = alarm.getFirstPropertyValue('duration');
    const repetitions = interval instanceof ICAL.Duration && Number.isInteger(repeat) && repeat > 0 ? repeat : 0;
    const start = range.start ? range.start.getTime() : -Infinity;
    const end = range.end ? range.end.getTime() : Infinity;
    const anyTriggerInRange = (first: ICAL.Time): boolean => {
      let time = first;
      for (let repetition = 0; repetition <= repetitions; repetition++) {
        this.budget.spend(); // REPEAT:1000000 must not run away either
        const at = instantOf(time);
        if (start <= at && end > at) return true;
        if (repetition < repetitions) time = addNominal(time, interval as ICAL.Duration);
      }
      return false;
    };

    if (triggerValue instanceof ICAL.Time) return anyTriggerInRange(triggerValue);
    if (!(triggerValue instanceof ICAL.Duration)) return false;
    const parent = alarm.parent;
    if (!parent || !recurringTypes.includes(parent.name)) return false;
    const relatedToEnd = String(trigger.getFirstParameter('related') ?? '').toUpperCase() === 'END';
    // How far a trigger can be from its instance (either way): the expansion window widens by as much, plus a
    // day for nominal durations across DST changes.
    const repeatMs = interval instanceof ICAL.Duration ? Math.abs(interval.toSeconds()) * 1000 * repetitions : 0;
    const lead = Math.abs(triggerValue.toSeconds()) * 1000 + repeatMs + DAY_MS;
    return this.someInstance(
      parent,
      range,
      (instance) => {
        const base = relatedToEnd ? (instance.end() ?? implicitEnd(instance)) : instance.start;
        return base !== null && anyTriggerInRange(addNominal(base, triggerValue));
      },
      lead,
    );
  }
}

/** The end of an instance without DTEND/DUE/DURATION: a day after an all-day start, else the start itself. */
function implicitEnd(instance: Instance): ICAL.Time | null {
  if (!instance.start) return null;
  if (!instance.start.isDate) return instance.start;
  const end = instance.start.clone();
  end.adjust(1, 0, 0, 0);
  return end;
}

/** RFC 4791 section 9.9, VFREEBUSY. */
function freeBusyInRange(component: ICAL.Component, range: TimeRange): boolean {
  const start = range.start ? range.start.getTime() : -Infinity;
  const end = range.end ? range.end.getTime() : Infinity;
  const dtstart = component.getFirstPropertyValue('dtstart');
  const dtend = component.getFirstPropertyValue('dtend');
  if (dtstart instanceof ICAL.Time && dtend instanceof ICAL.Time) {
    return start <= instantOf(dtend) && end > instantOf(dtstart);
  }
  for (const property of component.getAllProperties('freebusy')) {
    for (const period of property.getValues() as unknown[]) {
      if (!(period instanceof ICAL.Period)) continue;
      if (start < instantOf(period.getEnd()) && end > instantOf(period.start)) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// prop-filter, param-filter, text-match

function propFilterMatches(filter: PropFilter, component: ICAL.Component): boolean {
  const properties = component.getAllProperties(filter.name.toLowerCase());
  if (filter.isNotDefined) return properties.length === 0;
  return properties.some(
    (property) =>
      (!filter.timeRange || propertyInRange(property, filter.timeRange)) &&
      (!filter.textMatch || textMatches(filter.textMatch, propertyTexts(property))) &&
      filter.paramFilters.every((paramFilter) => paramFilterMatches(paramFilter, property)),
  );
}

function paramFilterMatches(filter: ParamFilter, property: ICAL.Property): boolean {
  const raw: unknown = property.getParameter(filter.name.toLowerCase());
  const values = (Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw]).map(String);
  if (filter.isNotDefined) return values.length === 0;
  if (values.length === 0) return false;
  return !filter.textMatch || textMatches(filter.textMatch, values);
}

/** A date-time value is an instant, a date a whole day, a period its span (RFC 4791 section 9.9 rules). */
function propertyInRange(property: ICAL.Property, range: TimeRange): boolean {
  return (property.getValues() as unknown[]).some((value) => {
    let occurrence: Occurrence | null = null;
    if (value instanceof ICAL.Time) {
      const at = instantOf(value);
      occurrence = value.isDate
        ? { kind: 'span', start: at, end: at + DAY_MS, floating: true }
        : { kind: 'instant', at, floating: isFloating(value) };
    } else if (value instanceof ICAL.Period) {
      occurrence = { kind: 'span', start: instantOf(value.start), end: instantOf(value.getEnd()), floating: false };
    }
    return occurrence !== null && overlaps(occurrence, range);
  });
}

/** The values of a property as text: each value of a list (CATEGORIES, EXDATE) separately, in iCalendar form. */
function propertyTexts(property: ICAL.Property): string[] {
  return (property.getValues() as unknown[]).map((value) => {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(String).join(';');
    if (
      value instanceof ICAL.Time ||
      value instanceof ICAL.Duration ||
      value instanceof ICAL.Period ||
      value instanceof ICAL.UtcOffset
    ) {
      return value.toICALString();
    }
    return String(value);
  });
}

/**
 * RFC 4791 section 9.7.5: a substring match under the collation. With several values (CATEGORIES:a,b), the
 * property matches when any value contains the text, and a negated match when none does.
 */
export function textMatches(match: TextMatch, values: string[]): boolean {
  const needle = foldCase(match.value, match.collation);
  const found = values.some((value) => foldCase(value, match.collation).includes(needle));
  return match.negate ? !found : found;
}

function foldCase(text: string, collation: Collation): string {
  switch (collation) {
    case 'i;octet':
      return text;
    case 'i;unicode-casemap':
      // RFC 5051 in spirit: full case folding (ß matches SS) and compatibility decomposition (é matches e + ́)
      return text.toUpperCase().toLowerCase().normalize('NFKD');
    case 'i;ascii-casemap':
    default:
      return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  }
}
