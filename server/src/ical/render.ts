/**
 * The calendar-data a REPORT returns for one object (RFC 4791 section 9.6): partial retrieval, recurrence
 * expansion, limited recurrence and free-busy sets.
 */
import ICAL from 'ical.js';

import type { CalendarDataRequest, CompSelection, TimeRange } from '../dav/model';
import { parseCalendarText, type ParsedCalendar } from './document';
import {
  queryBudget,
  ExpansionLimitReached,
  instanceAt,
  instances,
  overlaps,
  overrideInstance,
  recurrenceSets,
  type Instance,
  type RecurrenceSet,
  windowFor,
} from './occurrences';
import { serializeComponent } from './serialize';
import { addNominal, durationValue, instantOf, isFloating, timeValue } from './times';

/** At most this many instances of one object are returned by an expansion; the rest are left out. */
export const MAX_EXPANDED_INSTANCES = 10_000;

/**
 * The calendar data to return for a stored object. An empty request returns the stored text byte for byte.
 * Unparseable stored text is returned unchanged too (it was accepted once; the client can make sense of it).
 */
export function renderCalendarData(text: string, request: CalendarDataRequest): string {
  if (!request.comp && !request.expand && !request.limitRecurrenceSet && !request.limitFreebusySet) return text;
  let parsed: ParsedCalendar;
  try {
    parsed = parseCalendarText(text);
  } catch {
    return text;
  }
  const { root, addedTimezones } = parsed;
  if (request.expand) expandRecurrences(root, request.expand);
  else if (request.limitRecurrenceSet) limitRecurrenceSet(root, request.limitRecurrenceSet);
  if (request.limitFreebusySet) limitFreeBusySet(root, request.limitFreebusySet);
  // Definitions added to resolve TZIDs are not part of the stored object.
  for (const zone of addedTimezones) root.removeSubcomponent(zone);
  return serializeComponent(request.comp ? selectComponent(root, request.comp) : root);
}

// ---------------------------------------------------------------------------------------------------------------
// expand (RFC 4791 section 9.6.5)

/**
 * Replaces every recurrence set by its instances that overlap the range, each a component of its own with
 * RECURRENCE-ID and its times in UTC (dates and floating times stay as they are: they belong to no zone), without
 * RRULE, RDATE or EXDATE; VTIMEZONEs go since nothing refers to them any more.
 */
function expandRecurrences(root: ICAL.Component, range: TimeRange): void {
  const budget = queryBudget();
  const expanded: ICAL.Component[] = [];
  const replaced = new Set<ICAL.Component>();
  for (const set of recurrenceSets(root)) {
    const found: Instance[] = [];
    try {
      for (const instance of instances(set, budget, windowFor(set, range))) {
        if (!overlaps(instance.occurrence, range)) continue;
        found.push(instance);
        if (found.length >= MAX_EXPANDED_INSTANCES) break;
      }
    } catch (error) {
      if (!(error instanceof ExpansionLimitReached)) throw error;
      // Too dense to expand completely: return what was found.
    }
    found.sort((a, b) => startOf(a) - startOf(b));
    for (const instance of found) expanded.push(expandedComponent(set, instance));
    for (const component of [set.master, ...set.overrides]) if (component) replaced.add(component);
  }
  const kept = root.getAllSubcomponents().filter((component) => !replaced.has(component) && component.name !== 'vtimezone');
  replaceSubcomponents(root, [...kept, ...expanded]);
}

/**
 * Gives a component exactly these subcomponents. ical.js removes one subcomponent by searching and splicing its
 * list, which is quadratic for an object with thousands of overrides.
 */
function replaceSubcomponents(root: ICAL.Component, components: ICAL.Component[]): void {
  root.removeAllSubcomponents();
  for (const component of components) root.addSubcomponent(component);
}

function startOf(instance: Instance): number {
  return instance.start ? instantOf(instance.start) : -Infinity;
}

const recurrenceProperties = ['rrule', 'rdate', 'exdate', 'exrule'];

function expandedComponent(set: RecurrenceSet, instance: Instance): ICAL.Component {
  const source = instance.component;
  const copy = utcCopy(source);
  recurrenceProperties.forEach((name) => copy.removeAllProperties(name));
  if (source !== set.master || !instance.start) return copy; // an override already is one instance, now in UTC

  const recurring = set.overrides.length > 0 || source.hasProperty('rrule') || source.hasProperty('rdate');
  copy.updatePropertyWithValue('dtstart', outputTime(instance.start));
  const end = instance.end();
  if (end) {
    const endName = source.name === 'vtodo' ? 'due' : 'dtend';
    const duration = durationValue(source, 'duration');
    const keepsDuration = duration && instantOf(addNominal(instance.start, duration)) === instantOf(end);
    if (!keepsDuration) {
      copy.removeAllProperties('duration');
      copy.updatePropertyWithValue(endName, outputTime(end));
    }
  }
  if (recurring && instance.recurrenceId) copy.addPropertyWithValue('recurrence-id', outputTime(instance.recurrenceId));
  return copy;
}

