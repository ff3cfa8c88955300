import type { CompFilter, TimeRange } from '../../server/src/dav/model';
import { matchesCalendarFilter, parseCalendarObject, timeRangeByBounds } from '../../server/src/ical';
import { ALL_DAY_OFFSITE, APPLE_LUNCH, BERLIN_VTIMEZONE, FLOATING_WAKE_UP, GOOGLE_WEEKLY_SYNC, ics, single, THUNDERBIRD_MEETING, THUNDERBIRD_TASK } from './ical-fixtures';

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

describe('time-range answers from stored occurrence bounds', () => {
  it.each(Object.entries(objects))('agree with the full evaluation wherever they answer (%s)', (_name, text) => {
    const bounds = boundsOf(text);
    for (const range of windowsAround(bounds)) {
      const quick = timeRangeByBounds(text, eventsIn(range), bounds);
      if (quick !== null) expect([range, quick]).toEqual([range, matchesCalendarFilter(text, eventsIn(range))]);
    }
  });

  it('answer for single zoned and UTC events, and leave recurring, floating, all-day and zero-length ones to the full evaluation', () => {
    const range = { start: new Date('2026-03-15T00:00:00Z'), end: new Date('2026-03-16T00:00:00Z') };
    expect(timeRangeByBounds(zoned, eventsIn(range), boundsOf(zoned))).toBe(true);
    expect(timeRangeByBounds(utcWithDuration, eventsIn(range), boundsOf(utcWithDuration))).toBe(true);
    for (const text of [GOOGLE_WEEKLY_SYNC, FLOATING_WAKE_UP, ALL_DAY_OFFSITE, zeroLength, THUNDERBIRD_TASK]) {
      expect(timeRangeByBounds(text, eventsIn(range), boundsOf(text))).toBeNull();
    }
  });

  it('leave filters other than "VEVENTs in a range" to the full evaluation', () => {
    const range = { start: new Date('2026-03-15T00:00:00Z'), end: new Date('2026-03-16T00:00:00Z') };
    const withProperty: CompFilter = {
      ...eventsIn(range),
      compFilters: [{ ...eventsIn(range).compFilters[0], propFilters: [{ name: 'SUMMARY', isNotDefined: false, paramFilters: [] }] }],
    };
    const todos: CompFilter = { ...eventsIn(range), compFilters: [{ ...eventsIn(range).compFilters[0], name: 'VTODO' }] };
    expect(timeRangeByBounds(zoned, withProperty, boundsOf(zoned))).toBeNull();
    expect(timeRangeByBounds(zoned, todos, boundsOf(zoned))).toBeNull();
  });
});
