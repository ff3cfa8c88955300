/**
 * Every CalDAV method and precondition, with raw requests: what a client sends, what it must get back, and that a
 * refused write leaves the stored data as it was.
 */

import { davClient, NS, propfindBody, readErrorConditions, readMultistatus, vevent } from '../harness/dav';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let user: TestUser;
let dav: ReturnType<typeof davClient>;
let home: string;

const p = (ns: string, name: string) => `{${ns}}${name}`;
const CAL = 'xmlns:c="urn:ietf:params:xml:ns:caldav"';

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
  await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: 'work', components: ['VEVENT'] });
  dav = davClient(server.origin, user);
  home = `/dav/calendars/${user.username}/`;
});

afterAll(async () => {
  await server?.stop();
});

const eventCount = async () => server.strapi.db.query('plugin::caldav.event' as never).count({ where: { publishedAt: { $notNull: true } } });

describe('MKCALENDAR, PROPPATCH and DELETE of calendars', () => {
  test('MKCALENDAR creates a calendar with its initial properties', async () => {
    const response = await dav.mkcalendar(
      `${home}projects/`,
      `<?xml version="1.0" encoding="utf-8"?>
      <c:mkcalendar xmlns:d="DAV:" ${CAL} xmlns:a="http://apple.com/ns/ical/">
        <d:set><d:prop>
          <d:displayname>Projects</d:displayname>
          <c:calendar-description>Client work</c:calendar-description>
          <a:calendar-color>#00AA00FF</a:calendar-color>
          <c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set>
        </d:prop></d:set>
      </c:mkcalendar>`,
    );
    expect(response.status).toBe(201);
    const calendar = await server.collections.findCalendarBySlug('projects');
    expect(calendar).toMatchObject({ name: 'Projects', description: 'Client work', color: '#00AA00', components: ['VTODO'] });
    expect((calendar?.owner as { documentId: string }).documentId).toBe(user.documentId);

    const again = await dav.mkcalendar(`${home}projects/`);
    expect(again.status).toBe(405);
  });

  test('MKCALENDAR with a bad property creates nothing and says which property failed', async () => {
    const response = await dav.mkcalendar(
      `${home}broken/`,
      `<?xml version="1.0" encoding="utf-8"?>
      <c:mkcalendar xmlns:d="DAV:" ${CAL} xmlns:a="http://apple.com/ns/ical/">
        <d:set><d:prop><d:displayname>Broken</d:displayname><a:calendar-color>not a color</a:calendar-color></d:prop></d:set>
      </c:mkcalendar>`,
    );
    expect(response.status).toBe(403);
    expect(response.text).toContain('mkcalendar-response');
    expect(response.text).toMatch(/calendar-color[\s\S]*HTTP\/1.1 409/);
    expect(await server.collections.findCalendarBySlug('broken')).toBeNull();
  });

  test('extended MKCOL creates a calendar too, and refuses a plain collection', async () => {
    const body = (types: string) => `<?xml version="1.0" encoding="utf-8"?>
      <d:mkcol xmlns:d="DAV:" ${CAL}><d:set><d:prop>
        <d:resourcetype>${types}</d:resourcetype><d:displayname>Via MKCOL</d:displayname>
      </d:prop></d:set></d:mkcol>`;
    expect((await dav.request('MKCOL', `${home}via-mkcol/`, body('<d:collection/><c:calendar/>'), { 'Content-Type': 'application/xml' })).status).toBe(201);
    expect((await server.collections.findCalendarBySlug('via-mkcol'))?.name).toBe('Via MKCOL');
    const plain = await dav.request('MKCOL', `${home}plain/`, body('<d:collection/>'), { 'Content-Type': 'application/xml' });
    expect(plain.status).toBe(403);
    expect(await server.collections.findCalendarBySlug('plain')).toBeNull();
  });

  test('PROPPATCH writes the fields, keeps other properties as dead properties, and returns them', async () => {
    const response = await dav.proppatch(
      `${home}work/`,
      `<?xml version="1.0" encoding="utf-8"?>
      <d:propertyupdate xmlns:d="DAV:" ${CAL} xmlns:a="http://apple.com/ns/ical/" xmlns:x="urn:example:client">
        <d:set><d:prop>
          <d:displayname>Work (renamed)</d:displayname>
          <a:calendar-order>3</a:calendar-order>
          <x:flavour kind="strong">espresso</x:flavour>
        </d:prop></d:set>
      </d:propertyupdate>`,
    );
    expect(response.status).toBe(207);
    const [result] = readMultistatus(response.text);
    expect([...result.props.values()].every((value) => value.status === 200)).toBe(true);
    expect(await server.collections.findCalendarBySlug('work')).toMatchObject({ name: 'Work (renamed)', sortOrder: 3 });

    const read = await dav.propfind(`${home}work/`, '0', propfindBody('d:displayname', 'x:flavour xmlns:x="urn:example:client"', 'a:calendar-order xmlns:a="http://apple.com/ns/ical/"'));
    const [entry] = readMultistatus(read.text);
    expect(entry.props.get(p(NS.DAV, 'displayname'))?.text).toBe('Work (renamed)');
    expect(entry.props.get(p('urn:example:client', 'flavour'))).toMatchObject({ status: 200, text: 'espresso' });
  });

  test('PROPPATCH is atomic: one bad value and nothing is set (424 for the rest)', async () => {
    const response = await dav.proppatch(
      `${home}work/`,
      `<?xml version="1.0" encoding="utf-8"?>
      <d:propertyupdate xmlns:d="DAV:" xmlns:a="http://apple.com/ns/ical/">
        <d:set><d:prop><d:displayname>Should not stick</d:displayname><a:calendar-color>blue-ish</a:calendar-color></d:prop></d:set>
      </d:propertyupdate>`,
    );
    const [result] = readMultistatus(response.text);
    expect(result.props.get(p(NS.DAV, 'displayname'))?.status).toBe(424);
    expect(result.props.get(p(NS.ICAL, 'calendar-color'))?.status).toBe(409);
    expect((await server.collections.findCalendarBySlug('work'))?.name).toBe('Work (renamed)');
  });

  test('DELETE of a calendar removes it with its events', async () => {
    await dav.mkcalendar(`${home}doomed/`);
    expect((await dav.put(`${home}doomed/a.ics`, vevent('doomed-a'))).status).toBe(201);
    const before = await eventCount();
    expect((await dav.delete(`${home}doomed/`)).status).toBe(204);
    expect(await server.collections.findCalendarBySlug('doomed')).toBeNull();
    expect(await eventCount()).toBe(before - 1);
    expect((await dav.propfind(`${home}doomed/`, '0', propfindBody('d:displayname'))).status).toBe(404);
  });
});

