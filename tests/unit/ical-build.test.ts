import {
  buildCalendarObject,
  CalendarObjectError,
  parseCalendarObject,
  type ComponentType,
  type EventFields,
} from '../../server/src/ical';
import {
  ALL_DAY_OFFSITE,
  APPLE_LUNCH,
  FLOATING_WAKE_UP,
  GOOGLE_WEEKLY_SYNC,
  propertiesOf,
  single,
  THUNDERBIRD_MEETING,
  THUNDERBIRD_TASK,
} from './ical-fixtures';

const all: ComponentType[] = ['VEVENT', 'VTODO', 'VJOURNAL'];
const fieldsOf = (text: string) => parseCalendarObject(text, { supportedComponents: all }).fields;
const now = new Date('2026-03-01T12:00:00Z');
const later = new Date('2026-03-05T08:30:00Z');

const blank: EventFields = {
  componentType: 'VEVENT',
  summary: null,
  description: null,
  location: null,
  url: null,
  start: null,
  end: null,
  allDay: false,
  timezone: null,
  rrule: null,
  exdates: null,
  eventStatus: null,
  categories: null,
};

/** Unfolded content lines. */
const contentLines = (text: string) =>
  text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((line) => line !== '');
/** The first `name` line of the event, task or journal (not of a VTIMEZONE). */
const line = (text: string, name: string) => {
  const lines = contentLines(text);
  const begin = lines.findIndex((candidate) => /^BEGIN:V(EVENT|TODO|JOURNAL)$/.test(candidate));
  const within = name === 'PRODID' ? lines : lines.slice(begin);
  return within.find((candidate) => candidate.startsWith(`${name}:`) || candidate.startsWith(`${name};`));
};

function expectWellFormed(text: string): void {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const physical of text.split('\r\n')) expect(Buffer.byteLength(physical, 'utf8')).toBeLessThanOrEqual(75);
}

