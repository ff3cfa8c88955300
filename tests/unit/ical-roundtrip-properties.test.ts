/**
 * Property-based: for generated event fields (text with any Unicode and the characters iCalendar escapes, all-day or
 * timed, in time zones, recurrence rules from a small grammar), the iCalendar the CMS builds reads back as the same
 * fields, when created and when an existing object is edited.
 */
import fc from 'fast-check';
import ICAL from 'ical.js';

import { buildCalendarObject, parseCalendarObject, type EventFields, type EventInput } from '../../server/src/ical';

const now = new Date('2026-03-01T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What no content line may hold (see content-lines): such text is refused, not round-tripped. */
const unwritable = /[\u0000-\u0008\u000A-\u001F\u007F\uFFFE\uFFFF]/;
const special = fc.constantFrom(',', ';', '\\', '\n', ':', '"', ' ', '\t', '^', '=', '\u00E9', '\u{1F600}', '\uFFFD', '\u200D');
const anyCharacter = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((character) => !unwritable.test(character) || character === '\n');
const text = fc
  .string({ unit: fc.oneof(special, anyCharacter), minLength: 1, maxLength: 80 })
  .filter((value) => value.trim() !== '');

const zones = [null, 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'];

/** Wall-clock time of an instant in a zone, to the second. */
function wallTime(ms: number, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(ms));
}

/**
 * The instant an event written in a zone's wall-clock time reads back as: the instant itself, except in the hour a
 * zone repeats when its clocks go back, which RFC 5545 section 3.3.5 reads as its first occurrence.
 */
function readBack(ms: number, zone: string | null): number {
  if (zone === null || zone === 'UTC') return ms;
  const wall = wallTime(ms, zone);
  for (const earlier of [2 * HOUR, HOUR, HOUR / 2]) if (wallTime(ms - earlier, zone) === wall) return ms - earlier;
  return ms;
}

const rule = (allDay: boolean, startMs: number) =>
  fc
    .record({
      freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
      interval: fc.option(fc.integer({ min: 2, max: 4 }), { nil: null }),
      end: fc.oneof(
        fc.constant(null),
        fc.integer({ min: 1, max: 30 }).map((count) => `COUNT=${count}`),
        fc.integer({ min: 1, max: 400 }).map((days) => {
          const until = new Date(startMs + days * DAY).toISOString();
          return allDay ? `UNTIL=${until.slice(0, 10).replace(/-/g, '')}` : `UNTIL=${until.slice(0, 19).replace(/[-:]/g, '')}Z`;
        }),
      ),
      byDay: fc.option(fc.subarray(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'], { minLength: 1 }), { nil: null }),
    })
    .map(({ freq, interval, end, byDay }) =>
      [`FREQ=${freq}`, interval ? `INTERVAL=${interval}` : null, end, freq === 'WEEKLY' && byDay ? `BYDAY=${byDay.join(',')}` : null]
        .filter((part) => part !== null)
        .join(';'),
    );

interface Schedule {
  allDay: boolean;
  startMs: number;
  length: number | null;
  timezone: string | null;
}

const schedule: fc.Arbitrary<Schedule> = fc.boolean().chain((allDay): fc.Arbitrary<Schedule> =>
  allDay
    ? fc.record({
        allDay: fc.constant(true),
        startMs: fc.integer({ min: Date.UTC(1900, 0, 1) / DAY, max: Date.UTC(2200, 0, 1) / DAY }).map((day) => day * DAY),
        length: fc.option(fc.integer({ min: 1, max: 30 }).map((days) => days * DAY), { nil: null }),
        timezone: fc.constant<string | null>(null),
      })
    : fc.record({
        allDay: fc.constant(false),
        // From 2008: the zones' VTIMEZONEs carry today's rules, which the US, for one, adopted in 2007.
        startMs: fc.integer({ min: Date.UTC(2008, 0, 1) / 60_000, max: Date.UTC(2100, 0, 1) / 60_000 }).map((minute) => minute * 60_000),
        length: fc.option(fc.integer({ min: 1, max: 20_000 }).map((minutes) => minutes * 60_000), { nil: null }),
        timezone: fc.constantFrom(...zones),
      }),
);

const eventInput: fc.Arbitrary<EventInput> = schedule.chain(({ allDay, startMs, length, timezone }) =>
  fc.record({
    uid: text,
    summary: fc.option(text, { nil: null }),
    description: fc.option(text, { nil: null }),
    location: fc.option(text, { nil: null }),
    url: fc.option(fc.webUrl(), { nil: null }),
    rrule: fc.option(rule(allDay, startMs), { nil: null }),
    eventStatus: fc.constantFrom(null, 'tentative' as const, 'confirmed' as const, 'cancelled' as const),
    categories: fc.option(fc.array(text, { minLength: 1, maxLength: 4 }), { nil: null }),
  }).map(
    (fields): EventInput => ({
      ...fields,
      componentType: 'VEVENT',
      start: new Date(startMs).toISOString(),
      end: length === null ? null : new Date(startMs + length).toISOString(),
      allDay,
      timezone,
      exdates: null,
    }),
  ),
);

const normalizedRule = (value: string | null) => (value === null ? null : ICAL.Recur.fromString(value).toString());

/** The fields an input reads back as (see readBack for the one hour a year a zone repeats). */
function expectedFields(input: EventInput): EventFields {
  const zone = input.allDay || input.timezone === 'UTC' ? null : input.timezone;
  const instant = (iso: string | null) => (iso === null ? null : new Date(readBack(Date.parse(iso), zone)).toISOString());
  return {
    componentType: 'VEVENT',
    summary: input.summary,
    description: input.description,
    location: input.location,
    url: input.url,
    start: instant(input.start),
    end: instant(input.end),
    allDay: input.allDay,
    timezone: zone,
    rrule: normalizedRule(input.rrule),
    exdates: null,
    eventStatus: input.eventStatus,
    categories: input.categories,
  };
}

function readFields(text: string): EventFields {
  const fields = parseCalendarObject(text, { supportedComponents: ['VEVENT'] }).fields;
  return { ...fields, rrule: normalizedRule(fields.rrule) };
}

const runs = { numRuns: 150 };

describe('iCalendar built from event fields reads back as the same fields', () => {
  test('a new object', () => {
    fc.assert(
      fc.property(eventInput, (input) => {
        const text = buildCalendarObject(input, null, now);
        const parsed = parseCalendarObject(text, { supportedComponents: ['VEVENT'] });
        expect(parsed.uid).toBe(input.uid);
        expect(readFields(text)).toEqual(expectedFields(input));
      }),
      runs,
    );
  });

  test('an edited object: every field changed at once', () => {
    fc.assert(
      fc.property(eventInput, eventInput, (first, second) => {
        const previous = buildCalendarObject(first, null, now);
        const edited = buildCalendarObject({ ...second, uid: first.uid }, previous, now);
        expect(readFields(edited)).toEqual(expectedFields({ ...second, uid: first.uid }));
      }),
      runs,
    );
  });

  test('line breaks written as CRLF or CR read back as LF, and control characters are refused by name', () => {
    fc.assert(
      fc.property(text, text, fc.constantFrom('\r\n', '\r'), (before, after, lineBreak) => {
        const input: EventInput = {
          uid: 'line-breaks',
          componentType: 'VEVENT',
          summary: `${before}${lineBreak}${after}`,
          description: null,
          location: null,
          url: null,
          start: '2026-03-02T10:00:00.000Z',
          end: null,
          allDay: false,
          timezone: null,
          rrule: null,
          exdates: null,
          eventStatus: null,
          categories: null,
        };
        const summary = input.summary ?? '';
        expect(readFields(buildCalendarObject(input, null, now)).summary).toBe(summary.replace(/\r\n?/g, '\n'));
        const control = buildCalendarObject({ ...input, summary: `${before}\u0001` }, null, now);
        expect(() => readFields(control)).toThrow(/control character U\+0001/);
      }),
      { numRuns: 50 },
    );
  });
});
