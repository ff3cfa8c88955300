/**
 * Calendar objects as clients write them, for the iCalendar layer's tests.
 */
import ICAL from 'ical.js';

/** Lines joined with CRLF, ending with CRLF, as clients send them. */
export const ics = (...lines: string[]): string => lines.join('\r\n') + '\r\n';

export const BERLIN_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19810329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19961027T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

export const NEW_YORK_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'X-LIC-LOCATION:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'TZNAME:EDT',
  'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'TZNAME:EST',
  'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** Thunderbird: a timed meeting in Berlin with a reminder. */
export const THUNDERBIRD_MEETING = ics(
  'BEGIN:VCALENDAR',
  'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN',
  'VERSION:2.0',
  ...BERLIN_VTIMEZONE,
  'BEGIN:VEVENT',
  'CREATED:20260210T091500Z',
  'LAST-MODIFIED:20260210T091700Z',
  'DTSTAMP:20260210T091700Z',
  'UID:4d1c9a52-7d1e-4b8e-9a43-2f6f0c1d8e77',
  'SUMMARY:Quarterly planning',
  'STATUS:CONFIRMED',
  'CATEGORIES:Work,Planning',
  'DTSTART;TZID=Europe/Berlin:20260302T090000',
  'DTEND;TZID=Europe/Berlin:20260302T103000',
  'LOCATION:Room 4.12',
  'DESCRIPTION:Agenda:\\n1. Numbers\\n2. Hiring',
  'X-MOZ-GENERATION:2',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'TRIGGER;VALUE=DURATION:-PT15M',
  'DESCRIPTION:Default Mozilla Description',
  'END:VALARM',
  'END:VEVENT',
  'END:VCALENDAR',
);

/** Apple Calendar: X-APPLE properties, a structured location, a default alarm. */
export const APPLE_LUNCH = ics(
  'BEGIN:VCALENDAR',
  'CALSCALE:GREGORIAN',
  'PRODID:-//Apple Inc.//macOS 14.5//EN',
  'VERSION:2.0',
  ...BERLIN_VTIMEZONE,
  'BEGIN:VEVENT',
  'CREATED:20260220T101500Z',
  'DTEND;TZID=Europe/Berlin:20260305T143000',
  'DTSTAMP:20260220T101512Z',
  'DTSTART;TZID=Europe/Berlin:20260305T130000',
  'LAST-MODIFIED:20260220T101510Z',
  'LOCATION:Café Einstein\\nKurfürstenstraße 58\\, 10785 Berlin',
  'SEQUENCE:0',
  'SUMMARY:Lunch with Anna',
  'TRANSP:OPAQUE',
  'UID:6F3A1C2E-8B4D-4E21-9C55-0A1B2C3D4E5F',
  'URL;VALUE=URI:https://example.com/lunch',
  'X-APPLE-CREATOR-IDENTITY:com.apple.calendar',
  'X-APPLE-CREATOR-TEAM-IDENTITY:0000000000',
  'X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS="Kurfürstenstraße 58, 10785 Be',
  ' rlin, Germany";X-APPLE-RADIUS=70.5;X-TITLE="Café Einstein":geo:52.502,13.355',
  'X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'DESCRIPTION:Reminder',
  'TRIGGER:-PT15M',
  'UID:8E3C0E7A-1D2B-4F6A-9B1C-2D3E4F5A6B7C',
  'X-APPLE-DEFAULT-ALARM:TRUE',
  'X-WR-ALARMUID:8E3C0E7A-1D2B-4F6A-9B1C-2D3E4F5A6B7C',
  'END:VALARM',
  'END:VEVENT',
  'END:VCALENDAR',
);

/**
 * Google Calendar: a weekly sync in New York from Monday 2 March 2026 (US clocks change on 8 March), without
 * 16 March, the 23 March instance moved to Wednesday 25 March, with attendees.
 */
export const GOOGLE_WEEKLY_SYNC = ics(
  'BEGIN:VCALENDAR',
  'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
  'VERSION:2.0',
  'CALSCALE:GREGORIAN',
  ...NEW_YORK_VTIMEZONE,
  'BEGIN:VEVENT',
  'DTSTART;TZID=America/New_York:20260302T090000',
  'DTEND;TZID=America/New_York:20260302T093000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO',
  'EXDATE;TZID=America/New_York:20260316T090000',
  'DTSTAMP:20260301T000000Z',
  'ORGANIZER;CN=Dana Lee:mailto:dana@example.com',
  'UID:7kq0d3r1hb2m5n8p@google.com',
  'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Dana Lee;X',
  ' -NUM-GUESTS=0:mailto:dana@example.com',
  'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=Sam O',
  ' rtiz;X-NUM-GUESTS=0:mailto:sam@example.com',
  'CREATED:20260220T000000Z',
  'DESCRIPTION:Weekly sync',
  'LAST-MODIFIED:20260220T000000Z',
  'SEQUENCE:0',
  'STATUS:CONFIRMED',
  'SUMMARY:Team sync',
  'TRANSP:OPAQUE',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'DTSTART;TZID=America/New_York:20260325T140000',
  'DTEND;TZID=America/New_York:20260325T143000',
  'DTSTAMP:20260301T000000Z',
  'UID:7kq0d3r1hb2m5n8p@google.com',
  'RECURRENCE-ID;TZID=America/New_York:20260323T090000',
  'CREATED:20260220T000000Z',
  'LAST-MODIFIED:20260301T000000Z',
  'SEQUENCE:1',
  'STATUS:CONFIRMED',
  'SUMMARY:Team sync (moved to Wednesday)',
  'TRANSP:OPAQUE',
  'END:VEVENT',
  'END:VCALENDAR',
);