describe('buildCalendarObject: a new object', () => {
  test('a recurring meeting in Berlin: complete, with its VTIMEZONE, and it reads back the same', () => {
    const fields: EventFields = {
      ...blank,
      summary: 'Quarterly planning',
      description: 'Agenda:\n1. Numbers\n2. Hiring, with a long line that needs folding because it goes on and on',
      location: 'Room 4.12, Münchner Straße',
      url: 'https://intranet.example.com/planning',
      start: '2026-03-02T08:00:00.000Z',
      end: '2026-03-02T09:30:00.000Z',
      timezone: 'Europe/Berlin',
      rrule: 'FREQ=MONTHLY;BYDAY=1MO',
      exdates: ['2026-05-04T07:00:00.000Z'],
      eventStatus: 'confirmed',
      categories: ['Work', 'Planning'],
    };
    const text = buildCalendarObject({ ...fields, uid: 'planning-2026@strapi' }, null, now);
    expectWellFormed(text);
    const lines = contentLines(text);
    expect(lines.slice(0, 4)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Strapi CalDAV//EN',
      'BEGIN:VTIMEZONE',
    ]);
    expect(lines.indexOf('BEGIN:VTIMEZONE')).toBeLessThan(lines.indexOf('BEGIN:VEVENT'));
    const event = lines.slice(lines.indexOf('BEGIN:VEVENT') + 1, lines.indexOf('END:VEVENT'));
    expect(event).toEqual([
      'UID:planning-2026@strapi',
      'DTSTAMP:20260301T120000Z',
      'CREATED:20260301T120000Z',
      'LAST-MODIFIED:20260301T120000Z',
      'SEQUENCE:0',
      'SUMMARY:Quarterly planning',
      'DTSTART;TZID=Europe/Berlin:20260302T090000',
      'DTEND;TZID=Europe/Berlin:20260302T103000',
      'RRULE:FREQ=MONTHLY;BYDAY=1MO',
      'EXDATE;TZID=Europe/Berlin:20260504T090000',
      'STATUS:CONFIRMED',
      'CATEGORIES:Work,Planning',
      'URL:https://intranet.example.com/planning',
      'LOCATION:Room 4.12\\, Münchner Straße',
      'DESCRIPTION:Agenda:\\n1. Numbers\\n2. Hiring\\, with a long line that needs folding because it goes on and on',
    ]);
    expect(fieldsOf(text)).toEqual(fields);
  });

  test('an all-day event: DATE values, exclusive end, DATE exdates', () => {
    const fields: EventFields = {
      ...blank,
      summary: 'Holidays',
      start: '2026-07-20T00:00:00.000Z',
      end: '2026-07-22T00:00:00.000Z',
      allDay: true,
      rrule: 'FREQ=YEARLY',
      exdates: ['2027-07-20'],
    };
    const text = buildCalendarObject({ ...fields, uid: 'holidays' }, null, now);
    expect(line(text, 'DTSTART')).toBe('DTSTART;VALUE=DATE:20260720');
    expect(line(text, 'DTEND')).toBe('DTEND;VALUE=DATE:20260722');
    expect(line(text, 'EXDATE')).toBe('EXDATE;VALUE=DATE:20270720');
    expect(text).not.toContain('VTIMEZONE');
    expect(fieldsOf(text)).toEqual(fields);
  });

  test('without a time zone: UTC', () => {
    const fields: EventFields = {
      ...blank,
      summary: 'Release',
      start: '2026-03-10T15:00:00.000Z',
      end: '2026-03-10T15:30:00.000Z',
    };
    const text = buildCalendarObject({ ...fields, uid: 'release' }, null, now);
    expect(line(text, 'DTSTART')).toBe('DTSTART:20260310T150000Z');
    expect(fieldsOf(text)).toEqual(fields);
  });

  test('a task: DUE instead of DTEND, STATUS with a hyphen', () => {
    const fields: EventFields = {
      ...blank,
      componentType: 'VTODO',
      summary: 'File tax return',
      end: '2026-04-15T16:00:00.000Z',
      eventStatus: 'needs_action',
    };
    const text = buildCalendarObject({ ...fields, uid: 'taxes' }, null, now);
    expect(text).toContain('BEGIN:VTODO');
    expect(line(text, 'DUE')).toBe('DUE:20260415T160000Z');
    expect(line(text, 'STATUS')).toBe('STATUS:NEEDS-ACTION');
    expect(text).not.toContain('DTEND');
    expect(fieldsOf(text)).toEqual(fields);
  });

  test('a journal entry has no end', () => {
    const fields: EventFields = {
      ...blank,
      componentType: 'VJOURNAL',
      summary: 'Minutes',
      start: '2026-03-02T00:00:00.000Z',
      allDay: true,
      eventStatus: 'final',
    };
    const text = buildCalendarObject({ ...fields, uid: 'minutes' }, null, now);
    expect(text).toContain('BEGIN:VJOURNAL');
    expect(fieldsOf(text)).toEqual(fields);
  });

  test('a rule reads back in the canonical order of its parts, and then stays as it is', () => {
    const input = {
      ...blank,
      start: '2026-03-02T08:00:00.000Z',
      rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10;INTERVAL=2',
      uid: 'rule',
    };
    const created = buildCalendarObject(input, null, now);
    const canonical = fieldsOf(created).rrule;
    expect(canonical).toBe('FREQ=WEEKLY;COUNT=10;INTERVAL=2;BYDAY=MO,WE');
    expect(buildCalendarObject({ ...input, rrule: canonical }, created, later)).toBe(created);
  });

  test('a recurrence rule that is not one is refused', () => {
    expect(() =>
      buildCalendarObject({ ...blank, start: '2026-03-02T08:00:00.000Z', rrule: 'every monday', uid: 'x' }, null, now),
    ).toThrow(CalendarObjectError);
  });
});

