import type { CompSelection, TimeRange } from '../../server/src/dav/model';
import { parseCalendarObject, renderCalendarData } from '../../server/src/ical';
import {
  ALL_DAY_OFFSITE,
  APPLE_LUNCH,
  GOOGLE_WEEKLY_SYNC,
  ics,
  propertiesOf,
  THUNDERBIRD_MEETING,
  weeklySeries,
} from './ical-fixtures';

const range = (start: string, end: string): TimeRange => ({ start: new Date(start), end: new Date(end) });
const select = (name: string, parts: Partial<CompSelection> = {}): CompSelection => ({
  name,
  allProps: false,
  props: [],
  allComps: false,
  comps: [],
  ...parts,
});
const lines = (text: string) => text.split('\r\n');
/** The components of a rendered calendar, each as its unfolded lines. */
function components(text: string, name: string): string[][] {
  const unfolded = text.replace(/\r\n[ \t]/g, '');
  const found: string[][] = [];
  let current: string[] | null = null;
  for (const line of lines(unfolded)) {
    if (line === `BEGIN:${name}`) current = [];
    else if (line === `END:${name}` && current) {
      found.push(current);
      current = null;
    } else if (current) current.push(line);
  }
  return found;
}

function expectValidOutput(text: string): void {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const line of lines(text)) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
}

