import {
  CalendarObjectError,
  parseCalendarObject,
  type CalendarPrecondition,
  type ComponentType,
} from '../../server/src/ical';
import { occurrenceSpan } from '../../server/src/ical/calendar-object';
import { parseCalendarText } from '../../server/src/ical/document';
import { recurrenceSets } from '../../server/src/ical/occurrences';
import {
  ALL_DAY_OFFSITE,
  APPLE_LUNCH,
  BERLIN_VTIMEZONE,
  FLOATING_WAKE_UP,
  GOOGLE_WEEKLY_SYNC,
  ics,
  single,
  THUNDERBIRD_MEETING,
  THUNDERBIRD_TASK,
  weeklySeries,
} from './ical-fixtures';

const all: ComponentType[] = ['VEVENT', 'VTODO', 'VJOURNAL'];
const parse = (text: string, supportedComponents: ComponentType[] = all) =>
  parseCalendarObject(text, { supportedComponents });

function refusal(
  text: string,
  supportedComponents: ComponentType[] = all,
): { precondition: CalendarPrecondition; message: string } {
  try {
    parse(text, supportedComponents);
  } catch (error) {
    if (error instanceof CalendarObjectError) return { precondition: error.precondition, message: error.message };
    throw error;
  }
  throw new Error('the object was accepted');
}

const meetingLines = [
  'UID:meeting@example.com',
  'DTSTAMP:20260201T000000Z',
  'DTSTART:20260302T100000Z',
  'DTEND:20260302T110000Z',
  'SUMMARY:Meeting',
];
const calendarWith = (...componentLines: string[]) =>
  ics('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Tests//EN', ...componentLines, 'END:VCALENDAR');
const event = (...lines: string[]) => ['BEGIN:VEVENT', ...lines, 'END:VEVENT'];

describe('what clients send is accepted', () => {
  test('the reference event is valid (every refusal below changes one thing in it)', () => {
    expect(parse(calendarWith(...event(...meetingLines))).uid).toBe('meeting@example.com');
  });

  test('a byte order mark, LF-only line endings and a missing PRODID', () => {
    const text =
      '\uFEFF' + ['BEGIN:VCALENDAR', 'VERSION:2.0', ...event(...meetingLines), 'END:VCALENDAR', ''].join('\n');
    expect(parse(text).fields.summary).toBe('Meeting');
  });

  test('an IANA TZID without a VTIMEZONE, read with the real zone rules', () => {
    const text = single('VEVENT', 'DTSTART;TZID=America/New_York:20260302T090000', 'DURATION:PT1H');
    const object = parse(text);
    expect(object.fields.start).toBe('2026-03-02T14:00:00.000Z');
    expect(object.fields.timezone).toBe('America/New_York');
  });

  test.each([
    ['Thunderbird', THUNDERBIRD_MEETING],
    ['Apple Calendar', APPLE_LUNCH],
    ['Google Calendar', GOOGLE_WEEKLY_SYNC],
    ['an all-day event', ALL_DAY_OFFSITE],
    ['a floating event', FLOATING_WAKE_UP],
    ['a Thunderbird task', THUNDERBIRD_TASK],
  ])('%s', (_, text) => {
    expect(() => parse(text)).not.toThrow();
  });
});

