/**
 * Date and time helpers over ical.js values. Instants are milliseconds since the epoch; floating times and dates
 * (which belong to no zone) are read as if they were UTC.
 */
import ICAL from 'ical.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** The widest UTC offset in use: a floating time or a date can be this far from its UTC reading either way. */
export const FLOATING_SLACK_MS = 14 * HOUR_MS;

export function isFloating(time: ICAL.Time): boolean {
  return time.isDate || time.zone === ICAL.Timezone.localTimezone || !time.zone;
}

/** Milliseconds since the epoch; floating times and dates count as UTC (ical.js gives them a zero offset). */
export function instantOf(time: ICAL.Time): number {
  return time.toUnixTime() * 1000;
}

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** "YYYY-MM-DD" of a time's own calendar date (in its zone). */
export function dateString(time: ICAL.Time): string {
  return `${String(time.year).padStart(4, '0')}-${String(time.month).padStart(2, '0')}-${String(time.day).padStart(2, '0')}`;
}

/** The first Time value of a property, or null when absent or not a date/date-time. */
export function timeValue(component: ICAL.Component, name: string): ICAL.Time | null {
  const value = component.getFirstPropertyValue(name);
  return value instanceof ICAL.Time ? value : null;
}

export function durationValue(component: ICAL.Component, name: string): ICAL.Duration | null {
  const value = component.getFirstPropertyValue(name);
  return value instanceof ICAL.Duration ? value : null;
}

/** All date/date-time values of every property with that name (e.g. EXDATE, which may repeat and hold lists). */
export function timeValues(component: ICAL.Component, name: string): ICAL.Time[] {
  const times: ICAL.Time[] = [];
  for (const property of component.getAllProperties(name)) {
    for (const value of property.getValues() as unknown[]) {
      if (value instanceof ICAL.Time) times.push(value);
    }
  }
  return times;
}

/** A Time at an instant, expressed like `like`: a UTC time for UTC, wall time for a zone, UTC fields for floating. */
export function timeAt(ms: number, like: ICAL.Time): ICAL.Time {
  const utc = ICAL.Time.fromJSDate(new Date(ms), true);
  if (like.isDate) {
    const date = ICAL.Time.fromData({ year: utc.year, month: utc.month, day: utc.day, isDate: true });
    return date;
  }
  if (isFloating(like)) {
    return ICAL.Time.fromData(
      { year: utc.year, month: utc.month, day: utc.day, hour: utc.hour, minute: utc.minute, second: utc.second },
      ICAL.Timezone.localTimezone,
    );
  }
  if (like.zone === ICAL.Timezone.utcTimezone) return utc;
  return zonedTime(ms, like.zone);
}

/** The wall-clock fields of an instant shifted by an offset, as a Time in `zone`. */
function wallTime(ms: number, offsetSeconds: number, zone: ICAL.Timezone): ICAL.Time {
  const shifted = new Date(ms + offsetSeconds * 1000);
  return ICAL.Time.fromData(
    {
      year: shifted.getUTCFullYear(),
      month: shifted.getUTCMonth() + 1,
      day: shifted.getUTCDate(),
      hour: shifted.getUTCHours(),
      minute: shifted.getUTCMinutes(),
      second: shifted.getUTCSeconds(),
    },
    zone,
  );
}

/**
 * The wall time in a zone of an instant. ical.js's convertToZone looks the offset up with the UTC fields as if they
 * were wall time, which is an hour off for the hours before a change (a UTC 02:00 on the night New York springs
 * forward at 07:00 UTC comes out as 22:00 EDT the day before). Here the offset is looked up with the wall time it
 * gives until the two agree; a wall time that occurs twice (clocks going back) reads as its first occurrence.
 */
export function zonedTime(ms: number, zone: ICAL.Timezone): ICAL.Time {
  let offset = zone.utcOffset(ICAL.Time.fromJSDate(new Date(ms), true));
  let nearest: ICAL.Time | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const candidate = wallTime(ms, offset, zone);
    const readBack = instantOf(candidate);
    if (readBack === ms) return candidate;
    if (!nearest || Math.abs(readBack - ms) < Math.abs(instantOf(nearest) - ms)) nearest = candidate;
    offset = zone.utcOffset(candidate);
  }
  return nearest ?? ICAL.Time.fromJSDate(new Date(ms), true).convertToZone(zone);
}

/** `time` plus an exact number of milliseconds (RFC 5545: a DTEND-derived duration is exact), in `time`'s style. */
export function addExact(time: ICAL.Time, ms: number): ICAL.Time {
  if (time.isDate) {
    const result = time.clone();
    result.adjust(Math.round(ms / DAY_MS), 0, 0, 0);
    return result;
  }
  return timeAt(instantOf(time) + ms, time);
}

/** `time` plus a nominal duration (RFC 5545: DURATION's days are calendar days in the local time). */
export function addNominal(time: ICAL.Time, duration: ICAL.Duration): ICAL.Time {
  const result = time.clone();
  result.addDuration(duration);
  return result;
}
