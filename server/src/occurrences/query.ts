/**
 * The parameters of an occurrences request (REST query string or GraphQL arguments), checked one by one: a bad one
 * is refused with a message naming it.
 */
import { badRequest } from '../admin-api';
import { DAY_MS } from '../ical/times';
import { instantOfWall, isKnownZone } from './zone-time';

export interface OccurrenceQuery {
  /** Calendar slugs, in the order given, without repeats. */
  calendars: string[];
  start: Date;
  end: Date;
  /** IANA zone the answer's local times (and a window given without an offset) are in. */
  timeZone: string;
  page: number;
  pageSize: number;
}

export interface OccurrenceLimits {
  maxWindowDays: number;
  defaultPageSize: number;
  maxPageSize: number;
}

/** Calendars one request may name: a front end shows a few at once. */
export const MAX_CALENDARS_PER_REQUEST = 50;

/** YYYY-MM-DD, optionally THH:MM[:SS[.fff]], optionally Z or ±HH:MM. */
const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** The instant a window bound names; without an offset it is a wall-clock time (or midnight) in `zone`. */
export function parseBound(name: 'start' | 'end', value: unknown, zone: string): Date {
  if (value === undefined || value === null || value === '') {
    throw badRequest(`"${name}" is missing: give it as an ISO 8601 date or date-time, e.g. ${name}=2026-03-01 or ${name}=2026-03-01T00:00:00Z.`);
  }
  const match = typeof value === 'string' ? ISO_PATTERN.exec(value) : null;
  if (!match) throw badRequest(`"${name}" is not an ISO 8601 date or date-time: ${JSON.stringify(value)}.`);
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0', offset] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)));
  const fields = new Date(wall);
  const valid =
    fields.getUTCFullYear() === Number(year) &&
    fields.getUTCMonth() === Number(month) - 1 &&
    fields.getUTCDate() === Number(day) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60 &&
    Number(year) >= 1000;
  if (!valid) throw badRequest(`"${name}" is not a date of the calendar: ${JSON.stringify(value)}.`);
  if (offset === undefined) return new Date(instantOfWall(wall, zone));
  if (offset === 'Z') return new Date(wall);
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hours, minutes] = offset.slice(1).split(':').map(Number);
  if (hours > 14 || minutes > 59) throw badRequest(`"${name}" has an impossible UTC offset: ${JSON.stringify(value)}.`);
  return new Date(wall - sign * (hours * 60 + minutes) * 60_000);
}

function wholeNumber(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    throw badRequest(`"${name}" must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}.`);
  }
  return number;
}

function calendarSlugs(value: unknown): string[] {
  const given = typeof value === 'string' ? value.split(',') : Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : null;
  const slugs = [...new Set((given ?? []).map((slug) => slug.trim()).filter((slug) => slug !== ''))];
  if (slugs.length === 0) throw badRequest('"calendar" is missing: give one calendar slug or several separated by commas, e.g. calendar=events,holidays.');
  if (slugs.length > MAX_CALENDARS_PER_REQUEST) throw badRequest(`"calendar" names ${slugs.length} calendars; ask for at most ${MAX_CALENDARS_PER_REQUEST} at a time.`);
  return slugs;
}

/** Reads and checks every parameter; throws a 400 naming the first one that is wrong. */
export function parseOccurrenceQuery(params: Record<string, unknown>, limits: OccurrenceLimits): OccurrenceQuery {
  const calendars = calendarSlugs(params.calendar);
  const timeZone = params.tz === undefined || params.tz === null || params.tz === '' ? 'UTC' : params.tz;
  if (typeof timeZone !== 'string' || !isKnownZone(timeZone)) {
    throw badRequest(`"tz" is not an IANA time zone name such as Europe/Berlin: ${JSON.stringify(params.tz)}.`);
  }
  const start = parseBound('start', params.start, timeZone);
  const end = parseBound('end', params.end, timeZone);
  if (end <= start) throw badRequest('"end" must be after "start".');
  if (end.getTime() - start.getTime() > limits.maxWindowDays * DAY_MS) {
    throw badRequest(`The window from "start" to "end" is too wide: ask for at most ${limits.maxWindowDays} days at a time.`);
  }
  const pageSize = wholeNumber('limit', params.limit, limits.defaultPageSize, 1, limits.maxPageSize);
  const page = wholeNumber('page', params.page, 1, 1, 1_000_000);
  return { calendars, start, end, timeZone, page, pageSize };
}
