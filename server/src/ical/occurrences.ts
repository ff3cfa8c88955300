/**
 * Instances of calendar components and when they happen: recurrence expansion (RRULE, RDATE, EXDATE,
 * RECURRENCE-ID overrides) and the RFC 4791 section 9.9 rules for whether an instance overlaps a time range.
 *
 * ical.js generates each RRULE's dates; the merging of rules, RDATEs, EXDATEs and overrides is done here so that
 * every step can be counted against a budget: an unbounded or pathological rule costs at most that many steps.
 */
import ICAL from 'ical.js';

import type { TimeRange } from '../dav/model';
import {
  addExact,
  addNominal,
  DAY_MS,
  dateString,
  durationValue,
  FLOATING_SLACK_MS,
  instantOf,
  isFloating,
  timeAt,
  timeValue,
  timeValues,
} from './times';

// ---------------------------------------------------------------------------------------------------------------
// Time-range overlap (RFC 4791 section 9.9), one shape per row of its tables. Times are epoch milliseconds.

export type Occurrence =
  /** (start < END AND end > START): VEVENT with DTEND or a positive DURATION, all-day VEVENT/VJOURNAL (END = START+P1D). */
  | { kind: 'span'; start: number; end: number; floating: boolean }
  /** (start <= AT AND end > AT): VEVENT without duration, VJOURNAL date-time, VTODO with only DTSTART. */
  | { kind: 'instant'; at: number; floating: boolean }
  /** VTODO DTSTART+DURATION: (start <= END) AND ((end > START) OR (end >= END)). */
  | { kind: 'todo-duration'; start: number; end: number; floating: boolean }
  /** VTODO DTSTART and DUE: ((start < DUE) OR (start <= DTSTART)) AND ((end > DTSTART) OR (end >= DUE)). */
  | { kind: 'todo-due'; start: number; due: number; floating: boolean }
  /** VTODO with DUE only: (start < DUE) AND (end >= DUE). */
  | { kind: 'todo-due-only'; due: number; floating: boolean }
  /** VTODO with COMPLETED and CREATED: ((start <= CREATED) OR (start <= COMPLETED)) AND ((end >= CREATED) OR (end >= COMPLETED)). */
  | { kind: 'todo-created-completed'; created: number; completed: number }
  /** VTODO with COMPLETED only: (start <= COMPLETED) AND (end >= COMPLETED). */
  | { kind: 'todo-completed'; completed: number }
  /** VTODO with CREATED only: (end > CREATED). */
  | { kind: 'todo-created'; created: number }
  /** VTODO with none of those: matches every range. */
  | { kind: 'always' }
  /** VJOURNAL without DTSTART: matches no range. */
  | { kind: 'never' };

export function overlaps(occurrence: Occurrence, range: TimeRange): boolean {
  const start = range.start ? range.start.getTime() : -Infinity;
  const end = range.end ? range.end.getTime() : Infinity;
  switch (occurrence.kind) {
    case 'span':
      return start < occurrence.end && end > occurrence.start;
    case 'instant':
      return start <= occurrence.at && end > occurrence.at;
    case 'todo-duration':
      return start <= occurrence.end && (end > occurrence.start || end >= occurrence.end);
    case 'todo-due':
      return (start < occurrence.due || start <= occurrence.start) && (end > occurrence.start || end >= occurrence.due);
    case 'todo-due-only':
      return start < occurrence.due && end >= occurrence.due;
    case 'todo-created-completed':
      return (
        (start <= occurrence.created || start <= occurrence.completed) &&
        (end >= occurrence.created || end >= occurrence.completed)
      );
    case 'todo-completed':
      return start <= occurrence.completed && end >= occurrence.completed;
    case 'todo-created':
      return end > occurrence.created;
    case 'always':
      return true;
    case 'never':
      return false;
  }
}

/**
 * The closed interval of instants an occurrence can match, for database prefiltering: [lower, upper], null for
 * an open side. Floating times and dates are widened by 14 hours both ways since they can be in any zone.
 */
