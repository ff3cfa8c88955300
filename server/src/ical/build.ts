/**
 * Writing an event edited in the CMS back into iCalendar: a new object, or the previous object with only the
 * changed properties rewritten, so that what clients put there (alarms, attendees, X- properties, overrides)
 * survives an editor's change.
 */
import ICAL from 'ical.js';

import { parseCalendarObject } from './calendar-object';
import { definedTzids, errorMessage, parseCalendarText } from './document';
import { serializeComponent } from './serialize';
import { isUtcName, vtimezoneComponent } from './timezones';
import { DAY_MS, instantOf, timeValue, zonedTime } from './times';
import { CalendarObjectError, componentTypes, type ComponentType, type EventFields, type EventStatus } from './types';

export const PRODUCT_ID = '-//Strapi CalDAV//EN';

export type EventInput = EventFields & { uid: string };

/** How a date property is written: a DATE, UTC, floating, or wall time in a zone (TZID=...). */
type TimeStyle =
  | { kind: 'date' }
  | { kind: 'utc' }
  | { kind: 'floating' }
  | { kind: 'zoned'; tzid: string; zone: ICAL.Timezone };

/**
 * The iCalendar text for an event edited in the CMS. Without `previous`, a complete new object. With it, the
 * previous object with only the properties whose value changed rewritten on the master component, DTSTAMP and
 * LAST-MODIFIED updated, and SEQUENCE incremented when the schedule (DTSTART, DTEND/DUE/DURATION, RRULE, EXDATE) or
 * STATUS changed (RFC 5545 section 3.8.7.4). An edit that changes nothing returns `previous` unchanged.
 */
export function buildCalendarObject(input: EventInput, previous: string | null, now: Date = new Date()): string {
  return previous === null ? createObject(input, now) : editObject(input, previous, now);
}

// ---------------------------------------------------------------------------------------------------------------
// A new object

function createObject(input: EventInput, now: Date): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', PRODUCT_ID);

  const component = new ICAL.Component(input.componentType.toLowerCase());
  component.addPropertyWithValue('uid', input.uid);
  component.addPropertyWithValue('dtstamp', utcTime(now));
  component.addPropertyWithValue('created', utcTime(now));
  component.addPropertyWithValue('last-modified', utcTime(now));
  component.addPropertyWithValue('sequence', 0);
  setText(component, 'summary', input.summary);

  const style = styleFromInput(input, null);
  if (style.kind === 'zoned') {
    const zone = vtimezoneComponent(style.tzid);
    if (zone) calendar.addSubcomponent(zone);
  }
  writeStart(component, input, style);
  writeEnd(component, input, style);
  writeRule(component, input.rrule);
  writeExdates(component, input, style);
  setText(component, 'status', statusText(input.eventStatus));
  writeCategories(component, input.categories);
  setText(component, 'url', input.url);
  setText(component, 'location', input.location);
  setText(component, 'description', input.description);

  calendar.addSubcomponent(component);
  return serializeComponent(calendar);
}

// ---------------------------------------------------------------------------------------------------------------
// Editing an existing object

