/**
 * Calendar objects written to break the server: malformed lines and nesting, control characters and broken Unicode,
 * huge values, recurrences that would expand without end, deep nesting and thousands of overrides. Each is refused
 * with the CalDAV precondition and a message naming the problem, or accepted and answered within a bounded time.
 */
import fc from 'fast-check';
import ICAL from 'ical.js';

import {
  busyPeriods,
  CalendarObjectError,
  matchesCalendarFilter,
  MAX_EXPANDED_INSTANCES,
  parseCalendarObject,
  renderCalendarData,
  type CalendarPrecondition,
  type ComponentType,
} from '../../server/src/ical';
import { MAX_DATE_TIME, MAX_INSTANCES, MAX_TIMEZONES, MIN_DATE_TIME } from '../../server/src/ical/calendar-object';
import { MAX_COMPONENT_DEPTH, MAX_COMPONENTS, MAX_PARAMETERS_PER_LINE } from '../../server/src/ical/content-lines';
import { parseCalendarText } from '../../server/src/ical/document';
import { ExpansionBudget, overlappingInstances, QUERY_EXPANSION_STEPS, recurrenceSets } from '../../server/src/ical/occurrences';
import type { CalendarDataRequest, CompFilter, TimeRange } from '../../server/src/dav/model';
import { BERLIN_VTIMEZONE, ics, movedOverrideLines, single } from './ical-fixtures';
import { CPU_LIMIT_SECONDS, cpuSeconds } from './cpu-time';

const all: ComponentType[] = ['VEVENT', 'VTODO', 'VJOURNAL'];
const parse = (text: string) => parseCalendarObject(text, { supportedComponents: all });

function refusal(text: string): { precondition: CalendarPrecondition; message: string } {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof CalendarObjectError) return { precondition: error.precondition, message: error.message };
    throw error;
  }
  throw new Error('the object was accepted');
}

const event = (...lines: string[]) => single('VEVENT', ...lines);
const timed = ['DTSTART:20260302T100000Z', 'DTEND:20260302T110000Z'];
const range = (start: string, end: string): TimeRange => ({ start: new Date(start), end: new Date(end) });
const expandRequest = (expand: TimeRange): CalendarDataRequest => ({ expand }) as CalendarDataRequest;
const eventsIn = (timeRange: TimeRange): CompFilter =>
  ({
    name: 'VCALENDAR',
    isNotDefined: false,
    propFilters: [],
    compFilters: [{ name: 'VEVENT', isNotDefined: false, timeRange, propFilters: [], compFilters: [] }],
  }) as unknown as CompFilter;
/** The object with many more lines in its VEVENT (too many to pass as arguments). */
const withLines = (text: string, lines: string[]) => text.replace('END:VEVENT\r\n', `${lines.join('\r\n')}\r\nEND:VEVENT\r\n`);
const countOf = (text: string, line: string) => text.split('\r\n').filter((candidate) => candidate === line).length;