export function occurrenceBounds(occurrence: Occurrence): { lower: number | null; upper: number | null } | null {
  const widen = (lower: number, upper: number | null, floating: boolean) =>
    floating
      ? { lower: lower - FLOATING_SLACK_MS, upper: upper === null ? null : upper + FLOATING_SLACK_MS }
      : { lower, upper };
  switch (occurrence.kind) {
    case 'span':
      return widen(occurrence.start, Math.max(occurrence.start, occurrence.end), occurrence.floating);
    case 'instant':
      return widen(occurrence.at, occurrence.at, occurrence.floating);
    case 'todo-duration':
      return widen(occurrence.start, Math.max(occurrence.start, occurrence.end), occurrence.floating);
    case 'todo-due':
      return widen(
        Math.min(occurrence.start, occurrence.due),
        Math.max(occurrence.start, occurrence.due),
        occurrence.floating,
      );
    case 'todo-due-only':
      return widen(occurrence.due, occurrence.due, occurrence.floating);
    case 'todo-created-completed':
      return {
        lower: Math.min(occurrence.created, occurrence.completed),
        upper: Math.max(occurrence.created, occurrence.completed),
      };
    case 'todo-completed':
      return { lower: occurrence.completed, upper: occurrence.completed };
    case 'todo-created':
      return { lower: occurrence.created, upper: null };
    case 'always':
      return { lower: null, upper: null };
    case 'never':
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Instances

export interface Instance {
  /** The component that describes this instance: the master, or the override that replaces it. */
  component: ICAL.Component;
  /** The instance's original start (RECURRENCE-ID); null for a component that does not recur. */
  recurrenceId: ICAL.Time | null;
  /** DTSTART of the instance; null for a VTODO or VJOURNAL without DTSTART. */
  start: ICAL.Time | null;
  /** DTEND (VEVENT) or DUE (VTODO) of the instance when the component has one or a DURATION; else null. Built on demand. */
  end(): ICAL.Time | null;
  occurrence: Occurrence;
}

/** One UID's components of one type: the master (no RECURRENCE-ID) and its overrides. */
export interface RecurrenceSet {
  uid: string;
  type: string;
  master: ICAL.Component | null;
  overrides: ICAL.Component[];
}

export const recurringTypes = ['vevent', 'vtodo', 'vjournal'];

export function recurrenceSets(root: ICAL.Component): RecurrenceSet[] {
  const sets = new Map<string, RecurrenceSet>();
  for (const component of root.getAllSubcomponents()) {
    if (!recurringTypes.includes(component.name)) continue;
    const uidValue = component.getFirstPropertyValue('uid');
    const uid = typeof uidValue === 'string' ? uidValue : '';
    const key = `${component.name}\u0000${uid}`;
    let set = sets.get(key);
    if (!set) {
      set = { uid, type: component.name, master: null, overrides: [] };
      sets.set(key, set);
    }
    if (component.hasProperty('recurrence-id')) set.overrides.push(component);
    else if (!set.master) set.master = component;
    else set.overrides.push(component); // a second master is invalid; treat it as one more instance
  }
  return [...sets.values()];
}

/** Thrown when an expansion has used up its budget: the answer would be incomplete, callers decide what is safe. */
export class ExpansionLimitReached extends Error {
  /** Whether the steps ran out, or the time (ical.js takes from microseconds to milliseconds for one date). */
  readonly reason: 'steps' | 'time';

  constructor(reason: 'steps' | 'time' = 'steps') {
    super('recurrence expansion limit reached');
    this.name = 'ExpansionLimitReached';
    this.reason = reason;
  }
}

/**
 * Expansion steps (instances produced, and candidate dates a rule rejected) and the time that one operation may still
 * spend.
 */
export class ExpansionBudget {
  private remaining: number;
  private readonly milliseconds: number;
  /** Set at the first step: reading the object before expanding it is bounded by its size, not by this budget. */
  private deadline: number | null = null;

  constructor(steps: number, milliseconds = Infinity) {
    this.remaining = steps;
    this.milliseconds = milliseconds;
  }

  spend(steps = 1): void {
    this.remaining -= steps;
    if (this.remaining < 0) throw new ExpansionLimitReached('steps');
    const now = performance.now();
    if (this.deadline === null) this.deadline = now + this.milliseconds;
    else if (now > this.deadline) throw new ExpansionLimitReached('time');
  }
}

/**
 * Steps (instances produced, and candidate dates a rule rejected) that finding an object's occurrence bounds may
 * spend: once per write, so generous.
 */
export const EXPANSION_STEPS = 100_000;

/** Steps that answering one query about one object (filter, expansion, free-busy) may spend. */
export const QUERY_EXPANSION_STEPS = 20_000;

/**
 * Milliseconds that answering one query about one object may spend as well: ical.js takes from microseconds to
 * milliseconds to find one date (a MONTHLY rule with BYDAY examines every day of every month), so steps alone do not
 * bound the time.
 */
export const QUERY_EXPANSION_MILLISECONDS = 250;

/** The budget of one query about one object. */
export const queryBudget = (): ExpansionBudget => new ExpansionBudget(QUERY_EXPANSION_STEPS, QUERY_EXPANSION_MILLISECONDS);

/** Key under which an instance start and a RECURRENCE-ID meet: the date for DATE values, else the instant. */
export function recurrenceKey(time: ICAL.Time): string {
  return time.isDate ? `D${dateString(time)}` : `T${instantOf(time)}`;
}

export function isRecurring(component: ICAL.Component): boolean {
  return component.hasProperty('rrule') || component.hasProperty('rdate');
}

/**
 * The RRULEs of a component as ical.js reads them. Throws for a rule ical.js cannot use (no FREQ, bad parts).
 */
export function recurrenceRules(component: ICAL.Component): ICAL.Recur[] {
  const rules: ICAL.Recur[] = [];
  for (const property of component.getAllProperties('rrule')) {
    const rule = property.getFirstValue();
    if (!(rule instanceof ICAL.Recur) || !rule.freq) throw new Error(`RRULE "${property.toICALString()}" has no FREQ`);
    rules.push(rule);
  }
  return rules;
}

/** True when every rule of the component ends (COUNT or UNTIL); RDATEs are always finite. */
export function hasBoundedRecurrence(component: ICAL.Component): boolean {
  return recurrenceRules(component).every((rule) => rule.isFinite());
}

/** An ical.js iterator whose every candidate date counts against the budget. */
export function budgetedIterator(
  rule: ICAL.Recur,
  start: ICAL.Time,
  budget: ExpansionBudget,
  untilMs?: number,
): ICAL.RecurIterator {
  const iterator = rule.iterator(start);
  const checkContractingRules = iterator.check_contracting_rules.bind(iterator);
  // ical.js loops inside next() until a candidate passes the BY* parts; a rule that (almost) never matches,
  // like FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30, would spin there for ever without counting the rejected ones. Past
  // `untilMs` no date is wanted: the rejected candidates end the rule there rather than spend the whole budget.
  iterator.check_contracting_rules = () => {
    const accepted = checkContractingRules();
    if (!accepted) {
      budget.spend();
      const candidate: unknown = (iterator as unknown as { last?: unknown }).last;
      if (untilMs !== undefined && candidate instanceof ICAL.Time && instantOf(candidate) > untilMs) throw new PastWindow();
    }
    return accepted;
  };
  return iterator;
}

/** Thrown by a rule's iterator when its candidates have passed the end of the window without a date. */
class PastWindow extends Error {}

interface DateSource {
  current: ICAL.Time | null;
  /** For a PERIOD RDATE, the instance's own end. */
  periodEnd: ICAL.Time | null;
  /** Dates of this source before this instant are not wanted (the rule was started late, see laterStart). */
  notBefore: number;
  advance(): void;
}

const periodSeconds: Record<string, number> = {
  SECONDLY: 1,
  MINUTELY: 60,
  HOURLY: 3600,
  DAILY: 86_400,
  WEEKLY: 604_800,
};

/** The rule names the days it recurs on: the day of the month DTSTART has plays no part in its dates. */
const namesItsDays = (rule: ICAL.Recur): boolean =>
  [rule.parts.BYDAY, rule.parts.BYMONTHDAY, rule.parts.BYYEARDAY, rule.parts.BYWEEKNO].some((part) => (part?.length ?? 0) > 0);

/**
 * Whether an expansion can start the rule later than DTSTART (see laterStart): not with a COUNT. A MONTHLY rule is
 * moved by whole months and a YEARLY one by whole years, which gives the same dates as long as the day of the month
 * DTSTART lends the rule exists wherever the start lands: days up to the 28th (MONTHLY), anything but 29 February
 * (YEARLY), or any day when the rule names its own days.
 */
export function movableRule(rule: ICAL.Recur, dtstart: ICAL.Time): boolean {
  if (rule.count) return false;
  if (periodSeconds[rule.freq]) return true;
  if (rule.freq === 'MONTHLY') return dtstart.day <= 28 || namesItsDays(rule);
  if (rule.freq === 'YEARLY') return !(dtstart.month === 2 && dtstart.day === 29) || namesItsDays(rule);
  return false;
}

/**
 * A later start for a rule whose dates repeat with a fixed period (SECONDLY to WEEKLY: of wall-clock time; MONTHLY
 * and YEARLY: of calendar months), without COUNT: moved by whole periods, it produces the same dates from there on,
 * so an expansion that only needs dates from `fromMs` need not walk through years (or centuries) of them. Null when
 * the rule cannot be moved (see movableRule) or there is nothing to skip. The new start itself may not be a date of
 * the series: callers drop dates before `fromMs`, and the start is placed more than a period and two hours (a DST
 * change) before it (two periods and a month for MONTHLY and YEARLY).
 */
function laterStart(rule: ICAL.Recur, dtstart: ICAL.Time, fromMs: number | undefined): ICAL.Time | null {
  if (fromMs === undefined || !movableRule(rule, dtstart)) return null;
  const interval = Math.max(1, rule.interval || 1);
  const unit = periodSeconds[rule.freq];
  // ical.js steps through wall-clock time in DTSTART's zone: measure the gap there.
  const from = timeAt(fromMs, dtstart);
  if (!unit) {
    const monthsPerPeriod = rule.freq === 'YEARLY' ? 12 * interval : interval;
    const gapMonths = (from.year - dtstart.year) * 12 + (from.month - dtstart.month) - 2 * monthsPerPeriod - 1;
    const periods = Math.floor(gapMonths / monthsPerPeriod);
    if (periods <= 0) return null;
    const months = dtstart.month - 1 + periods * monthsPerPeriod;
    const year = dtstart.year + Math.floor(months / 12);
    const month = (months % 12) + 1;
    const start = dtstart.clone();
    // A day the target month lacks: only where the rule names its own days (movableRule), so the 1st serves as well.
    // Any other day is kept: a yearly series on 31 January stays on the 31st.
    if (start.day > ICAL.Time.daysInMonth(month, year)) start.day = 1;
    start.year = year;
    start.month = month;
    return start;
  }
  const period = unit * interval;
  const gapSeconds = wallSeconds(from) - wallSeconds(dtstart) - period - 7_200;
  const periods = Math.floor(gapSeconds / period);
  if (periods <= 0) return null;
  const start = dtstart.clone();
  if (unit >= 86_400) start.adjust((periods * period) / 86_400, 0, 0, 0);
  else start.adjust(0, 0, 0, periods * period);
  return start;
}

/** A time's calendar fields as seconds, as if they were UTC. */
function wallSeconds(time: ICAL.Time): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second) / 1000;
}

