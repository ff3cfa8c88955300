/**
 * A calendar object resource as a PUT stores it: validation (RFC 4791 sections 4.1 and 5.3.2), the fields the CMS
 * shows, and the span of time its instances cover (for prefiltering time-range queries in the database).
 */
import ICAL from 'ical.js';

import { errorMessage, parseCalendarText } from './document';
import {
  budgetedIterator,
  EXPANSION_STEPS,
  ExpansionBudget,
  ExpansionLimitReached,
  hasBoundedRecurrence,
  instanceAt,
  instances,
  occurrenceBounds,
  overrideInstance,
  recurrenceKey,
  recurrenceRules,
  type RecurrenceSet,
} from './occurrences';
import { ianaNameForTzid } from './timezones';
import { dateString, durationValue, instantOf, isoInstant, timeValue, timeValues } from './times';
import {
  CalendarObjectError,
  componentTypes,
  eventStatuses,
  type CalendarObject,
  type ComponentType,
  type EventFields,
  type EventStatus,
} from './types';

/** Properties whose values this layer computes with: a value ical.js cannot decode makes the object invalid. */
const timeProperties = [
  'dtstart',
  'dtend',
  'due',
  'duration',
  'recurrence-id',
  'rdate',
  'exdate',
  'rrule',
  'completed',
  'created',
  'dtstamp',
  'last-modified',
  'trigger',
  'repeat',
];

/**
 * Validates a calendar object resource and extracts what the CMS stores about it. Throws CalendarObjectError
 * naming the CalDAV precondition the object fails.
 */
export function parseCalendarObject(text: string, options: { supportedComponents: ComponentType[] }): CalendarObject {
  const { root, unknownTzids } = parseCalendarText(text);

  const version = root.getFirstPropertyValue('version');
  if (version !== '2.0') {
    throw new CalendarObjectError(
      'valid-calendar-data',
      version === null
        ? 'The VCALENDAR has no VERSION property (expected VERSION:2.0)'
        : `VERSION is "${String(version)}", expected 2.0`,
    );
  }
  const unresolved = unresolvedTimeTzid(root, unknownTzids);
  if (unresolved) {
    throw new CalendarObjectError(
      'valid-calendar-data',
      `TZID "${unresolved}" has no VTIMEZONE in the object and is not an IANA time zone name`,
    );
  }
  if (root.hasProperty('method')) {
    throw new CalendarObjectError(
      'valid-calendar-object-resource',
      'A calendar object resource must not have a METHOD property (it is for scheduling messages, RFC 4791 section 4.1)',
    );
  }

  const components = root.getAllSubcomponents();
  if (components.some((component) => component.name === 'vfreebusy')) {
    throw new CalendarObjectError(
      'valid-calendar-object-resource',
      'A VFREEBUSY cannot be stored in a calendar collection',
    );
  }
  const calendarComponents = components.filter((component) => isComponentType(component.name.toUpperCase()));
  const types = [...new Set(calendarComponents.map((component) => component.name.toUpperCase() as ComponentType))];
  if (types.length === 0) {
    throw new CalendarObjectError('valid-calendar-object-resource', 'The object has no VEVENT, VTODO or VJOURNAL');
  }
  if (types.length > 1) {
    throw new CalendarObjectError(
      'valid-calendar-object-resource',
      `The object mixes component types (${types.join(', ')}); one calendar object resource holds one type`,
    );
  }
  const componentType = types[0];

  const uids = new Set<string>();
  for (const component of calendarComponents) {
    const uid = component.getFirstPropertyValue('uid');
    if (typeof uid !== 'string' || uid.trim() === '') {
      throw new CalendarObjectError('valid-calendar-data', `A ${componentType} has no UID`);
    }
    uids.add(uid);
  }
  if (uids.size > 1) {
    throw new CalendarObjectError(
      'valid-calendar-object-resource',
      `The object holds components with different UIDs (${[...uids].map((uid) => `"${uid}"`).join(', ')}); one resource holds one UID`,
    );
  }
  const uid = [...uids][0];

  if (!options.supportedComponents.includes(componentType)) {
    throw new CalendarObjectError(
      'supported-calendar-component',
      `This calendar does not accept ${componentType} components (it accepts ${options.supportedComponents.join(', ') || 'none'})`,
    );
  }

  for (const component of calendarComponents) checkValues(component);

  const masters = calendarComponents.filter((component) => !component.hasProperty('recurrence-id'));
  if (masters.length > 1) {
    throw new CalendarObjectError(
      'valid-calendar-object-resource',
      `The object has ${masters.length} ${componentType} components without RECURRENCE-ID; only one can be the master`,
    );
  }
  const recurrenceIds = new Set<string>();
  for (const override of calendarComponents.filter((component) => component.hasProperty('recurrence-id'))) {
    const key = recurrenceKey(timeValue(override, 'recurrence-id') as ICAL.Time);
    if (recurrenceIds.has(key)) {
      throw new CalendarObjectError(
        'valid-calendar-object-resource',
        `Two ${componentType} components override the same instance (RECURRENCE-ID ${override.getFirstProperty('recurrence-id')?.toICALString() ?? ''})`,
      );
    }
    recurrenceIds.add(key);
  }

  for (const component of calendarComponents) checkTimes(component);

  const set: RecurrenceSet = {
    uid,
    type: componentType.toLowerCase(),
    master: masters[0] ?? null,
    overrides: calendarComponents.filter((component) => component.hasProperty('recurrence-id')),
  };
  const fieldsSource = set.master ?? set.overrides[0];
  const { firstOccurrence, lastOccurrence } = occurrenceSpan(set);
  return { uid, componentType, fields: eventFields(fieldsSource, root), firstOccurrence, lastOccurrence };
}

