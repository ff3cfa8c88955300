/**
 * The recurrence expansion behind time-range queries: skipping ahead in long series must not change which
 * instances a query sees.
 */
import { parseCalendarText } from '../../server/src/ical/document';
import { ExpansionBudget, instances, recurrenceSets } from '../../server/src/ical/occurrences';
import { instantOf } from '../../server/src/ical/times';
import { BERLIN_VTIMEZONE, ics } from './ical-fixtures';

function seriesStarts(start: string, rule: string, window: { fromMs?: number; untilMs: number }): string[] {
  const text = ics(
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example//Tests//EN',
    ...BERLIN_VTIMEZONE,
    'BEGIN:VEVENT',
    'UID:series@example.com',
    'DTSTAMP:20260101T000000Z',
    start,
    `RRULE:${rule}`,
    'END:VEVENT',
    'END:VCALENDAR',
  );
  const [set] = recurrenceSets(parseCalendarText(text).root);
  const starts: string[] = [];
  for (const instance of instances(set, new ExpansionBudget(1_000_000), window)) {
    if (instance.start) starts.push(new Date(instantOf(instance.start)).toISOString());
  }
  return starts;
}

describe('skipping ahead in a long series gives the same instances as walking through it', () => {
  const fromMs = Date.parse('2028-03-24T00:00:00Z');
  const untilMs = Date.parse('2028-04-03T00:00:00Z'); // across the 2028 European DST change (26 March)

  test.each([
    ['DTSTART;TZID=Europe/Berlin:20260302T090000', 'FREQ=DAILY;BYDAY=MO,WE,FR'],
    ['DTSTART;TZID=Europe/Berlin:20260302T090000', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU'],
    ['DTSTART;TZID=Europe/Berlin:20260302T090000', 'FREQ=DAILY;INTERVAL=3'],
    ['DTSTART;TZID=Europe/Berlin:20260302T090000', 'FREQ=DAILY;BYHOUR=9,17;BYMINUTE=0,30'],
    ['DTSTART;TZID=Europe/Berlin:20260302T090000', 'FREQ=HOURLY;INTERVAL=5;BYDAY=SA,SU'],
    ['DTSTART;TZID=Europe/Berlin:20260302T090000', 'FREQ=MINUTELY;INTERVAL=17;BYHOUR=9,10;BYDAY=MO'],
    ['DTSTART:20260302T100000Z', 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20280330T000000Z'],
    ['DTSTART:20260302T100000', 'FREQ=HOURLY;INTERVAL=7'],
    ['DTSTART;VALUE=DATE:20260302', 'FREQ=DAILY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR'],
    ['DTSTART;VALUE=DATE:20260302', 'FREQ=WEEKLY;INTERVAL=3'],
  ])('%s %s', (start, rule) => {
    const walked = seriesStarts(start, rule, { untilMs });
    // Starts before fromMs are not asked for: with skipping, the series' own DTSTART still comes first.
    const skipped = seriesStarts(start, rule, { fromMs, untilMs }).filter((iso) => Date.parse(iso) >= fromMs);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped).toEqual(walked.filter((iso) => Date.parse(iso) >= fromMs));
  });

  test('a minutely series two years on is found without walking through a million minutes', () => {
    const started = Date.now();
    const starts = seriesStarts('DTSTART:20260302T100000Z', 'FREQ=MINUTELY;INTERVAL=1', {
      fromMs,
      untilMs: fromMs + 10 * 60_000,
    }).filter((iso) => Date.parse(iso) >= fromMs);
    expect(starts[0]).toBe('2028-03-24T00:00:00.000Z');
    expect(starts).toHaveLength(11);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
