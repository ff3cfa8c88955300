import type { CompFilter, ParamFilter, PropFilter, TextMatch, TimeRange } from '../../server/src/dav/model';
import { matchesCalendarFilter } from '../../server/src/ical';
import {
  ALL_DAY_OFFSITE,
  APPLE_LUNCH,
  FLOATING_WAKE_UP,
  GOOGLE_WEEKLY_SYNC,
  ics,
  single,
  THUNDERBIRD_MEETING,
  THUNDERBIRD_TASK,
  weeklySeries,
} from './ical-fixtures';

// Filter builders, shaped like what the DAV layer parses from a calendar-query body.
const range = (start?: string, end?: string): TimeRange => ({
  start: start ? new Date(start) : undefined,
  end: end ? new Date(end) : undefined,
});
const comp = (name: string, parts: Partial<CompFilter> = {}): CompFilter => ({
  name,
  isNotDefined: false,
  propFilters: [],
  compFilters: [],
  ...parts,
});
const prop = (name: string, parts: Partial<PropFilter> = {}): PropFilter => ({
  name,
  isNotDefined: false,
  paramFilters: [],
  ...parts,
});
const param = (name: string, parts: Partial<ParamFilter> = {}): ParamFilter => ({
  name,
  isNotDefined: false,
  ...parts,
});
const text = (value: string, parts: Partial<TextMatch> = {}): TextMatch => ({
  value,
  collation: 'i;ascii-casemap',
  negate: false,
  ...parts,
});
const calendar = (...compFilters: CompFilter[]) => comp('VCALENDAR', { compFilters });

/** Whether `object` has a `type` component overlapping [start, end). */
const inRange = (object: string, type: string, start?: string, end?: string): boolean =>
  matchesCalendarFilter(object, calendar(comp(type, { timeRange: range(start, end) })));

