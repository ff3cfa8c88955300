import type { CompFilter, TimeRange } from '../../server/src/dav/model';
import { matchesCalendarFilter, parseCalendarObject, quickTimeRangeMatch } from '../../server/src/ical';
import { etagOf } from '../../server/src/store/event-data';
import { ALL_DAY_OFFSITE, APPLE_LUNCH, BERLIN_VTIMEZONE, FLOATING_WAKE_UP, GOOGLE_WEEKLY_SYNC, ics, single, THUNDERBIRD_MEETING, THUNDERBIRD_TASK, weeklySeries } from './ical-fixtures';

const eventsIn = (range: TimeRange): CompFilter => ({
  name: 'VCALENDAR',
  isNotDefined: false,
  propFilters: [],
  compFilters: [{ name: 'VEVENT', isNotDefined: false, propFilters: [], compFilters: [], timeRange: range }],
});

const boundsOf = (text: string) => {
  const parsed = parseCalendarObject(text, { supportedComponents: ['VEVENT', 'VTODO', 'VJOURNAL'] });
  return { first: parsed.firstOccurrence, last: parsed.lastOccurrence };
};
/** The quick answer for an object as the store gives it: its text, etag and stored bounds. */
const quick = (text: string, filter: CompFilter, bounds = boundsOf(text)) => quickTimeRangeMatch({ data: text, etag: etagOf(text), bounds }, filter);

const zoned = ics(
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...BERLIN_VTIMEZONE,
  'BEGIN:VEVENT', 'UID:zoned@test', 'DTSTAMP:20260101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20260315T090000', 'DTEND;TZID=Europe/Berlin:20260315T103000', 'SUMMARY:Zoned',
  'END:VEVENT', 'END:VCALENDAR',
);
const utcWithDuration = single('VEVENT', 'DTSTART:20260315T080000Z', 'DURATION:PT45M', 'SUMMARY:Short');
const zeroLength = single('VEVENT', 'DTSTART:20260315T080000Z', 'DTEND:20260315T080000Z', 'SUMMARY:Instant');

const objects = { zoned, utcWithDuration, zeroLength, THUNDERBIRD_MEETING, APPLE_LUNCH, GOOGLE_WEEKLY_SYNC, ALL_DAY_OFFSITE, FLOATING_WAKE_UP, THUNDERBIRD_TASK };

// Windows around each object's own times: touching its start and end exactly, inside, before, after, open-ended.
function windowsAround(bounds: { first: Date | null; last: Date | null }): TimeRange[] {
  if (!bounds.first || !bounds.last) return [{ start: new Date('2026-01-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') }];
  const first = bounds.first.getTime();
  const last = bounds.last.getTime();
  const at = (ms: number) => new Date(ms);
  const minute = 60_000;
  return [
    { start: at(first - 60 * minute), end: at(first) },
    { start: at(first - 60 * minute), end: at(first + minute) },
    { start: at(last), end: at(last + 60 * minute) },
    { start: at(last - minute), end: at(last + 60 * minute) },
    { start: at(first + minute), end: at(first + 2 * minute) },
    { start: at(first - 86_400_000), end: at(first - 3_600_000) },
    { start: at(last + 3_600_000), end: at(last + 86_400_000) },
    { start: at(first - minute) },
    { end: at(last + minute) },
    { start: at(last + minute) },
  ];
}

