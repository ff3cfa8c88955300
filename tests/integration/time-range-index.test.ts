/**
 * Time-range queries read only the events that may overlap the range (by span class and start, see spanClassOf),
 * and still find every event that does: long events, series, endless series and events stored before the classes.
 */

import { fillSpanClasses } from '../../server/src/store/span-classes';
import { EVENT_UID } from '../../server/src/uids';
import { davClient, readMultistatus, vevent } from '../harness/dav';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let user: TestUser;
let dav: ReturnType<typeof davClient>;
let calendar: string;

const events: Record<string, { start: string; end: string; rrule?: string }> = {
  hour: { start: '20260310T090000Z', end: '20260310T100000Z' },
  'three-days': { start: '20260312T080000Z', end: '20260315T080000Z' },
  // 45 days: its start lies far before windows late in its span.
  'long-stay': { start: '20260301T000000Z', end: '20260415T000000Z' },
  weekly: { start: '20260302T120000Z', end: '20260302T130000Z', rrule: 'FREQ=WEEKLY;COUNT=10' },
  endless: { start: '20250101T070000Z', end: '20250101T071500Z', rrule: 'FREQ=MONTHLY;BYMONTHDAY=1' },
};

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
  await server.collections.createCalendar({ owner: user.documentId, name: 'Spans', slug: 'spans' });
  dav = davClient(server.origin, user);
  calendar = `/dav/calendars/${user.username}/spans/`;
  for (const [name, fields] of Object.entries(events)) {
    const response = await dav.put(`${calendar}${name}.ics`, vevent(`${name}@spans`, fields));
    expect(response.status).toBe(201);
  }
});

afterAll(async () => {
  await server?.stop();
});

async function inRange(start: string, end: string): Promise<string[]> {
  const response = await dav.report(
    calendar,
    `<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop>
     <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="${start}" end="${end}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`,
  );
  expect(response.status).toBe(207);
  return readMultistatus(response.text)
    .map((entry) => entry.href.split('/').pop()!.replace(/\.ics$/, ''))
    .sort();
}

const windows: Array<[string, string, string[]]> = [
  ['20260310T093000Z', '20260310T094500Z', ['hour', 'long-stay']],
  ['20260314T000000Z', '20260314T010000Z', ['long-stay', 'three-days']],
  // The series' ninth and tenth weeks, two months after it began; late in the long stay.
  ['20260427T000000Z', '20260428T000000Z', ['weekly']],
  ['20260504T120000Z', '20260504T123000Z', ['weekly']],
  ['20260410T000000Z', '20260411T000000Z', ['long-stay']],
  ['20260501T000000Z', '20260502T000000Z', ['endless']],
  ['20300601T000000Z', '20300602T000000Z', ['endless']],
  ['20260316T000000Z', '20260317T000000Z', ['long-stay', 'weekly']],
];

test.each(windows)('a query from %s to %s finds exactly the events that overlap it', async (start, end, expected) => {
  expect(await inRange(start, end)).toEqual(expected);
});

test('events stored before span classes existed are found, and are classed at the next start', async () => {
  const knex = server.strapi.db.connection;
  const table = server.strapi.db.metadata.get(EVENT_UID).tableName;
  await knex(table).update({ occurrence_span: null });
  for (const [start, end, expected] of windows) expect(await inRange(start, end)).toEqual(expected);

  expect(await fillSpanClasses(server.strapi)).toBe(Object.keys(events).length * 2); // draft and published rows
  const classes = (await knex(table).whereNull('published_at').select('resource_name', 'occurrence_span')) as Array<{ resource_name: string; occurrence_span: number }>;
  const byName = Object.fromEntries(classes.map((row) => [row.resource_name.replace(/\.ics$/, ''), Number(row.occurrence_span)]));
  expect(byName).toEqual({ hour: 0, 'three-days': 7, 'long-stay': 11, weekly: 11, endless: -1 });
  for (const [start, end, expected] of windows) expect(await inRange(start, end)).toEqual(expected);
});