function ruleSource(
  rule: ICAL.Recur,
  dtstart: ICAL.Time,
  budget: ExpansionBudget,
  fromMs: number | undefined,
  untilMs: number | undefined,
): DateSource {
  const skippedTo = laterStart(rule, dtstart, fromMs);
  const iterator = budgetedIterator(rule, skippedTo ?? dtstart, budget, untilMs);
  const source: DateSource = {
    current: null,
    periodEnd: null,
    notBefore: skippedTo && fromMs !== undefined ? fromMs : -Infinity,
    advance() {
      try {
        const next = iterator.next();
        source.current = next ? next.clone() : null;
      } catch (error) {
        if (error instanceof ExpansionLimitReached) throw error;
        // ical.js gave up on this rule ("rule may be impossible to fulfill"), or its candidates passed the window's
        // end (PastWindow): it has no more dates.
        source.current = null;
      }
    },
  };
  source.advance();
  return source;
}

function listSource(values: Array<{ start: ICAL.Time; end: ICAL.Time | null }>): DateSource {
  const sorted = [...values].sort((a, b) => instantOf(a.start) - instantOf(b.start));
  let index = 0;
  const source: DateSource = {
    current: sorted[0]?.start ?? null,
    periodEnd: sorted[0]?.end ?? null,
    notBefore: -Infinity,
    advance() {
      index += 1;
      source.current = sorted[index]?.start ?? null;
      source.periodEnd = sorted[index]?.end ?? null;
    },
  };
  return source;
}