describe('PUT, GET, DELETE of calendar objects', () => {
  const path = () => `${home}work/standup.ics`;

  test('PUT creates (201) then updates (204), with an ETag matching GET', async () => {
    const created = await dav.put(path(), vevent('standup-1', { summary: 'Stand-up' }), { 'If-None-Match': '*' });
    expect(created.status).toBe(201);
    const etag = created.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);

    const got = await dav.get(path());
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(got.headers.get('etag')).toBe(etag);
    expect(got.headers.get('last-modified')).toBeTruthy();
    expect(got.text).toBe(vevent('standup-1', { summary: 'Stand-up' }));

    const head = await dav.request('HEAD', path());
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);

    const updated = await dav.put(path(), vevent('standup-1', { summary: 'Stand-up (v2)' }), { 'If-Match': etag! });
    expect(updated.status).toBe(204);
    expect(updated.headers.get('etag')).not.toBe(etag);
  });

  test('very long values are kept whole in the object and shortened only in the editors\' fields', async () => {
    const summary = `Planning ${'😀'.repeat(300)}`;
    const url = `https://example.org/?q=${'x'.repeat(1500)}`;
    const body = vevent('long-1', { summary, extra: [`LOCATION:${'Room '.repeat(100)}`, `URL:${url}`] });
    expect((await dav.put(`${home}work/long.ics`, body)).status).toBe(201);
    expect((await dav.get(`${home}work/long.ics`)).text).toBe(body);
    const row = (await server.strapi.db.query('plugin::caldav.event' as never).findOne({ where: { uid: 'long-1', publishedAt: { $notNull: true } } })) as {
      summary: string;
      location: string;
      url: string;
    };
    expect(row.summary.length).toBeGreaterThanOrEqual(254);
    expect(row.summary.length).toBeLessThanOrEqual(255);
    expect(summary.startsWith(row.summary)).toBe(true);
    expect(row.summary.endsWith('😀')).toBe(true);
    expect(row.location).toHaveLength(255);
    expect(row.url).toBe(url);
  });

  test('conditional requests: If-None-Match * on an existing object and a stale If-Match both get 412', async () => {
    const current = (await dav.get(path())).headers.get('etag')!;
    expect((await dav.put(path(), vevent('standup-1', { summary: 'Overwrite?' }), { 'If-None-Match': '*' })).status).toBe(412);
    expect((await dav.put(path(), vevent('standup-1', { summary: 'Overwrite?' }), { 'If-Match': '"stale"' })).status).toBe(412);
    expect((await dav.put(`${home}work/new.ics`, vevent('new-1'), { 'If-Match': '*' })).status).toBe(412);
    expect((await dav.get(path())).text).toContain('SUMMARY:Stand-up (v2)');
    expect((await dav.get(path(), { 'If-None-Match': current })).status).toBe(304);
  });

  test.each([
    ['not iCalendar at all', 'hello world', 'valid-calendar-data'],
    ['two different UIDs', vevent('a').replace('END:VCALENDAR', 'BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR'), 'valid-calendar-object-resource'],
    ['a METHOD property', vevent('m').replace('VERSION:2.0', 'VERSION:2.0\r\nMETHOD:REQUEST'), 'valid-calendar-object-resource'],
    ['a VTODO in a VEVENT-only calendar', vevent('t').replace(/VEVENT/g, 'VTODO').replace(/DTEND:[^\r]+\r\n/, ''), 'supported-calendar-component'],
  ])('PUT of %s is refused with its precondition and stores nothing', async (_label, body, precondition) => {
    const before = await eventCount();
    const response = await dav.put(`${home}work/bad.ics`, body);
    expect(response.status).toBe(403);
    expect(readErrorConditions(response.text)).toContain(p(NS.CALDAV, precondition));
    expect(await eventCount()).toBe(before);
  });

  test('PUT with another content type is refused with supported-calendar-data', async () => {
    const response = await dav.request('PUT', `${home}work/json.ics`, '{"summary":"x"}', { 'Content-Type': 'application/json' });
    expect(response.status).toBe(415);
    expect(readErrorConditions(response.text)).toContain(p(NS.CALDAV, 'supported-calendar-data'));
  });

  test('PUT larger than max-resource-size is refused', async () => {
    const huge = vevent('huge', { extra: [`DESCRIPTION:${'x'.repeat(70)}`.repeat(1)], summary: 'x'.repeat(2 * 1024 * 1024) });
    const response = await dav.put(`${home}work/huge.ics`, huge);
    expect(response.status).toBe(413);
  });

  test('a UID already used by another object in the calendar is refused with no-uid-conflict and its href', async () => {
    const response = await dav.put(`${home}work/duplicate.ics`, vevent('standup-1'));
    expect(response.status).toBe(409);
    expect(readErrorConditions(response.text)).toContain(p(NS.CALDAV, 'no-uid-conflict'));
    expect(response.text).toContain(`${home}work/standup.ics`);
    expect((await dav.get(`${home}work/duplicate.ics`)).status).toBe(404);
  });

  test('two PUTs of one new UID under two names at the same time: one is stored, the other gets no-uid-conflict', async () => {
    const [first, second] = await Promise.all([dav.put(`${home}work/race-a.ics`, vevent('race-1')), dav.put(`${home}work/race-b.ics`, vevent('race-1'))]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const refused = first.status === 409 ? first : second;
    expect(readErrorConditions(refused.text)).toContain(p(NS.CALDAV, 'no-uid-conflict'));
    const stored = await Promise.all([dav.get(`${home}work/race-a.ics`), dav.get(`${home}work/race-b.ics`)]);
    expect(stored.map((response) => response.status).sort()).toEqual([200, 404]);
  });

  test('DELETE honours If-Match and then removes the object', async () => {
    await dav.put(`${home}work/gone.ics`, vevent('gone-1'));
    expect((await dav.delete(`${home}work/gone.ics`, { 'If-Match': '"wrong"' })).status).toBe(412);
    expect((await dav.get(`${home}work/gone.ics`)).status).toBe(200);
    expect((await dav.delete(`${home}work/gone.ics`)).status).toBe(204);
    expect((await dav.get(`${home}work/gone.ics`)).status).toBe(404);
    expect((await dav.delete(`${home}work/gone.ics`)).status).toBe(404);
  });

  test('MOVE takes an event to another calendar: gone from one, present in the other', async () => {
    await dav.mkcalendar(`${home}personal/`);
    await dav.put(`${home}work/moving.ics`, vevent('moving-1', { summary: 'Moving' }));
    const response = await dav.request('MOVE', `${home}work/moving.ics`, undefined, { Destination: `${server.origin}${home}personal/moved.ics` });
    expect(response.status).toBe(201);
    expect((await dav.get(`${home}work/moving.ics`)).status).toBe(404);
    expect((await dav.get(`${home}personal/moved.ics`)).text).toContain('SUMMARY:Moving');
  });
});