describe('buildCalendarObject: editing a stored object', () => {
  test('nothing changed: the stored text comes back byte for byte', () => {
    for (const text of [
      APPLE_LUNCH,
      GOOGLE_WEEKLY_SYNC,
      THUNDERBIRD_MEETING,
      THUNDERBIRD_TASK,
      ALL_DAY_OFFSITE,
      FLOATING_WAKE_UP,
    ]) {
      const object = parseCalendarObject(text, { supportedComponents: all });
      expect(buildCalendarObject({ ...object.fields, uid: object.uid }, text, later)).toBe(text);
    }
  });

  test('what a form sends for "nothing" changes nothing: empty texts and lists, a time zone on an all-day event', () => {
    const object = parseCalendarObject(ALL_DAY_OFFSITE, { supportedComponents: all });
    const fromForm = {
      ...object.fields,
      description: '',
      location: '',
      categories: [],
      exdates: [],
      timezone: 'Europe/Berlin',
      uid: object.uid,
    };
    expect(buildCalendarObject(fromForm, ALL_DAY_OFFSITE, later)).toBe(ALL_DAY_OFFSITE);
  });

  test('a new title on an Apple event keeps its X- properties, alarm and parameters, and its SEQUENCE', () => {
    const before = parseCalendarObject(APPLE_LUNCH, { supportedComponents: all });
    const text = buildCalendarObject(
      { ...before.fields, summary: 'Lunch with Anna and Ben', uid: before.uid },
      APPLE_LUNCH,
      later,
    );
    expectWellFormed(text);
    expect(fieldsOf(text)).toEqual({ ...before.fields, summary: 'Lunch with Anna and Ben' });
    for (const name of [
      'X-APPLE-STRUCTURED-LOCATION',
      'X-APPLE-TRAVEL-ADVISORY-BEHAVIOR',
      'X-APPLE-CREATOR-IDENTITY',
      'URL',
      'LOCATION',
      'DTSTART',
      'DTEND',
      'CREATED',
      'TRANSP',
    ]) {
      expect(propertiesOf(text, 'VEVENT', name)).toEqual(propertiesOf(APPLE_LUNCH, 'VEVENT', name));
    }
    for (const name of ['ACTION', 'TRIGGER', 'UID', 'X-WR-ALARMUID', 'X-APPLE-DEFAULT-ALARM', 'DESCRIPTION']) {
      expect(propertiesOf(text, 'VALARM', name)).toEqual(propertiesOf(APPLE_LUNCH, 'VALARM', name));
    }
    expect(line(text, 'SEQUENCE')).toBe('SEQUENCE:0');
    expect(line(text, 'DTSTAMP')).toBe('DTSTAMP:20260305T083000Z');
    expect(line(text, 'LAST-MODIFIED')).toBe('LAST-MODIFIED:20260305T083000Z');
    expect(line(text, 'PRODID')).toBe('PRODID:-//Apple Inc.//macOS 14.5//EN');
  });

  test('moving a meeting rewrites DTSTART/DTEND in its own zone and increments SEQUENCE', () => {
    const before = fieldsOf(THUNDERBIRD_MEETING);
    const moved = { ...before, start: '2026-03-02T12:00:00.000Z', end: '2026-03-02T13:30:00.000Z' };
    const text = buildCalendarObject(
      { ...moved, uid: '4d1c9a52-7d1e-4b8e-9a43-2f6f0c1d8e77' },
      THUNDERBIRD_MEETING,
      later,
    );
    expect(line(text, 'DTSTART')).toBe('DTSTART;TZID=Europe/Berlin:20260302T130000');
    expect(line(text, 'DTEND')).toBe('DTEND;TZID=Europe/Berlin:20260302T143000');
    expect(line(text, 'SEQUENCE')).toBe('SEQUENCE:1');
    expect(line(text, 'X-MOZ-GENERATION')).toBe('X-MOZ-GENERATION:2');
    expect(propertiesOf(text, 'VALARM', 'TRIGGER')).toEqual(propertiesOf(THUNDERBIRD_MEETING, 'VALARM', 'TRIGGER'));
    expect(fieldsOf(text)).toEqual(moved);
  });

  const sequenceAfter = (change: Partial<EventFields>): string | undefined => {
    const object = parseCalendarObject(GOOGLE_WEEKLY_SYNC, { supportedComponents: all });
    const text = buildCalendarObject({ ...object.fields, ...change, uid: object.uid }, GOOGLE_WEEKLY_SYNC, later);
    expect(fieldsOf(text)).toEqual({ ...object.fields, ...change });
    return line(text, 'SEQUENCE');
  };

  test.each<[string, Partial<EventFields>]>([
    ['start', { start: '2026-03-02T13:45:00.000Z' }],
    ['end', { end: '2026-03-02T15:00:00.000Z' }],
    ['rrule', { rrule: 'FREQ=WEEKLY;COUNT=10;BYDAY=MO' }],
    ['exdates', { exdates: ['2026-03-16T13:00:00.000Z', '2026-04-06T13:00:00.000Z'] }],
    ['eventStatus', { eventStatus: 'tentative' }],
    ['timezone', { timezone: 'Europe/London' }],
  ])('changing %s increments SEQUENCE (RFC 5545 section 3.8.7.4)', (_, change) => {
    expect(sequenceAfter(change)).toBe('SEQUENCE:1');
  });

  test.each<[string, Partial<EventFields>]>([
    ['summary', { summary: 'Team sync (new room)' }],
    ['description', { description: 'Weekly sync, bring numbers' }],
    ['location', { location: 'Room 7' }],
    ['url', { url: 'https://meet.example.com/sync' }],
    ['categories', { categories: ['Team'] }],
  ])('changing %s leaves SEQUENCE alone', (_, change) => {
    expect(sequenceAfter(change)).toBe('SEQUENCE:0');
  });

  test('editing the master of a Google series keeps its attendees and its override untouched', () => {
    const object = parseCalendarObject(GOOGLE_WEEKLY_SYNC, { supportedComponents: all });
    const text = buildCalendarObject(
      { ...object.fields, summary: 'Team sync & lunch', uid: object.uid },
      GOOGLE_WEEKLY_SYNC,
      later,
    );
    expect(propertiesOf(text, 'VEVENT', 'ATTENDEE')).toEqual(propertiesOf(GOOGLE_WEEKLY_SYNC, 'VEVENT', 'ATTENDEE'));
    expect(propertiesOf(text, 'VEVENT', 'ORGANIZER')).toEqual(propertiesOf(GOOGLE_WEEKLY_SYNC, 'VEVENT', 'ORGANIZER'));
    const override = (calendar: string) => {
      const lines = contentLines(calendar);
      const begin = lines.lastIndexOf('BEGIN:VEVENT');
      return lines.slice(begin, lines.indexOf('END:VEVENT', begin) + 1);
    };
    expect(override(text)).toEqual(override(GOOGLE_WEEKLY_SYNC));
  });

  test('a new time zone brings its VTIMEZONE, placed before the event', () => {
    const before = fieldsOf(THUNDERBIRD_MEETING);
    const changed = { ...before, timezone: 'America/New_York' };
    const text = buildCalendarObject(
      { ...changed, uid: '4d1c9a52-7d1e-4b8e-9a43-2f6f0c1d8e77' },
      THUNDERBIRD_MEETING,
      later,
    );
    expect(line(text, 'DTSTART')).toBe('DTSTART;TZID=America/New_York:20260302T030000');
    const lines = contentLines(text);
    expect(lines.indexOf('TZID:America/New_York')).toBeGreaterThan(-1);
    expect(lines.indexOf('TZID:America/New_York')).toBeLessThan(lines.indexOf('BEGIN:VEVENT'));
    expect(fieldsOf(text)).toEqual(changed);
  });

  test('an IANA TZID the client left without VTIMEZONE gets one on the next edit', () => {
    const stored = single(
      'VEVENT',
      'DTSTART;TZID=Europe/Paris:20260302T090000',
      'DTEND;TZID=Europe/Paris:20260302T100000',
      'SUMMARY:Paris',
    );
    const object = parseCalendarObject(stored, { supportedComponents: all });
    const text = buildCalendarObject({ ...object.fields, summary: 'Paris trip', uid: object.uid }, stored, later);
    expect(contentLines(text)).toContain('TZID:Europe/Paris');
    expect(fieldsOf(text)).toEqual({ ...object.fields, summary: 'Paris trip' });
  });

  test('a floating event stays floating when moved', () => {
    const before = fieldsOf(FLOATING_WAKE_UP);
    const moved = { ...before, start: '2026-03-11T07:00:00.000Z', end: '2026-03-11T07:30:00.000Z' };
    const text = buildCalendarObject({ ...moved, uid: 'wake-up@example.com' }, FLOATING_WAKE_UP, later);
    expect(line(text, 'DTSTART')).toBe('DTSTART:20260311T070000');
    // moved as a whole: the DURATION still holds
    expect(line(text, 'DURATION')).toBe('DURATION:PT30M');
    expect(fieldsOf(text)).toEqual(moved);
  });

  test('a new end for an event with DURATION becomes a DTEND', () => {
    const before = fieldsOf(FLOATING_WAKE_UP);
    const longer = { ...before, end: '2026-03-10T09:00:00.000Z' };
    const text = buildCalendarObject({ ...longer, uid: 'wake-up@example.com' }, FLOATING_WAKE_UP, later);
    expect(line(text, 'DTEND')).toBe('DTEND:20260310T090000');
    expect(text).not.toContain('DURATION');
    expect(fieldsOf(text)).toEqual(longer);
  });

  test('turning a timed event into an all-day one rewrites start, end and exdates as dates', () => {
    const before = fieldsOf(GOOGLE_WEEKLY_SYNC);
    const allDay = {
      ...before,
      allDay: true,
      timezone: null,
      start: '2026-03-02T00:00:00.000Z',
      end: '2026-03-03T00:00:00.000Z',
      exdates: ['2026-03-16'],
    };
    const text = buildCalendarObject({ ...allDay, uid: '7kq0d3r1hb2m5n8p@google.com' }, GOOGLE_WEEKLY_SYNC, later);
    expect(line(text, 'DTSTART')).toBe('DTSTART;VALUE=DATE:20260302');
    expect(line(text, 'EXDATE')).toBe('EXDATE;VALUE=DATE:20260316');
    expect(fieldsOf(text)).toEqual(allDay);
  });

  test('clearing a field removes its property; a task edit keeps its alarm', () => {
    const before = fieldsOf(THUNDERBIRD_TASK);
    const text = buildCalendarObject(
      { ...before, summary: 'File tax return (with receipts)', uid: 'task-taxes-2026' },
      THUNDERBIRD_TASK,
      later,
    );
    expect(propertiesOf(text, 'VALARM', 'TRIGGER')).toEqual([['trigger', { related: 'END' }, 'duration', '-PT1H']]);
    const cleared = buildCalendarObject(
      {
        ...fieldsOf(THUNDERBIRD_MEETING),
        location: null,
        categories: null,
        uid: '4d1c9a52-7d1e-4b8e-9a43-2f6f0c1d8e77',
      },
      THUNDERBIRD_MEETING,
      later,
    );
    expect(cleared).not.toContain('LOCATION');
    expect(cleared).not.toContain('CATEGORIES');
  });
});