describe('malformed content lines and components', () => {
  test('a folded continuation line at the very start is refused with its line number', () => {
    const { precondition, message } = refusal(` X-STRAY:folded\r\n${event(...timed)}`);
    expect(precondition).toBe('valid-calendar-data');
    expect(message).toMatch(/line 1: a folded continuation line/);
  });

  test('a missing END, a missing BEGIN, a mismatched END and a stray END are each named', () => {
    const lines = event(...timed).trimEnd().split('\r\n');
    expect(refusal(ics(...lines.slice(0, -1))).message).toMatch(/BEGIN:VCALENDAR on line 1 has no END:VCALENDAR/);
    expect(refusal(ics(...lines.slice(1))).message).toMatch(/line 1: "VERSION:2.0" is outside any component/);
    const mismatched = lines.map((line) => (line === 'END:VEVENT' ? 'END:VTODO' : line));
    expect(refusal(ics(...mismatched)).message).toMatch(/END:VTODO does not close BEGIN:VEVENT \(line 4\)/);
    expect(refusal(ics(...lines, 'END:VCALENDAR')).message).toMatch(/END:VCALENDAR has no BEGIN:VCALENDAR before it/);
    expect(refusal(ics(...lines.slice(0, 4), 'BEGIN:', ...lines.slice(4))).message).toMatch(/"BEGIN:" does not name a component/);
  });

  test('broken parameters are refused, each with what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['DTSTART;TZID="Europe/Berlin:20260302T100000', /quoted parameter value of DTSTART has no closing quote/],
      ['SUMMARY;=x:Lunch', /a parameter of SUMMARY is not written as NAME=value/],
      ['SUMMARY;LANGUAGE:Lunch', /a parameter of SUMMARY is not written as NAME=value/],
      ['SUMMARY;LANGUAGE=en', /SUMMARY has no ":" before its value/],
      ['SUMMARY;X-A="b"c:Lunch', /SUMMARY has no ":" before its value \(or a parameter value has a stray quote\)/],
      ['NO COLON HERE', /"NO COLON HERE" is not a content line/],
      [':value without a name', /is not a content line/],
      ['BEGIN;X=1:VALARM', /BEGIN takes no parameters/],
    ];
    for (const [line, expected] of cases) {
      const { precondition, message } = refusal(event(...timed, line));
      expect(precondition).toBe('valid-calendar-data');
      expect(message).toMatch(expected);
    }
  });

  test(`more than ${MAX_PARAMETERS_PER_LINE} parameters on a line are refused at once, not read quadratically`, () => {
    const parameters = ';X-P=1'.repeat(150_000);
    let message = '';
    const seconds = cpuSeconds(() => {
      message = refusal(event(...timed, `X-MANY${parameters}:v`)).message;
    });
    expect(message).toMatch(new RegExp(`X-MANY has more than ${MAX_PARAMETERS_PER_LINE} parameters`));
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    expect(() => parse(event(...timed, `X-SOME${';X-P=1'.repeat(MAX_PARAMETERS_PER_LINE)}:v`))).not.toThrow();
  });

  test('NUL and other control characters are refused, naming the character and the line', () => {
    for (const [character, name] of [
      ['\u0000', 'U+0000'],
      ['\u0001', 'U+0001'],
      ['\u001B', 'U+001B'],
      ['\u007F', 'U+007F'],
      ['\r', 'U+000D'],
      ['\u000B', 'U+000B'],
    ]) {
      const { precondition, message } = refusal(event(...timed, `SUMMARY:before${character}after`));
      expect(precondition).toBe('valid-calendar-data');
      expect(message).toContain(`line 9: "SUMMARY:before?after" contains the control character ${name}`);
    }
    // A tab is allowed in a value.
    expect(parse(event(...timed, 'SUMMARY:a\tb')).fields.summary).toBe('a\tb');
  });

  test('text that was never Unicode (unpaired surrogates) is refused; U+FFFD, astral characters and LF-only lines are fine', () => {
    expect(refusal(event(...timed, 'SUMMARY:broken \uD800 text')).message).toMatch(/unpaired surrogate \(U\+D800\)/);
    expect(refusal(event(...timed, 'SUMMARY:broken \uDC00 text')).message).toMatch(/unpaired surrogate \(U\+DC00\)/);
    expect(refusal(event(...timed, 'SUMMARY:\uFFFE')).message).toMatch(/U\+FFFE/);
    expect(parse(event(...timed, 'SUMMARY:replaced \uFFFD char')).fields.summary).toBe('replaced \uFFFD char');
    expect(parse(event(...timed, 'SUMMARY:\u{1F600} \u{10FFFD}')).fields.summary).toBe('\u{1F600} \u{10FFFD}');
    expect(parse(event(...timed, 'SUMMARY:lf only').replace(/\r\n/g, '\n')).fields.summary).toBe('lf only');
  });

  test('a fold between the two halves of a character is unfolded back into the character', () => {
    expect(parse(event(...timed, 'SUMMARY:smile \uD83D\r\n \uDE00!')).fields.summary).toBe('smile \u{1F600}!');
    expect(parse(event(...timed, 'SUMMARY:caf\r\n \u00E9')).fields.summary).toBe('caf\u00E9');
  });

  test('messages stay short even when the offending line is hundreds of kilobytes long', () => {
    const huge = 'x'.repeat(500_000);
    for (const text of [event(...timed, `${huge} no colon`), event(...timed, `DTSTART:${huge}`), event(...timed, `RRULE:FREQ=${huge}`)]) {
      const { message } = refusal(text);
      expect(message.length).toBeLessThan(400);
    }
  });

  test('impossible dates and times are refused instead of being read as other days', () => {
    for (const value of ['20261341T100000Z', '20260230T100000Z', '20260302T250000Z', '20260302T106100Z']) {
      const { precondition, message } = refusal(event(`DTSTART:${value}`, 'DTEND:20260303T110000Z'));
      expect(precondition).toBe('valid-calendar-data');
      expect(message).toMatch(/VEVENT DTSTART is not a (day of the calendar|time of day)/);
    }
    expect(refusal(event(...timed, 'RRULE:FREQ=DAILY;UNTIL=20261399T000000Z')).message).toMatch(/VEVENT RRULE is not/);
    expect(refusal(event(...timed, 'RRULE:FREQ=DAILY', 'EXDATE:20260231T100000Z')).message).toMatch(/VEVENT EXDATE is not/);
  });
});

