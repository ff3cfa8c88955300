import { parseCalendarObject, timezoneIdOfCalendar, vtimezoneFor } from '../../server/src/ical';
import { ics, NEW_YORK_VTIMEZONE } from './ical-fixtures';

describe('vtimezoneFor', () => {
  test('an IANA name: a VTIMEZONE block with CRLF line endings and that TZID', () => {
    const block = vtimezoneFor('Europe/Berlin');
    expect(block).not.toBeNull();
    const lines = (block as string).split('\r\n');
    expect(lines[0]).toBe('BEGIN:VTIMEZONE');
    expect(lines).toContain('TZID:Europe/Berlin');
    expect(lines).toContain('TZOFFSETTO:+0200');
    expect(lines.at(-2)).toBe('END:VTIMEZONE');
    expect(lines.at(-1)).toBe('');
    expect((block as string).replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  test('an alias keeps the name the event uses as TZID', () => {
    expect(vtimezoneFor('US/Eastern')?.split('\r\n')).toContain('TZID:US/Eastern');
  });

  test('unknown names: null', () => {
    expect(vtimezoneFor('Mars/Olympus_Mons')).toBeNull();
    expect(vtimezoneFor('W. Europe Standard Time')).toBeNull();
  });

  test('a block it gives makes an event in that zone read correctly', () => {
    const text = ics(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Example//Tests//EN',
      (vtimezoneFor('Asia/Tokyo') as string).trimEnd(),
      'BEGIN:VEVENT',
      'UID:tokyo',
      'DTSTAMP:20260201T000000Z',
      'DTSTART;TZID=Asia/Tokyo:20260302T090000',
      'END:VEVENT',
      'END:VCALENDAR',
    );
    expect(parseCalendarObject(text, { supportedComponents: ['VEVENT'] }).fields.start).toBe(
      '2026-03-02T00:00:00.000Z',
    );
  });
});

describe('timezoneIdOfCalendar (a CALDAV:calendar-timezone value)', () => {
  const calendarTimezone = (...zone: string[]) =>
    ics('BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example//Tests//EN', ...zone, 'END:VCALENDAR');

  test('the TZID of its one VTIMEZONE', () => {
    expect(timezoneIdOfCalendar(calendarTimezone(...NEW_YORK_VTIMEZONE))).toBe('America/New_York');
  });

  test('a non-IANA TZID maps through X-LIC-LOCATION', () => {
    const renamed = NEW_YORK_VTIMEZONE.map((line) =>
      line === 'TZID:America/New_York' ? 'TZID:Eastern Standard Time' : line,
    );
    expect(timezoneIdOfCalendar(calendarTimezone(...renamed))).toBe('America/New_York');
  });

  test('not iCalendar, or not exactly one VTIMEZONE: null', () => {
    expect(timezoneIdOfCalendar('Europe/Berlin')).toBeNull();
    expect(timezoneIdOfCalendar(calendarTimezone())).toBeNull();
    expect(timezoneIdOfCalendar(calendarTimezone(...NEW_YORK_VTIMEZONE, ...NEW_YORK_VTIMEZONE))).toBeNull();
  });
});