describe('time-range on VEVENT (RFC 4791 section 9.9)', () => {
  test('DTEND: (start < DTEND AND end > DTSTART)', () => {
    const event = single('VEVENT', 'DTSTART:20260302T100000Z', 'DTEND:20260302T110000Z');
    expect(inRange(event, 'VEVENT', '2026-03-02T10:30:00Z', '2026-03-02T10:45:00Z')).toBe(true);
    expect(inRange(event, 'VEVENT', '2026-03-02T09:00:00Z', '2026-03-02T10:00:01Z')).toBe(true);
    expect(inRange(event, 'VEVENT', '2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z')).toBe(false); // ends as it starts
    expect(inRange(event, 'VEVENT', '2026-03-02T11:00:00Z', '2026-03-02T12:00:00Z')).toBe(false); // starts as it ends
  });

  test('DTEND equal to DTSTART: only a range strictly around it', () => {
    const event = single('VEVENT', 'DTSTART:20260302T100000Z', 'DTEND:20260302T100000Z');
    expect(inRange(event, 'VEVENT', '2026-03-02T09:00:00Z', '2026-03-02T11:00:00Z')).toBe(true);
    expect(inRange(event, 'VEVENT', '2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z')).toBe(false);
  });

  test('DURATION > 0: (start < DTSTART+DURATION AND end > DTSTART)', () => {
    const event = single('VEVENT', 'DTSTART:20260302T100000Z', 'DURATION:PT1H');
    expect(inRange(event, 'VEVENT', '2026-03-02T10:59:00Z', '2026-03-02T12:00:00Z')).toBe(true);
    expect(inRange(event, 'VEVENT', '2026-03-02T11:00:00Z', '2026-03-02T12:00:00Z')).toBe(false);
    expect(inRange(event, 'VEVENT', '2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z')).toBe(false);
  });

  test('DURATION of 0: (start <= DTSTART AND end > DTSTART)', () => {
    const event = single('VEVENT', 'DTSTART:20260302T100000Z', 'DURATION:PT0S');
    expect(inRange(event, 'VEVENT', '2026-03-02T10:00:00Z', '2026-03-02T10:00:01Z')).toBe(true);
    expect(inRange(event, 'VEVENT', '2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z')).toBe(false);
  });

  test('DTSTART date-time only: (start <= DTSTART AND end > DTSTART)', () => {
    const event = single('VEVENT', 'DTSTART:20260302T100000Z');
    expect(inRange(event, 'VEVENT', '2026-03-02T10:00:00Z', '2026-03-02T10:00:01Z')).toBe(true);
    expect(inRange(event, 'VEVENT', '2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z')).toBe(false);
    expect(inRange(event, 'VEVENT', '2026-03-02T10:00:01Z', '2026-03-02T11:00:00Z')).toBe(false);
  });

  test('DTSTART date only: (start < DTSTART+P1D AND end > DTSTART)', () => {
    const event = single('VEVENT', 'DTSTART;VALUE=DATE:20260302');
    expect(inRange(event, 'VEVENT', '2026-03-02T23:00:00Z', '2026-03-03T01:00:00Z')).toBe(true);
    expect(inRange(event, 'VEVENT', '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z')).toBe(false);
    expect(inRange(event, 'VEVENT', '2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z')).toBe(false);
  });

  test('an all-day event with DTEND covers its days (floating: read as UTC)', () => {
    expect(inRange(ALL_DAY_OFFSITE, 'VEVENT', '2026-03-13T12:00:00Z', '2026-03-13T13:00:00Z')).toBe(true);
    expect(inRange(ALL_DAY_OFFSITE, 'VEVENT', '2026-03-14T00:00:00Z', '2026-03-15T00:00:00Z')).toBe(false);
  });

  test('a floating time compares as UTC', () => {
    expect(inRange(FLOATING_WAKE_UP, 'VEVENT', '2026-03-10T08:00:00Z', '2026-03-10T08:10:00Z')).toBe(true);
    expect(inRange(FLOATING_WAKE_UP, 'VEVENT', '2026-03-10T07:00:00Z', '2026-03-10T08:00:00Z')).toBe(false);
  });

  test('open-ended ranges', () => {
    expect(inRange(THUNDERBIRD_MEETING, 'VEVENT', '2026-03-02T09:00:00Z')).toBe(true);
    expect(inRange(THUNDERBIRD_MEETING, 'VEVENT', '2026-03-02T09:30:00Z')).toBe(false);
    expect(inRange(THUNDERBIRD_MEETING, 'VEVENT', undefined, '2026-03-02T08:00:01Z')).toBe(true);
  });

  test('a time zone shifts the event (09:00 in Berlin is 08:00 UTC in March)', () => {
    expect(inRange(THUNDERBIRD_MEETING, 'VEVENT', '2026-03-02T07:30:00Z', '2026-03-02T08:00:01Z')).toBe(true);
    expect(inRange(THUNDERBIRD_MEETING, 'VEVENT', '2026-03-02T07:00:00Z', '2026-03-02T08:00:00Z')).toBe(false);
  });
});