describe('REPORTs', () => {
  beforeAll(async () => {
    await dav.mkcalendar(`${home}reports/`);
    await dav.put(`${home}reports/march.ics`, vevent('march', { summary: 'March review', start: '20260310T090000Z', end: '20260310T100000Z', extra: ['CATEGORIES:Team,Planning'] }));
    await dav.put(`${home}reports/weekly.ics`, vevent('weekly', { summary: 'Weekly', start: '20260105T090000Z', end: '20260105T093000Z', rrule: 'FREQ=WEEKLY;COUNT=52' }));
    await dav.put(`${home}reports/june.ics`, vevent('june', { summary: 'June party', start: '20260620T180000Z', end: '20260620T230000Z' }));
  });

  const query = (filter: string, prop = '<d:getetag/>') => `<?xml version="1.0" encoding="utf-8"?>
    <c:calendar-query xmlns:d="DAV:" ${CAL}><d:prop>${prop}</d:prop><c:filter>${filter}</c:filter></c:calendar-query>`;
  const names = (body: string) => readMultistatus(body).map((entry) => entry.href.split('/').pop()).sort();

  test('calendar-query with a time-range returns exactly the events that occur in it, recurrences included', async () => {
    const response = await dav.report(`${home}reports/`, query('<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20260601T000000Z" end="20260701T000000Z"/></c:comp-filter></c:comp-filter>'));
    expect(response.status).toBe(207);
    expect(names(response.text)).toEqual(['june.ics', 'weekly.ics']);
    const early = await dav.report(`${home}reports/`, query('<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20251201T000000Z" end="20251231T000000Z"/></c:comp-filter></c:comp-filter>'));
    expect(names(early.text)).toEqual([]);
  });

  test('calendar-query with text-match on a property, and its negation', async () => {
    const match = (negate: string) => query(`<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match collation="i;ascii-casemap"${negate}>REVIEW</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter>`);
    expect(names((await dav.report(`${home}reports/`, match(''))).text)).toEqual(['march.ics']);
    expect(names((await dav.report(`${home}reports/`, match(' negate-condition="yes"'))).text)).toEqual(['june.ics', 'weekly.ics']);
  });

  test('calendar-query returns calendar-data and getetag for every hit', async () => {
    const response = await dav.report(`${home}reports/`, query('<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="CATEGORIES"><c:text-match>planning</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter>', '<d:getetag/><c:calendar-data/>'));
    const [entry] = readMultistatus(response.text);
    expect(entry.props.get(p(NS.DAV, 'getetag'))?.text).toMatch(/^"/);
    expect(entry.props.get(p(NS.CALDAV, 'calendar-data'))?.text).toBe((await dav.get(`${home}reports/march.ics`)).text);
  });

  test('calendar-query with expand returns the single occurrences in the range', async () => {
    const response = await dav.report(
      `${home}reports/`,
      query(
        '<c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20260301T000000Z" end="20260315T000000Z"/></c:comp-filter></c:comp-filter>',
        '<c:calendar-data><c:expand start="20260301T000000Z" end="20260315T000000Z"/></c:calendar-data>',
      ),
    );
    const weekly = readMultistatus(response.text).find((entry) => entry.href.endsWith('weekly.ics'))!;
    const data = weekly.props.get(p(NS.CALDAV, 'calendar-data'))!.text;
    expect(data.match(/RECURRENCE-ID/g)).toHaveLength(2);
    expect(data).not.toContain('RRULE');
  });

  test('calendar-multiget returns the asked objects and 404 for unknown hrefs', async () => {
    const response = await dav.report(
      `${home}reports/`,
      `<?xml version="1.0" encoding="utf-8"?>
      <c:calendar-multiget xmlns:d="DAV:" ${CAL}><d:prop><d:getetag/><c:calendar-data/></d:prop>
        <d:href>${home}reports/march.ics</d:href><d:href>${home}reports/nope.ics</d:href>
      </c:calendar-multiget>`,
    );
    const entries = readMultistatus(response.text);
    expect(entries.find((entry) => entry.href.endsWith('march.ics'))?.props.get(p(NS.CALDAV, 'calendar-data'))?.text).toContain('March review');
    expect(entries.find((entry) => entry.href.endsWith('nope.ics'))?.status).toBe(404);
  });

  test('free-busy-query answers the busy time in the range', async () => {
    const response = await dav.report(
      `${home}reports/`,
      `<?xml version="1.0" encoding="utf-8"?><c:free-busy-query ${CAL}><c:time-range start="20260620T000000Z" end="20260621T000000Z"/></c:free-busy-query>`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/calendar');
    expect(response.text).toContain('BEGIN:VFREEBUSY');
    expect(response.text).toContain('20260620T180000Z/20260620T230000Z');
  });

  test('an unknown report is refused with supported-report', async () => {
    const response = await dav.report(`${home}reports/`, '<?xml version="1.0"?><x:mystery xmlns:x="urn:example"/>');
    expect(response.status).toBe(403);
  });
});
