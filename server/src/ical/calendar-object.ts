/**
 * A calendar object resource as a PUT stores it: validation (RFC 4791 sections 4.1 and 5.3.2), the fields the CMS
 * shows, and the span of time its instances cover (for prefiltering time-range queries in the database).
 */
import ICAL from 'ical.js';

import { errorMessage, parseCalendarText, screenCalendarText } from './document';
import {
  budgetedIterator,
  EXPANSION_STEPS,
  ExpansionBudget,
  ExpansionLimitReached,
  hasBoundedRecurrence,
  instanceAt,
  instances,
  isRecurring,
  movableRule,
  occurrenceBounds,
  overrideInstance,
  QUERY_EXPANSION_STEPS,
  recurrenceDates,
  recurrenceKey,
  recurrenceRules,
  type RecurrenceSet,
} from './occurrences';
import { ianaNameForTzid } from './timezones';
import { DAY_MS, dateString, durationValue, FLOATING_SLACK_MS, instantOf, isoInstant, timeValue, timeValues } from './times';
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
 * CALDAV:min-date-time and CALDAV:max-date-time (RFC 4791 sections 5.2.6 and 5.2.7): every date and date-time of a
 * stored object, and the end of every instance, lies within them. ical.js computes instants with Date.UTC, which reads
 * the years 0 to 99 as 1900 to 1999, and MySQL's DATETIME holds the years 1000 to 9999.
 */
export const MIN_DATE_TIME = new Date('1000-01-01T00:00:00Z');
export const MAX_DATE_TIME = new Date('9999-12-31T23:59:59Z');

/**
 * CALDAV:max-instances (RFC 4791 section 5.2.8), as this server applies it: a recurrence set may have at most this
 * many RDATEs, a rule at most this COUNT, and the first year of a series at most this many instances (candidate dates
 * a rule's BY parts reject count too). An endless daily or hourly series fits; one every minute does not.
 */
export const MAX_INSTANCES = 10_000;
/** Time zones one object may use: real ones use one to three; each costs an expansion of its rules when checked. */
export const MAX_TIMEZONES = 100;

/**
 * The time a PUT may spend on expanding: the first year of a series (longer is refused like too many instances), a
 * whole series with a COUNT (longer is accepted: costly dates, not too many), and the occurrence bounds (longer
 * stores the object as an endless one, which the time-range index treats as "may be anywhere").
 */
const FIRST_YEAR_MILLISECONDS = 2_000;
const COUNTED_SERIES_MILLISECONDS = 500;
const BOUNDS_MILLISECONDS = 1_000;

/**
 * Validates a calendar object resource and extracts what the CMS stores about it. Throws CalendarObjectError
 * naming the CalDAV precondition the object fails.
 */
export function parseCalendarObject(text: string, options: { supportedComponents: ComponentType[] }): CalendarObject {
  screenCalendarText(text);
  const { root, unknownTzids, addedTimezones, usedTzids } = parseCalendarText(text, { maxTimezones: MAX_TIMEZONES });

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

  checkTimezones(root, addedTimezones, usedTzids);
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
  checkRecurrenceLimits(set);
  const fieldsSource = set.master ?? set.overrides[0];
  const fields = eventFields(fieldsSource, root);
  const span = occurrenceSpan(set);
  return { uid, componentType, fields, ...storableSpan(span) };
}

const dayOf = (ms: number): string => isoInstant(ms).slice(0, 10);

function outOfRange(name: string, time: ICAL.Time): CalendarObjectError | null {
  const at = instantOf(time);
  if (time.year < MIN_DATE_TIME.getUTCFullYear() || at < MIN_DATE_TIME.getTime() - FLOATING_SLACK_MS) {
    return new CalendarObjectError(
      'min-date-time',
      `${name} ${time.toString()} is before ${dayOf(MIN_DATE_TIME.getTime())}, the earliest date this server stores`,
    );
  }
  if (at > MAX_DATE_TIME.getTime() + FLOATING_SLACK_MS) {
    return new CalendarObjectError(
      'max-date-time',
      `${name} ${time.toString()} is after ${dayOf(MAX_DATE_TIME.getTime())}, the latest date this server stores`,
    );
  }
  return null;
}

