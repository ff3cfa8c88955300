/** Dates as the workspace API speaks them: all-day dates as YYYY-MM-DD (end exclusive), times as ISO instants. */
export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const pad = (value: number) => String(value).padStart(2, '0');

/** The browser's calendar date of an instant. */
export const localDate = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** The value of an `<input type="datetime-local">` for an instant, in the browser's time zone. */
export const localDateTime = (date: Date) => `${localDate(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}`;

export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** An occurrence's times as the editor sets them. */
export interface Times {
  allDay: boolean;
  start: string;
  end: string;
}

/** Times from a calendar view's dates (all-day dates are local midnights there). */
export function timesFrom(start: Date, end: Date | null, allDay: boolean): Times {
  if (allDay) {
    const first = localDate(start);
    const after = end ? localDate(end) : addDays(first, 1);
    return { allDay, start: first, end: after > first ? after : addDays(first, 1) };
  }
  return { allDay, start: start.toISOString(), end: (end ?? new Date(start.getTime() + HOUR_MS)).toISOString() };
}

/** Times from the API's occurrence (all-day ones come as 00:00Z instants). */
export function timesOf(occurrence: { start: string; end: string; allDay: boolean }): Times {
  return occurrence.allDay
    ? { allDay: true, start: occurrence.start.slice(0, 10), end: occurrence.end.slice(0, 10) }
    : { allDay: false, start: occurrence.start, end: occurrence.end };
}

/** A time zone name the browser knows, for the time zone field's default. */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Every time zone the browser knows, for the time zone field. */
export function timeZones(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported('timeZone') : [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