describe('preconditions (RFC 4791 section 5.3.2)', () => {
  test.each<[string, string, CalendarPrecondition, RegExp]>([
    ['text that is not iCalendar', 'Hello, this is not a calendar\r\n', 'valid-calendar-data', /not valid iCalendar/],
    [
      'a component that never ends',
      ics('BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', ...meetingLines),
      'valid-calendar-data',
      /not valid iCalendar/,
    ],
    ['an empty body', '', 'valid-calendar-data', /empty/],
    ['a VEVENT without VCALENDAR', ics(...event(...meetingLines)), 'valid-calendar-data', /VEVENT, not a VCALENDAR/],
    [
      'no VERSION',
      ics('BEGIN:VCALENDAR', 'PRODID:-//Example//Tests//EN', ...event(...meetingLines), 'END:VCALENDAR'),
      'valid-calendar-data',
      /no VERSION/,
    ],
    [
      'vCalendar 1.0',
      ics('BEGIN:VCALENDAR', 'VERSION:1.0', ...event(...meetingLines), 'END:VCALENDAR'),
      'valid-calendar-data',
      /VERSION is "1.0"/,
    ],
    ['a VEVENT without UID', calendarWith(...event(...meetingLines.slice(1))), 'valid-calendar-data', /no UID/],
    [
      'an event that ends before it starts',
      calendarWith(...event(...meetingLines.slice(0, 3), 'DTEND:20260302T090000Z')),
      'valid-calendar-data',
      /ends .* before it starts/,
    ],
    [
      'an RRULE with an unknown frequency',
      calendarWith(...event(...meetingLines, 'RRULE:FREQ=FORTNIGHTLY')),
      'valid-calendar-data',
      /FORTNIGHTLY/,
    ],
    [
      'an RRULE without FREQ',
      calendarWith(...event(...meetingLines, 'RRULE:BYDAY=MO;COUNT=3')),
      'valid-calendar-data',
      /FREQ/,
    ],
    [
      'an RRULE ical.js refuses to iterate',
      calendarWith(...event(...meetingLines, 'RRULE:FREQ=DAILY;BYYEARDAY=40')),
      'valid-calendar-data',
      /BYYEARDAY/,
    ],
    [
      'a TZID that is neither defined nor an IANA name',
      calendarWith(
        ...event(...meetingLines.slice(0, 2), 'DTSTART;TZID=Mars/Olympus_Mons:20260302T100000', 'SUMMARY:Meeting'),
      ),
      'valid-calendar-data',
      /Mars\/Olympus_Mons/,
    ],
    [
      'a date that is not a date',
      calendarWith(...event(...meetingLines.slice(0, 2), 'DTSTART:2026-03-02 10:00', 'SUMMARY:Meeting')),
      'valid-calendar-data',
      /DTSTART/,
    ],
    [
      'a VEVENT without DTSTART',
      calendarWith(...event('UID:meeting@example.com', 'DTSTAMP:20260201T000000Z', 'SUMMARY:Meeting')),
      'valid-calendar-data',
      /no DTSTART/,
    ],
    [
      'both DTEND and DURATION',
      calendarWith(...event(...meetingLines, 'DURATION:PT1H')),
      'valid-calendar-data',
      /both DTEND and DURATION/,
    ],
    [
      'an event and a task',
      calendarWith(
        ...event(...meetingLines),
        'BEGIN:VTODO',
        'UID:meeting@example.com',
        'DTSTAMP:20260201T000000Z',
        'END:VTODO',
      ),
      'valid-calendar-object-resource',
      /mixes component types/,
    ],
    [
      'only a VTIMEZONE',
      calendarWith(...BERLIN_VTIMEZONE),
      'valid-calendar-object-resource',
      /no VEVENT, VTODO or VJOURNAL/,
    ],
    [
      'two UIDs',
      calendarWith(...event(...meetingLines), ...event('UID:other@example.com', ...meetingLines.slice(1))),
      'valid-calendar-object-resource',
      /different UIDs/,
    ],
    [
      'two masters',
      calendarWith(...event(...meetingLines), ...event(...meetingLines)),
      'valid-calendar-object-resource',
      /only one can be the master/,
    ],
    [
      'two overrides of the same instance',
      calendarWith(
        ...event(...meetingLines, 'RRULE:FREQ=DAILY;COUNT=5'),
        ...event(...meetingLines.slice(0, 2), 'RECURRENCE-ID:20260303T100000Z', 'DTSTART:20260303T120000Z'),
        ...event(...meetingLines.slice(0, 2), 'RECURRENCE-ID:20260303T100000Z', 'DTSTART:20260303T150000Z'),
      ),
      'valid-calendar-object-resource',
      /same instance/,
    ],
    [
      'a scheduling METHOD',
      ics(
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Example//Tests//EN',
        'METHOD:REQUEST',
        ...event(...meetingLines),
        'END:VCALENDAR',
      ),
      'valid-calendar-object-resource',
      /METHOD/,
    ],
    [
      'a VFREEBUSY',
      calendarWith(
        ...event(...meetingLines),
        'BEGIN:VFREEBUSY',
        'UID:meeting@example.com',
        'DTSTAMP:20260201T000000Z',
        'FREEBUSY:20260302T100000Z/PT1H',
        'END:VFREEBUSY',
      ),
      'valid-calendar-object-resource',
      /VFREEBUSY/,
    ],
    [
      'two calendars in one resource',
      calendarWith(...event(...meetingLines)) + calendarWith(...event(...meetingLines)),
      'valid-calendar-object-resource',
      /2 iCalendar objects/,
    ],
  ])('%s', (_, text, precondition, message) => {
    const answer = refusal(text);
    expect(answer.precondition).toBe(precondition);
    expect(answer.message).toMatch(message);
  });

  test('a task in a calendar that only takes events', () => {
    const answer = refusal(THUNDERBIRD_TASK, ['VEVENT']);
    expect(answer).toEqual({
      precondition: 'supported-calendar-component',
      message: 'This calendar does not accept VTODO components (it accepts VEVENT)',
    });
    expect(parse(THUNDERBIRD_TASK, ['VEVENT', 'VTODO']).componentType).toBe('VTODO');
  });

  test('a rule that never produces a second date is readable, and accepted', () => {
    const text = calendarWith(...event(...meetingLines, 'RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30'));
    const started = Date.now();
    expect(parse(text).lastOccurrence).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('fields', () => {
  test('a timed meeting in Berlin (Thunderbird)', () => {
    const object = parse(THUNDERBIRD_MEETING);
    expect(object.uid).toBe('4d1c9a52-7d1e-4b8e-9a43-2f6f0c1d8e77');
    expect(object.fields).toEqual({
      componentType: 'VEVENT',
      summary: 'Quarterly planning',
      description: 'Agenda:\n1. Numbers\n2. Hiring',
      location: 'Room 4.12',
      url: null,
      start: '2026-03-02T08:00:00.000Z',
      end: '2026-03-02T09:30:00.000Z',
      allDay: false,
      timezone: 'Europe/Berlin',
      rrule: null,
      exdates: null,
      eventStatus: 'confirmed',
      categories: ['Work', 'Planning'],
    });
  });

  test('an all-day event: dates at 00:00Z, the end exclusive, no time zone', () => {
    const { fields } = parse(ALL_DAY_OFFSITE);
    expect(fields).toMatchObject({
      start: '2026-03-12T00:00:00.000Z',
      end: '2026-03-14T00:00:00.000Z',
      allDay: true,
      timezone: null,
    });
  });

  test('a floating event: its wall time read as UTC, no time zone, the end from DURATION', () => {
    const { fields } = parse(FLOATING_WAKE_UP);
    expect(fields).toMatchObject({
      start: '2026-03-10T08:00:00.000Z',
      end: '2026-03-10T08:30:00.000Z',
      allDay: false,
      timezone: null,
    });
  });

  test('a task: DUE is its end (Berlin summer time in April)', () => {
    const object = parse(THUNDERBIRD_TASK);
    expect(object.componentType).toBe('VTODO');
    expect(object.fields).toMatchObject({
      componentType: 'VTODO',
      summary: 'File tax return',
      start: null,
      end: '2026-04-15T16:00:00.000Z',
      timezone: null,
      eventStatus: 'needs_action',
    });
  });

  test('an Apple event: escaped text unescaped, X- properties and the alarm do not get in the way', () => {
    const { fields } = parse(APPLE_LUNCH);
    expect(fields).toMatchObject({
      summary: 'Lunch with Anna',
      location: 'Café Einstein\nKurfürstenstraße 58, 10785 Berlin',
      url: 'https://example.com/lunch',
      start: '2026-03-05T12:00:00.000Z',
      end: '2026-03-05T13:30:00.000Z',
      timezone: 'Europe/Berlin',
      eventStatus: null,
      categories: null,
    });
  });

  test('a recurring Google event: fields of the master, EXDATE as instants', () => {
    const { fields } = parse(GOOGLE_WEEKLY_SYNC);
    expect(fields).toMatchObject({
      summary: 'Team sync',
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      exdates: ['2026-03-16T13:00:00.000Z'],
      start: '2026-03-02T14:00:00.000Z',
      timezone: 'America/New_York',
      eventStatus: 'confirmed',
    });
  });

  test('only an override stored (an invitation to one instance): its fields are used', () => {
    const text = weeklySeries([])
      .replace('DTSTART:20260302T100000Z', 'RECURRENCE-ID:20260309T100000Z\r\nDTSTART:20260310T100000Z')
      .replace('DTEND:20260302T110000Z', 'DTEND:20260310T110000Z');
    expect(parse(text).fields.start).toBe('2026-03-10T10:00:00.000Z');
  });

  test('DATE exdates stay dates', () => {
    const text = single(
      'VEVENT',
      'DTSTART;VALUE=DATE:20260302',
      'RRULE:FREQ=DAILY;COUNT=5',
      'EXDATE;VALUE=DATE:20260303,20260305',
    );
    expect(parse(text).fields.exdates).toEqual(['2026-03-03', '2026-03-05']);
  });

  test('time zone names: Outlook names stay unnamed, Mozilla prefixes and X-LIC-LOCATION map to IANA', () => {
    const outlook = ics(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:Microsoft Exchange Server 2010',
      'BEGIN:VTIMEZONE',
      'TZID:W. Europe Standard Time',
      'BEGIN:STANDARD',
      'DTSTART:16010101T030000',
      'TZOFFSETFROM:+0200',
      'TZOFFSETTO:+0100',
      'RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10',
      'END:STANDARD',
      'BEGIN:DAYLIGHT',
      'DTSTART:16010101T020000',
      'TZOFFSETFROM:+0100',
      'TZOFFSETTO:+0200',
      'RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3',
      'END:DAYLIGHT',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:040000008200E00074C5B7101A82E008',
      'DTSTAMP:20260201T000000Z',
      'DTSTART;TZID=W. Europe Standard Time:20260302T090000',
      'DTEND;TZID=W. Europe Standard Time:20260302T100000',
      'SUMMARY:Outlook meeting',
      'END:VEVENT',
      'END:VCALENDAR',
    );
    expect(parse(outlook).fields).toMatchObject({ start: '2026-03-02T08:00:00.000Z', timezone: null });

    const mozilla = ics(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.0//EN',
      ...BERLIN_VTIMEZONE.map((line) =>
        line.replace('TZID:Europe/Berlin', 'TZID:/mozilla.org/20050126_1/Europe/Berlin'),
      ),
      'BEGIN:VEVENT',
      'UID:old-sunbird',
      'DTSTAMP:20260201T000000Z',
      'DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20260302T090000',
      'END:VEVENT',
      'END:VCALENDAR',
    );
    expect(parse(mozilla).fields).toMatchObject({ start: '2026-03-02T08:00:00.000Z', timezone: 'Europe/Berlin' });

    const licLocation = GOOGLE_WEEKLY_SYNC.replace(/America\/New_York(?=[:\r])/g, 'Eastern').replace(
      'X-LIC-LOCATION:Eastern',
      'X-LIC-LOCATION:America/New_York',
    );
    expect(parse(licLocation).fields).toMatchObject({
      start: '2026-03-02T14:00:00.000Z',
      timezone: 'America/New_York',
    });
  });

  test("an object's own VTIMEZONE is used, and does not leak into other objects", () => {
    // A (wrong, but the object's own) definition of Europe/Berlin as UTC+3 all year.
    const ownDefinition = ics(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Example//Tests//EN',
      'BEGIN:VTIMEZONE',
      'TZID:Europe/Berlin',
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      'TZOFFSETFROM:+0300',
      'TZOFFSETTO:+0300',
      'END:STANDARD',
      'END:VTIMEZONE',
      'BEGIN:VEVENT',
      'UID:own-zone',
      'DTSTAMP:20260201T000000Z',
      'DTSTART;TZID=Europe/Berlin:20260302T090000',
      'END:VEVENT',
      'END:VCALENDAR',
    );
    const withoutDefinition = single('VEVENT', 'DTSTART;TZID=Europe/Berlin:20260302T090000');
    expect(parse(ownDefinition).fields.start).toBe('2026-03-02T06:00:00.000Z');
    expect(parse(withoutDefinition).fields.start).toBe('2026-03-02T08:00:00.000Z');
    expect(parse(ownDefinition).fields.start).toBe('2026-03-02T06:00:00.000Z');
    expect(parse(THUNDERBIRD_MEETING).fields.start).toBe('2026-03-02T08:00:00.000Z');
  });
});

describe('occurrence bounds', () => {
  const bounds = (text: string) => {
    const object = parse(text);
    return { first: object.firstOccurrence?.toISOString() ?? null, last: object.lastOccurrence?.toISOString() ?? null };
  };

  test('a single timed event covers its start to its end', () => {
    expect(bounds(THUNDERBIRD_MEETING)).toEqual({
      first: '2026-03-02T08:00:00.000Z',
      last: '2026-03-02T09:30:00.000Z',
    });
  });

  test('a weekly series with COUNT ends with its last instance', () => {
    expect(bounds(weeklySeries(['RRULE:FREQ=WEEKLY;COUNT=4']))).toEqual({
      first: '2026-03-02T10:00:00.000Z',
      last: '2026-03-23T11:00:00.000Z',
    });
  });

  test('a weekly series with UNTIL', () => {
    expect(bounds(weeklySeries(['RRULE:FREQ=WEEKLY;UNTIL=20260330T100000Z']))).toEqual({
      first: '2026-03-02T10:00:00.000Z',
      last: '2026-03-30T11:00:00.000Z',
    });
  });

  test('an unbounded series has no last occurrence', () => {
    expect(bounds(weeklySeries(['RRULE:FREQ=WEEKLY;BYDAY=MO']))).toEqual({
      first: '2026-03-02T10:00:00.000Z',
      last: null,
    });
  });

  test('an override moved two weeks after the last instance widens the end', () => {
    const text = weeklySeries(
      ['RRULE:FREQ=WEEKLY;COUNT=4'],
      [
        'RECURRENCE-ID:20260323T100000Z',
        'DTSTART:20260406T100000Z',
        'DTEND:20260406T110000Z',
        'SUMMARY:Weekly review (postponed)',
      ],
    );
    expect(bounds(text)).toEqual({ first: '2026-03-02T10:00:00.000Z', last: '2026-04-06T11:00:00.000Z' });
  });

  test('an override moved before the series start widens the start', () => {
    const text = weeklySeries(
      ['RRULE:FREQ=WEEKLY;COUNT=4'],
      ['RECURRENCE-ID:20260302T100000Z', 'DTSTART:20260226T090000Z', 'DTEND:20260226T100000Z'],
    );
    expect(bounds(text)).toEqual({ first: '2026-02-26T09:00:00.000Z', last: '2026-03-23T11:00:00.000Z' });
  });

  test('an excluded first instance does not count', () => {
    expect(bounds(weeklySeries(['RRULE:FREQ=WEEKLY;COUNT=4', 'EXDATE:20260302T100000Z']))).toEqual({
      first: '2026-03-09T10:00:00.000Z',
      last: '2026-03-23T11:00:00.000Z',
    });
  });

  test('a series in a time zone keeps its wall time across the DST change', () => {
    const text = GOOGLE_WEEKLY_SYNC.replace('RRULE:FREQ=WEEKLY;BYDAY=MO', 'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5');
    // 2, 9, (16 excluded), 23 moved to 25, 30 March: the last is 09:00-09:30 EDT on the 30th
    expect(bounds(text)).toEqual({ first: '2026-03-02T14:00:00.000Z', last: '2026-03-30T13:30:00.000Z' });
  });

  test('floating times are widened by 14 hours both ways', () => {
    expect(bounds(FLOATING_WAKE_UP)).toEqual({ first: '2026-03-09T18:00:00.000Z', last: '2026-03-10T22:30:00.000Z' });
  });

  test('all-day events cover their dates, widened like floating times', () => {
    expect(bounds(ALL_DAY_OFFSITE)).toEqual({ first: '2026-03-11T10:00:00.000Z', last: '2026-03-14T14:00:00.000Z' });
  });

  test('an event without an end covers its start; a date without an end covers that day', () => {
    expect(bounds(single('VEVENT', 'DTSTART:20260302T100000Z'))).toEqual({
      first: '2026-03-02T10:00:00.000Z',
      last: '2026-03-02T10:00:00.000Z',
    });
    expect(bounds(single('VEVENT', 'DTSTART;VALUE=DATE:20260302'))).toEqual({
      first: '2026-03-01T10:00:00.000Z',
      last: '2026-03-03T14:00:00.000Z',
    });
  });

  test('tasks: DUE alone, no dates at all, only CREATED', () => {
    expect(bounds(THUNDERBIRD_TASK)).toEqual({ first: '2026-04-15T16:00:00.000Z', last: '2026-04-15T16:00:00.000Z' });
    expect(bounds(single('VTODO', 'SUMMARY:Someday'))).toEqual({ first: null, last: null });
    expect(bounds(single('VTODO', 'CREATED:20260301T090000Z'))).toEqual({
      first: '2026-03-01T09:00:00.000Z',
      last: null,
    });
  });

  test('a series with more instances than the expansion may produce is reported unbounded, not cut short', () => {
    // Far more than CALDAV:max-instances allows is refused outright (see ical-hostile tests).
    expect(() => bounds(weeklySeries(['RRULE:FREQ=MINUTELY;COUNT=500000']))).toThrow(/max-instances/);

    // The same limit reached while expanding (a small budget keeps the test quick).
    const daily = weeklySeries(['RRULE:FREQ=DAILY;UNTIL=20300101T000000Z']);
    const [set] = recurrenceSets(parseCalendarText(daily).root);
    expect(occurrenceSpan(set, 10_000).lastOccurrence?.toISOString()).toBe('2029-12-31T11:00:00.000Z');
    expect(occurrenceSpan(set, 1_000)).toEqual({
      firstOccurrence: new Date('2026-03-02T10:00:00Z'),
      lastOccurrence: null,
    });
  });
});