/** The start and end the CMS stores (in DATETIME columns) lie within MIN_DATE_TIME and MAX_DATE_TIME. */
function checkStoredInstant(what: string, at: number): void {
  if (at < MIN_DATE_TIME.getTime()) {
    throw new CalendarObjectError('min-date-time', `${what} before ${dayOf(MIN_DATE_TIME.getTime())}, the earliest date this server stores`);
  }
  if (!(at <= MAX_DATE_TIME.getTime())) {
    throw new CalendarObjectError('max-date-time', `${what} after ${isoInstant(MAX_DATE_TIME.getTime())}, the latest time this server stores`);
  }
}

const RAW_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?/;

/**
 * Why a date or date-time as written cannot be one, or null. ical.js reads 20261341T106100Z without a word, as
 * 2027-02-10T11:01:00Z: the written fields are checked before the decoded value is.
 */
function impossibleDates(property: ICAL.Property): string | null {
  const written: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') written.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null && 'until' in value) collect((value as { until: unknown }).until);
  };
  (property.toJSON() as unknown[]).slice(3).forEach(collect);
  for (const value of written) {
    const match = RAW_DATE.exec(value);
    if (!match) continue;
    const [year, month, day, hour, minute, second] = match.slice(1).map((field) => (field === undefined ? 0 : Number(field)));
    if (month < 1 || month > 12 || day < 1 || day > ICAL.Time.daysInMonth(month, year)) return 'is not a day of the calendar';
    if (hour > 23 || minute > 59 || second > 60) return 'is not a time of day';
  }
  return null;
}

/** Why a decoded date or date-time cannot be one, or null. */
function impossibleTime(time: ICAL.Time): string | null {
  const fields = [time.year, time.month, time.day, time.hour, time.minute, time.second];
  if (!fields.every((field) => Number.isInteger(field))) return 'is not a date';
  if (time.month < 1 || time.month > 12 || time.day < 1 || time.day > ICAL.Time.daysInMonth(time.month, time.year)) {
    return 'is not a day of the calendar';
  }
  if (!time.isDate && (time.hour > 23 || time.minute > 59 || time.second > 60)) return 'is not a time of day';
  return null;
}

/** The dates a property value holds: a date or date-time, a period's start and end, a rule's UNTIL. */
function timesOf(value: unknown): ICAL.Time[] {
  if (value instanceof ICAL.Time) return [value];
  if (value instanceof ICAL.Period) return value.end ? [value.start, value.end] : [value.start];
  if (value instanceof ICAL.Recur) return value.until ? [value.until] : [];
  return [];
}

/**
 * Recurrence sets a query can answer in full within its budget: RFC 4791 max-instances (see MAX_INSTANCES), and for a
 * series with a COUNT (which every query expands from its first date), all of it within a query's expansion steps.
 */
function checkRecurrenceLimits(set: RecurrenceSet): void {
  const master = set.master;
  if (!master || !isRecurring(master)) return;
  const dtstart = timeValue(master, 'dtstart');
  if (!dtstart) return;
  const tooMany = (what: string) =>
    new CalendarObjectError('max-instances', `${what}; this server allows at most ${MAX_INSTANCES} (CALDAV:max-instances)`);
  const dates = recurrenceDates(master).length;
  if (dates > MAX_INSTANCES) throw tooMany(`The ${set.type.toUpperCase()} has ${dates} RDATE values`);
  const rules = recurrenceRules(master);
  for (const rule of rules) {
    if (rule.count && rule.count > MAX_INSTANCES) throw tooMany(`The recurrence rule has COUNT=${rule.count}`);
  }
  const masterOnly: RecurrenceSet = { ...set, overrides: [] };
  try {
    const firstYear = { untilMs: instantOf(dtstart) + 366 * DAY_MS, masterOnly: true };
    for (const _instance of instances(masterOnly, new ExpansionBudget(MAX_INSTANCES, FIRST_YEAR_MILLISECONDS), firstYear)) {
      // counted by the budget
    }
  } catch (error) {
    if (!(error instanceof ExpansionLimitReached)) throw error;
    // Out of time: its dates are so costly for ical.js to find that every query would run out of time on it too
    // (an hourly series takes a tenth of this).
    throw tooMany(
      error.reason === 'steps'
        ? `The series has more than ${MAX_INSTANCES} instances (or rejected candidate dates) in its first year`
        : `The first year of the series takes more than ${FIRST_YEAR_MILLISECONDS} ms to expand`,
    );
  }
  // A COUNT fixes the series to its start: every query walks it from there, so all of it must fit a query's budget.
  // (Other rules that cannot start later, MONTHLY on the 29th to 31st and 29 February, cost a query twelve steps or
  // one a year since their start: within the budget for centuries.)
  if (rules.every((rule) => movableRule(rule, dtstart)) || !rules.some((rule) => rule.count)) return;
  try {
    const budget = new ExpansionBudget(QUERY_EXPANSION_STEPS, COUNTED_SERIES_MILLISECONDS);
    for (const _instance of instances(masterOnly, budget, { masterOnly: true })) {
      // counted by the budget
    }
  } catch (error) {
    if (!(error instanceof ExpansionLimitReached)) throw error;
    // Out of time rather than steps: costly dates, not too many; queries spend their own time budget on them.
    if (error.reason === 'time') return;
    throw tooMany(`The series takes more than ${QUERY_EXPANSION_STEPS} steps (instances and rejected candidate dates) to expand`);
  }
}

