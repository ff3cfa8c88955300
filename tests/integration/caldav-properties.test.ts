/**
 * Property requests beyond the common ones: allprop and propname, time zones, percent-encoded names, the reports
 * Apple clients send on principals, partial retrieval and the filters clients rarely use but must work.
 */

import { davClient, NS, propfindBody, readMultistatus, vevent } from '../harness/dav';
import { http } from '../harness/http';
import { createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let user: TestUser;
let dav: ReturnType<typeof davClient>;
let calendarPath: string;

const p = (ns: string, name: string) => `{${ns}}${name}`;
const CAL = 'xmlns:c="urn:ietf:params:xml:ns:caldav"';

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
  await server.collections.createCalendar({ owner: user.documentId, name: 'Team', slug: 'team' });
  dav = davClient(server.origin, user);
  calendarPath = `/dav/calendars/${user.username}/team/`;
  await dav.put(`${calendarPath}kick%20off.ics`, vevent('kickoff', { summary: 'Kick-off', extra: ['ATTENDEE;PARTSTAT=ACCEPTED;CN=Ada:mailto:ada@example.com', 'LOCATION:Main hall'] }));
  await dav.put(`${calendarPath}caf%C3%A9.ics`, vevent('cafe', { summary: 'Coffee', start: '20260311T090000Z', end: '20260311T093000Z', extra: ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Soon', 'TRIGGER:-PT10M', 'END:VALARM'] }));
});

afterAll(async () => {
  await server?.stop();
});

test('allprop returns the live WebDAV properties, propname lists names without values', async () => {
  const allprop = await dav.propfind(calendarPath, '1', '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>');
  const entries = readMultistatus(allprop.text);
  const calendar = entries[0];
  expect(calendar.props.get(p(NS.DAV, 'displayname'))?.text).toBe('Team');
  expect(calendar.props.get(p(NS.DAV, 'resourcetype'))?.children).toContain(p(NS.CALDAV, 'calendar'));
  const object = entries.find((entry) => entry.href.endsWith('kick off.ics'))!;
  expect(object.props.get(p(NS.DAV, 'getetag'))?.text).toMatch(/^".+"$/);
  expect(object.props.get(p(NS.DAV, 'getcontentlength'))?.text).toBe(String(Buffer.byteLength(vevent('kickoff', { summary: 'Kick-off', extra: ['ATTENDEE;PARTSTAT=ACCEPTED;CN=Ada:mailto:ada@example.com', 'LOCATION:Main hall'] }))));
  expect(object.props.get(p(NS.DAV, 'getcontenttype'))?.text).toContain('text/calendar');

  const propname = await dav.propfind(calendarPath, '0', '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>');
  const [names] = readMultistatus(propname.text);
  expect([...names.props.keys()]).toEqual(expect.arrayContaining([p(NS.DAV, 'displayname'), p(NS.CS, 'getctag'), p(NS.CALDAV, 'supported-calendar-component-set')]));
  expect(names.props.get(p(NS.DAV, 'displayname'))?.text).toBe('');
});

test('an empty PROPFIND body is allprop', async () => {
  const response = await dav.propfind(calendarPath, '0');
  expect(response.status).toBe(207);
  expect(readMultistatus(response.text)[0].props.get(p(NS.DAV, 'displayname'))?.text).toBe('Team');
});

test('a calendar announces the date range and number of instances it stores, and holds objects to them', async () => {
  const response = await dav.propfind(calendarPath, '0', propfindBody('c:min-date-time', 'c:max-date-time', 'c:max-instances'));
  const [calendar] = readMultistatus(response.text);
  expect(calendar.props.get(p(NS.CALDAV, 'min-date-time'))?.text).toBe('10000101T000000Z');
  expect(calendar.props.get(p(NS.CALDAV, 'max-date-time'))?.text).toBe('99991231T235959Z');
  const maxInstances = Number(calendar.props.get(p(NS.CALDAV, 'max-instances'))?.text);
  expect(maxInstances).toBeGreaterThan(0);

  const tooMany = await dav.put(`${calendarPath}too-many.ics`, vevent('too-many', { rrule: `FREQ=DAILY;COUNT=${maxInstances + 1}` }));
  expect(tooMany.status).toBe(403);
  expect(tooMany.text).toContain('max-instances');
  const tooEarly = await dav.put(`${calendarPath}too-early.ics`, vevent('too-early', { start: '09990101T100000Z', end: '09990101T110000Z' }));
  expect(tooEarly.status).toBe(403);
  expect(tooEarly.text).toContain('min-date-time');
  expect((await dav.put(`${calendarPath}within.ics`, vevent('within', { rrule: `FREQ=DAILY;COUNT=${maxInstances}` }))).status).toBe(201);
  // The other tests read this calendar's listing.
  expect((await dav.delete(`${calendarPath}within.ics`)).status).toBe(204);

  const patch = await dav.proppatch(
    calendarPath,
    `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" ${CAL}><d:set><d:prop><c:max-instances>5</c:max-instances></d:prop></d:set></d:propertyupdate>`,
  );
  expect(patch.status).toBe(207);
  expect(readMultistatus(patch.text)[0].props.get(p(NS.CALDAV, 'max-instances'))?.status).toBe(403);
});

test('object names are percent-encoded in hrefs and decoded in storage', async () => {
  const response = await dav.propfind(calendarPath, '1', propfindBody('d:getetag'));
  expect(response.text).toContain(`${calendarPath}kick%20off.ics`);
  expect(response.text).toContain(`${calendarPath}caf%C3%A9.ics`);
  const calendar = await server.collections.findCalendarBySlug('team');
  const names = (await server.collections.listEvents(calendar!.documentId)).map((event) => event.resourceName).sort();
  expect(names).toEqual(['café.ics', 'kick off.ics']);
  expect((await dav.get(`${calendarPath}caf%C3%A9.ics`)).text).toContain('SUMMARY:Coffee');
});

test('PROPPATCH of calendar-timezone sets the calendar time zone from a VTIMEZONE', async () => {
  const vcalendar = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//EN', 'BEGIN:VTIMEZONE', 'TZID:America/New_York', 'BEGIN:STANDARD', 'DTSTART:19701101T020000', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU', 'TZOFFSETFROM:-0400', 'TZOFFSETTO:-0500', 'END:STANDARD', 'END:VTIMEZONE', 'END:VCALENDAR'].join('\r\n');
  const response = await dav.proppatch(
    calendarPath,
    `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" ${CAL}><d:set><d:prop><c:calendar-timezone>${vcalendar}</c:calendar-timezone></d:prop></d:set></d:propertyupdate>`,
  );
  expect(readMultistatus(response.text)[0].props.get(p(NS.CALDAV, 'calendar-timezone'))?.status).toBe(200);
  expect((await server.collections.findCalendarBySlug('team'))?.timezone).toBe('America/New_York');
  const read = await dav.propfind(calendarPath, '0', propfindBody('c:calendar-timezone'));
  expect(readMultistatus(read.text)[0].props.get(p(NS.CALDAV, 'calendar-timezone'))?.text).toContain('TZID:America/New_York');
});

describe('calendar-query details', () => {
  const query = (filter: string, prop = '<d:getetag/>') => `<?xml version="1.0" encoding="utf-8"?>
    <c:calendar-query xmlns:d="DAV:" ${CAL}><d:prop>${prop}</d:prop><c:filter><c:comp-filter name="VCALENDAR">${filter}</c:comp-filter></c:filter></c:calendar-query>`;
  const names = async (filter: string) =>
    readMultistatus((await dav.report(calendarPath, query(filter))).text).map((entry) => entry.href.split('/').pop()).sort();

  test('param-filter matches a parameter of a property', async () => {
    expect(await names('<c:comp-filter name="VEVENT"><c:prop-filter name="ATTENDEE"><c:param-filter name="PARTSTAT"><c:text-match>ACCEPTED</c:text-match></c:param-filter></c:prop-filter></c:comp-filter>')).toEqual(['kick off.ics']);
  });

  test('is-not-defined selects objects without a property or component', async () => {
    expect(await names('<c:comp-filter name="VEVENT"><c:prop-filter name="LOCATION"><c:is-not-defined/></c:prop-filter></c:comp-filter>')).toEqual(['café.ics']);
    expect(await names('<c:comp-filter name="VEVENT"><c:comp-filter name="VALARM"><c:is-not-defined/></c:comp-filter></c:comp-filter>')).toEqual(['kick off.ics']);
  });

  test('i;octet is case-sensitive where i;ascii-casemap is not', async () => {
    const match = (collation: string, text: string) =>
      names(`<c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match collation="${collation}">${text}</c:text-match></c:prop-filter></c:comp-filter>`);
    expect(await match('i;octet', 'coffee')).toEqual([]);
    expect(await match('i;octet', 'Coffee')).toEqual(['café.ics']);
    expect(await match('i;ascii-casemap', 'COFFEE')).toEqual(['café.ics']);
  });

  test('an alarm time-range finds events whose reminder rings in the range', async () => {
    expect(await names('<c:comp-filter name="VEVENT"><c:comp-filter name="VALARM"><c:time-range start="20260311T084500Z" end="20260311T085500Z"/></c:comp-filter></c:comp-filter>')).toEqual(['café.ics']);
  });

  test('partial retrieval returns only the asked components and properties', async () => {
    const response = await dav.report(
      calendarPath,
      query(
        '<c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match>Kick</c:text-match></c:prop-filter></c:comp-filter>',
        '<c:calendar-data><c:comp name="VCALENDAR"><c:prop name="VERSION"/><c:comp name="VEVENT"><c:prop name="SUMMARY"/><c:prop name="UID"/></c:comp></c:comp></c:calendar-data>',
      ),
    );
    const data = readMultistatus(response.text)[0].props.get(p(NS.CALDAV, 'calendar-data'))!.text;
    expect(data).toContain('SUMMARY:Kick-off');
    expect(data).toContain('UID:kickoff');
    expect(data).not.toContain('ATTENDEE');
    expect(data).not.toContain('LOCATION');
  });

  test('an event with no end matches a range that starts exactly at its start (RFC 4791 9.9)', async () => {
    const instant = vevent('instant', { summary: 'Launch' }).replace(/DTEND:[^\r]+\r\n/, '').replace('DTSTART:20260310T090000Z', 'DTSTART:20260420T120000Z');
    expect((await dav.put(`${calendarPath}launch.ics`, instant)).status).toBe(201);
    expect(await names('<c:comp-filter name="VEVENT"><c:time-range start="20260420T120000Z" end="20260420T130000Z"/></c:comp-filter>')).toEqual(['launch.ics']);
    expect(await names('<c:comp-filter name="VEVENT"><c:time-range start="20260420T110000Z" end="20260420T120000Z"/></c:comp-filter>')).toEqual([]);
    await dav.delete(`${calendarPath}launch.ics`);
  });

  test('a malformed filter is refused with valid-filter', async () => {
    const response = await dav.report(calendarPath, query('<c:comp-filter name="VEVENT"><c:time-range start="yesterday"/></c:comp-filter>'));
    expect(response.status).toBe(403);
    expect(response.text).toContain('valid-filter');
  });
});

describe('reports on principals', () => {
  test('expand-property resolves the principal hrefs it is asked to expand', async () => {
    const response = await dav.report(
      `/dav/principals/${user.username}/`,
      `<?xml version="1.0"?><d:expand-property xmlns:d="DAV:"><d:property name="principal-URL"><d:property name="displayname"/><d:property name="calendar-home-set" namespace="urn:ietf:params:xml:ns:caldav"/></d:property></d:expand-property>`,
      '0',
    );
    expect(response.status).toBe(207);
    expect(response.text).toContain(`<d:displayname>${user.username}</d:displayname>`);
    expect(response.text).toContain(`/dav/calendars/${user.username}/`);
  });

  test('principal-property-search finds users by name or email, and never blocked ones', async () => {
    const colleague = await createUser(server, { username: `grace_${Date.now().toString(36)}` });
    const search = (match: string) =>
      dav.report(
        '/dav/principals/',
        `<?xml version="1.0"?><d:principal-property-search xmlns:d="DAV:" ${CAL} test="anyof">
          <d:property-search><d:prop><d:displayname/></d:prop><d:match>${match}</d:match></d:property-search>
          <d:property-search><d:prop><c:calendar-user-address-set/></d:prop><d:match>${match}</d:match></d:property-search>
          <d:prop><d:displayname/><c:calendar-user-address-set/></d:prop>
        </d:principal-property-search>`,
        '0',
      );
    const found = readMultistatus((await search('grace_')).text);
    expect(found.map((entry) => entry.href)).toEqual([`/dav/principals/${colleague.username}/`]);
    expect(found[0].props.get(p(NS.CALDAV, 'calendar-user-address-set'))?.hrefs).toContain(`mailto:${colleague.email}`);

    await server.strapi.db.query('plugin::users-permissions.user' as never).update({ where: { id: colleague.id }, data: { blocked: true } });
    expect(readMultistatus((await search('grace_')).text)).toHaveLength(0);
  });
});

test("a multiget cannot reach another user's objects", async () => {
  const other = await createUser(server);
  await server.collections.createCalendar({ owner: other.documentId, name: 'Private', slug: `private-${other.username}` });
  await davClient(server.origin, other).put(`/dav/calendars/${other.username}/private-${other.username}/secret.ics`, vevent('secret', { summary: 'Secret' }));
  const response = await dav.report(
    calendarPath,
    `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" ${CAL}><d:prop><c:calendar-data/></d:prop><d:href>/dav/calendars/${other.username}/private-${other.username}/secret.ics</d:href></c:calendar-multiget>`,
  );
  const [entry] = readMultistatus(response.text);
  expect(entry.status).toBe(404);
  expect(response.text).not.toContain('Secret');
});

test('an editor edits an event in the Content Manager over HTTP and the client sees the change', async () => {
  const token = await registerAdmin(server);
  const calendar = await server.collections.findCalendarBySlug('team');
  const [kickoff] = (await server.collections.listEvents(calendar!.documentId)).filter((event) => event.uid === 'kickoff');
  const before = await dav.get(`${calendarPath}kick%20off.ics`);
  const save = await http(server.origin, 'PUT', `/content-manager/collection-types/plugin::caldav.event/${kickoff.documentId}`, {
    bearer: token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ summary: 'Kick-off (moved to the roof)' }),
  });
  expect(save.status).toBe(200);
  // Saved as a draft: the client still sees the published version.
  expect((await dav.get(`${calendarPath}kick%20off.ics`)).text).toBe(before.text);
  const publish = await http(server.origin, 'POST', `/content-manager/collection-types/plugin::caldav.event/${kickoff.documentId}/actions/publish`, {
    bearer: token,
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  expect(publish.status).toBe(200);
  const after = await dav.get(`${calendarPath}kick%20off.ics`);
  expect(after.text).toContain('SUMMARY:Kick-off (moved to the roof)');
  expect(after.text).toContain('ATTENDEE;PARTSTAT=ACCEPTED;CN=Ada:mailto:ada@example.com');
  expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
});