describe('huge values', () => {
  test('a single property line of several hundred kilobytes is accepted whole', () => {
    const description = 'Lorem ipsum, dolor; sit\\n amet. '.repeat(20_000);
    let parsed: ReturnType<typeof parse> | undefined;
    const seconds = cpuSeconds(() => {
      parsed = parse(event(...timed, `DESCRIPTION:${description}`));
    });
    expect(parsed?.fields.description?.length).toBe(description.length - 20_000); // each \n is one character
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
  });

  test('thousands of properties, attendees, alarms and time zones are read within the limit', () => {
    const properties = Array.from({ length: 20_000 }, (_, index) => `X-EXTRA-${index}:value ${index}`);
    const attendees = Array.from({ length: 5_000 }, (_, index) => `ATTENDEE;CN=Person ${index};PARTSTAT=ACCEPTED:mailto:p${index}@example.com`);
    const alarms = Array.from({ length: 3_000 }, (_, index) => ['BEGIN:VALARM', 'ACTION:DISPLAY', `TRIGGER:-PT${index}M`, 'DESCRIPTION:x', 'END:VALARM']).flat();
    const zones = Array.from({ length: 2_000 }, (_, index) =>
      BERLIN_VTIMEZONE.map((line) => (line === 'TZID:Europe/Berlin' ? `TZID:Zone ${index}` : line)),
    ).flat();
    for (const text of [
      withLines(event(...timed), properties),
      withLines(event(...timed, 'ORGANIZER:mailto:boss@example.com'), attendees),
      withLines(event(...timed), alarms),
      // Only the zone the event uses is expanded: the 1,999 others are kept as sent.
      event('DTSTART;TZID=Zone 1999:20260302T100000').replace('BEGIN:VEVENT', `${zones.join('\r\n')}\r\nBEGIN:VEVENT`),
    ]) {
      let uid = '';
      const seconds = cpuSeconds(() => {
        uid = parse(text).uid;
      });
      expect(uid).not.toBe('');
      expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    }
  });

  test(`an object may use ${MAX_TIMEZONES} time zones of its own, not more`, () => {
    const zoned = (count: number) => {
      const zones = Array.from({ length: count }, (_, index) =>
        BERLIN_VTIMEZONE.map((line) => (line === 'TZID:Europe/Berlin' ? `TZID:Zone ${index}` : line)),
      ).flat();
      const dates = Array.from({ length: count }, (_, index) => `RDATE;TZID=Zone ${index}:202604${String((index % 28) + 1).padStart(2, '0')}T100000`);
      return withLines(event('DTSTART;TZID=Zone 0:20260302T100000', 'DURATION:PT1H', 'RRULE:FREQ=YEARLY;COUNT=2'), dates).replace(
        'BEGIN:VEVENT',
        `${zones.join('\r\n')}\r\nBEGIN:VEVENT`,
      );
    };
    let accepted: ReturnType<typeof parse> | undefined;
    expect(cpuSeconds(() => (accepted = parse(zoned(MAX_TIMEZONES))))).toBeLessThan(CPU_LIMIT_SECONDS);
    expect(accepted?.firstOccurrence).toEqual(new Date('2026-03-02T09:00:00Z'));
    let refused: { precondition: CalendarPrecondition; message: string } | undefined;
    expect(cpuSeconds(() => (refused = refusal(zoned(MAX_TIMEZONES + 1))))).toBeLessThan(CPU_LIMIT_SECONDS);
    expect(refused?.precondition).toBe('valid-calendar-data');
    expect(refused?.message).toBe(`The object uses ${MAX_TIMEZONES + 1} time zones; at most ${MAX_TIMEZONES} are accepted in one object`);
  });

  test('a TZID made of a hundred thousand path segments is read in linear time', () => {
    const tzid = '/x'.repeat(100_000);
    const zone = BERLIN_VTIMEZONE.map((line) => (line === 'TZID:Europe/Berlin' ? `TZID:${tzid}` : line));
    const text = event(`DTSTART;TZID="${tzid}":20260302T100000`, 'DURATION:PT1H').replace('BEGIN:VEVENT', `${zone.join('\r\n')}\r\nBEGIN:VEVENT`);
    let parsed: ReturnType<typeof parse> | undefined;
    expect(cpuSeconds(() => (parsed = parse(text)))).toBeLessThan(CPU_LIMIT_SECONDS);
    expect(parsed?.fields.timezone).toBeNull(); // no IANA name in it
    expect(parsed?.firstOccurrence).toEqual(new Date('2026-03-02T09:00:00Z'));
  });

  test(`more than ${MAX_COMPONENTS} components in one object are refused`, () => {
    const alarms = Array.from({ length: MAX_COMPONENTS }, () => ['BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT5M', 'END:VALARM']).flat();
    expect(refusal(withLines(event(...timed), alarms)).message).toMatch(new RegExp(`more than ${MAX_COMPONENTS} components`));
  });
});