/**
 * The first unknown TZID a date property uses. Unknown TZIDs on other properties (X- properties) are left alone:
 * this layer never reads them.
 */
function unresolvedTimeTzid(component: ICAL.Component, unknownTzids: string[]): string | null {
  if (unknownTzids.length === 0 || component.name === 'vtimezone') return null;
  for (const property of component.getAllProperties()) {
    const tzid = property.getFirstParameter('tzid');
    if (timeProperties.includes(property.name) && typeof tzid === 'string' && unknownTzids.includes(tzid)) return tzid;
  }
  for (const child of component.getAllSubcomponents()) {
    const tzid = unresolvedTimeTzid(child, unknownTzids);
    if (tzid) return tzid;
  }
  return null;
}

function isComponentType(name: string): name is ComponentType {
  return (componentTypes as readonly string[]).includes(name);
}

/** Decodes every time-related value of the component and its alarms; ical.js throws on malformed ones. */
function checkValues(component: ICAL.Component): void {
  for (const property of component.getAllProperties()) {
    if (!timeProperties.includes(property.name)) continue;
    try {
      property.getValues();
    } catch (error) {
      throw new CalendarObjectError(
        'valid-calendar-data',
        `${component.name.toUpperCase()} has an invalid ${property.name.toUpperCase()} value: ${errorMessage(error)}`,
      );
    }
  }
  component.getAllSubcomponents().forEach(checkValues);
}

function checkTimes(component: ICAL.Component): void {
  const name = component.name.toUpperCase();
  const dtstart = timeValue(component, 'dtstart');
  if (name === 'VEVENT' && !dtstart) {
    throw new CalendarObjectError(
      'valid-calendar-data',
      'A VEVENT has no DTSTART (required in a calendar object resource)',
    );
  }
  const dtend = timeValue(component, 'dtend');
  if (dtend && component.hasProperty('duration')) {
    throw new CalendarObjectError('valid-calendar-data', `A ${name} has both DTEND and DURATION`);
  }
  if (dtend && dtstart && instantOf(dtend) < instantOf(dtstart)) {
    throw new CalendarObjectError(
      'valid-calendar-data',
      `A ${name} ends (DTEND ${dtend.toICALString()}) before it starts (DTSTART ${dtstart.toICALString()})`,
    );
  }
  if (!component.hasProperty('rrule')) return;
  if (!dtstart) throw new CalendarObjectError('valid-calendar-data', `A recurring ${name} has no DTSTART`);
  try {
    // ical.js reports some inconsistent rules only when it starts iterating ("BYYEARDAY may only appear in YEARLY rules")
    const budget = new ExpansionBudget(1_000);
    for (const rule of recurrenceRules(component)) {
      const iterator = budgetedIterator(rule, dtstart, budget);
      iterator.next();
      iterator.next();
    }
  } catch (error) {
    if (error instanceof ExpansionLimitReached) return; // readable, merely sparse: expansion budgets handle it
    const rule = component.getFirstProperty('rrule')?.toICALString() ?? 'RRULE';
    throw new CalendarObjectError(
      'valid-calendar-data',
      `${rule} is not a usable recurrence rule: ${errorMessage(error)}`,
    );
  }
}

/**
 * The first and last instants a recurrence set's instances cover, safe for prefiltering (see occurrenceBounds).
 * The last one is null when the set is unbounded or has more instances than `steps` lets the expansion find.
 */