/** UTC for a time in a zone; dates and floating times unchanged. */
function outputTime(time: ICAL.Time): ICAL.Time {
  return isFloating(time) ? time.clone() : time.convertToZone(ICAL.Timezone.utcTimezone);
}

type JCalProperty = unknown[];

/** A detached copy of a component with every TZID-qualified date-time converted to UTC. */
function utcCopy(component: ICAL.Component): ICAL.Component {
  const properties = component.getAllProperties().map(utcProperty);
  const subcomponents = component.getAllSubcomponents().map((child) => utcCopy(child).toJSON() as unknown[]);
  return new ICAL.Component([component.name, properties, subcomponents]);
}

function utcProperty(property: ICAL.Property): JCalProperty {
  const jcal = JSON.parse(JSON.stringify(property.toJSON())) as [string, Record<string, unknown>, string, ...unknown[]];
  if (!property.getFirstParameter('tzid') || (property.type !== 'date-time' && property.type !== 'period')) return jcal;
  const values = (property.getValues() as unknown[]).map((value) => {
    if (value instanceof ICAL.Time) return outputTime(value).toString();
    if (value instanceof ICAL.Period) {
      const start = outputTime(value.start).toString();
      return value.duration ? [start, value.duration.toString()] : [start, outputTime(value.getEnd()).toString()];
    }
    return value;
  });
  delete jcal[1].tzid;
  return [jcal[0], jcal[1], jcal[2], ...values];
}

// ---------------------------------------------------------------------------------------------------------------
// limit-recurrence-set and limit-freebusy-set (RFC 4791 sections 9.6.6 and 9.6.7)

/**
 * Keeps each master and only the overrides that overlap the range, where it is now or where it was: a client
 * must learn that an instance moved out of the range, or it would show it at its original time.
 */
function limitRecurrenceSet(root: ICAL.Component, range: TimeRange): void {
  const removed = new Set<ICAL.Component>();
  for (const set of recurrenceSets(root)) {
    for (const override of set.overrides) {
      const recurrenceId = timeValue(override, 'recurrence-id');
      const wasInRange = set.master && recurrenceId && overlaps(instanceAt(set.master, recurrenceId).occurrence, range);
      if (!overlaps(overrideInstance(override).occurrence, range) && !wasInRange) removed.add(override);
    }
  }
  if (removed.size > 0) replaceSubcomponents(root, root.getAllSubcomponents().filter((component) => !removed.has(component)));
}

function limitFreeBusySet(root: ICAL.Component, range: TimeRange): void {
  const start = range.start ? range.start.getTime() : -Infinity;
  const end = range.end ? range.end.getTime() : Infinity;
  for (const freeBusy of root.getAllSubcomponents('vfreebusy')) {
    for (const property of freeBusy.getAllProperties('freebusy')) {
      const kept = (property.getValues() as unknown[]).filter(
        (period) =>
          period instanceof ICAL.Period && start < instantOf(period.getEnd()) && end > instantOf(period.start),
      );
      if (kept.length === 0) freeBusy.removeProperty(property);
      else property.setValues(kept);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// comp / prop selection (RFC 4791 section 9.6.1)

/**
 * The component with only the selected properties and subcomponents. A selection naming neither properties nor
 * subcomponents (`<C:comp name="VTIMEZONE"/>`) returns the component whole, as RFC 4791's examples do.
 */
function selectComponent(component: ICAL.Component, selection: CompSelection): ICAL.Component {
  const namesNothing =
    !selection.allProps && selection.props.length === 0 && !selection.allComps && selection.comps.length === 0;
  if (namesNothing) return component;

  const properties: JCalProperty[] = [];
  for (const property of component.getAllProperties()) {
    const copy = JSON.parse(JSON.stringify(property.toJSON())) as unknown[];
    if (selection.allProps) {
      properties.push(copy);
      continue;
    }
    const selected = selection.props.find((prop) => prop.name.toLowerCase() === property.name);
    if (!selected) continue;
    // novalue: the property and its parameters, with an empty value
    properties.push(selected.novalue ? [copy[0], copy[1], copy[2], ''] : copy);
  }

  const subcomponents: unknown[][] = [];
  for (const child of component.getAllSubcomponents()) {
    if (selection.allComps) {
      subcomponents.push(child.toJSON() as unknown[]);
      continue;
    }
    const childSelection = selection.comps.find((comp) => comp.name.toLowerCase() === child.name);
    if (childSelection) subcomponents.push(selectComponent(child, childSelection).toJSON() as unknown[]);
  }
  return new ICAL.Component([component.name, properties, subcomponents]);
}
