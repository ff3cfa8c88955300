import type { TimeRange } from '../../server/src/dav/model';
import { busyPeriods, freeBusyCalendar, type BusyPeriod } from '../../server/src/ical';
import {
  ALL_DAY_OFFSITE,
  GOOGLE_WEEKLY_SYNC,
  ics,
  single,
  THUNDERBIRD_MEETING,
  THUNDERBIRD_TASK,
} from './ical-fixtures';

const range = (start: string, end: string): TimeRange => ({ start: new Date(start), end: new Date(end) });
const readable = (periods: BusyPeriod[]) =>
  periods.map((period) => `${period.type} ${period.start.toISOString()} ${period.end.toISOString()}`);

const event = (uid: string, ...lines: string[]) =>
  ics(
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example//Tests//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20260201T000000Z',
    ...lines,
    'END:VEVENT',
    'END:VCALENDAR',
  );

describe('busyPeriods (RFC 4791 section 7.10)', () => {
  const monday = range('2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z');

  test('opaque events are busy; transparent and cancelled ones are not; tentative ones are BUSY-TENTATIVE', () => {
    const texts = [
      THUNDERBIRD_MEETING, // 08:00-09:30Z, confirmed
      event(
        'lunch',
        'DTSTART:20260302T120000Z',
        'DTEND:20260302T130000Z',
        'TRANSP:TRANSPARENT',
        'SUMMARY:Lunch (free)',
      ),
      event('cancelled', 'DTSTART:20260302T140000Z', 'DTEND:20260302T150000Z', 'STATUS:CANCELLED'),
      event('maybe', 'DTSTART:20260302T160000Z', 'DTEND:20260302T170000Z', 'STATUS:TENTATIVE'),
    ];
    expect(readable(busyPeriods(texts, monday))).toEqual([
      'BUSY 2026-03-02T08:00:00.000Z 2026-03-02T09:30:00.000Z',
      'BUSY-TENTATIVE 2026-03-02T16:00:00.000Z 2026-03-02T17:00:00.000Z',
    ]);
  });

  test('overlapping and touching busy time merges; periods are clipped to the range', () => {
    const texts = [
      event('a', 'DTSTART:20260301T230000Z', 'DTEND:20260302T010000Z'),
      event('b', 'DTSTART:20260302T100000Z', 'DTEND:20260302T110000Z'),
      event('c', 'DTSTART:20260302T103000Z', 'DTEND:20260302T113000Z'),
      event('d', 'DTSTART:20260302T113000Z', 'DTEND:20260302T120000Z'),
      event('e', 'DTSTART:20260302T233000Z', 'DURATION:PT2H'),
    ];
    expect(readable(busyPeriods(texts, monday))).toEqual([
      'BUSY 2026-03-02T00:00:00.000Z 2026-03-02T01:00:00.000Z',
      'BUSY 2026-03-02T10:00:00.000Z 2026-03-02T12:00:00.000Z',
      'BUSY 2026-03-02T23:30:00.000Z 2026-03-03T00:00:00.000Z',
    ]);
  });

  test('recurring events count with each instance; an override can cancel its instance', () => {
    const cancelledOnce = GOOGLE_WEEKLY_SYNC.replace(
      'STATUS:CONFIRMED\r\nSUMMARY:Team sync (moved to Wednesday)',
      'STATUS:CANCELLED\r\nSUMMARY:Team sync (moved to Wednesday)',
    );
    const march = range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    expect(readable(busyPeriods([GOOGLE_WEEKLY_SYNC], march))).toEqual([
      'BUSY 2026-03-02T14:00:00.000Z 2026-03-02T14:30:00.000Z',
      'BUSY 2026-03-09T13:00:00.000Z 2026-03-09T13:30:00.000Z',
      'BUSY 2026-03-25T18:00:00.000Z 2026-03-25T18:30:00.000Z',
      'BUSY 2026-03-30T13:00:00.000Z 2026-03-30T13:30:00.000Z',
    ]);
    expect(readable(busyPeriods([cancelledOnce], march))).toEqual([
      'BUSY 2026-03-02T14:00:00.000Z 2026-03-02T14:30:00.000Z',
      'BUSY 2026-03-09T13:00:00.000Z 2026-03-09T13:30:00.000Z',
      'BUSY 2026-03-30T13:00:00.000Z 2026-03-30T13:30:00.000Z',
    ]);
  });

  test('all-day events block their days unless transparent; tasks and events without duration take no time', () => {
    const holiday = event('holiday', 'DTSTART;VALUE=DATE:20260302', 'SUMMARY:Out of office');
    const reminder = event('reminder', 'DTSTART:20260302T090000Z', 'SUMMARY:Call the bank');
    expect(
      readable(
        busyPeriods(
          [holiday, reminder, THUNDERBIRD_TASK, ALL_DAY_OFFSITE],
          range('2026-03-01T00:00:00Z', '2026-03-31T00:00:00Z'),
        ),
      ),
    ).toEqual(['BUSY 2026-03-02T00:00:00.000Z 2026-03-03T00:00:00.000Z']);
  });

  test('VFREEBUSY periods count with their FBTYPE; FREE time does not', () => {
    const published = ics(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Example//Tests//EN',
      'BEGIN:VFREEBUSY',
      'UID:fb@example.com',
      'DTSTAMP:20260201T000000Z',
      'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260302T060000Z/PT2H',
      'FREEBUSY;FBTYPE=FREE:20260302T120000Z/PT2H',
      'FREEBUSY:20260302T150000Z/20260302T153000Z',
      'END:VFREEBUSY',
      'END:VCALENDAR',
    );
    expect(readable(busyPeriods([published], monday))).toEqual([
      'BUSY-UNAVAILABLE 2026-03-02T06:00:00.000Z 2026-03-02T08:00:00.000Z',
      'BUSY 2026-03-02T15:00:00.000Z 2026-03-02T15:30:00.000Z',
    ]);
  });

  test('an unreadable object does not hide the others', () => {
    expect(readable(busyPeriods(['not a calendar', THUNDERBIRD_MEETING], monday))).toHaveLength(1);
  });

  test('an event every second for a year stays bounded', () => {
    const started = Date.now();
    busyPeriods(
      [single('VEVENT', 'DTSTART:20260302T100000Z', 'DURATION:PT1S', 'RRULE:FREQ=SECONDLY')],
      range('2026-03-02T00:00:00Z', '2027-03-02T00:00:00Z'),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('freeBusyCalendar', () => {
  test('one VFREEBUSY with DTSTAMP, the range and one FREEBUSY line per period, in UTC', () => {
    const periods: BusyPeriod[] = [
      { start: new Date('2026-03-02T16:00:00Z'), end: new Date('2026-03-02T17:00:00Z'), type: 'BUSY-TENTATIVE' },
      { start: new Date('2026-03-02T08:00:00Z'), end: new Date('2026-03-02T09:30:00Z'), type: 'BUSY' },
      { start: new Date('2026-03-02T18:00:00Z'), end: new Date('2026-03-02T19:00:00Z'), type: 'BUSY-UNAVAILABLE' },
    ];
    const text = freeBusyCalendar(
      periods,
      range('2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'),
      new Date('2026-03-01T12:34:56Z'),
    );
    expect(text).toBe(
      ics(
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Strapi CalDAV//EN',
        'BEGIN:VFREEBUSY',
        'DTSTAMP:20260301T123456Z',
        'DTSTART:20260302T000000Z',
        'DTEND:20260303T000000Z',
        'FREEBUSY:20260302T080000Z/20260302T093000Z',
        'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260302T160000Z/20260302T170000Z',
        'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260302T180000Z/20260302T190000Z',
        'END:VFREEBUSY',
        'END:VCALENDAR',
      ),
    );
  });

  test('no busy time: just the range', () => {
    const text = freeBusyCalendar(
      [],
      range('2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z'),
      new Date('2026-03-01T00:00:00Z'),
    );
    expect(text).not.toContain('FREEBUSY:');
    expect(text).toContain('DTSTART:20260302T000000Z\r\nDTEND:20260303T000000Z\r\n');
  });
});
