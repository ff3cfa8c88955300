import ICAL from 'ical.js';

/**
 * An RRULE value (RFC 5545) in the terms the recurrence editor offers: daily, weekly on chosen days, monthly on a
 * day of the month or a weekday, yearly; until a date or a number of times. ical.js reads and writes the rule.
 */

export type Frequency = 'NONE' | 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
export type Ends = 'never' | 'until' | 'count';

export interface Rule {
  freq: Frequency;
  interval: number;
  days: string[];
  monthly: 'monthday' | 'weekday';
  ends: Ends;
  /** The last day, YYYY-MM-DD. */
  until: string;
  count: number;
}

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export const dayOfWeek = (date: Date) => WEEKDAYS[(date.getDay() + 6) % 7];

export const NO_REPEAT: Rule = { freq: 'NONE', interval: 1, days: [], monthly: 'monthday', ends: 'never', until: '', count: 10 };

const OFFERED = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];

/** The rule as the editor shows it, or null when it has parts the editor does not offer (it is then edited as text). */
export function parseRule(rule: string | null): Rule | null {
  if (!rule) return NO_REPEAT;
  let recur: ICAL.Recur;
  try {
    recur = ICAL.Recur.fromString(rule);
  } catch {
    return null;
  }
  if (!recur.freq || !OFFERED.includes(recur.freq)) return null;
  const parts = recur.parts as Record<string, Array<string | number> | undefined>;
  if (Object.keys(parts).some((key) => key !== 'BYDAY' && key !== 'BYMONTHDAY')) return null;
  const result: Rule = { ...NO_REPEAT, freq: recur.freq as Frequency, interval: recur.interval || 1 };
  const byDay = (parts.BYDAY ?? []).map(String);
  if (byDay.length > 0) {
    if (recur.freq === 'WEEKLY' && byDay.every((day) => (WEEKDAYS as readonly string[]).includes(day))) result.days = byDay;
    else if (recur.freq === 'MONTHLY' && byDay.length === 1 && /^-?[1-5](MO|TU|WE|TH|FR|SA|SU)$/.test(byDay[0])) result.monthly = 'weekday';
    else return null;
  }
  if (parts.BYMONTHDAY && (recur.freq !== 'MONTHLY' || parts.BYMONTHDAY.length !== 1)) return null;
  if (recur.until) {
    result.ends = 'until';
    result.until = recur.until.toString().slice(0, 10);
  } else if (recur.count) {
    result.ends = 'count';
    result.count = recur.count;
  }
  return result;
}

/** The RRULE value for the editor's choices, for a series starting at `start` (in the browser's time zone). */
export function buildRule(rule: Rule, start: Date, allDay: boolean): string | null {
  if (rule.freq === 'NONE') return null;
  const recur = new ICAL.Recur({ freq: rule.freq, interval: Math.max(1, rule.interval) });
  if (rule.freq === 'WEEKLY') recur.setComponent('BYDAY', rule.days.length > 0 ? rule.days : [dayOfWeek(start)]);
  if (rule.freq === 'MONTHLY') {
    if (rule.monthly === 'weekday') recur.setComponent('BYDAY', [`${Math.ceil(start.getDate() / 7)}${dayOfWeek(start)}`]);
    else recur.setComponent('BYMONTHDAY', [start.getDate()]);
  }
  if (rule.ends === 'until' && rule.until) {
    // UNTIL is inclusive: the whole last day; in UTC, as RFC 5545 asks of series with a time zone.
    recur.until = allDay ? ICAL.Time.fromDateString(rule.until) : ICAL.Time.fromJSDate(new Date(`${rule.until}T23:59:59`), true);
  }
  if (rule.ends === 'count') recur.count = Math.max(1, rule.count);
  return recur.toString();
}