describe('time-range on recurring events', () => {
  test('instances follow the wall time across the US DST change, skip EXDATE, move with their override', () => {
    // 9:00 EST is 14:00Z before 8 March, 9:00 EDT is 13:00Z after it.
    expect(inRange(GOOGLE_WEEKLY_SYNC, 'VEVENT', '2026-03-02T14:00:00Z', '2026-03-02T14:10:00Z')).toBe(true);
    expect(inRange(GOOGLE_WEEKLY_SYNC, 'VEVENT', '2026-03-09T13:00:00Z', '2026-03-09T13:10:00Z')).toBe(true);
    expect(inRange(GOOGLE_WEEKLY_SYNC, 'VEVENT', '2026-03-09T14:00:00Z', '2026-03-09T14:10:00Z')).toBe(false);
    expect(inRange(GOOGLE_WEEKLY_SYNC, 'VEVENT', '2026-03-16T00:00:00Z', '2026-03-17T00:00:00Z')).toBe(false); // EXDATE
    expect(inRange(GOOGLE_WEEKLY_SYNC, 'VEVENT', '2026-03-23T00:00:00Z', '2026-03-24T00:00:00Z')).toBe(false); // moved away
    expect(inRange(GOOGLE_WEEKLY_SYNC, 'VEVENT', '2026-03-25T18:00:00Z', '2026-03-25T18:10:00Z')).toBe(true); // moved here
  });

  test('an unbounded series matches years later, on its weekday only', () => {
    const series = weeklySeries(['RRULE:FREQ=WEEKLY;BYDAY=MO']);
    expect(inRange(series, 'VEVENT', '2030-06-03T00:00:00Z', '2030-06-04T00:00:00Z')).toBe(true); // a Monday
    expect(inRange(series, 'VEVENT', '2030-06-04T00:00:00Z', '2030-06-05T00:00:00Z')).toBe(false);
  });

  test('a range before the series, and after its COUNT runs out', () => {
    const series = weeklySeries(['RRULE:FREQ=WEEKLY;COUNT=3']);
    expect(inRange(series, 'VEVENT', '2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z')).toBe(false);
    expect(inRange(series, 'VEVENT', '2026-03-16T10:30:00Z', '2026-03-16T10:31:00Z')).toBe(true);
    expect(inRange(series, 'VEVENT', '2026-03-23T00:00:00Z', '2026-12-31T00:00:00Z')).toBe(false);
  });

  test('prop-filters apply to the instance in the range: the override has its own SUMMARY', () => {
    const moved = calendar(
      comp('VEVENT', {
        timeRange: range('2026-03-25T00:00:00Z', '2026-03-26T00:00:00Z'),
        propFilters: [prop('SUMMARY', { textMatch: text('moved to Wednesday') })],
      }),
    );
    const regular = calendar(
      comp('VEVENT', {
        timeRange: range('2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z'),
        propFilters: [prop('SUMMARY', { textMatch: text('moved') })],
      }),
    );
    expect(matchesCalendarFilter(GOOGLE_WEEKLY_SYNC, moved)).toBe(true);
    expect(matchesCalendarFilter(GOOGLE_WEEKLY_SYNC, regular)).toBe(false);
  });

  test('FREQ=SECONDLY without COUNT queried over a year returns quickly', () => {
    const everySecond = weeklySeries(['RRULE:FREQ=SECONDLY']);
    const started = Date.now();
    expect(inRange(everySecond, 'VEVENT', '2026-03-02T10:00:05Z', '2027-03-02T10:00:05Z')).toBe(true);
    expect(inRange(everySecond, 'VEVENT', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toBe(false);
    // Instances a year after the start: more than the expansion may produce, so it answers "may match" at once.
    expect(inRange(everySecond, 'VEVENT', '2027-03-02T00:00:00Z', '2028-03-02T00:00:00Z')).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('a rule that can never match again does not hang the query', () => {
    const impossible = weeklySeries(['RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30']);
    const started = Date.now();
    inRange(impossible, 'VEVENT', '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('time-range on VTODO (RFC 4791 section 9.9)', () => {
  test('DTSTART and DURATION: (start <= DTSTART+DURATION) AND ((end > DTSTART) OR (end >= DTSTART+DURATION))', () => {
    const task = single('VTODO', 'DTSTART:20260302T100000Z', 'DURATION:PT1H');
    expect(inRange(task, 'VTODO', '2026-03-02T11:00:00Z', '2026-03-02T12:00:00Z')).toBe(true);
    expect(inRange(task, 'VTODO', '2026-03-02T11:00:01Z', '2026-03-02T12:00:00Z')).toBe(false);
    expect(inRange(task, 'VTODO', '2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z')).toBe(false);
  });

  test('DTSTART and DUE: ((start < DUE) OR (start <= DTSTART)) AND ((end > DTSTART) OR (end >= DUE))', () => {
    const task = single('VTODO', 'DTSTART:20260302T100000Z', 'DUE:20260302T110000Z');
    expect(inRange(task, 'VTODO', '2026-03-02T10:30:00Z', '2026-03-02T10:40:00Z')).toBe(true);
    expect(inRange(task, 'VTODO', '2026-03-02T11:00:00Z', '2026-03-02T12:00:00Z')).toBe(false);
    expect(inRange(task, 'VTODO', '2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z')).toBe(false);
  });

  test('DTSTART only: (start <= DTSTART) AND (end > DTSTART)', () => {
    const task = single('VTODO', 'DTSTART:20260302T100000Z');
    expect(inRange(task, 'VTODO', '2026-03-02T10:00:00Z', '2026-03-02T10:01:00Z')).toBe(true);
    expect(inRange(task, 'VTODO', '2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z')).toBe(false);
  });

  test('DUE only: (start < DUE) AND (end >= DUE)', () => {
    expect(inRange(THUNDERBIRD_TASK, 'VTODO', '2026-04-15T15:00:00Z', '2026-04-15T16:00:00Z')).toBe(true);
    expect(inRange(THUNDERBIRD_TASK, 'VTODO', '2026-04-15T16:00:00Z', '2026-04-15T17:00:00Z')).toBe(false);
  });

  test('COMPLETED and CREATED: between creation and completion, ends included', () => {
    const task = single('VTODO', 'CREATED:20260301T090000Z', 'COMPLETED:20260305T170000Z', 'STATUS:COMPLETED');
    expect(inRange(task, 'VTODO', '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z')).toBe(true);
    expect(inRange(task, 'VTODO', '2026-03-05T17:00:00Z', '2026-03-06T00:00:00Z')).toBe(true);
    expect(inRange(task, 'VTODO', '2026-03-06T00:00:00Z', '2026-03-07T00:00:00Z')).toBe(false);
    expect(inRange(task, 'VTODO', '2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z')).toBe(false);
  });

  test('COMPLETED only: (start <= COMPLETED) AND (end >= COMPLETED)', () => {
    const task = single('VTODO', 'COMPLETED:20260305T170000Z');
    expect(inRange(task, 'VTODO', '2026-03-05T16:00:00Z', '2026-03-05T17:00:00Z')).toBe(true);
    expect(inRange(task, 'VTODO', '2026-03-05T17:00:01Z', '2026-03-06T00:00:00Z')).toBe(false);
  });

  test('CREATED only: (end > CREATED)', () => {
    const task = single('VTODO', 'CREATED:20260301T090000Z');
    expect(inRange(task, 'VTODO', '2030-01-01T00:00:00Z', '2030-01-02T00:00:00Z')).toBe(true);
    expect(inRange(task, 'VTODO', '2026-02-01T00:00:00Z', '2026-03-01T09:00:00Z')).toBe(false);
  });

  test('no dates at all: every range', () => {
    expect(inRange(single('VTODO', 'SUMMARY:Someday'), 'VTODO', '1990-01-01T00:00:00Z', '1990-01-02T00:00:00Z')).toBe(
      true,
    );
  });
});

describe('time-range on VJOURNAL (RFC 4791 section 9.9)', () => {
  test('DTSTART date-time: (start <= DTSTART) AND (end > DTSTART)', () => {
    const journal = single('VJOURNAL', 'DTSTART:20260302T100000Z', 'SUMMARY:Notes');
    expect(inRange(journal, 'VJOURNAL', '2026-03-02T10:00:00Z', '2026-03-02T10:01:00Z')).toBe(true);
    expect(inRange(journal, 'VJOURNAL', '2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z')).toBe(false);
  });

  test('DTSTART date: (start < DTSTART+P1D) AND (end > DTSTART)', () => {
    const journal = single('VJOURNAL', 'DTSTART;VALUE=DATE:20260302', 'SUMMARY:Diary');
    expect(inRange(journal, 'VJOURNAL', '2026-03-02T23:59:00Z', '2026-03-03T10:00:00Z')).toBe(true);
    expect(inRange(journal, 'VJOURNAL', '2026-03-03T00:00:00Z', '2026-03-03T10:00:00Z')).toBe(false);
  });

  test('no DTSTART: no range', () => {
    expect(
      inRange(single('VJOURNAL', 'SUMMARY:Undated'), 'VJOURNAL', '1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z'),
    ).toBe(false);
  });
});

describe('time-range on VFREEBUSY (RFC 4791 section 9.9)', () => {
  const freeBusy = (...lines: string[]) =>
    ics(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Example//Tests//EN',
      'BEGIN:VFREEBUSY',
      'UID:fb@example.com',
      'DTSTAMP:20260201T000000Z',
      ...lines,
      'END:VFREEBUSY',
      'END:VCALENDAR',
    );

  test('DTSTART and DTEND: (start <= DTEND) AND (end > DTSTART)', () => {
    const published = freeBusy('DTSTART:20260302T000000Z', 'DTEND:20260303T000000Z');
    expect(inRange(published, 'VFREEBUSY', '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z')).toBe(true);
    expect(inRange(published, 'VFREEBUSY', '2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z')).toBe(false);
  });

  test('FREEBUSY periods only: (start < period end) AND (end > period start)', () => {
    const published = freeBusy('FREEBUSY;FBTYPE=BUSY:20260302T100000Z/PT1H,20260302T150000Z/20260302T160000Z');
    expect(inRange(published, 'VFREEBUSY', '2026-03-02T15:30:00Z', '2026-03-02T15:40:00Z')).toBe(true);
    expect(inRange(published, 'VFREEBUSY', '2026-03-02T11:00:00Z', '2026-03-02T15:00:00Z')).toBe(false);
  });

  test('neither: no range', () => {
    expect(
      inRange(freeBusy('ORGANIZER:mailto:a@example.com'), 'VFREEBUSY', '1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z'),
    ).toBe(false);
  });
});

describe('time-range on VALARM (RFC 4791 section 9.9)', () => {
  const alarmIn = (object: string, type: string, start: string, end: string) =>
    matchesCalendarFilter(
      object,
      calendar(comp(type, { compFilters: [comp('VALARM', { timeRange: range(start, end) })] })),
    );

  test('a trigger relative to the start (15 minutes before 08:00Z)', () => {
    expect(alarmIn(THUNDERBIRD_MEETING, 'VEVENT', '2026-03-02T07:45:00Z', '2026-03-02T07:46:00Z')).toBe(true);
    expect(alarmIn(THUNDERBIRD_MEETING, 'VEVENT', '2026-03-02T07:00:00Z', '2026-03-02T07:45:00Z')).toBe(false);
    expect(alarmIn(THUNDERBIRD_MEETING, 'VEVENT', '2026-03-02T08:00:00Z', '2026-03-02T10:00:00Z')).toBe(false);
  });

  test('a trigger relative to the end (an hour before a task is due)', () => {
    expect(alarmIn(THUNDERBIRD_TASK, 'VTODO', '2026-04-15T14:55:00Z', '2026-04-15T15:05:00Z')).toBe(true);
    expect(alarmIn(THUNDERBIRD_TASK, 'VTODO', '2026-04-15T15:05:00Z', '2026-04-15T17:00:00Z')).toBe(false);
  });

  test('REPEAT and DURATION: any repetition', () => {
    const nagging = single(
      'VEVENT',
      'DTSTART:20260302T100000Z',
      'DTEND:20260302T110000Z',
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      'DESCRIPTION:Leave now',
      'TRIGGER:-PT30M',
      'REPEAT:2',
      'DURATION:PT10M',
      'END:VALARM',
    );
    expect(alarmIn(nagging, 'VEVENT', '2026-03-02T09:48:00Z', '2026-03-02T09:52:00Z')).toBe(true); // third, 09:50
    expect(alarmIn(nagging, 'VEVENT', '2026-03-02T09:51:00Z', '2026-03-02T10:00:00Z')).toBe(false);
  });

  test('an absolute trigger', () => {
    const absolute = single(
      'VEVENT',
      'DTSTART:20260302T100000Z',
      'BEGIN:VALARM',
      'ACTION:AUDIO',
      'TRIGGER;VALUE=DATE-TIME:20260301T090000Z',
      'END:VALARM',
    );
    expect(alarmIn(absolute, 'VEVENT', '2026-03-01T09:00:00Z', '2026-03-01T09:01:00Z')).toBe(true);
    expect(alarmIn(absolute, 'VEVENT', '2026-03-02T09:00:00Z', '2026-03-02T10:00:00Z')).toBe(false);
  });

  test('the alarms of every instance of a series', () => {
    const series = weeklySeries([
      'RRULE:FREQ=WEEKLY;COUNT=4',
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      'DESCRIPTION:Soon',
      'TRIGGER:-PT1D',
      'END:VALARM',
    ]);
    expect(alarmIn(series, 'VEVENT', '2026-03-15T10:00:00Z', '2026-03-15T10:01:00Z')).toBe(true); // for the 16th
    expect(alarmIn(series, 'VEVENT', '2026-03-17T10:00:00Z', '2026-03-17T10:01:00Z')).toBe(false);
    expect(alarmIn(series, 'VEVENT', '2026-03-29T10:00:00Z', '2026-03-29T10:01:00Z')).toBe(false); // COUNT ran out
  });
});

describe('text-match (RFC 4791 section 9.7.5)', () => {
  const summary = (object: string, match: TextMatch) =>
    matchesCalendarFilter(object, calendar(comp('VEVENT', { propFilters: [prop('SUMMARY', { textMatch: match })] })));
  const location = (object: string, match: TextMatch) =>
    matchesCalendarFilter(object, calendar(comp('VEVENT', { propFilters: [prop('LOCATION', { textMatch: match })] })));

  test('i;ascii-casemap (the default): case-insensitive substring', () => {
    expect(summary(THUNDERBIRD_MEETING, text('PLANNING'))).toBe(true);
    expect(summary(THUNDERBIRD_MEETING, text('plan'))).toBe(true);
    expect(summary(THUNDERBIRD_MEETING, text('retro'))).toBe(false);
  });

  test('i;ascii-casemap folds only ASCII letters', () => {
    expect(location(APPLE_LUNCH, text('CAFé', { collation: 'i;ascii-casemap' }))).toBe(true);
    expect(location(APPLE_LUNCH, text('CAFÉ', { collation: 'i;ascii-casemap' }))).toBe(false);
  });

  test('i;octet: exact substring', () => {
    expect(summary(THUNDERBIRD_MEETING, text('planning', { collation: 'i;octet' }))).toBe(true);
    expect(summary(THUNDERBIRD_MEETING, text('Planning', { collation: 'i;octet' }))).toBe(false);
  });

  test('i;unicode-casemap: Unicode case-insensitive', () => {
    expect(location(APPLE_LUNCH, text('CAFÉ EINSTEIN', { collation: 'i;unicode-casemap' }))).toBe(true);
    expect(location(APPLE_LUNCH, text('KURFÜRSTENSTRASSE', { collation: 'i;unicode-casemap' }))).toBe(true);
    expect(location(APPLE_LUNCH, text('Café Adler', { collation: 'i;unicode-casemap' }))).toBe(false);
  });

  test('negate-condition', () => {
    expect(summary(THUNDERBIRD_MEETING, text('lunch', { negate: true }))).toBe(true);
    expect(summary(APPLE_LUNCH, text('lunch', { negate: true }))).toBe(false);
  });

  test('a multi-valued property matches when any value does; negated, when none does', () => {
    const categories = (match: TextMatch) =>
      matchesCalendarFilter(
        THUNDERBIRD_MEETING,
        calendar(comp('VEVENT', { propFilters: [prop('CATEGORIES', { textMatch: match })] })),
      );
    expect(categories(text('planning'))).toBe(true);
    expect(categories(text('work'))).toBe(true);
    expect(categories(text('home'))).toBe(false);
    expect(categories(text('planning', { negate: true }))).toBe(false);
    expect(categories(text('home', { negate: true }))).toBe(true);
  });

  test('a text-match on a property the object lacks does not match, even negated', () => {
    expect(location(ALL_DAY_OFFSITE, text('anything', { negate: true }))).toBe(false);
  });
});

describe('param-filter and is-not-defined', () => {
  const attendee = (object: string, ...paramFilters: ParamFilter[]) =>
    matchesCalendarFilter(object, calendar(comp('VEVENT', { propFilters: [prop('ATTENDEE', { paramFilters })] })));

  test('an attendee who has not answered yet', () => {
    expect(
      attendee(GOOGLE_WEEKLY_SYNC, param('PARTSTAT', { textMatch: text('NEEDS-ACTION', { collation: 'i;octet' }) })),
    ).toBe(true);
    expect(attendee(GOOGLE_WEEKLY_SYNC, param('PARTSTAT', { textMatch: text('DECLINED') }))).toBe(false);
    expect(attendee(THUNDERBIRD_MEETING, param('PARTSTAT', { textMatch: text('NEEDS-ACTION') }))).toBe(false);
  });

  test('all param-filters must hold for the same attendee', () => {
    expect(
      attendee(
        GOOGLE_WEEKLY_SYNC,
        param('CN', { textMatch: text('sam') }),
        param('PARTSTAT', { textMatch: text('needs-action') }),
      ),
    ).toBe(true);
    expect(
      attendee(
        GOOGLE_WEEKLY_SYNC,
        param('CN', { textMatch: text('dana') }),
        param('PARTSTAT', { textMatch: text('needs-action') }),
      ),
    ).toBe(false);
  });

  test('param-filter is-not-defined', () => {
    expect(attendee(GOOGLE_WEEKLY_SYNC, param('X-NUM-GUESTS', { isNotDefined: true }))).toBe(false);
    expect(attendee(GOOGLE_WEEKLY_SYNC, param('RSVP', { isNotDefined: true }))).toBe(true);
  });

  test('prop-filter is-not-defined', () => {
    const noDescription = calendar(comp('VEVENT', { propFilters: [prop('DESCRIPTION', { isNotDefined: true })] }));
    expect(matchesCalendarFilter(THUNDERBIRD_MEETING, noDescription)).toBe(false);
    expect(matchesCalendarFilter(ALL_DAY_OFFSITE, noDescription)).toBe(true);
  });

  test('comp-filter is-not-defined', () => {
    expect(matchesCalendarFilter(THUNDERBIRD_MEETING, calendar(comp('VTODO', { isNotDefined: true })))).toBe(true);
    expect(matchesCalendarFilter(THUNDERBIRD_MEETING, calendar(comp('VEVENT', { isNotDefined: true })))).toBe(false);
    const withoutAlarm = calendar(comp('VEVENT', { compFilters: [comp('VALARM', { isNotDefined: true })] }));
    expect(matchesCalendarFilter(ALL_DAY_OFFSITE, withoutAlarm)).toBe(true);
    expect(matchesCalendarFilter(APPLE_LUNCH, withoutAlarm)).toBe(false);
  });

  test('an empty comp-filter matches when the component exists; the top level must be VCALENDAR', () => {
    expect(matchesCalendarFilter(THUNDERBIRD_TASK, calendar(comp('VTODO')))).toBe(true);
    expect(matchesCalendarFilter(THUNDERBIRD_TASK, calendar(comp('VEVENT')))).toBe(false);
    expect(matchesCalendarFilter(THUNDERBIRD_TASK, calendar())).toBe(true);
    expect(matchesCalendarFilter(THUNDERBIRD_TASK, comp('VTODO'))).toBe(false);
  });

  test('a time-range on a property: DTSTAMP of the object', () => {
    const stampedIn = (start: string, end: string) =>
      matchesCalendarFilter(
        THUNDERBIRD_MEETING,
        calendar(comp('VEVENT', { propFilters: [prop('DTSTAMP', { timeRange: range(start, end) })] })),
      );
    expect(stampedIn('2026-02-10T00:00:00Z', '2026-02-11T00:00:00Z')).toBe(true);
    expect(stampedIn('2026-02-11T00:00:00Z', '2026-02-12T00:00:00Z')).toBe(false);
  });

  test('filters combine with AND', () => {
    const filter = calendar(
      comp('VEVENT', {
        timeRange: range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
        propFilters: [
          prop('SUMMARY', { textMatch: text('planning') }),
          prop('STATUS', { textMatch: text('CONFIRMED') }),
        ],
        compFilters: [comp('VALARM')],
      }),
    );
    expect(matchesCalendarFilter(THUNDERBIRD_MEETING, filter)).toBe(true);
    expect(matchesCalendarFilter(THUNDERBIRD_MEETING.replace('STATUS:CONFIRMED', 'STATUS:TENTATIVE'), filter)).toBe(
      false,
    );
  });
});