/** RDATE values as starts, with the end of PERIOD values. */
export function recurrenceDates(component: ICAL.Component): Array<{ start: ICAL.Time; end: ICAL.Time | null }> {
  const dates: Array<{ start: ICAL.Time; end: ICAL.Time | null }> = [];
  for (const property of component.getAllProperties('rdate')) {
    for (const value of property.getValues() as unknown[]) {
      if (value instanceof ICAL.Time) dates.push({ start: value, end: null });
      else if (value instanceof ICAL.Period) dates.push({ start: value.start, end: value.getEnd() });
    }
  }
  return dates;
}

interface MasterDate {
  start: ICAL.Time;
  periodEnd: ICAL.Time | null;
}

/**
 * The start dates of a master's recurrence set in order: DTSTART, RRULE dates and RDATEs, minus EXDATEs. Stops
 * after the first start later than `window.untilMs`; may leave out starts before `window.fromMs`.
 */
function* masterDates(master: ICAL.Component, budget: ExpansionBudget, window: ExpansionWindow): Generator<MasterDate> {
  const dtstart = timeValue(master, 'dtstart');
  if (!dtstart) return;
  if (!isRecurring(master)) {
    budget.spend();
    yield { start: dtstart, periodEnd: null };
    return;
  }
  const excludedInstants = new Set<number>();
  const excludedDates = new Set<string>();
  for (const exdate of timeValues(master, 'exdate')) {
    if (exdate.isDate) excludedDates.add(dateString(exdate));
    else excludedInstants.add(instantOf(exdate));
  }
  const sources: DateSource[] = [
    listSource([{ start: dtstart, end: null }, ...recurrenceDates(master)]),
    ...recurrenceRules(master).map((rule) => ruleSource(rule, dtstart, budget, window.fromMs, window.untilMs)),
  ];
  let previous: number | null = null;
  for (;;) {
    let earliest: DateSource | null = null;
    for (const source of sources) {
      if (source.current && (!earliest || instantOf(source.current) < instantOf(earliest.current as ICAL.Time))) {
        earliest = source;
      }
    }
    if (!earliest || !earliest.current) return;
    const start = earliest.current;
    const periodEnd = earliest.periodEnd;
    const wanted = instantOf(start) >= earliest.notBefore;
    const at = instantOf(start);
    if (window.untilMs !== undefined && at > window.untilMs) return;
    earliest.advance();
    budget.spend();
    if (at === previous || !wanted) continue; // the same date from DTSTART and a rule, or from two rules
    previous = at;
    if (excludedInstants.has(at) || excludedDates.has(dateString(start))) continue;
    yield { start, periodEnd };
  }
}