export function occurrenceSpan(
  set: RecurrenceSet,
  steps: number = EXPANSION_STEPS,
): { firstOccurrence: Date | null; lastOccurrence: Date | null } {
  let lower: number | null = null;
  let upper: number | null = null;
  let unboundedBefore = false;
  let unboundedAfter = false;
  let anyTime = false;

  const include = (bounds: ReturnType<typeof occurrenceBounds>): void => {
    if (!bounds) return;
    anyTime = true;
    if (bounds.lower === null) unboundedBefore = true;
    else lower = lower === null ? bounds.lower : Math.min(lower, bounds.lower);
    if (bounds.upper === null) unboundedAfter = true;
    else upper = upper === null ? bounds.upper : Math.max(upper, bounds.upper);
  };

  const budget = new ExpansionBudget(steps);
  const master = set.master;
  const bounded = master ? hasBoundedRecurrence(master) : true;
  try {
    // Every instance costs a step: a COUNT beyond the budget is known to exhaust it without trying.
    if (master && recurrenceRules(master).some((rule) => (rule.count ?? 0) > steps)) throw new ExpansionLimitReached();
    if (bounded) {
      for (const instance of instances(set, budget)) include(occurrenceBounds(instance.occurrence));
    } else {
      // An unbounded series has no last instance: its first one and the overrides are all there is to learn.
      unboundedAfter = true;
      const first = instances(set, budget, { masterOnly: true }).next();
      if (!first.done) include(occurrenceBounds(first.value.occurrence));
      set.overrides.forEach((override) => include(occurrenceBounds(overrideInstance(override).occurrence)));
    }
  } catch (error) {
    if (!(error instanceof ExpansionLimitReached)) throw error;
    // Too many instances to find the last one: say unbounded rather than give a wrong bound.
    unboundedAfter = true;
    if (master) include(occurrenceBounds(instanceAt(master, timeValue(master, 'dtstart')).occurrence));
    set.overrides.forEach((override) => include(occurrenceBounds(overrideInstance(override).occurrence)));
  }
  if (!anyTime && master) {
    // Every instance was excluded: keep the master's own time so the object still sorts somewhere sensible.
    include(occurrenceBounds(instanceAt(master, timeValue(master, 'dtstart')).occurrence));
  }
  if (!anyTime || (unboundedBefore && unboundedAfter && lower === null && upper === null)) {
    return { firstOccurrence: null, lastOccurrence: null };
  }
  return {
    firstOccurrence: unboundedBefore || lower === null ? null : new Date(lower),
    lastOccurrence: unboundedAfter || upper === null ? null : new Date(upper),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Fields

function textValue(component: ICAL.Component, name: string): string | null {
  const value = component.getFirstPropertyValue(name);
  return typeof value === 'string' ? value : null;
}

/** ISO instant of a time value; a date is that date at 00:00Z, a floating time is read as UTC. */
function isoOf(time: ICAL.Time): string {
  return isoInstant(instantOf(time));
}

export function eventFields(component: ICAL.Component, root: ICAL.Component): EventFields {
  const componentType = component.name.toUpperCase() as ComponentType;
  const dtstart = timeValue(component, 'dtstart');
  let end: ICAL.Time | null = timeValue(component, componentType === 'VTODO' ? 'due' : 'dtend');
  if (!end && componentType === 'VTODO') end = timeValue(component, 'dtend'); // not RFC 5545, but some clients write it
  const duration = durationValue(component, 'duration');
  if (!end && dtstart && duration) {
    end = dtstart.clone();
    end.addDuration(duration);
  }
  const tzid = component.getFirstProperty('dtstart')?.getFirstParameter('tzid');
  const timezone = dtstart && !dtstart.isDate && typeof tzid === 'string' ? ianaNameForTzid(tzid, root) : null;

  const rruleProperty = component.getFirstProperty('rrule');
  const rrule = rruleProperty ? String(rruleProperty.getFirstValue()) : null;

  const exdates = timeValues(component, 'exdate').map((time) => (time.isDate ? dateString(time) : isoOf(time)));

  const statusText = textValue(component, 'status');
  const status = statusText ? statusText.trim().toLowerCase().replace(/-/g, '_') : null;
  const eventStatus = status && (eventStatuses as readonly string[]).includes(status) ? (status as EventStatus) : null;

  const categories: string[] = [];
  for (const property of component.getAllProperties('categories')) {
    for (const value of property.getValues() as unknown[]) {
      if (typeof value === 'string' && value.trim() !== '') categories.push(value);
    }
  }

  return {
    componentType,
    summary: textValue(component, 'summary'),
    description: textValue(component, 'description'),
    location: textValue(component, 'location'),
    url: textValue(component, 'url'),
    start: dtstart ? isoOf(dtstart) : null,
    end: end ? isoOf(end) : null,
    allDay: dtstart ? dtstart.isDate : false,
    timezone,
    rrule,
    exdates: exdates.length > 0 ? exdates : null,
    eventStatus,
    categories: categories.length > 0 ? categories : null,
  };
}