function editObject(input: EventInput, previous: string, now: Date): string {
  const before = parseCalendarObject(previous, { supportedComponents: [...componentTypes] });
  const { root, addedTimezones } = parseCalendarText(previous);
  const calendarComponents = root
    .getAllSubcomponents()
    .filter((component) => component.name === before.componentType.toLowerCase());
  const master =
    calendarComponents.find((component) => !component.hasProperty('recurrence-id')) ?? calendarComponents[0];
  const old = before.fields;
  let changed = false;
  let rescheduled = false;

  if (input.uid !== before.uid) {
    calendarComponents.forEach((component) => component.updatePropertyWithValue('uid', input.uid));
    changed = true;
  }
  const typeChanged = input.componentType !== before.componentType;
  if (typeChanged) {
    // jCal's first element is the component name; overrides follow their master.
    calendarComponents.forEach((component) => {
      (component.toJSON() as unknown[])[0] = input.componentType.toLowerCase();
    });
    changed = true;
  }

  for (const name of ['summary', 'description', 'location', 'url'] as const) {
    if ((plainText(input[name]) || null) !== old[name]) {
      setText(master, name, input[name]);
      changed = true;
    }
  }

  // A time zone means nothing for an all-day or undated event (the CMS may still send the calendar's).
  const inputTimezone = input.allDay || input.start === null ? null : normalizedTimezone(input.timezone);
  const styleChanged = input.allDay !== old.allDay || inputTimezone !== old.timezone || typeChanged;
  const startProperty = master.getFirstProperty('dtstart');
  const startStyle = styleChanged || !startProperty ? styleFromInput(input, root) : styleOf(startProperty);

  if (styleChanged || !sameInstant(input.start, old.start)) {
    writeStart(master, input, startStyle);
    changed = rescheduled = true;
  }
  if (
    styleChanged ||
    !sameInstant(input.end, old.end) ||
    (!sameInstant(input.start, old.start) && usesDuration(master))
  ) {
    const endProperty = master.getFirstProperty(input.componentType === 'VTODO' ? 'due' : 'dtend');
    const endStyle = !styleChanged && endProperty ? styleOf(endProperty) : startStyle;
    if (!keepsDuration(master, input)) {
      writeEnd(master, input, endStyle);
      changed = rescheduled = true;
    }
  }
  if (normalizedRule(input.rrule) !== normalizedRule(old.rrule)) {
    writeRule(master, input.rrule);
    changed = rescheduled = true;
  }
  // EXDATEs follow DTSTART's value type and zone, so a new style rewrites them too.
  if (!sameDates(input.exdates, old.exdates) || (styleChanged && master.hasProperty('exdate'))) {
    writeExdates(master, input, startStyle);
    changed = rescheduled = true;
  }
  if ((input.eventStatus ?? null) !== old.eventStatus) {
    setText(master, 'status', statusText(input.eventStatus));
    changed = rescheduled = true;
  }
  if (!sameList(input.categories, old.categories)) {
    writeCategories(master, input.categories);
    changed = true;
  }

  if (!changed) return previous;

  master.updatePropertyWithValue('dtstamp', utcTime(now));
  master.updatePropertyWithValue('last-modified', utcTime(now));
  if (rescheduled) {
    const sequence = Number(master.getFirstPropertyValue('sequence') ?? 0);
    master.updatePropertyWithValue('sequence', Number.isInteger(sequence) ? sequence + 1 : 1);
  }
  if (startStyle.kind === 'zoned' && !definedTzids(root).has(startStyle.tzid)) {
    const zone = vtimezoneComponent(startStyle.tzid);
    if (zone) {
      root.addSubcomponent(zone);
      addedTimezones.push(zone);
    }
  }
  return serializeComponent(withTimezonesFirst(root, addedTimezones));
}

/** The tree with the added VTIMEZONEs moved before the first other component, where clients expect them. */
function withTimezonesFirst(root: ICAL.Component, added: ICAL.Component[]): ICAL.Component {
  if (added.length === 0) return root;
  const [name, properties, components] = root.toJSON() as [string, unknown[], unknown[][]];
  const addedJcal = added.map((zone) => zone.toJSON() as unknown[]);
  const rest = components.filter((component) => !addedJcal.includes(component));
  const firstOther = rest.findIndex((component) => component[0] !== 'vtimezone');
  const at = firstOther === -1 ? rest.length : firstOther;
  return new ICAL.Component([name, properties, [...rest.slice(0, at), ...addedJcal, ...rest.slice(at)]]);
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing fields

function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return Date.parse(a) === Date.parse(b);
}

function normalizedTimezone(timezone: string | null): string | null {
  return timezone && !isUtcName(timezone) ? timezone : null;
}

function normalizedRule(rule: string | null): string | null {
  if (!rule) return null;
  try {
    return ICAL.Recur.fromString(rule).toString();
  } catch {
    return rule;
  }
}

function normalizedDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : String(Date.parse(value));
}

