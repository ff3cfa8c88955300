import ICAL from 'ical.js';

import {
  addressKey,
  applyReply,
  attendeeCopy,
  cancelledCopy,
  freeBusyReply,
  organizerMessage,
  parseFreeBusyRequest,
  partstatsOf,
  replyMessage,
  schedulingObject,
  schedulingSignature,
  withScheduleStatus,
} from '../../server/src/ical/itip';

const ORGANIZER = 'mailto:olivia@example.test';
const ADAM = 'mailto:adam@example.test';
const BEA = 'mailto:bea@example.test';

function meeting(options: { attendees?: string[]; extra?: string[]; overrides?: string[][]; organizer?: string } = {}): string {
  const attendees = options.attendees ?? [`ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:${ADAM}`, `ATTENDEE;PARTSTAT=NEEDS-ACTION:${BEA}`];
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test//EN',
    'BEGIN:VEVENT',
    'UID:weekly@example.test',
    'DTSTAMP:20260301T080000Z',
    'DTSTART:20260310T090000Z',
    'DTEND:20260310T100000Z',
    'RRULE:FREQ=WEEKLY;COUNT=4',
    'SUMMARY:Weekly',
    'SEQUENCE:2',
    `ORGANIZER;CN=Olivia;SCHEDULE-STATUS=1.2:${options.organizer ?? ORGANIZER}`,
    `ATTENDEE;PARTSTAT=ACCEPTED:${ORGANIZER}`,
    ...attendees,
    ...(options.extra ?? []),
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    'TRIGGER:-PT5M',
    'DESCRIPTION:Weekly',
    'END:VALARM',
    'END:VEVENT',
    ...(options.overrides ?? []).flatMap((override) => [
      'BEGIN:VEVENT',
      'UID:weekly@example.test',
      'DTSTAMP:20260301T080000Z',
      'RECURRENCE-ID:20260317T090000Z',
      'DTSTART:20260317T110000Z',
      'DTEND:20260317T120000Z',
      'SUMMARY:Weekly (moved)',
      `ORGANIZER;CN=Olivia:${ORGANIZER}`,
      ...override,
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

const events = (text: string) => new ICAL.Component(ICAL.parse(text) as unknown as unknown[]).getAllSubcomponents('vevent');
const methodOf = (text: string) => new ICAL.Component(ICAL.parse(text) as unknown as unknown[]).getFirstPropertyValue('method');
const attendeeLines = (event: ICAL.Component) => event.getAllProperties('attendee').map((property) => addressKey(String(property.getFirstValue())));

describe('who a stored object involves', () => {
  test('organizer, every attendee once across occurrences, their answers and scheduling agents', () => {
    const object = schedulingObject(
      meeting({
        attendees: [`ATTENDEE;PARTSTAT=TENTATIVE:MAILTO:Adam@Example.TEST`, `ATTENDEE;SCHEDULE-AGENT=CLIENT:${BEA}`],
        overrides: [[`ATTENDEE:${ADAM}`, 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:carl@example.test']],
      }),
    );
    expect(object?.organizer?.key).toBe(ORGANIZER);
    expect(object?.attendees.map((attendee) => [attendee.key, attendee.partstat, attendee.scheduleAgent])).toEqual([
      [ORGANIZER, 'ACCEPTED', 'SERVER'],
      [ADAM, 'TENTATIVE', 'SERVER'],
      [BEA, 'NEEDS-ACTION', 'CLIENT'],
      ['mailto:carl@example.test', 'ACCEPTED', 'SERVER'],
    ]);
    expect(object?.sequence).toBe(2);
  });

  test('an event without organizer or without attendees is no meeting', () => {
    expect(schedulingObject(meeting().replace(/^ORGANIZER.*\r\n/m, ''))).toBeNull();
    expect(schedulingObject(meeting({ attendees: [] }).replace(/^ATTENDEE.*\r\n/gm, ''))).toBeNull();
  });

  test('answers per occurrence', () => {
    const text = meeting({ overrides: [[`ATTENDEE;PARTSTAT=DECLINED:${ADAM}`]] });
    expect([...partstatsOf(text, ADAM)]).toEqual([
      ['', 'NEEDS-ACTION'],
      [String(Date.UTC(2026, 2, 17, 9) / 1000), 'DECLINED'],
    ]);
  });
});

describe('what an organizer’s change sends', () => {
  test('REQUEST: the whole object with METHOD, without alarms, X- properties or scheduling parameters', () => {
    const message = organizerMessage(meeting({ extra: ['X-MOZ-GENERATION:3', `ATTENDEE;SCHEDULE-STATUS=1.2;SCHEDULE-AGENT=SERVER:mailto:carl@example.test`] }), 'REQUEST');
    expect(methodOf(message)).toBe('REQUEST');
    expect(message).not.toMatch(/VALARM|X-MOZ|SCHEDULE-/);
    expect(attendeeLines(events(message)[0])).toEqual([ORGANIZER, ADAM, BEA, 'mailto:carl@example.test']);
  });

  test('CANCEL to some attendees names only them and marks every component cancelled', () => {
    const message = organizerMessage(meeting({ overrides: [[`ATTENDEE:${ADAM}`, `ATTENDEE:${BEA}`]] }), 'CANCEL', new Set([ADAM]));
    expect(methodOf(message)).toBe('CANCEL');
    for (const event of events(message)) {
      expect(attendeeLines(event)).toEqual([ADAM]);
      expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    }
  });

  test('the signature ignores what changes on every save and what attendees answer, and sees what matters', () => {
    const base = meeting();
    const resaved = base
      .replace('DTSTAMP:20260301T080000Z', 'DTSTAMP:20260402T080000Z')
      .replace('TRIGGER:-PT5M', 'TRIGGER:-PT1H')
      .replace(`ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:${ADAM}`, `ATTENDEE;PARTSTAT=ACCEPTED;SCHEDULE-STATUS=2.0:${ADAM}`)
      .replace('SEQUENCE:2', 'SEQUENCE:3');
    expect(schedulingSignature(resaved)).toBe(schedulingSignature(base));
    for (const change of [
      base.replace('DTSTART:20260310T090000Z', 'DTSTART:20260310T080000Z'),
      base.replace('SUMMARY:Weekly', 'SUMMARY:Weekly sync'),
      base.replace('COUNT=4', 'COUNT=5'),
      base.replace(`ATTENDEE;PARTSTAT=NEEDS-ACTION:${BEA}\r\n`, ''),
    ]) {
      expect(schedulingSignature(change)).not.toBe(schedulingSignature(base));
    }
  });

  test('SCHEDULE-STATUS is written on the parties named, folded lines and all', () => {
    const text = withScheduleStatus(meeting(), new Map([[ADAM, '1.2'], [BEA, '5.1']]), 'attendee');
    const event = events(text)[0];
    const statuses = event.getAllProperties('attendee').map((property) => property.getParameter('schedule-status') ?? null);
    expect(statuses).toEqual([null, '1.2', '5.1']);
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });
});

describe('what an attendee’s answer sends, and how it lands', () => {
  test('REPLY carries only the attendee who answers, per component', () => {
    const copy = meeting({ overrides: [[`ATTENDEE;PARTSTAT=DECLINED:${ADAM}`, `ATTENDEE:${BEA}`]] }).replace(
      `ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:${ADAM}`,
      `ATTENDEE;PARTSTAT=ACCEPTED;RSVP=TRUE:${ADAM}`,
    );
    const reply = replyMessage(copy, ADAM);
    expect(methodOf(reply)).toBe('REPLY');
    const components = events(reply);
    expect(components).toHaveLength(2);
    for (const event of components) expect(attendeeLines(event)).toEqual([ADAM]);
    expect(components.map((event) => event.getFirstProperty('attendee')?.getParameter('partstat'))).toEqual(['ACCEPTED', 'DECLINED']);
    expect(reply).not.toMatch(/VALARM|RRULE|RSVP|SCHEDULE-STATUS/);
  });

  test('a decline by deletion overrides every answer', () => {
    const reply = replyMessage(meeting(), BEA, 'DECLINED');
    expect(events(reply).map((event) => event.getFirstProperty('attendee')?.getParameter('partstat'))).toEqual(['DECLINED']);
  });

  test('the organizer’s copy takes the answer on each component the reply names, with SCHEDULE-STATUS 2.0', () => {
    const organizerCopy = meeting({ overrides: [[`ATTENDEE:${ADAM}`, `ATTENDEE:${BEA}`]] });
    const attendeeAnswer = meeting({ overrides: [[`ATTENDEE;PARTSTAT=DECLINED:${ADAM}`]] }).replace(
      `ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:${ADAM}`,
      `ATTENDEE;PARTSTAT=ACCEPTED:${ADAM}`,
    );
    const updated = applyReply(organizerCopy, replyMessage(attendeeAnswer, ADAM));
    expect(updated).not.toBeNull();
    const answers = events(String(updated)).map((event) => {
      const adam = event.getAllProperties('attendee').find((property) => addressKey(String(property.getFirstValue())) === ADAM);
      return [adam?.getParameter('partstat'), adam?.getParameter('schedule-status')];
    });
    expect(answers).toEqual([
      ['ACCEPTED', '2.0'],
      ['DECLINED', '2.0'],
    ]);
    // Bea's answers, the organizer's alarm and the rule are the organizer's and stay.
    expect(String(updated)).toContain('BEGIN:VALARM');
    expect(partstatsOf(String(updated), BEA).get('')).toBe('NEEDS-ACTION');
    // The same reply again changes nothing.
    expect(applyReply(String(updated), replyMessage(attendeeAnswer, ADAM))).toBeNull();
  });

  test('a reply from someone the organizer did not invite changes nothing', () => {
    const stranger = meeting({ attendees: [`ATTENDEE;PARTSTAT=ACCEPTED:mailto:mallory@example.test`] });
    expect(applyReply(meeting(), replyMessage(stranger, 'mailto:mallory@example.test'))).toBeNull();
  });
});

describe('an attendee’s copy', () => {
  test('after a REQUEST: the organizer’s object without METHOD, keeping the alarms the attendee set', () => {
    const request = organizerMessage(meeting().replace('SUMMARY:Weekly', 'SUMMARY:Weekly, moved'), 'REQUEST');
    const existing = meeting().replace('TRIGGER:-PT5M', 'TRIGGER:-PT2H');
    const copy = attendeeCopy(request, existing);
    expect(methodOf(copy)).toBeNull();
    expect(copy).toContain('SUMMARY:Weekly\\, moved');
    expect(copy).toContain('TRIGGER:-PT2H');
    expect(attendeeCopy(request, null)).not.toContain('VALARM');
  });

  test('after a CANCEL: kept, every component cancelled, with the message’s sequence', () => {
    const cancel = organizerMessage(meeting().replace('SEQUENCE:2', 'SEQUENCE:5'), 'CANCEL', new Set([ADAM]));
    const copy = cancelledCopy(cancel, meeting({ overrides: [[`ATTENDEE:${ADAM}`]] }));
    const components = events(copy);
    expect(components).toHaveLength(2);
    for (const event of components) {
      expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(event.getFirstPropertyValue('sequence')).toBe(5);
    }
  });
});

describe('free-busy requests', () => {
  const request = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test//EN',
    'METHOD:REQUEST',
    'BEGIN:VFREEBUSY',
    'UID:fb@example.test',
    'DTSTAMP:20260301T000000Z',
    'DTSTART:20260401T000000Z',
    'DTEND:20260402T000000Z',
    `ORGANIZER:${ORGANIZER}`,
    `ATTENDEE:${ADAM}`,
    `ATTENDEE:${BEA}`,
    'END:VFREEBUSY',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

  test('are read with their range, organizer and recipients; anything else is no request', () => {
    const parsed = parseFreeBusyRequest(request);
    expect(parsed).toEqual({
      uid: 'fb@example.test',
      organizer: ORGANIZER,
      attendees: [ADAM, BEA],
      start: new Date('2026-04-01T00:00:00Z'),
      end: new Date('2026-04-02T00:00:00Z'),
    });
    expect(parseFreeBusyRequest(request.replace('METHOD:REQUEST', 'METHOD:PUBLISH'))).toBeNull();
    expect(parseFreeBusyRequest(request.replace(/^DTEND.*\r\n/m, ''))).toBeNull();
  });

  test('the reply names the request and the attendee it answers for', () => {
    const parsed = parseFreeBusyRequest(request);
    if (!parsed) throw new Error('not parsed');
    const answer = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Test//EN',
      'BEGIN:VFREEBUSY',
      'DTSTAMP:20260301T000000Z',
      'FREEBUSY:20260401T100000Z/20260401T110000Z',
      'END:VFREEBUSY',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const reply = freeBusyReply(answer, parsed, ADAM);
    expect(methodOf(reply)).toBe('REPLY');
    expect(reply).toContain('UID:fb@example.test');
    expect(reply).toContain(`ATTENDEE:${ADAM}`);
    expect(reply).toContain(`ORGANIZER:${ORGANIZER}`);
    expect(reply).toContain('FREEBUSY:20260401T100000Z/20260401T110000Z');
  });
});
