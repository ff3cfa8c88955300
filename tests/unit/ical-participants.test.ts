/**
 * The organizer and attendees the admin's event panel shows: read with ical.js from the master VEVENT, with the
 * defaults RFC 5545 gives missing parameters.
 */
import { parseCalendarText } from '../../server/src/ical/document';
import { masterParticipants, participantsOf } from '../../server/src/ical/participants';

const calendar = (...components: string[][]): string =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example Corp.//Test Client//EN', ...components.flat(), 'END:VCALENDAR', ''].join('\r\n');

const event = (lines: string[], recurrenceId?: string): string[] => [
  'BEGIN:VEVENT',
  'UID:meeting-1@example.org',
  'DTSTAMP:20260101T000000Z',
  ...(recurrenceId ? [`RECURRENCE-ID:${recurrenceId}`] : []),
  `DTSTART:${recurrenceId ?? '20260302T090000Z'}`,
  'DURATION:PT1H',
  'SUMMARY:Planning',
  ...(recurrenceId ? [] : ['RRULE:FREQ=WEEKLY;COUNT=4']),
  ...lines,
  'END:VEVENT',
];

const participants = (text: string) => masterParticipants(parseCalendarText(text).root);

describe('masterParticipants', () => {
  test('reads the organizer and each attendee with name, role, answer and delivery status', () => {
    const text = calendar(
      event([
        'ORGANIZER;CN=Ada Lovelace:mailto:ada@example.org',
        'ATTENDEE;CN=Ada Lovelace;ROLE=CHAIR;PARTSTAT=ACCEPTED:mailto:ada@example.org',
        'ATTENDEE;CN=Grace Hopper;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;SCHEDULE-STATUS=1.2:mailto:grace@example.org',
        'ATTENDEE;CN=Alan Turing;ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE;SCHEDULE-STATUS=5.2:mailto:alan@example.org',
      ]),
    );
    expect(participants(text)).toEqual({
      organizer: { address: 'mailto:ada@example.org', email: 'ada@example.org', name: 'Ada Lovelace' },
      attendees: [
        { address: 'mailto:ada@example.org', email: 'ada@example.org', name: 'Ada Lovelace', role: 'CHAIR', partstat: 'ACCEPTED', scheduleStatus: null },
        { address: 'mailto:grace@example.org', email: 'grace@example.org', name: 'Grace Hopper', role: 'REQ-PARTICIPANT', partstat: 'DECLINED', scheduleStatus: '1.2' },
        { address: 'mailto:alan@example.org', email: 'alan@example.org', name: 'Alan Turing', role: 'OPT-PARTICIPANT', partstat: 'TENTATIVE', scheduleStatus: '5.2' },
      ],
    });
  });

  test('unfolds folded lines, in the parameters and in the address', () => {
    const text = calendar(
      event([
        'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Katherine',
        '  Johnson;X-NUM-GUESTS=0:mailto:katherine.johnson@langley.exam',
        ' ple.org',
        'ORGANIZER;CN=Dorothy Vaughan;SENT-BY="mailto:assistant@example.org":mailto:do',
        '\tro@example.org',
      ]),
    );
    expect(participants(text)).toEqual({
      organizer: { address: 'mailto:doro@example.org', email: 'doro@example.org', name: 'Dorothy Vaughan' },
      attendees: [
        {
          address: 'mailto:katherine.johnson@langley.example.org',
          email: 'katherine.johnson@langley.example.org',
          name: 'Katherine Johnson',
          role: 'REQ-PARTICIPANT',
          partstat: 'ACCEPTED',
          scheduleStatus: null,
        },
      ],
    });
  });

  test('keeps a quoted CN whole, commas, semicolons and colons included', () => {
    const text = calendar(
      event([
        'ORGANIZER;CN="Lovelace, Ada":mailto:ada@example.org',
        'ATTENDEE;CN="Hopper, Grace; Rear Admiral: US Navy";PARTSTAT=ACCEPTED:mailto:grace@example.org',
        'ATTENDEE;CN=Bob ^\'The Builder^\':mailto:bob@example.org',
      ]),
    );
    const { organizer, attendees } = participants(text);
    expect(organizer?.name).toBe('Lovelace, Ada');
    expect(attendees.map((attendee) => attendee.name)).toEqual(['Hopper, Grace; Rear Admiral: US Navy', 'Bob "The Builder"']);
    expect(attendees[0].email).toBe('grace@example.org');
  });

  test('gives missing or blank parameters their defaults: no name, REQ-PARTICIPANT, NEEDS-ACTION, no status', () => {
    const text = calendar(event(['ATTENDEE:mailto:plain@example.org', 'ATTENDEE;CN=;ROLE=;PARTSTAT=;SCHEDULE-STATUS=:mailto:blank@example.org', 'ORGANIZER:mailto:boss@example.org']));
    expect(participants(text)).toEqual({
      organizer: { address: 'mailto:boss@example.org', email: 'boss@example.org', name: null },
      attendees: [
        { address: 'mailto:plain@example.org', email: 'plain@example.org', name: null, role: 'REQ-PARTICIPANT', partstat: 'NEEDS-ACTION', scheduleStatus: null },
        { address: 'mailto:blank@example.org', email: 'blank@example.org', name: null, role: 'REQ-PARTICIPANT', partstat: 'NEEDS-ACTION', scheduleStatus: null },
      ],
    });
  });

  test('reads mailto: in any case, upper-cases role and answer, and has no email for other addresses', () => {
    const text = calendar(
      event([
        'ORGANIZER;CN=Upper:MAILTO:Upper@Example.org',
        'ATTENDEE;ROLE=opt-participant;PARTSTAT=accepted:MailTo:mixed@example.org',
        'ATTENDEE;CN=Room 4;CUTYPE=ROOM;PARTSTAT=Declined:urn:uuid:7f1a3b2c-0000-4000-8000-000000000004',
        'ATTENDEE;PARTSTAT=X-MAYBE-LATER:mailto:',
      ]),
    );
    const { organizer, attendees } = participants(text);
    expect(organizer).toEqual({ address: 'MAILTO:Upper@Example.org', email: 'Upper@Example.org', name: 'Upper' });
    expect(attendees).toEqual([
      { address: 'MailTo:mixed@example.org', email: 'mixed@example.org', name: null, role: 'OPT-PARTICIPANT', partstat: 'ACCEPTED', scheduleStatus: null },
      {
        address: 'urn:uuid:7f1a3b2c-0000-4000-8000-000000000004',
        email: null,
        name: 'Room 4',
        role: 'REQ-PARTICIPANT',
        partstat: 'DECLINED',
        scheduleStatus: null,
      },
      { address: 'mailto:', email: null, name: null, role: 'REQ-PARTICIPANT', partstat: 'X-MAYBE-LATER', scheduleStatus: null },
    ]);
  });

  test('keeps every code of a SCHEDULE-STATUS that has several', () => {
    const text = calendar(event(['ATTENDEE;SCHEDULE-STATUS="1.2,5.3":mailto:refuses@example.org']));
    expect(participants(text).attendees[0].scheduleStatus).toBe('1.2,5.3');
  });

  test('an event without attendees or organizer has none', () => {
    expect(participants(calendar(event([])))).toEqual({ organizer: null, attendees: [] });
  });

  test('takes the master VEVENT: an override inviting others to one occurrence does not change the list', () => {
    const master = event(['ORGANIZER;CN=Ada:mailto:ada@example.org', 'ATTENDEE;CN=Grace;PARTSTAT=ACCEPTED:mailto:grace@example.org']);
    const override = event(
      [
        'ORGANIZER;CN=Someone Else:mailto:else@example.org',
        'ATTENDEE;CN=Grace;PARTSTAT=DECLINED:mailto:grace@example.org',
        'ATTENDEE;CN=Guest;PARTSTAT=ACCEPTED:mailto:guest@example.org',
      ],
      '20260309T090000Z',
    );
    // The override first, as some clients write it.
    const { root } = parseCalendarText(calendar(override, master));
    expect(masterParticipants(root)).toEqual({
      organizer: { address: 'mailto:ada@example.org', email: 'ada@example.org', name: 'Ada' },
      attendees: [{ address: 'mailto:grace@example.org', email: 'grace@example.org', name: 'Grace', role: 'REQ-PARTICIPANT', partstat: 'ACCEPTED', scheduleStatus: null }],
    });
    // The override's own list is still readable from its component.
    const [overrideComponent] = root.getAllSubcomponents('vevent');
    expect(participantsOf(overrideComponent).attendees.map((attendee) => [attendee.name, attendee.partstat])).toEqual([
      ['Grace', 'DECLINED'],
      ['Guest', 'ACCEPTED'],
    ]);
  });

  test('an object with only overrides (an invitation to one occurrence) has no master list', () => {
    const text = calendar(event(['ATTENDEE;PARTSTAT=ACCEPTED:mailto:grace@example.org'], '20260309T090000Z'));
    expect(participants(text)).toEqual({ organizer: null, attendees: [] });
  });
});