function sameDates(a: string[] | null, b: string[] | null): boolean {
  const left = (a ?? []).map(normalizedDate).sort();
  const right = (b ?? []).map(normalizedDate).sort();
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

function sameList(a: string[] | null, b: string[] | null): boolean {
  const left = a ?? [];
  const right = b ?? [];
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

// ---------------------------------------------------------------------------------------------------------------
// Writing properties

function utcTime(date: Date): ICAL.Time {
  return ICAL.Time.fromJSDate(date, true);
}

function statusText(status: EventStatus | null): string | null {
  return status ? status.toUpperCase().replace(/_/g, '-') : null;
}

/**
 * Line breaks as iCalendar text has them: ical.js escapes LF as \n but writes a CR as it is, and a CR inside a
 * content line makes the object invalid.
 */
function plainText(value: string | null | undefined): string | null {
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : null;
}

/** Sets a single-valued property keeping its parameters, or removes it for null/empty. */
function setText(component: ICAL.Component, name: string, text: string | null): void {
  const value = plainText(text);
  if (value === null || value === '') {
    component.removeAllProperties(name);
    return;
  }
  const existing = component.getFirstProperty(name);
  if (existing) existing.setValue(value);
  else component.addPropertyWithValue(name, value);
}

function writeCategories(component: ICAL.Component, categories: string[] | null): void {
  component.removeAllProperties('categories');
  const values = (categories ?? []).filter((category) => category.trim() !== '').map((category) => plainText(category) ?? '');
  if (values.length === 0) return;
  // ical.js reads "a\\,b" (the values a\ and b) as one value: it takes any comma after a backslash for an escaped
  // one. A value ending with a backslash is therefore written on a CATEGORIES line of its own.
  const lists = values.some((value) => value.endsWith('\\')) ? values.map((value) => [value]) : [values];
  for (const list of lists) {
    const property = new ICAL.Property('categories');
    property.setValues(list);
    component.addProperty(property);
  }
}

function writeRule(component: ICAL.Component, rule: string | null): void {
  component.removeAllProperties('rrule');
  if (!rule) return;
  let recur: ICAL.Recur;
  try {
    recur = ICAL.Recur.fromString(rule.replace(/^RRULE:/i, ''));
  } catch (error) {
    throw new CalendarObjectError('valid-calendar-data', `"${rule}" is not a recurrence rule: ${errorMessage(error)}`);
  }
  if (!recur.freq)
    throw new CalendarObjectError('valid-calendar-data', `"${rule}" is not a recurrence rule: it has no FREQ`);
  component.addPropertyWithValue('rrule', recur);
}

/** The style for the input's own fields: DATE when all-day, its time zone when it has one, else UTC. */
function styleFromInput(input: EventInput, root: ICAL.Component | null): TimeStyle {
  if (input.allDay) return { kind: 'date' };
  const tzid = normalizedTimezone(input.timezone);
  if (!tzid) return { kind: 'utc' };
  const ownDefinition = root
    ?.getAllSubcomponents('vtimezone')
    .find((zone) => zone.getFirstPropertyValue('tzid') === tzid);
  const definition = ownDefinition ?? vtimezoneComponent(tzid);
  // A name the time zone library does not know: the instant is kept, in UTC.
  if (!definition) return { kind: 'utc' };
  return { kind: 'zoned', tzid, zone: new ICAL.Timezone({ component: definition, tzid }) };
}

/** The style a property is written in now, so that an edit keeps it (a floating time stays floating). */
function styleOf(property: ICAL.Property): TimeStyle {
  const value = property.getFirstValue();
  if (!(value instanceof ICAL.Time)) return { kind: 'utc' };
  if (value.isDate) return { kind: 'date' };
  const tzid = property.getFirstParameter('tzid');
  if (value.zone === ICAL.Timezone.utcTimezone) return { kind: 'utc' };
  if (typeof tzid === 'string' && value.zone && value.zone !== ICAL.Timezone.localTimezone) {
    return { kind: 'zoned', tzid, zone: value.zone };
  }
  return { kind: 'floating' };
}

/** An ISO instant as a Time in a style. A DATE takes the instant's UTC date (all-day values are dates at 00:00Z). */
function timeIn(iso: string, style: TimeStyle): ICAL.Time {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant))
    throw new CalendarObjectError('valid-calendar-data', `"${iso}" is not a date or date-time`);
  const utc = utcTime(new Date(instant));
  switch (style.kind) {
    case 'date':
      return ICAL.Time.fromData({ year: utc.year, month: utc.month, day: utc.day, isDate: true });
    case 'utc':
      return utc;
    case 'floating':
      return ICAL.Time.fromData(
        { year: utc.year, month: utc.month, day: utc.day, hour: utc.hour, minute: utc.minute, second: utc.second },
        ICAL.Timezone.localTimezone,
      );
    case 'zoned':
      return zonedTime(instant, style.zone);
  }
}