describe('recurrences that would expand without end', () => {
  test('COUNT in the millions, and RDATE lists of tens of thousands, fail CALDAV:max-instances', () => {
    const counted = refusal(event(...timed, 'RRULE:FREQ=DAILY;COUNT=5000000'));
    expect(counted.precondition).toBe('max-instances');
    expect(counted.message).toMatch(new RegExp(`COUNT=5000000; this server allows at most ${MAX_INSTANCES}`));
    const dates = Array.from({ length: 20_000 }, (_, index) => new Date(Date.UTC(2026, 0, 1) + index * 3_600_000).toISOString().replace(/[-:]|\.000/g, ''));
    const listed = refusal(event(...timed, `RDATE:${dates.join(',')}`));
    expect(listed.precondition).toBe('max-instances');
    expect(listed.message).toMatch(/20000 RDATE values/);
    expect(parse(event(...timed, `RDATE:${dates.slice(0, 5_000).join(',')}`)).lastOccurrence).toEqual(new Date('2026-07-28T08:00:00Z'));
  });

  test('SECONDLY and MINUTELY rules without end, and BY-part storms, fail CALDAV:max-instances quickly', () => {
    const every = (unit: number) => Array.from({ length: unit }, (_, index) => index).join(',');
    for (const rule of [
      'FREQ=SECONDLY',
      'FREQ=MINUTELY',
      'FREQ=MINUTELY;UNTIL=20300101T000000Z',
      `FREQ=DAILY;BYHOUR=${every(24)};BYMINUTE=${every(60)};BYSECOND=${every(60)}`,
      `FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=${every(24)};BYMINUTE=0,30`,
      'FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30',
      'FREQ=MINUTELY;COUNT=9000;BYMONTH=2;BYMONTHDAY=29',
    ]) {
      let result: ReturnType<typeof refusal> | undefined;
      const seconds = cpuSeconds(() => {
        result = refusal(event(...timed, `RRULE:${rule}`));
      });
      expect(result?.precondition).toBe('max-instances');
      expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    }
  });

  test('an endless hourly series is accepted; a century of it is answered within the limit, expansion capped', () => {
    const text = event(...timed, 'RRULE:FREQ=HOURLY');
    expect(parse(text).lastOccurrence).toBeNull();
    const century = range('2026-01-01T00:00:00Z', '2126-01-01T00:00:00Z');
    let expanded = '';
    let matches = false;
    let busy: ReturnType<typeof busyPeriods> = [];
    const seconds = cpuSeconds(() => {
      expanded = renderCalendarData(text, expandRequest(century));
      matches = matchesCalendarFilter(text, eventsIn(century));
      busy = busyPeriods([text], century);
    });
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    // As many as fit in the expansion's time (a quarter of a second), and never more than the cap.
    expect(countOf(expanded, 'BEGIN:VEVENT')).toBeGreaterThan(100);
    expect(countOf(expanded, 'BEGIN:VEVENT')).toBeLessThanOrEqual(MAX_EXPANDED_INSTANCES);
    expect(matches).toBe(true);
    expect(busy.length).toBeGreaterThan(0);
  });

  test('an UNTIL in year 9999 behaves like an endless series, and a month of it far ahead is exact', () => {
    const text = event(...timed, 'RRULE:FREQ=DAILY;UNTIL=99991231T235959Z');
    const parsed = parse(text);
    expect(parsed.firstOccurrence).toEqual(new Date('2026-03-02T10:00:00Z'));
    expect(parsed.lastOccurrence).toBeNull();
    const month = range('8000-06-01T00:00:00Z', '8000-07-01T00:00:00Z');
    let expanded = '';
    const seconds = cpuSeconds(() => {
      expanded = renderCalendarData(text, expandRequest(month));
    });
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    expect(countOf(expanded, 'BEGIN:VEVENT')).toBe(30);
    expect(expanded).toContain('RECURRENCE-ID:80000601T100000Z');
  });

  test('monthly and yearly series from centuries ago are expanded from the window, not from their start', () => {
    const monthly = event('DTSTART:10000103T090000Z', 'DTEND:10000103T100000Z', 'RRULE:FREQ=MONTHLY;BYDAY=1MO,3MO');
    const yearly = event('DTSTART;VALUE=DATE:10000115', 'RRULE:FREQ=YEARLY;INTERVAL=3');
    expect(parse(monthly).lastOccurrence).toBeNull();
    const march = range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    const starts = (text: string, window: TimeRange) =>
      renderCalendarData(text, expandRequest(window))
        .split('\r\n')
        .filter((line) => line.startsWith('DTSTART'));
    expect(starts(monthly, march)).toEqual(['DTSTART:20260302T090000Z', 'DTSTART:20260316T090000Z']);
    // 1000 + 3k: 2026 is 1000 + 3 * 342.
    expect(starts(yearly, range('2025-01-01T00:00:00Z', '2028-01-01T00:00:00Z'))).toEqual(['DTSTART;VALUE=DATE:20260115']);
    // March 9999 begins on a Monday.
    expect(starts(monthly, range('9999-03-01T00:00:00Z', '9999-04-01T00:00:00Z'))).toEqual(['DTSTART:99990301T090000Z', 'DTSTART:99990315T090000Z']);
  });

  test('a monthly or yearly series started late gives exactly the dates it gives from its start (property)', () => {
    const pad = (value: number, length = 2) => String(value).padStart(length, '0');
    fc.assert(
      fc.property(
        fc.record({
          freq: fc.constantFrom('MONTHLY', 'YEARLY'),
          interval: fc.integer({ min: 1, max: 5 }),
          parts: fc.constantFrom('', ';BYDAY=1MO,3MO', ';BYDAY=-1FR', ';BYMONTHDAY=1,15,28', ';BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', ';BYMONTHDAY=-1', ';BYMONTH=2,8;BYDAY=2TU', ';BYMONTHDAY=31', ';BYMONTH=2;BYMONTHDAY=29'),
          year: fc.integer({ min: 1950, max: 1995 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 31 }),
          hour: fc.integer({ min: 0, max: 23 }),
          windowStart: fc.integer({ min: Date.UTC(2000, 0, 1) / 86_400_000, max: Date.UTC(2040, 0, 1) / 86_400_000 }).map((days) => days * 86_400_000),
          windowDays: fc.integer({ min: 1, max: 120 }),
        }),
        ({ freq, interval, parts, year, month, day: wantedDay, hour, windowStart, windowDays }) => {
          const day = Math.min(wantedDay, ICAL.Time.daysInMonth(month, year));
          const rule = `FREQ=${freq};INTERVAL=${interval}${parts}`;
          const start = `${pad(year, 4)}${pad(month)}${pad(day)}T${pad(hour)}0000Z`;
          const text = event(`DTSTART:${start}`, 'DURATION:PT1H', `RRULE:${rule}`);
          const window = { start: new Date(windowStart), end: new Date(windowStart + windowDays * 86_400_000) };
          // Every date from DTSTART, by ical.js alone.
          const expected: number[] = [];
          const dtstart = ICAL.Time.fromData({ year, month, day, hour, minute: 0, second: 0 }, ICAL.Timezone.utcTimezone);
          const iterator = ICAL.Recur.fromString(rule).iterator(dtstart);
          const first = iterator.next();
          // ical.js finds no date at all when DTSTART's month lacks the only BYMONTHDAY (31 in June, INTERVAL=5):
          // no oracle for those.
          fc.pre(first !== null);
          for (let next = first; next && next.toUnixTime() * 1000 < window.end.getTime(); next = iterator.next()) {
            const at = next.toUnixTime() * 1000;
            if (at + 3_600_000 > window.start.getTime()) expected.push(at);
          }
          const [set] = recurrenceSets(parseCalendarText(text).root);
          const found = [...overlappingInstances(set, window, new ExpansionBudget(QUERY_EXPANSION_STEPS))].map((instance) =>
            instance.start ? instance.start.toUnixTime() * 1000 : NaN,
          );
          expect(found).toEqual(expected);
        },
      ),
      {
        numRuns: 30,
        // Found by this property: a yearly series on 29 January moved ahead fell on 1 January.
        examples: [[{ freq: 'YEARLY', interval: 1, parts: '', year: 1950, month: 1, day: 29, hour: 0, windowStart: Date.UTC(2000, 0, 1), windowDays: 1 }]],
      },
    );
  });

  test('dates before 1000 or after 9999 fail CALDAV:min-date-time and max-date-time, never a server error', () => {
    expect(MIN_DATE_TIME.toISOString()).toBe('1000-01-01T00:00:00.000Z');
    expect(MAX_DATE_TIME.toISOString()).toBe('9999-12-31T23:59:59.000Z');
    for (const start of ['00010101T000000Z', '09991231T235959Z']) {
      expect(refusal(event(`DTSTART:${start}`, 'DURATION:PT1H')).precondition).toBe('min-date-time');
    }
    expect(refusal(event('DTSTART;VALUE=DATE:00010101', 'RRULE:FREQ=YEARLY')).precondition).toBe('min-date-time');
    expect(parse(event('DTSTART;VALUE=DATE:10000101', 'RRULE:FREQ=YEARLY')).fields.start).toBe('1000-01-01T00:00:00.000Z');
    const late = refusal(event('DTSTART:99991231T120000Z', 'DURATION:P2D'));
    expect(late.precondition).toBe('max-date-time');
    expect(late.message).toMatch(/after 9999-12-31/);
    // ical.js would add this duration month by month, for seconds.
    for (const line of ['DURATION:P99999999W', 'RDATE;VALUE=PERIOD:20260401T100000Z/P99999999W']) {
      let result: ReturnType<typeof refusal> | undefined;
      expect(cpuSeconds(() => (result = refusal(event(...timed.slice(0, 1), line))))).toBeLessThan(CPU_LIMIT_SECONDS);
      expect(result?.precondition).toBe('max-date-time');
      expect(result?.message).toMatch(/P99999999W is longer than the span of dates this server stores/);
    }
    expect(refusal(event('DTSTART:99991230T000000Z', 'DTEND:99991230T010000Z', 'RRULE:FREQ=DAILY;COUNT=5')).precondition).toBe('max-date-time');
    const lastDay = parse(event('DTSTART;VALUE=DATE:99991231', 'RRULE:FREQ=YEARLY'));
    expect(lastDay.fields.start).toBe('9999-12-31T00:00:00.000Z');
    expect(lastDay.lastOccurrence).toBeNull();
  });

  test('VTIMEZONEs whose rules would expand without end are refused before any time is computed', () => {
    const zone = (rule: string, dtstart = '19700329T020000') => [
      'BEGIN:VTIMEZONE',
      'TZID:Custom',
      'BEGIN:DAYLIGHT',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      `DTSTART:${dtstart}`,
      `RRULE:${rule}`,
      'END:DAYLIGHT',
      'END:VTIMEZONE',
    ];
    const withZone = (lines: string[]) =>
      ics('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//x//EN', ...lines, 'BEGIN:VEVENT', 'UID:tz', 'DTSTAMP:20260201T000000Z', 'DTSTART;TZID=Custom:20260302T100000', 'DURATION:PT1H', 'END:VEVENT', 'END:VCALENDAR');
    for (const [rule, expected] of [
      ['FREQ=SECONDLY', /RRULE recurs SECONDLY; time zone observances recur yearly/],
      ['FREQ=DAILY', /RRULE recurs DAILY/],
      ['FREQ=YEARLY;BYMONTH=3;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12', /more than 100 times in ten years/],
    ] as const) {
      let result: ReturnType<typeof refusal> | undefined;
      const seconds = cpuSeconds(() => {
        result = refusal(withZone(zone(rule)));
      });
      expect(result?.precondition).toBe('valid-calendar-data');
      expect(result?.message).toMatch(expected);
      expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    }
    // A yearly rule that never happens changes nothing, and costs nothing.
    let impossible: ReturnType<typeof parse> | undefined;
    expect(cpuSeconds(() => (impossible = parse(withZone(zone('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30')))))).toBeLessThan(CPU_LIMIT_SECONDS);
    expect(impossible?.firstOccurrence).not.toBeNull();
    // Outlook's zones start in 1601; this one is always at +02:00 once it began.
    const outlook = parse(withZone(zone('FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', '16010325T020000')));
    expect(outlook.firstOccurrence).toEqual(new Date('2026-03-02T08:00:00Z'));
  });
});