/** The end of an instance: its time on demand (building ical.js times is the costly part of expansion), and its instant. */
interface InstanceEnd {
  time: () => ICAL.Time | null;
  at: number;
}

/**
 * Where an end property (DTEND, DUE) puts the end of the instance starting at `start`: RFC 5545 section 3.8.5.3
 * gives every instance the exact duration the master has from DTSTART to that property.
 */
function endFromProperty(component: ICAL.Component, name: string, start: ICAL.Time | null): InstanceEnd | null {
  const own = timeValue(component, name);
  if (!own) return null;
  const dtstart = timeValue(component, 'dtstart');
  if (!start || !dtstart || instantOf(start) === instantOf(dtstart)) return { time: () => own, at: instantOf(own) };
  const exact = instantOf(own) - instantOf(dtstart);
  return { time: () => addExact(start, exact), at: instantOf(start) + exact };
}

/** DURATION's end: its days and weeks are calendar days in the start's zone, its hours to seconds exact. */
function endFromDuration(start: ICAL.Time, duration: ICAL.Duration): InstanceEnd {
  const time = () => addNominal(start, duration);
  const exact =
    (duration.weeks === 0 && duration.days === 0) || isFloating(start) || start.zone === ICAL.Timezone.utcTimezone;
  return { time, at: exact ? instantOf(start) + duration.toSeconds() * 1000 : instantOf(time()) };
}

