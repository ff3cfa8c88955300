/**
 * How imported files are cut into the objects a calendar or address book stores: one calendar object per UID with
 * the time zones it uses, one vCard per BEGIN:VCARD ... END:VCARD with the bytes of the file.
 */
import ICAL from 'ical.js';

import { splitCalendarFile } from '../../server/src/transfers/calendar-file';
import { splitContactFile } from '../../server/src/transfers/contact-file';
import { ImportRefusedError } from '../../server/src/transfers/errors';
import type { ImportItem } from '../../server/src/transfers/types';

const crlf = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;

const zone = (tzid: string, offset: string) => [
  'BEGIN:VTIMEZONE',
  `TZID:${tzid}`,
  'BEGIN:STANDARD',
  'DTSTART:19700101T000000',
  `TZOFFSETFROM:${offset}`,
  `TZOFFSETTO:${offset}`,
  'END:STANDARD',
  'END:VTIMEZONE',
];

const texts = (items: Iterable<ImportItem>) => [...items].map((item) => ('text' in item ? item : { uid: item.uid, problem: item.problem }));

describe('iCalendar files', () => {
  test('a master and its overrides make one object, with only the VTIMEZONEs its components (and alarms) use', () => {
    const file = splitCalendarFile(
      crlf(
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Example//Export//EN',
        'METHOD:PUBLISH',
        'X-WR-CALNAME:Team',
        ...zone('Zone A', '+0100'),
        ...zone('Zone B', '+0200'),
        'BEGIN:VEVENT',
        'UID:series',
        'DTSTART;TZID=Zone A:20260302T090000',
        'RRULE:FREQ=DAILY;COUNT=3',
        'END:VEVENT',
        'BEGIN:VTODO',
        'UID:task',
        'DUE:20260310T100000Z',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'TRIGGER;VALUE=DATE-TIME;TZID=Zone B:20260310T080000',
        'END:VALARM',
        'END:VTODO',
        'BEGIN:VEVENT',
        'UID:series',
        'RECURRENCE-ID;TZID=Zone A:20260303T090000',
        'DTSTART;TZID=Zone A:20260303T100000',
        'END:VEVENT',
        'END:VCALENDAR',
      ),
    );
    expect(file.total).toBe(2);
    const [series, task] = texts(file.items) as Array<{ uid: string; text: string }>;
    expect(series.uid).toBe('series');
    const root = ICAL.Component.fromString(series.text);
    expect(root.getAllSubcomponents('vevent')).toHaveLength(2);
    expect(root.getAllSubcomponents('vtimezone').map((tz) => tz.getFirstPropertyValue('tzid'))).toEqual(['Zone A']);
    expect(root.getAllProperties().map((property) => property.name)).toEqual(['version', 'prodid']);
    expect(series.text).toMatch(/\r\nEND:VCALENDAR\r\n$/);

    expect(task.uid).toBe('task');
    expect(ICAL.Component.fromString(task.text).getAllSubcomponents('vtimezone').map((tz) => tz.getFirstPropertyValue('tzid'))).toEqual(['Zone B']);
  });

  test('several VCALENDARs in one file are read as one', () => {
    const file = splitCalendarFile(
      crlf('BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:a', 'DTSTART:20260101T100000Z', 'END:VEVENT', 'END:VCALENDAR') +
        crlf('BEGIN:VCALENDAR', 'VERSION:2.0', 'CALSCALE:GREGORIAN', 'BEGIN:VEVENT', 'UID:b', 'DTSTART:20260102T100000Z', 'END:VEVENT', 'END:VCALENDAR'),
    );
    const items = texts(file.items) as Array<{ uid: string; text: string }>;
    expect(items.map((item) => item.uid)).toEqual(['a', 'b']);
    expect(items[1].text).toContain('CALSCALE:GREGORIAN');
  });

  test('a component without a UID gets one derived from its content, the same on every import', () => {
    const text = crlf('BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'DTSTART:20260101T100000Z', 'SUMMARY:No UID', 'END:VEVENT', 'END:VCALENDAR');
    const [first] = texts(splitCalendarFile(text).items) as Array<{ uid: string; text: string }>;
    const [second] = texts(splitCalendarFile(text).items) as Array<{ uid: string; text: string }>;
    expect(first.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.uid).toBe(first.uid);
    expect(first.text).toContain(`UID:${first.uid}\r\n`);
  });

  test.each([
    ['hello', /not valid iCalendar: invalid line/],
    ['   \r\n', /empty/],
    ['\uFEFF', /empty/],
    ['X-FOO:bar\r\n', /not iCalendar/],
    ['BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n', /a VEVENT outside any VCALENDAR/],
    ['BEGIN:VCALENDAR\r\nPRODID:x\r\nEND:VCALENDAR\r\n', /has no VERSION/],
    ['BEGIN:VCARD\r\nVERSION:4.0\r\nFN:A\r\nEND:VCARD\r\n', /vCards \(contacts\)/],
  ])('%j is refused', (text, message) => {
    expect(() => splitCalendarFile(text)).toThrow(ImportRefusedError);
    expect(() => splitCalendarFile(text)).toThrow(message);
  });
});

describe('vCard files', () => {
  const alice = crlf('BEGIN:VCARD', 'VERSION:4.0', 'UID:alice', 'FN:Alice', 'PHOTO:data:image/png;base64,iVBORw0KGgo=', 'END:VCARD');

  test('each card keeps its lines as the file has them, with CRLF endings', () => {
    const bob = 'BEGIN:VCARD\nVERSION:3.0\nUID:bob\nFN:Bob\nNOTE:a long note\n  folded\nEND:VCARD\n';
    const file = splitContactFile(`${alice}\r\n${bob}`);
    expect(file.total).toBe(2);
    expect(texts(file.items)).toEqual([
      { uid: 'alice', text: alice },
      { uid: 'bob', text: crlf('BEGIN:VCARD', 'VERSION:3.0', 'UID:bob', 'FN:Bob', 'NOTE:a long note', '  folded', 'END:VCARD') },
    ]);
  });

  test('a card without a UID, or with an empty one, gets one derived from its text', () => {
    const file = splitContactFile(crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Carol', 'END:VCARD') + crlf('begin:vcard', 'VERSION:3.0', 'item1.UID:', 'FN:Dan', 'end:vcard'));
    const [carol, dan] = texts(file.items) as Array<{ uid: string; text: string }>;
    expect(carol.uid).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(carol.text).toBe(crlf('BEGIN:VCARD', 'VERSION:3.0', 'FN:Carol', `UID:${carol.uid}`, 'END:VCARD'));
    expect(dan.text).toBe(crlf('begin:vcard', 'VERSION:3.0', 'FN:Dan', `UID:${dan.uid}`, 'end:vcard'));
    expect(dan.uid).not.toBe(carol.uid);
  });

  test('a card that cannot be read, or is not closed, is reported with its line', () => {
    const file = splitContactFile(crlf('BEGIN:VCARD', 'VERSION:2.1', 'N:Old', 'END:VCARD', 'BEGIN:VCARD', 'VERSION:3.0', 'UID:open', 'FN:Open') + alice);
    expect(file.total).toBe(3);
    expect(texts(file.items)).toEqual([
      { uid: null, problem: expect.stringMatching(/^The vCard on line 1: vCard version 2\.1 is not supported/) },
      { uid: null, problem: 'The vCard on line 5 has no END:VCARD.' },
      { uid: 'alice', text: alice },
    ]);
  });

  test.each([
    ['hello', /line 1 is outside any BEGIN:VCARD/],
    [`${alice}garbage\r\n`, /line 7 is outside any BEGIN:VCARD .*"garbage"/],
    ['BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n', /holds a calendar/],
    ['\r\n\r\n', /empty/],
  ])('%j is refused', (text, message) => {
    expect(() => splitContactFile(text)).toThrow(ImportRefusedError);
    expect(() => splitContactFile(text)).toThrow(message);
  });
});