/**
 * The span as the database stores it: an instant outside the years a DATETIME column holds becomes an open side,
 * which the prefiltering treats as "may be anywhere" (the floating-time margin can take a bound just past them).
 */
function storableSpan(span: { firstOccurrence: Date | null; lastOccurrence: Date | null }): {
  firstOccurrence: Date | null;
  lastOccurrence: Date | null;
} {
  const first = span.firstOccurrence;
  const last = span.lastOccurrence;
  // An all-day instance on 9999-12-31 ends at 10000-01-01 (and a floating one may be 14 hours later still).
  if (last && !(last.getTime() <= MAX_DATE_TIME.getTime() + DAY_MS + FLOATING_SLACK_MS)) {
    throw new CalendarObjectError(
      'max-date-time',
      `An instance ends after ${dayOf(MAX_DATE_TIME.getTime())}, the latest date this server stores`,
    );
  }
  return {
    firstOccurrence: first && first.getTime() >= MIN_DATE_TIME.getTime() ? first : null,
    lastOccurrence: last && last.getTime() <= MAX_DATE_TIME.getTime() ? last : null,
  };
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

/** Offset changes one observance (STANDARD, DAYLIGHT) may make in its first ten years; real zones make one a year. */
const MAX_TIMEZONE_CHANGES = 100;

/**
 * The object's own VTIMEZONEs, before any time in them is computed: ical.js expands an observance's RRULE from its
 * DTSTART to the year it is asked about (up to 9999), without a limit, and throws from deep inside any time
 * conversion when the rule is impossible. Only yearly rules with a few dates a year are accepted.
 */
function checkTimezones(root: ICAL.Component, added: ICAL.Component[], used: Set<string>): void {
  for (const zone of root.getAllSubcomponents('vtimezone')) {
    if (added.includes(zone)) continue; // from the IANA database
    // No time is ever computed in a zone nothing refers to: it is kept as sent, unexpanded.
    if (!used.has(String(zone.getFirstPropertyValue('tzid')))) continue;
    // Clients send the same few VTIMEZONEs with every object: one found valid is not expanded again.
    const text = zone.toString();
    if (acceptedTimezones.has(text)) continue;
    checkTimezone(zone);
    if (text.length > MAX_REMEMBERED_TIMEZONE_LENGTH) continue;
    if (acceptedTimezones.size >= MAX_REMEMBERED_TIMEZONES) acceptedTimezones.delete(acceptedTimezones.values().next().value as string);
    acceptedTimezones.add(text);
  }
}

/** VTIMEZONEs found valid, by their text (oldest first), so that each is expanded once. */
const acceptedTimezones = new Set<string>();
const MAX_REMEMBERED_TIMEZONES = 256;
const MAX_REMEMBERED_TIMEZONE_LENGTH = 16_384;

function checkTimezone(zone: ICAL.Component): void {
  const tzid = String(zone.getFirstPropertyValue('tzid'));
  for (const observance of zone.getAllSubcomponents()) {
    const where = `VTIMEZONE ${tzid.length > 60 ? `${tzid.slice(0, 60)}...` : tzid}, ${observance.name.toUpperCase()}`;
    const invalid = (message: string) => new CalendarObjectError('valid-calendar-data', `${where}: ${message}`);
    const times: ICAL.Time[] = [];
    const rules: unknown[] = [];
    for (const property of observance.getAllProperties()) {
      if (!['dtstart', 'rdate', 'rrule', 'tzoffsetfrom', 'tzoffsetto'].includes(property.name)) continue;
      let values: unknown[];
      try {
        values = property.getValues() as unknown[];
      } catch (error) {
        throw invalid(`${property.name.toUpperCase()} is not valid: ${errorMessage(error)}`);
      }
      const written = impossibleDates(property);
      if (written) throw invalid(`${property.name.toUpperCase()} ${written}`);
      for (const value of values) {
        if (property.name === 'rrule') rules.push(value);
        for (const time of timesOf(value)) times.push(time);
      }
    }
    for (const time of times) {
      const problem = impossibleTime(time);
      if (problem) throw invalid(`a date ${problem}`);
    }
    const dtstart = observance.getFirstPropertyValue('dtstart');
    if (!(dtstart instanceof ICAL.Time)) continue; // ical.js ignores an observance without DTSTART
    for (const rule of rules) {
      if (!(rule instanceof ICAL.Recur) || rule.freq !== 'YEARLY') {
        throw invalid(`the RRULE recurs ${rule instanceof ICAL.Recur ? rule.freq || 'without FREQ' : 'oddly'}; time zone observances recur yearly`);
      }
      const budget = new ExpansionBudget(MAX_TIMEZONE_CHANGES);
      try {
        const iterator = budgetedIterator(rule, dtstart, budget);
        for (let next = iterator.next(); next && next.year <= dtstart.year + 10; next = iterator.next()) budget.spend();
      } catch (error) {
        if (error instanceof ExpansionLimitReached) {
          throw invalid(`the RRULE changes the offset more than ${MAX_TIMEZONE_CHANGES} times in ten years`);
        }
        throw invalid(`the RRULE is not usable: ${errorMessage(error)}`);
      }
    }
  }
}

function isComponentType(name: string): name is ComponentType {
  return (componentTypes as readonly string[]).includes(name);
}

/**
 * Decodes every time-related value of the component and its alarms (ical.js throws on malformed ones), and checks
 * that each date is a real one within MIN_DATE_TIME and MAX_DATE_TIME.
 */
function checkValues(component: ICAL.Component): void {
  for (const property of component.getAllProperties()) {
    if (!timeProperties.includes(property.name)) continue;
    const name = `${component.name.toUpperCase()} ${property.name.toUpperCase()}`;
    let values: unknown[];
    try {
      values = property.getValues() as unknown[];
    } catch (error) {
      throw new CalendarObjectError(
        'valid-calendar-data',
        `${component.name.toUpperCase()} has an invalid ${property.name.toUpperCase()} value: ${errorMessage(error)}`,
      );
    }
    for (const value of values) {
      const duration = value instanceof ICAL.Duration ? value : value instanceof ICAL.Period ? value.duration : null;
      // ical.js adds a duration month by month: P99999999W would keep it busy for seconds, on every read.
      if (duration && Math.abs(duration.toSeconds()) * 1000 > MAX_DATE_TIME.getTime() - MIN_DATE_TIME.getTime()) {
        throw new CalendarObjectError(
          'max-date-time',
          `${name} ${duration.toString()} is longer than the span of dates this server stores (${dayOf(MIN_DATE_TIME.getTime())} to ${dayOf(MAX_DATE_TIME.getTime())})`,
        );
      }
    }
    const writtenProblem = impossibleDates(property);
    for (const time of values.flatMap(timesOf)) {
      const problem = writtenProblem ?? impossibleTime(time);
      if (problem) {
        const written = property.toICALString();
        throw new CalendarObjectError(
          'valid-calendar-data',
          `${name} ${problem}: ${written.length > 80 ? `${written.slice(0, 80)}...` : written}`,
        );
      }
      const range = outOfRange(name, time);
      if (range) throw range;
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

  const budget = new ExpansionBudget(steps, BOUNDS_MILLISECONDS);
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
  if (dtstart) checkStoredInstant(`The ${componentType} starts`, instantOf(dtstart));
  if (end) checkStoredInstant(`The ${componentType} ends`, instantOf(end));
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