function once<T>(compute: () => T): () => T {
  let computed = false;
  let value: T;
  return () => {
    if (!computed) {
      value = compute();
      computed = true;
    }
    return value;
  };
}

/** The instance a component describes when it starts at `start` (its own DTSTART, or a date of its recurrence set). */
export function instanceAt(
  component: ICAL.Component,
  start: ICAL.Time | null,
  periodEnd: ICAL.Time | null = null,
): Instance {
  const recurrenceId = timeValue(component, 'recurrence-id') ?? (start && isRecurring(component) ? start : null);
  const duration = durationValue(component, 'duration');
  const floating = start ? isFloating(start) : false;
  const make = (end: InstanceEnd | null, occurrence: Occurrence): Instance => ({
    component,
    recurrenceId,
    start,
    end: end ? once(end.time) : () => null,
    occurrence,
  });

  if (component.name === 'vevent') {
    if (!start) return make(null, { kind: 'never' });
    const at = instantOf(start);
    const end: InstanceEnd | null = periodEnd
      ? { time: () => periodEnd, at: instantOf(periodEnd) }
      : component.hasProperty('dtend')
        ? endFromProperty(component, 'dtend', start)
        : duration
          ? endFromDuration(start, duration)
          : null;
    if (end && (periodEnd || component.hasProperty('dtend') || (duration && duration.toSeconds() > 0))) {
      return make(end, { kind: 'span', start: at, end: end.at, floating });
    }
    if (!end && start.isDate) return make(null, { kind: 'span', start: at, end: at + DAY_MS, floating });
    return make(end, { kind: 'instant', at, floating });
  }

  if (component.name === 'vtodo') {
    const due = start && duration ? endFromDuration(start, duration) : endFromProperty(component, 'due', start);
    if (start) {
      const at = instantOf(start);
      if (duration && due) return make(due, { kind: 'todo-duration', start: at, end: due.at, floating });
      if (due) return make(due, { kind: 'todo-due', start: at, due: due.at, floating });
      return make(null, { kind: 'instant', at, floating });
    }
    if (due) {
      const dueTime = due.time();
      return make(due, { kind: 'todo-due-only', due: due.at, floating: dueTime ? isFloating(dueTime) : false });
    }
    const completed = timeValue(component, 'completed');
    const created = timeValue(component, 'created');
    const occurrence: Occurrence =
      completed && created
        ? { kind: 'todo-created-completed', created: instantOf(created), completed: instantOf(completed) }
        : completed
          ? { kind: 'todo-completed', completed: instantOf(completed) }
          : created
            ? { kind: 'todo-created', created: instantOf(created) }
            : { kind: 'always' };
    return make(null, occurrence);
  }

  // VJOURNAL (and anything else with a DTSTART)
  if (!start) return make(null, { kind: 'never' });
  const at = instantOf(start);
  return make(
    null,
    start.isDate ? { kind: 'span', start: at, end: at + DAY_MS, floating } : { kind: 'instant', at, floating },
  );
}

