/**
 * The occurrences API (GET /api/caldav/occurrences): what a site's front end gets when it lists the coming events of
 * a calendar, recurrences expanded, times in the reader's zone, and only what the caller may see.
 */
import { davClient } from '../harness/dav';
import { calendarObject, NEW_YORK_VTIMEZONE } from '../harness/feeds';
import { http } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const EVENT_UID = 'plugin::caldav.event';
const PERMISSION_UID = 'plugin::users-permissions.permission';

interface Occurrence {
  documentId: string;
  recurrenceId: string | null;
  calendar: { slug: string; name: string; color: string | null };
  summary: string | null;
  location: string | null;
  description: string | null;
  url: string | null;
  categories: string[];
  status: string | null;
  allDay: boolean;
  start: string;
  end: string;
  localStart: string;
  localEnd: string;
}

interface Page {
  data: Occurrence[];
  meta: { pagination: { page: number; pageSize: number; pageCount: number; total: number }; window: { start: string; end: string; timeZone: string } };
}

interface Refusal {
  data: null;
  error: { status: number; name: string; message: string };
}

const JULY = 'start=2026-07-01&end=2026-08-01';

describe('the occurrences API', () => {
  let server: TestServer;
  let owner: TestUser;
  let friend: TestUser;
  let stranger: TestUser;
  let seriesId: string;
  let ownerJwt: string;
  let friendJwt: string;
  let strangerJwt: string;
  const base = () => `/dav/calendars/${owner.username}/events/`;

  const get = (query: string, bearer?: string) => http(server.origin, 'GET', `/api/caldav/occurrences?${query}`, { bearer });
  const page = async (query: string, bearer?: string): Promise<Page> => {
    const response = await get(query, bearer);
    expect(response.status).toBe(200);
    return response.json<Page>();
  };
  const refusal = async (query: string, status: number, bearer?: string): Promise<string> => {
    const response = await get(query, bearer);
    expect(response.status).toBe(status);
    const body = response.json<Refusal>();
    expect(body.data).toBeNull();
    expect(body.error.status).toBe(status);
    return body.error.message;
  };
  const signIn = async (user: TestUser): Promise<string> => {
    const response = await http(server.origin, 'POST', '/api/auth/local', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ identifier: user.username, password: user.password }),
    });
    return response.json<{ jwt: string }>().jwt;
  };
  const listing = (answer: Page) => answer.data.map((occurrence) => `${occurrence.localStart} ${occurrence.summary}`);

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createUser(server);
    friend = await createUser(server);
    stranger = await createUser(server);
    const events = await server.collections.createCalendar({
      owner: owner.documentId,
      name: 'Town events',
      slug: 'events',
      color: '#2a9d8f',
      timezone: 'Europe/Berlin',
      visibility: 'public',
    });
    const team = await server.collections.createCalendar({ owner: owner.documentId, name: 'Team', slug: 'team' });
    await server.collections.createShare({ calendar: team.documentId, user: friend.documentId, access: 'read' });
    await server.collections.createEvent(team.documentId, { summary: 'Standup', start: '2026-07-06T09:00:00.000Z', end: '2026-07-06T09:15:00.000Z' });
    // A draft: editors see it in the admin, nobody else anywhere.
    await server.strapi.documents(EVENT_UID as never).create({
      data: { summary: 'Secret draft', start: '2026-07-08T10:00:00.000Z', end: '2026-07-08T11:00:00.000Z', calendar: events.documentId } as never,
    });

    const dav = davClient(server.origin, owner);
    const put = async (name: string, text: string) => expect((await dav.put(`${base()}${name}`, text)).status).toBe(201);
    await put(
      'open-house.ics',
      calendarObject(
        'BEGIN:VEVENT',
        'UID:open-house',
        'DTSTAMP:20260101T000000Z',
        'DTSTART;TZID=Europe/Berlin:20260702T180000',
        'DTEND;TZID=Europe/Berlin:20260702T190000',
        'RRULE:FREQ=WEEKLY;COUNT=6',
        'EXDATE;TZID=Europe/Berlin:20260716T180000',
        'RDATE;TZID=Europe/Berlin:20260727T180000',
        'SUMMARY:Open house',
        'LOCATION:Town hall',
        'DESCRIPTION:Bring friends\\, all welcome',
        'URL:https://example.org/open-house',
        'CATEGORIES:Community,Free',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:open-house',
        'DTSTAMP:20260101T000000Z',
        'RECURRENCE-ID;TZID=Europe/Berlin:20260723T180000',
        'DTSTART;TZID=Europe/Berlin:20260724T190000',
        'DTEND;TZID=Europe/Berlin:20260724T200000',
        'SUMMARY:Open house (Friday)',
        'STATUS:TENTATIVE',
        'END:VEVENT',
      ),
    );
    await put('fair.ics', calendarObject('BEGIN:VEVENT', 'UID:fair', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20260704', 'DTEND;VALUE=DATE:20260706', 'SUMMARY:Summer fair', 'END:VEVENT'));
    // Floating: 23:00 on whatever clock the reader has.
    await put('fireworks.ics', calendarObject('BEGIN:VEVENT', 'UID:fireworks', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260731T230000', 'DTEND:20260801T000000', 'SUMMARY:Fireworks', 'END:VEVENT'));
    // 23:00 UTC on the last day of July is already August in Berlin.
    await put('late-call.ics', calendarObject('BEGIN:VEVENT', 'UID:late-call', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260731T230000Z', 'DTEND:20260731T233000Z', 'SUMMARY:Late call', 'END:VEVENT'));
    await put(
      'ny.ics',
      calendarObject(...NEW_YORK_VTIMEZONE, 'BEGIN:VEVENT', 'UID:ny', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=America/New_York:20260710T100000', 'DTEND;TZID=America/New_York:20260710T110000', 'SUMMARY:NY meetup', 'END:VEVENT'),
    );
    await put('june.ics', calendarObject('BEGIN:VEVENT', 'UID:june', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260615T100000Z', 'DTEND:20260615T110000Z', 'SUMMARY:In June', 'END:VEVENT'));
    const series = (await server.strapi.documents(EVENT_UID as never).findFirst({ filters: { uid: 'open-house' } as never })) as unknown as { documentId: string };
    seriesId = series.documentId;
    [ownerJwt, friendJwt, strangerJwt] = await Promise.all([signIn(owner), signIn(friend), signIn(stranger)]);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  test('a visitor lists a month of a public calendar on Berlin time: series expanded with its exception, extra date and moved occurrence', async () => {
    const answer = await page(`calendar=events&${JULY}&tz=Europe/Berlin`);
    expect(listing(answer)).toEqual([
      '2026-07-02T18:00:00+02:00 Open house',
      '2026-07-04 Summer fair',
      '2026-07-09T18:00:00+02:00 Open house',
      '2026-07-10T16:00:00+02:00 NY meetup',
      '2026-07-24T19:00:00+02:00 Open house (Friday)',
      '2026-07-27T18:00:00+02:00 Open house',
      '2026-07-30T18:00:00+02:00 Open house',
      '2026-07-31T23:00:00+02:00 Fireworks',
    ]);
    expect(answer.meta).toEqual({
      pagination: { page: 1, pageSize: 25, pageCount: 1, total: 8 },
      window: { start: '2026-06-30T22:00:00.000Z', end: '2026-07-31T22:00:00.000Z', timeZone: 'Europe/Berlin' },
    });
    expect(answer.data[0]).toEqual({
      documentId: seriesId,
      recurrenceId: '2026-07-02T16:00:00.000Z',
      calendar: { slug: 'events', name: 'Town events', color: '#2a9d8f' },
      summary: 'Open house',
      location: 'Town hall',
      description: 'Bring friends, all welcome',
      url: 'https://example.org/open-house',
      categories: ['Community', 'Free'],
      status: null,
      allDay: false,
      start: '2026-07-02T16:00:00.000Z',
      end: '2026-07-02T17:00:00.000Z',
      localStart: '2026-07-02T18:00:00+02:00',
      localEnd: '2026-07-02T19:00:00+02:00',
    });
    const moved = answer.data[4];
    expect(moved).toMatchObject({ documentId: seriesId, recurrenceId: '2026-07-23T16:00:00.000Z', status: 'TENTATIVE', start: '2026-07-24T17:00:00.000Z' });
    expect(answer.data[1]).toMatchObject({ allDay: true, recurrenceId: null, start: '2026-07-03T22:00:00.000Z', end: '2026-07-05T22:00:00.000Z', localEnd: '2026-07-06' });
    expect(answer.data[7]).toMatchObject({ start: '2026-07-31T21:00:00.000Z', localEnd: '2026-08-01T00:00:00+02:00' });
  });

  test('the same month in UTC: the window, the floating and all-day times follow the zone asked for', async () => {
    const answer = await page(`calendar=events&${JULY}`);
    expect(answer.meta.window).toEqual({ start: '2026-07-01T00:00:00.000Z', end: '2026-08-01T00:00:00.000Z', timeZone: 'UTC' });
    const byName = new Map(answer.data.map((occurrence) => [occurrence.summary, occurrence]));
    expect(byName.get('Late call')).toMatchObject({ start: '2026-07-31T23:00:00.000Z', localStart: '2026-07-31T23:00:00+00:00' });
    expect(byName.get('Fireworks')).toMatchObject({ start: '2026-07-31T23:00:00.000Z' });
    expect(byName.get('Summer fair')).toMatchObject({ start: '2026-07-04T00:00:00.000Z', localStart: '2026-07-04' });
    expect(answer.meta.pagination.total).toBe(9);
    const newYork = await page(`calendar=events&start=2026-07-10T00:00:00-04:00&end=2026-07-11T00:00:00-04:00&tz=America/New_York`);
    expect(listing(newYork)).toEqual(['2026-07-10T10:00:00-04:00 NY meetup']);
  });

  test('pages are slices of one sorted list, with Strapi-style pagination', async () => {
    const all = await page(`calendar=events&${JULY}&tz=Europe/Berlin`);
    const second = await page(`calendar=events&${JULY}&tz=Europe/Berlin&limit=3&page=2`);
    expect(second.meta.pagination).toEqual({ page: 2, pageSize: 3, pageCount: 3, total: 8 });
    expect(second.data).toEqual(all.data.slice(3, 6));
    const past = await page(`calendar=events&${JULY}&tz=Europe/Berlin&limit=3&page=4`);
    expect(past.data).toEqual([]);
  });

  test('private calendars answer like calendars that do not exist, except to their owner and sharees', async () => {
    const missing = await refusal(`calendar=nope&${JULY}`, 404);
    const hidden = await refusal(`calendar=team&${JULY}`, 404);
    expect(hidden).toBe(missing.replace('nope', 'team'));
    expect(await refusal(`calendar=team&${JULY}`, 404, strangerJwt)).toBe((await refusal(`calendar=nope&${JULY}`, 404, strangerJwt)).replace('nope', 'team'));
    expect(listing(await page(`calendar=team&${JULY}`, friendJwt))).toEqual(['2026-07-06T09:00:00+00:00 Standup']);
    const both = await page(`calendar=team,events&start=2026-07-06&end=2026-07-11&tz=Europe/Berlin`, ownerJwt);
    expect(both.data.map((occurrence) => `${occurrence.calendar.slug} ${occurrence.summary}`)).toEqual(['team Standup', 'events Open house', 'events NY meetup']);
  });

  test('an API token reads public calendars, not private ones', async () => {
    const token = (await server.strapi.service('admin::api-token').create({ name: 'Front end', type: 'read-only', lifespan: null, description: '' })) as { accessKey: string };
    expect((await page(`calendar=events&${JULY}`, token.accessKey)).meta.pagination.total).toBe(9);
    await refusal(`calendar=team&${JULY}`, 404, token.accessKey);
  });

  test('every bad parameter is refused with a message naming it', async () => {
    expect(await refusal(JULY, 400)).toMatch(/"calendar" is missing/);
    expect(await refusal('calendar=events&end=2026-08-01', 400)).toMatch(/"start" is missing/);
    expect(await refusal('calendar=events&start=2026-07-01', 400)).toMatch(/"end" is missing/);
    expect(await refusal('calendar=events&start=July&end=2026-08-01', 400)).toMatch(/"start" is not an ISO 8601 date/);
    expect(await refusal('calendar=events&start=2026-02-30&end=2026-08-01', 400)).toMatch(/"start" is not a date of the calendar/);
    expect(await refusal('calendar=events&start=2026-08-01&end=2026-07-01', 400)).toMatch(/"end" must be after "start"/);
    expect(await refusal('calendar=events&start=2026-01-01&end=2027-01-03', 400)).toMatch(/too wide: ask for at most 366 days/);
    expect(await refusal(`calendar=events&${JULY}&tz=Mars/Olympus`, 400)).toMatch(/"tz" is not an IANA time zone/);
    expect(await refusal(`calendar=events&${JULY}&limit=0`, 400)).toMatch(/"limit" must be a whole number from 1 to 1000/);
    expect(await refusal(`calendar=events&${JULY}&page=two`, 400)).toMatch(/"page" must be a whole number/);
  });

  test('what clients change over DAV shows at once; drafts never', async () => {
    const dav = davClient(server.origin, owner);
    const changed = calendarObject(
      ...NEW_YORK_VTIMEZONE,
      'BEGIN:VEVENT',
      'UID:ny',
      'DTSTAMP:20260102T000000Z',
      'DTSTART;TZID=America/New_York:20260710T120000',
      'DTEND;TZID=America/New_York:20260710T130000',
      'SUMMARY:NY meetup (moved to noon)',
      'END:VEVENT',
    );
    expect((await dav.put(`${base()}ny.ics`, changed)).status).toBe(204);
    const day = 'calendar=events&start=2026-07-10&end=2026-07-11&tz=America/New_York';
    expect(listing(await page(day, ownerJwt))).toEqual(['2026-07-10T12:00:00-04:00 NY meetup (moved to noon)']);
    expect((await dav.delete(`${base()}ny.ics`)).status).toBe(204);
    expect((await page(day)).data).toEqual([]);
    const drafts = await page('calendar=events&start=2026-07-08&end=2026-07-09', ownerJwt);
    expect(drafts.data.map((occurrence) => occurrence.summary)).not.toContain('Secret draft');
  });

  test('site owners decide per role: without the public permission, visitors get 403 and signed-in users still read', async () => {
    const role = (await server.strapi.db.query('plugin::users-permissions.role' as never).findOne({ where: { type: 'public' } })) as { id: number };
    const action = 'plugin::caldav.occurrences.find';
    const permission = (await server.strapi.db.query(PERMISSION_UID as never).findOne({ where: { action, role: { id: role.id } } })) as { id: number } | null;
    expect(permission).not.toBeNull();
    await server.strapi.db.query(PERMISSION_UID as never).delete({ where: { id: permission?.id } });
    try {
      expect((await get(`calendar=events&${JULY}`)).status).toBe(403);
      expect(listing(await page(`calendar=events&start=2026-07-04&end=2026-07-05`, ownerJwt))).toEqual(['2026-07-04 Summer fair']);
    } finally {
      await server.strapi.db.query(PERMISSION_UID as never).create({ data: { action, role: role.id } });
    }
  });
});

describe('the occurrences query in GraphQL, on a site with Strapi GraphQL plugin', () => {
  let server: TestServer;
  let owner: TestUser;

  interface GraphqlAnswer {
    data: { calendarOccurrences: Page } | null;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  }

  const QUERY = `query Occurrences($calendar: [String!]!, $start: String!, $end: String!, $tz: String, $limit: Int, $page: Int) {
    calendarOccurrences(calendar: $calendar, start: $start, end: $end, tz: $tz, limit: $limit, page: $page) {
      data { documentId recurrenceId calendar { slug name color } summary location description url categories status allDay start end localStart localEnd }
      meta { pagination { page pageSize pageCount total } window { start end timeZone } }
    }
  }`;
  const ask = async (variables: Record<string, unknown>): Promise<GraphqlAnswer> => {
    const response = await http(server.origin, 'POST', '/graphql', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: QUERY, variables }),
    });
    return response.json<GraphqlAnswer>();
  };

  beforeAll(async () => {
    server = await startTestServer({ graphql: true, pluginConfig: { occurrences: { maxWindowDays: 62 } } });
    owner = await createUser(server);
    await server.collections.createCalendar({ owner: owner.documentId, name: 'Club', slug: 'club', color: '#e76f51', visibility: 'public' });
    await server.collections.createCalendar({ owner: owner.documentId, name: 'Board', slug: 'board' });
    const dav = davClient(server.origin, owner);
    const training = calendarObject(
      'BEGIN:VEVENT',
      'UID:training',
      'DTSTAMP:20260101T000000Z',
      'DTSTART;TZID=Europe/Paris:20261020T190000',
      'DTEND;TZID=Europe/Paris:20261020T203000',
      'RRULE:FREQ=WEEKLY;BYDAY=TU',
      'SUMMARY:Training',
      'CATEGORIES:Sport',
      'END:VEVENT',
    );
    expect((await dav.put(`/dav/calendars/${owner.username}/club/training.ics`, training)).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  test('one query gives what the REST route gives: the weekly series across the change to winter time', async () => {
    const variables = { calendar: ['club'], start: '2026-10-19', end: '2026-11-02', tz: 'Europe/Paris' };
    const answer = await ask(variables);
    expect(answer.errors).toBeUndefined();
    const occurrences = answer.data?.calendarOccurrences;
    expect(occurrences?.data.map((occurrence) => [occurrence.localStart, occurrence.start])).toEqual([
      ['2026-10-20T19:00:00+02:00', '2026-10-20T17:00:00.000Z'],
      ['2026-10-27T19:00:00+01:00', '2026-10-27T18:00:00.000Z'],
    ]);
    const rest = await http(server.origin, 'GET', '/api/caldav/occurrences?calendar=club&start=2026-10-19&end=2026-11-02&tz=Europe/Paris');
    expect(occurrences).toEqual(rest.json<Page>());
  });

  test('bad parameters and private calendars are refused with the same messages as over REST', async () => {
    const badZone = await ask({ calendar: ['club'], start: '2026-10-19', end: '2026-11-02', tz: 'Paris' });
    expect(badZone.data).toBeNull();
    expect(badZone.errors?.[0]).toMatchObject({ message: '"tz" is not an IANA time zone name such as Europe/Berlin: "Paris".', extensions: { code: 'BAD_USER_INPUT' } });
    const hidden = await ask({ calendar: ['board'], start: '2026-10-19', end: '2026-11-02' });
    const rest = await http(server.origin, 'GET', '/api/caldav/occurrences?calendar=board&start=2026-10-19&end=2026-11-02');
    expect(hidden.errors?.[0].message).toBe(rest.json<Refusal>().error.message);
    const paged = await ask({ calendar: ['club'], start: '2026-10-01', end: '2026-12-01', limit: 2, page: 3 });
    expect(paged.data?.calendarOccurrences.meta.pagination).toEqual({ page: 3, pageSize: 2, pageCount: 3, total: 6 }); // Tuesdays from October 20
  });

  test('the site owner sets the widest window', async () => {
    const wide = await http(server.origin, 'GET', '/api/caldav/occurrences?calendar=club&start=2026-10-01&end=2026-12-03');
    expect(wide.status).toBe(400);
    expect(wide.json<Refusal>().error.message).toBe('The window from "start" to "end" is too wide: ask for at most 62 days at a time.');
    const answer = await ask({ calendar: ['club'], start: '2026-10-01', end: '2026-12-03' });
    expect(answer.errors?.[0].message).toBe('The window from "start" to "end" is too wide: ask for at most 62 days at a time.');
  });

  test('the role permission that guards the REST route guards the query', async () => {
    const role = (await server.strapi.db.query('plugin::users-permissions.role' as never).findOne({ where: { type: 'public' } })) as { id: number };
    const action = 'plugin::caldav.occurrences.find';
    await server.strapi.db.query(PERMISSION_UID as never).delete({ where: { action, role: { id: role.id } } });
    try {
      const answer = await ask({ calendar: ['club'], start: '2026-10-19', end: '2026-11-02' });
      expect(answer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    } finally {
      await server.strapi.db.query(PERMISSION_UID as never).create({ data: { action, role: role.id } });
    }
  });
});