describe('deep nesting and thousands of overrides', () => {
  test(`components nested more than ${MAX_COMPONENT_DEPTH} deep are refused, even a hundred thousand levels`, () => {
    for (const levels of [300, 100_000]) {
      const begins = Array.from({ length: levels }, (_, index) => (index % 2 === 0 ? 'BEGIN:VALARM' : 'BEGIN:VEVENT'));
      const nested = [...begins, ...begins.map((line) => line.replace('BEGIN', 'END')).reverse()];
      let result: ReturnType<typeof refusal> | undefined;
      const seconds = cpuSeconds(() => {
        result = refusal(withLines(event(...timed), nested));
      });
      expect(result?.precondition).toBe('valid-calendar-data');
      expect(result?.message).toMatch(new RegExp(`components are nested more than ${MAX_COMPONENT_DEPTH} deep`));
      expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    }
  });

  test('a series with thousands of overrides is stored, queried, expanded and limited within the limit', () => {
    const count = 2_000;
    const overrides = movedOverrideLines('single@example.com', count);
    const text = event('DTSTART:20260101T100000Z', 'DTEND:20260101T110000Z', `RRULE:FREQ=DAILY;COUNT=${count}`).replace(
      'END:VCALENDAR',
      `${overrides.join('\r\n')}\r\nEND:VCALENDAR`,
    );
    const march = range('2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z');
    let parsed: ReturnType<typeof parse> | undefined;
    let expanded = '';
    let limited = '';
    const seconds = cpuSeconds(() => {
      parsed = parse(text);
      expanded = renderCalendarData(text, expandRequest(march));
      limited = renderCalendarData(text, { limitRecurrenceSet: march } as CalendarDataRequest);
    });
    expect(seconds).toBeLessThan(CPU_LIMIT_SECONDS);
    // The last override ends at 13:00 on the series' last day.
    expect(parsed?.lastOccurrence).toEqual(new Date(Date.UTC(2026, 0, 1, 13) + (count - 1) * 86_400_000));
    expect(countOf(expanded, 'BEGIN:VEVENT')).toBe(7);
    expect(expanded).toContain('SUMMARY:Moved 59');
    expect(countOf(limited, 'BEGIN:VEVENT')).toBe(8); // the master and the seven overrides in the week
  });
});