describe('quick time-range answers (stored bounds, remembered occurrences)', () => {
  it.each(Object.entries(objects))('agree with the full evaluation wherever they answer (%s)', (_name, text) => {
    const bounds = boundsOf(text);
    for (const range of windowsAround(bounds)) {
      const answer = quick(text, eventsIn(range), bounds);
      if (answer !== null) expect([range, answer]).toEqual([range, matchesCalendarFilter(text, eventsIn(range))]);
    }
  });

  it('answer for events of every kind from their occurrences, and leave to-dos and endless series to the full evaluation', () => {
    const range = { start: new Date('2026-03-15T00:00:00Z'), end: new Date('2026-03-16T00:00:00Z') };
    expect(quick(zoned, eventsIn(range))).toBe(true);
    expect(quick(utcWithDuration, eventsIn(range))).toBe(true);
    const tenWeeks = single('VEVENT', 'DTSTART:20260302T120000Z', 'DTEND:20260302T130000Z', 'RRULE:FREQ=WEEKLY;COUNT=10');
    for (const text of [tenWeeks, APPLE_LUNCH, FLOATING_WAKE_UP, ALL_DAY_OFFSITE, zeroLength]) expect(quick(text, eventsIn(range))).not.toBeNull();
    // A to-do, and a series without end (Google's weekly meeting): the full evaluation decides.
    expect(quick(THUNDERBIRD_TASK, eventsIn(range))).toBeNull();
    expect(quick(GOOGLE_WEEKLY_SYNC, eventsIn(range))).toBeNull();
    const endless = single('VEVENT', 'DTSTART:20260101T080000Z', 'DTEND:20260101T090000Z', 'RRULE:FREQ=DAILY');
    expect(quick(endless, eventsIn(range), { first: new Date('2026-01-01T08:00:00Z'), last: null })).toBeNull();
  });

  it('agree with the full evaluation on recurring events, overrides and exceptions included, window after window', () => {
    const series = [
      weeklySeries(['RRULE:FREQ=WEEKLY;COUNT=8', 'EXDATE:20260316T100000Z']),
      // The third week moved to Wednesday afternoon, the fifth to the next Monday; a floating daily series.
      weeklySeries(
        ['RRULE:FREQ=WEEKLY;UNTIL=20260430T000000Z'],
        ['RECURRENCE-ID:20260316T100000Z', 'DTSTART:20260318T150000Z', 'DTEND:20260318T160000Z', 'SUMMARY:Moved'],
        ['RECURRENCE-ID:20260330T100000Z', 'DTSTART:20260406T100000Z', 'DTEND:20260406T120000Z', 'SUMMARY:Later'],
      ),
      single('VEVENT', 'DTSTART:20260105T070000', 'DURATION:PT30M', 'RRULE:FREQ=DAILY;COUNT=60'),
      single('VEVENT', 'DTSTART;VALUE=DATE:20260110', 'RRULE:FREQ=MONTHLY;COUNT=4', 'RDATE;VALUE=DATE:20260220'),
    ];
    for (const text of [...series, APPLE_LUNCH, THUNDERBIRD_MEETING, FLOATING_WAKE_UP, ALL_DAY_OFFSITE]) {
      expect(quick(text, eventsIn({ start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') }))).not.toBeNull();
      for (let day = 0; day < 130; day += 1) {
        const start = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000 + (day % 5) * 3_600_000);
        const range = { start, end: new Date(start.getTime() + ((day % 3) + 1) * 3_600_000 * 7) };
        const answer = quick(text, eventsIn(range));
        if (answer !== null) expect([day, answer]).toEqual([day, matchesCalendarFilter(text, eventsIn(range))]);
      }
    }
  });

  it('leave filters other than "VEVENTs in a range" to the full evaluation', () => {
    const range = { start: new Date('2026-03-15T00:00:00Z'), end: new Date('2026-03-16T00:00:00Z') };
    const withProperty: CompFilter = {
      ...eventsIn(range),
      compFilters: [{ ...eventsIn(range).compFilters[0], propFilters: [{ name: 'SUMMARY', isNotDefined: false, paramFilters: [] }] }],
    };
    const todos: CompFilter = { ...eventsIn(range), compFilters: [{ ...eventsIn(range).compFilters[0], name: 'VTODO' }] };
    expect(quick(zoned, withProperty)).toBeNull();
    expect(quick(zoned, todos)).toBeNull();
  });
});