describe('renderCalendarData', () => {
  test('an empty request returns the stored bytes, whatever they look like', () => {
    expect(renderCalendarData(APPLE_LUNCH, {})).toBe(APPLE_LUNCH);
    const quirky =
      '\uFEFFBEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nDTSTART:20260302T100000Z\nEND:VEVENT\nEND:VCALENDAR';
    expect(renderCalendarData(quirky, {})).toBe(quirky);
  });

  describe('partial retrieval (comp and prop)', () => {
    const request = {
      comp: select('VCALENDAR', {
        props: [{ name: 'VERSION', novalue: false }],
        comps: [
          select('VEVENT', {
            props: ['UID', 'SUMMARY', 'DTSTART', 'DTEND']
              .map((name) => ({ name, novalue: false }))
              .concat([{ name: 'DESCRIPTION', novalue: true }]),
          }),
          select('VTIMEZONE'),
        ],
      }),
    };

    test('only the selected properties and components; novalue keeps the property, empty', () => {
      const output = renderCalendarData(THUNDERBIRD_MEETING, request);
      expectValidOutput(output);
      const calendarLines = lines(output).filter((line) => !line.startsWith(' '));
      expect(calendarLines).toContain('VERSION:2.0');
      expect(output).not.toContain('PRODID');
      const [event] = components(output, 'VEVENT');
      expect(event).toEqual([
        'UID:4d1c9a52-7d1e-4b8e-9a43-2f6f0c1d8e77',
        'SUMMARY:Quarterly planning',
        'DTSTART;TZID=Europe/Berlin:20260302T090000',
        'DTEND;TZID=Europe/Berlin:20260302T103000',
        'DESCRIPTION:',
      ]);
      expect(output).not.toContain('BEGIN:VALARM');
      // An empty <comp name="VTIMEZONE"/> returns the time zone whole, as in RFC 4791's examples.
      expect(components(output, 'VTIMEZONE')).toHaveLength(1);
      expect(components(output, 'DAYLIGHT')).toHaveLength(1);
    });

    test('allprop and allcomp return everything', () => {
      const output = renderCalendarData(APPLE_LUNCH, { comp: select('VCALENDAR', { allProps: true, allComps: true }) });
      expectValidOutput(output);
      const original = parseCalendarObject(APPLE_LUNCH, { supportedComponents: ['VEVENT'] });
      expect(parseCalendarObject(output, { supportedComponents: ['VEVENT'] })).toEqual(original);
      expect(output).toContain('X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC');
      expect(components(output, 'VALARM')[0]).toContain('X-WR-ALARMUID:8E3C0E7A-1D2B-4F6A-9B1C-2D3E4F5A6B7C');
    });

    test('long lines with multi-byte characters fold at 75 octets and unfold to the same value', () => {
      const output = renderCalendarData(APPLE_LUNCH, {
        comp: select('VCALENDAR', { allProps: true, comps: [select('VEVENT', { allProps: true })] }),
      });
      expectValidOutput(output);
      expect(lines(output).filter((line) => line.startsWith(' ')).length).toBeGreaterThan(0);
      expect(propertiesOf(output, 'VEVENT', 'X-APPLE-STRUCTURED-LOCATION')).toEqual([
        [
          'x-apple-structured-location',
          {
            'x-address': 'Kurfürstenstraße 58, 10785 Berlin, Germany',
            'x-apple-radius': '70.5',
            'x-title': 'Café Einstein',
          },
          'uri',
          'geo:52.502,13.355',
        ],
      ]);
      expect(propertiesOf(output, 'VEVENT', 'X-APPLE-STRUCTURED-LOCATION')).toEqual(
        propertiesOf(APPLE_LUNCH, 'VEVENT', 'X-APPLE-STRUCTURED-LOCATION'),
      );
    });
  });

  describe('expand', () => {
    test('a weekly series across the US DST change: EXDATE left out, the override in place of its instance, all in UTC', () => {
      const output = renderCalendarData(GOOGLE_WEEKLY_SYNC, {
        expand: range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
      });
      expectValidOutput(output);
      expect(output).not.toMatch(/RRULE|EXDATE|RDATE|TZID|BEGIN:VTIMEZONE/);
      const instances = components(output, 'VEVENT').map((event) => ({
        summary: event.find((line) => line.startsWith('SUMMARY:')),
        start: event.find((line) => line.startsWith('DTSTART')),
        end: event.find((line) => line.startsWith('DTEND')),
        recurrenceId: event.find((line) => line.startsWith('RECURRENCE-ID')),
      }));
      expect(instances).toEqual([
        {
          summary: 'SUMMARY:Team sync',
          start: 'DTSTART:20260302T140000Z',
          end: 'DTEND:20260302T143000Z',
          recurrenceId: 'RECURRENCE-ID:20260302T140000Z',
        },
        {
          summary: 'SUMMARY:Team sync',
          start: 'DTSTART:20260309T130000Z',
          end: 'DTEND:20260309T133000Z',
          recurrenceId: 'RECURRENCE-ID:20260309T130000Z',
        },
        {
          summary: 'SUMMARY:Team sync (moved to Wednesday)',
          start: 'DTSTART:20260325T180000Z',
          end: 'DTEND:20260325T183000Z',
          recurrenceId: 'RECURRENCE-ID:20260323T130000Z',
        },
        {
          summary: 'SUMMARY:Team sync',
          start: 'DTSTART:20260330T130000Z',
          end: 'DTEND:20260330T133000Z',
          recurrenceId: 'RECURRENCE-ID:20260330T130000Z',
        },
      ]);
      // Everything else of the master comes along with each instance.
      for (const event of components(output, 'VEVENT').filter((lines) => lines.includes('SUMMARY:Team sync'))) {
        expect(event).toContain(
          'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=Sam Ortiz;X-NUM-GUESTS=0:mailto:sam@example.com',
        );
      }
    });

    test('only instances in the range', () => {
      const output = renderCalendarData(GOOGLE_WEEKLY_SYNC, {
        expand: range('2026-03-24T00:00:00Z', '2026-03-31T00:00:00Z'),
      });
      expect(components(output, 'VEVENT').map((event) => event.find((line) => line.startsWith('DTSTART')))).toEqual([
        'DTSTART:20260325T180000Z',
        'DTSTART:20260330T130000Z',
      ]);
    });

    test('a single event in a time zone is converted to UTC; dates stay dates', () => {
      const timed = renderCalendarData(THUNDERBIRD_MEETING, {
        expand: range('2026-03-01T00:00:00Z', '2026-03-03T00:00:00Z'),
      });
      const [event] = components(timed, 'VEVENT');
      expect(event).toContain('DTSTART:20260302T080000Z');
      expect(event).toContain('DTEND:20260302T093000Z');
      expect(event.some((line) => line.startsWith('RECURRENCE-ID'))).toBe(false);
      expect(timed).not.toContain('VTIMEZONE');

      const allDay = renderCalendarData(ALL_DAY_OFFSITE, {
        expand: range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
      });
      expect(components(allDay, 'VEVENT')[0]).toContain('DTSTART;VALUE=DATE:20260312');
    });

    test('expand combined with a selection of properties', () => {
      const output = renderCalendarData(weeklySeries(['RRULE:FREQ=WEEKLY;COUNT=3']), {
        expand: range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'),
        comp: select('VCALENDAR', {
          comps: [select('VEVENT', { props: ['DTSTART', 'RECURRENCE-ID'].map((name) => ({ name, novalue: false })) })],
        }),
      });
      expect(components(output, 'VEVENT')).toEqual([
        ['DTSTART:20260302T100000Z', 'RECURRENCE-ID:20260302T100000Z'],
        ['DTSTART:20260309T100000Z', 'RECURRENCE-ID:20260309T100000Z'],
        ['DTSTART:20260316T100000Z', 'RECURRENCE-ID:20260316T100000Z'],
      ]);
    });
  });

  test('limit-recurrence-set: the master and only the overrides that touch the range', () => {
    const series = weeklySeries(
      ['RRULE:FREQ=WEEKLY;COUNT=10'],
      [
        'RECURRENCE-ID:20260309T100000Z',
        'DTSTART:20260310T100000Z',
        'DTEND:20260310T110000Z',
        'SUMMARY:Tuesday this time',
      ],
      ['RECURRENCE-ID:20260406T100000Z', 'DTSTART:20260407T100000Z', 'DTEND:20260407T110000Z', 'SUMMARY:Tuesday again'],
      [
        'RECURRENCE-ID:20260413T100000Z',
        'DTSTART:20260311T100000Z',
        'DTEND:20260311T110000Z',
        'SUMMARY:Pulled forward',
      ],
    );
    const output = renderCalendarData(series, {
      limitRecurrenceSet: range('2026-03-09T00:00:00Z', '2026-03-16T00:00:00Z'),
    });
    expectValidOutput(output);
    const summaries = components(output, 'VEVENT').map((event) => event.find((line) => line.startsWith('SUMMARY:')));
    expect(summaries).toEqual(['SUMMARY:Weekly review', 'SUMMARY:Tuesday this time', 'SUMMARY:Pulled forward']);
    expect(output).toContain('RRULE:FREQ=WEEKLY;COUNT=10');
  });

  test('limit-freebusy-set: only the busy periods that overlap', () => {
    const published = ics(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Example//Tests//EN',
      'BEGIN:VFREEBUSY',
      'UID:fb@example.com',
      'DTSTAMP:20260201T000000Z',
      'FREEBUSY:20260302T090000Z/PT1H,20260303T090000Z/PT1H',
      'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260304T090000Z/PT1H',
      'END:VFREEBUSY',
      'END:VCALENDAR',
    );
    const output = renderCalendarData(published, {
      limitFreebusySet: range('2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z'),
    });
    expect(components(output, 'VFREEBUSY')[0].filter((line) => line.startsWith('FREEBUSY'))).toEqual([
      'FREEBUSY:20260303T090000Z/PT1H',
    ]);
  });
});