/** Replaces a date property's value (keeping its other parameters), or adds it. */
function writeTime(component: ICAL.Component, name: string, time: ICAL.Time, style: TimeStyle): void {
  const properties = component.getAllProperties(name);
  properties.slice(1).forEach((extra) => component.removeProperty(extra));
  const property = properties[0] ?? component.addProperty(new ICAL.Property(name));
  property.removeParameter('tzid');
  property.setValue(time);
  if (style.kind === 'zoned') property.setParameter('tzid', style.tzid);
}

function writeStart(component: ICAL.Component, input: EventInput, style: TimeStyle): void {
  if (input.start === null) component.removeAllProperties('dtstart');
  else writeTime(component, 'dtstart', timeIn(input.start, style), style);
}

function endPropertyName(type: ComponentType): string | null {
  return type === 'VTODO' ? 'due' : type === 'VEVENT' ? 'dtend' : null;
}

/** Writes DTEND (VEVENT) or DUE (VTODO) and drops the others; an all-day end on or before the start day is left out. */
function writeEnd(component: ICAL.Component, input: EventInput, style: TimeStyle): void {
  const name = endPropertyName(input.componentType);
  for (const other of ['dtend', 'due', 'duration']) if (other !== name) component.removeAllProperties(other);
  if (!name) return;
  const end = input.end;
  const start = input.start;
  if (end === null || (style.kind === 'date' && start !== null && Date.parse(end) - Date.parse(start) < DAY_MS)) {
    component.removeAllProperties(name);
    return;
  }
  writeTime(component, name, timeIn(end, style), style);
}

function usesDuration(component: ICAL.Component): boolean {
  return component.hasProperty('duration') && !component.hasProperty('dtend') && !component.hasProperty('due');
}

/** True when the component's DURATION still gives the input's end from the input's start. */
function keepsDuration(component: ICAL.Component, input: EventInput): boolean {
  if (!usesDuration(component) || input.start === null || input.end === null) return false;
  const dtstart = timeValue(component, 'dtstart');
  const duration = component.getFirstPropertyValue('duration');
  if (!dtstart || !(duration instanceof ICAL.Duration)) return false;
  const end = dtstart.clone();
  end.addDuration(duration);
  return instantOf(end) - instantOf(dtstart) === Date.parse(input.end) - Date.parse(input.start);
}

/** One EXDATE per value, in DTSTART's style (RFC 5545: same value type, same TZID). */
function writeExdates(component: ICAL.Component, input: EventInput, style: TimeStyle): void {
  component.removeAllProperties('exdate');
  const start = input.start === null ? null : timeIn(input.start, style);
  for (const value of input.exdates ?? []) {
    let time: ICAL.Time;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && style.kind !== 'date' && start) {
      // A date for a timed series means the instance on that day, at the series' time of day.
      time = start.clone();
      time.year = Number(value.slice(0, 4));
      time.month = Number(value.slice(5, 7));
      time.day = Number(value.slice(8, 10));
    } else {
      time = timeIn(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value, style);
    }
    addTimeProperty(component, 'exdate', time, style);
  }
}

function addTimeProperty(component: ICAL.Component, name: string, time: ICAL.Time, style: TimeStyle): void {
  const property = new ICAL.Property(name);
  property.setValue(time);
  if (style.kind === 'zoned') property.setParameter('tzid', style.tzid);
  component.addProperty(property);
}