/** An all-day, two-day event (DTEND is exclusive). */
export const ALL_DAY_OFFSITE = ics(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Apple Inc.//iOS 17.4//EN',
  'BEGIN:VEVENT',
  'UID:offsite-2026@example.com',
  'DTSTAMP:20260201T080000Z',
  'DTSTART;VALUE=DATE:20260312',
  'DTEND;VALUE=DATE:20260314',
  'SUMMARY:Team offsite',
  'TRANSP:TRANSPARENT',
  'END:VEVENT',
  'END:VCALENDAR',
);

/** A floating time: 08:00 wherever the reader is. */
export const FLOATING_WAKE_UP = ics(
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Example//Floating//EN',
  'BEGIN:VEVENT',
  'UID:wake-up@example.com',
  'DTSTAMP:20260201T080000Z',
  'DTSTART:20260310T080000',
  'DURATION:PT30M',
  'SUMMARY:Morning run',
  'END:VEVENT',
  'END:VCALENDAR',
);

/** Thunderbird task with a due date and an alarm an hour before it. */
export const THUNDERBIRD_TASK = ics(
  'BEGIN:VCALENDAR',
  'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN',
  'VERSION:2.0',
  ...BERLIN_VTIMEZONE,
  'BEGIN:VTODO',
  'CREATED:20260301T100000Z',
  'LAST-MODIFIED:20260301T100000Z',
  'DTSTAMP:20260301T100000Z',
  'UID:task-taxes-2026',
  'SUMMARY:File tax return',
  'STATUS:NEEDS-ACTION',
  'PRIORITY:1',
  'DUE;TZID=Europe/Berlin:20260415T180000',
  'X-MOZ-GENERATION:1',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'TRIGGER;RELATED=END:-PT1H',
  'DESCRIPTION:Taxes are due',
  'END:VALARM',
  'END:VTODO',
  'END:VCALENDAR',
);

/** A weekly series in UTC from Monday 2 March 2026, 10:00-11:00, with the given extra lines on the master. */
export function weeklySeries(ruleLines: string[], ...overrides: string[][]): string {
  return ics(
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example//Tests//EN',
    'BEGIN:VEVENT',
    'UID:weekly@example.com',
    'DTSTAMP:20260201T000000Z',
    'DTSTART:20260302T100000Z',
    'DTEND:20260302T110000Z',
    'SUMMARY:Weekly review',
    ...ruleLines,
    'END:VEVENT',
    ...overrides.flatMap((lines) => [
      'BEGIN:VEVENT',
      'UID:weekly@example.com',
      'DTSTAMP:20260201T000000Z',
      ...lines,
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
  );
}

/** A single component of the given type with the given lines, in a minimal valid calendar. */
export function single(type: 'VEVENT' | 'VTODO' | 'VJOURNAL', ...lines: string[]): string {
  return ics(
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example//Tests//EN',
    `BEGIN:${type}`,
    'UID:single@example.com',
    'DTSTAMP:20260201T000000Z',
    ...lines,
    `END:${type}`,
    'END:VCALENDAR',
  );
}

/**
 * What ical.js reads from every `name` property of the first `componentName` component: name, parameters, type and
 * values, the parts a client relies on (not the line layout, which folding and parameter order may change).
 */
export function propertiesOf(text: string, componentName: string, name: string): unknown[] {
  const root = new ICAL.Component(ICAL.parse(text.replace(/^\uFEFF/, '')) as unknown[]);
  const find = (component: ICAL.Component): ICAL.Component | null =>
    component.name === componentName.toLowerCase()
      ? component
      : component.getAllSubcomponents().reduce<ICAL.Component | null>((found, child) => found ?? find(child), null);
  const component = find(root);
  return component
    ? component.getAllProperties(name.toLowerCase()).map((property) => property.toJSON() as unknown)
    : [];
}

/**
 * The lines of `count` overrides (RECURRENCE-ID components) of the daily series `uid` that starts 2026-01-01 at
 * 10:00 UTC: each occurrence moved to 12:00-13:00 and renamed "Moved <index>".
 */
export function movedOverrideLines(uid: string, count: number): string[] {
  const day = (index: number) => new Date(Date.UTC(2026, 0, 1) + index * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  return Array.from({ length: count }, (_, index) => [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20260201T000000Z',
    `RECURRENCE-ID:${day(index)}T100000Z`,
    `DTSTART:${day(index)}T120000Z`,
    `DTEND:${day(index)}T130000Z`,
    `SUMMARY:Moved ${index}`,
    'END:VEVENT',
  ]).flat();
}