/** An override's own instance. */
export function overrideInstance(override: ICAL.Component): Instance {
  return instanceAt(override, timeValue(override, 'dtstart'));
}

export interface ExpansionWindow {
  /** Stop once instance starts pass this instant (every overlap rule needs an instance to start before the range ends). */
  untilMs?: number;
  /** Master instances starting before this instant are not needed (they may or may not be produced). */
  fromMs?: number;
  /** Leave out overrides (when only the master's own instances are wanted). */
  masterOnly?: boolean;
}

/**
 * Every instance of a recurrence set: the master's dates with overridden ones replaced by their overrides, then
 * the overrides not met on the way (moved from later dates, or orphans). Master instances come in start order.
 */
export function* instances(
  set: RecurrenceSet,
  budget: ExpansionBudget,
  window: ExpansionWindow = {},
): Generator<Instance> {
  const pending = new Map<string, ICAL.Component>();
  for (const override of set.overrides) {
    const recurrenceId = timeValue(override, 'recurrence-id');
    pending.set(recurrenceId ? recurrenceKey(recurrenceId) : `#${pending.size}`, override);
  }
  if (set.master && !set.master.hasProperty('dtstart')) {
    budget.spend();
    yield instanceAt(set.master, null); // a VTODO with only DUE, or no time at all
  } else if (set.master) {
    for (const { start, periodEnd } of masterDates(set.master, budget, window)) {
      const key = recurrenceKey(start);
      const override = pending.get(key);
      if (override) {
        pending.delete(key);
        if (!window.masterOnly) yield overrideInstance(override);
      } else {
        yield instanceAt(set.master, start, periodEnd);
      }
    }
  }
  if (!window.masterOnly) {
    for (const override of pending.values()) yield overrideInstance(override);
  }
}

/**
 * How long before its start an instance of this component can still match a range ending at some instant: the
 * expansion must run this far past the range end. Zero except for a VTODO whose DUE comes before its DTSTART.
 */
export function leadTime(component: ICAL.Component): number {
  const dtstart = timeValue(component, 'dtstart');
  const due = timeValue(component, 'due');
  return dtstart && due ? Math.max(0, instantOf(dtstart) - instantOf(due)) : 0;
}

/**
 * The expansion window for instances that can overlap a range, or whose alarms can fall in it: starts up to the
 * range end (plus `lead`), from the range start minus the longest a master instance lasts (plus `lead`).
 */
export function windowFor(set: RecurrenceSet, range: TimeRange, lead = 0): ExpansionWindow {
  const master = set.master;
  const dtstart = master ? timeValue(master, 'dtstart') : null;
  const untilMs = range.end ? range.end.getTime() + (master ? leadTime(master) : 0) + lead : undefined;
  if (!master || !dtstart || !range.start) return { untilMs };
  const bounds = occurrenceBounds(instanceAt(master, dtstart).occurrence);
  if (!bounds || bounds.lower === null || bounds.upper === null) return { untilMs };
  const longest = bounds.upper - Math.min(bounds.lower, instantOf(dtstart));
  return { untilMs, fromMs: range.start.getTime() - longest - lead };
}

/** The instances of a set that overlap a range, bounded by the range end. */
export function* overlappingInstances(
  set: RecurrenceSet,
  range: TimeRange,
  budget: ExpansionBudget,
): Generator<Instance> {
  for (const instance of instances(set, budget, windowFor(set, range))) {
    if (overlaps(instance.occurrence, range)) yield instance;
  }
}
