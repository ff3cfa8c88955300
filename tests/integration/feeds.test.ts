/**
 * iCalendar feeds (webcal subscriptions): what a subscribing calendar app downloads, when it may keep its copy, and
 * the secret links an owner hands out and takes back.
 */
import { gunzipSync } from 'node:zlib';

import ICAL from 'ical.js';

import type { FeedLinks } from '../../server/src/feeds/links';
import { EVENT_BATCH_SIZE } from '../../server/src/feeds/store';
import { davClient, vevent } from '../harness/dav';
import { calendarObject, icalUtc, NEW_YORK_VTIMEZONE, rawRequest } from '../harness/feeds';
import { http } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const EVENT_UID = 'plugin::caldav.event';
const DAY = 24 * 60 * 60 * 1000;

/** Folds an ASCII content line at 75 octets the way RFC 5545 asks. */
const fold = (line: string): string[] => {
  const parts = [line.slice(0, 75)];
  for (let at = 75; at < line.length; at += 74) parts.push(` ${line.slice(at, at + 74)}`);
  return parts;
};

interface Feed {
  text: string;
  root: ICAL.Component;
  /** SUMMARY of every VEVENT, VTODO and VJOURNAL. */
  summaries: string[];
}

function readFeed(text: string): Feed {
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const summaries = root
    .getAllSubcomponents()
    .filter((component) => ['vevent', 'vtodo', 'vjournal'].includes(component.name))
    .map((component) => String(component.getFirstPropertyValue('summary')));
  return { text, root, summaries };
}

async function fetchFeed(origin: string, path: string): Promise<Feed> {
  const response = await http(origin, 'GET', path);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
  return readFeed(response.text);
}

const signIn = async (server: TestServer, user: TestUser): Promise<string> => {
  const response = await http(server.origin, 'POST', '/api/auth/local', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: user.username, password: user.password }),
  });
  return response.json<{ jwt: string }>().jwt;
};

describe('feeds of a site with the default settings', () => {
  let server: TestServer;
  let owner: TestUser;
  let stranger: TestUser;
  let dav: ReturnType<typeof davClient>;
  let events: { documentId: string };
  let eventsPath: string;

  const berlinDescription = `DESCRIPTION:${'Doors open at ten\\, talks start at half past. '.repeat(4).trim()}`;
  const berlinEvent = [
    'BEGIN:VEVENT',
    'UID:berlin-talk',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;TZID=Europe/Berlin:20260701T100000',
    'DTEND;TZID=Europe/Berlin:20260701T110000',
    'SUMMARY:Talk in Berlin',
    ...fold(berlinDescription),
    'X-APP-COLOR:teal',
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    'DESCRIPTION:Reminder',
    'TRIGGER:-PT15M',
    'END:VALARM',
    'END:VEVENT',
  ];
  const newYorkEvent = (uid: string, day: string) => [
    ...NEW_YORK_VTIMEZONE,
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART;TZID=America/New_York:202607${day}T100000`,
    `DTEND;TZID=America/New_York:202607${day}T110000`,
    `SUMMARY:Meetup ${uid}`,
    'END:VEVENT',
  ];

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createUser(server);
    stranger = await createUser(server);
    events = await server.collections.createCalendar({
      owner: owner.documentId,
      name: 'Talks, meetups & more',
      slug: 'events',
      description: 'What is on\nthis season',
      timezone: 'Europe/Berlin',
      visibility: 'public',
    });
    const work = await server.collections.createCalendar({ owner: owner.documentId, name: 'Work', slug: 'work' });
    await server.collections.createEvent(work.documentId, { summary: 'Salary review', start: '2026-07-02T09:00:00.000Z', end: '2026-07-02T10:00:00.000Z' });

    dav = davClient(server.origin, owner);
    const base = `/dav/calendars/${owner.username}/events/`;
    expect((await dav.put(`${base}berlin.ics`, calendarObject(...berlinEvent))).status).toBe(201);
    expect((await dav.put(`${base}ny-1.ics`, calendarObject(...newYorkEvent('ny-1', '01')))).status).toBe(201);
    expect((await dav.put(`${base}ny-2.ics`, calendarObject(...newYorkEvent('ny-2', '08')))).status).toBe(201);
    const series = calendarObject(
      'BEGIN:VEVENT',
      'UID:weekly-open-house',
      'DTSTAMP:20260101T000000Z',
      'DTSTART;TZID=Europe/Berlin:20260601T180000',
      'DTEND;TZID=Europe/Berlin:20260601T190000',
      'RRULE:FREQ=WEEKLY;COUNT=10',
      'SUMMARY:Open house',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:weekly-open-house',
      'DTSTAMP:20260101T000000Z',
      'RECURRENCE-ID;TZID=Europe/Berlin:20260608T180000',
      'DTSTART;TZID=Europe/Berlin:20260608T190000',
      'DTEND;TZID=Europe/Berlin:20260608T200000',
      'SUMMARY:Open house (late)',
      'END:VEVENT',
    );
    expect((await dav.put(`${base}open-house.ics`, series)).status).toBe(201);
    // Stored as a client sent it (LF endings, a long line unfolded); the feed still has CRLF lines of at most 75 octets.
    const unfolded = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Example Corp.//Lenient Client//EN',
      'BEGIN:VEVENT',
      'UID:cafe-night',
      'DTSTAMP:20260101T000000Z',
      'DTSTART:20260704T180000Z',
      'SUMMARY:Café night',
      `DESCRIPTION:${'Crêpes et café. '.repeat(8)}`,
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\n');
    expect((await dav.put(`${base}cafe.ics`, unfolded)).status).toBe(201);
    const task = calendarObject('BEGIN:VTODO', 'UID:prepare-slides', 'DTSTAMP:20260101T000000Z', 'SUMMARY:Prepare slides', 'END:VTODO');
    expect((await dav.put(`${base}slides.ics`, task)).status).toBe(201);
    // Created the way an editor does: the plugin writes the object, with its own VTIMEZONE for Berlin.
    await server.collections.createEvent(events.documentId, {
      summary: 'Workshop',
      start: '2026-07-03T07:00:00.000Z',
      end: '2026-07-03T09:00:00.000Z',
      timezone: 'Europe/Berlin',
    });
    eventsPath = '/dav/feeds/events.ics';
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('anyone can subscribe to a public calendar: one VCALENDAR with its name, its events and their time zones', async () => {
    const response = await http(server.origin, 'GET', eventsPath);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('inline; filename="events.ics"');
    const feed = readFeed(response.text);

    expect(feed.root.getFirstPropertyValue('version')).toBe('2.0');
    expect(feed.root.getFirstPropertyValue('calscale')).toBe('GREGORIAN');
    expect(feed.root.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(feed.root.getFirstPropertyValue('prodid')).toBeTruthy();
    const lines = feed.text.split('\r\n');
    expect(lines).toContain('X-WR-CALNAME:Talks\\, meetups & more');
    expect(lines).toContain('X-WR-CALDESC:What is on\\nthis season');
    expect(lines).toContain('X-WR-TIMEZONE:Europe/Berlin');
    expect(lines).toContain('REFRESH-INTERVAL;VALUE=DURATION:PT60M');
    expect(lines).toContain('X-PUBLISHED-TTL:PT60M');
    // The event objects' own VCALENDAR properties are not repeated.
    expect(feed.root.getAllProperties('prodid')).toHaveLength(1);

    // Every component, overrides included; nothing of the private calendar.
    expect(feed.summaries.sort()).toEqual(['Café night', 'Meetup ny-1', 'Meetup ny-2', 'Open house', 'Open house (late)', 'Prepare slides', 'Talk in Berlin', 'Workshop']);
    expect(feed.root.getAllSubcomponents('vtodo')).toHaveLength(1);

    // Exactly one VTIMEZONE per TZID, though several events brought (or lacked) their own.
    const tzids = feed.root.getAllSubcomponents('vtimezone').map((zone) => zone.getFirstPropertyValue('tzid'));
    expect(tzids.sort()).toEqual(['America/New_York', 'Europe/Berlin']);
    // ...and a subscriber reads the right times from them.
    const startOf = (summary: string) => {
      const component = feed.root.getAllSubcomponents('vevent').find((event) => event.getFirstPropertyValue('summary') === summary)!;
      return new ICAL.Event(component).startDate.toJSDate().toISOString();
    };
    expect(startOf('Talk in Berlin')).toBe('2026-07-01T08:00:00.000Z');
    expect(startOf('Meetup ny-1')).toBe('2026-07-01T14:00:00.000Z');
    expect(startOf('Workshop')).toBe('2026-07-03T07:00:00.000Z');

    // Stored components come through byte for byte (alarms, X- properties, escaping, folding).
    expect(feed.text).toContain(`${berlinEvent.join('\r\n')}\r\n`);
    // CRLF line endings throughout, no physical line longer than 75 octets.
    expect(feed.text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(feed.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(lines.filter((line) => Buffer.byteLength(line) > 75)).toEqual([]);
    const cafe = feed.root.getAllSubcomponents('vevent').find((event) => event.getFirstPropertyValue('uid') === 'cafe-night')!;
    expect(cafe.getFirstPropertyValue('description')).toBe('Crêpes et café. '.repeat(8));
  });

  test('a private calendar has no public feed, and addresses that are not feeds are 404 too', async () => {
    const missing = await http(server.origin, 'GET', '/dav/feeds/nope.ics');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    // The private calendar answers exactly like one that does not exist.
    const privateOne = await http(server.origin, 'GET', '/dav/feeds/work.ics');
    expect(privateOne.status).toBe(404);
    expect(privateOne.text).toBe(missing.text);
    expect(privateOne.headers.get('www-authenticate')).toBeNull();
    for (const path of ['/dav/feeds', '/dav/feeds/', '/dav/feeds/events', '/dav/feeds/x/events.ics', '/dav/feeds/private/abc.ics', '/dav/feeds/%E0%A4%A.ics']) {
      const response = await http(server.origin, 'GET', path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });

  test('methods other than GET and HEAD are refused with 405 and Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PROPFIND']) {
      const response = await http(server.origin, method, eventsPath, { basic: { username: owner.username, password: owner.password } });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  test('only published events reach subscribers: a draft appears when it is published and goes when it is unpublished', async () => {
    const draft = (await server.strapi.documents(EVENT_UID).create({
      data: { summary: 'Secret keynote', start: '2026-07-10T10:00:00.000Z', end: '2026-07-10T11:00:00.000Z', calendar: events.documentId } as never,
    })) as unknown as { documentId: string };
    expect((await fetchFeed(server.origin, eventsPath)).summaries).not.toContain('Secret keynote');

    await server.strapi.documents(EVENT_UID).publish({ documentId: draft.documentId });
    expect((await fetchFeed(server.origin, eventsPath)).summaries).toContain('Secret keynote');

    await server.strapi.documents(EVENT_UID).unpublish({ documentId: draft.documentId });
    expect((await fetchFeed(server.origin, eventsPath)).summaries).not.toContain('Secret keynote');
  });

  test('an unchanged feed answers 304 to If-None-Match and If-Modified-Since; a change gives a new ETag', async () => {
    const first = await rawRequest(server.origin, 'GET', eventsPath);
    expect(first.status).toBe(200);
    const etag = first.headers.etag!;
    const lastModified = first.headers['last-modified']!;
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(Date.parse(lastModified)).toBeLessThanOrEqual(Date.now());
    expect(first.headers['cache-control']).toBe('public, max-age=300');

    const revalidated = await rawRequest(server.origin, 'GET', eventsPath, { 'If-None-Match': etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect(revalidated.headers.etag).toBe(etag);
    expect((await rawRequest(server.origin, 'GET', eventsPath, { 'If-None-Match': `"other", W/${etag}` })).status).toBe(304);

    expect((await rawRequest(server.origin, 'GET', eventsPath, { 'If-Modified-Since': lastModified })).status).toBe(304);
    const hourEarlier = new Date(Date.parse(lastModified) - 60 * 60 * 1000).toUTCString();
    expect((await rawRequest(server.origin, 'GET', eventsPath, { 'If-Modified-Since': hourEarlier })).status).toBe(200);
    // If-None-Match decides when both are sent.
    expect((await rawRequest(server.origin, 'GET', eventsPath, { 'If-None-Match': '"other"', 'If-Modified-Since': lastModified })).status).toBe(200);

    // HTTP dates count whole seconds: let the change land in a later second than the copy's Last-Modified.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const changed = berlinEvent.map((line) => (line === 'SUMMARY:Talk in Berlin' ? 'SUMMARY:Talk in Berlin (moved to room 2)' : line));
    expect((await dav.put(`/dav/calendars/${owner.username}/events/berlin.ics`, calendarObject(...changed))).status).toBe(204);

    const after = await rawRequest(server.origin, 'GET', eventsPath, { 'If-None-Match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(readFeed(after.body.toString('utf8')).summaries).toContain('Talk in Berlin (moved to room 2)');
    expect((await rawRequest(server.origin, 'GET', eventsPath, { 'If-Modified-Since': lastModified })).status).toBe(200);
    expect((await rawRequest(server.origin, 'GET', eventsPath, { 'If-None-Match': after.headers.etag! })).status).toBe(304);
  });

  test('gzip when the client accepts it, the same calendar once decompressed', async () => {
    const plain = await rawRequest(server.origin, 'GET', eventsPath);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');

    const zipped = await rawRequest(server.origin, 'GET', eventsPath, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(gunzipSync(zipped.body).toString('utf8')).toBe(plain.body.toString('utf8'));
    // Each representation has its own strong ETag.
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    expect((await rawRequest(server.origin, 'GET', eventsPath, { 'Accept-Encoding': 'gzip', 'If-None-Match': zipped.headers.etag! })).status).toBe(304);

    const refused = await rawRequest(server.origin, 'GET', eventsPath, { 'Accept-Encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  test('HEAD answers with the headers of GET and no body', async () => {
    const get = await rawRequest(server.origin, 'GET', eventsPath);
    const head = await rawRequest(server.origin, 'HEAD', eventsPath);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ['content-type', 'content-disposition', 'etag', 'last-modified', 'cache-control', 'vary']) {
      expect({ name, value: head.headers[name] }).toEqual({ name, value: get.headers[name] });
    }
    expect((await rawRequest(server.origin, 'HEAD', '/dav/feeds/work.ics')).status).toBe(404);
  });

  describe('secret links', () => {
    let ownerJwt: string;
    let strangerJwt: string;
    const api = (method: string, path: string, jwt?: string) => http(server.origin, method, `/api/caldav${path}`, jwt ? { bearer: jwt } : {});
    const pathOf = (url: string) => new URL(url).pathname;

    type Links = FeedLinks;

    beforeAll(async () => {
      ownerJwt = await signIn(server, owner);
      strangerJwt = await signIn(server, stranger);
    });

    test('an owner lists the addresses of their calendars', async () => {
      const response = await api('GET', '/feed-links', ownerJwt);
      expect(response.status).toBe(200);
      const links = response.json<{ data: Links[] }>().data;
      const host = new URL(server.origin).host;
      expect(links.find((link) => link.slug === 'events')).toEqual({
        slug: 'events',
        name: 'Talks, meetups & more',
        visibility: 'public',
        caldavUrl: `${server.origin}/dav/calendars/${owner.username}/events/`,
        publicFeedUrl: `${server.origin}/dav/feeds/events.ics`,
        publicWebcalUrl: `webcal://${host}/dav/feeds/events.ics`,
        privateFeedUrl: null,
        privateWebcalUrl: null,
      });
      expect(links.find((link) => link.slug === 'work')).toMatchObject({ visibility: 'private', publicFeedUrl: null, privateFeedUrl: null });
      // The advertised address is the feed.
      expect((await fetchFeed(server.origin, pathOf(links.find((link) => link.slug === 'events')!.publicFeedUrl!))).summaries).toContain('Workshop');

      expect((await api('GET', '/feed-links', strangerJwt)).json<{ data: Links[] }>().data).toEqual([]);
      expect([401, 403]).toContain((await api('GET', '/feed-links')).status);
    });

    test('a secret link opens a private calendar without credentials, until it is regenerated or removed', async () => {
      const created = await api('POST', '/calendars/work/feed-token', ownerJwt);
      expect(created.status).toBe(200);
      const link = created.json<{ data: Links }>().data;
      expect(link.privateFeedUrl).toMatch(new RegExp(`^${server.origin}/dav/feeds/private/[A-Za-z0-9_-]{43}\\.ics$`));
      expect(link.privateWebcalUrl).toBe(link.privateFeedUrl!.replace(/^http:/, 'webcal:'));
      expect(link.publicFeedUrl).toBeNull();

      const secretPath = pathOf(link.privateFeedUrl!);
      const response = await http(server.origin, 'GET', secretPath);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('private, no-cache');
      expect(response.headers.get('content-disposition')).toBe('inline; filename="work.ics"');
      const feed = readFeed(response.text);
      expect(feed.summaries).toEqual(['Salary review']);
      expect(feed.text.split('\r\n')).toContain('X-WR-CALNAME:Work');
      expect((await api('GET', '/feed-links', ownerJwt)).json<{ data: Links[] }>().data.find((item) => item.slug === 'work')?.privateFeedUrl).toBe(
        link.privateFeedUrl,
      );

      // The token is compared exactly: another spelling of it is not the link.
      const token = /private\/(.+)\.ics$/.exec(secretPath)![1];
      const otherCase = token.replace(/[A-Za-z]/g, (letter) => (letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase()));
      expect((await http(server.origin, 'GET', secretPath.replace(token, otherCase))).status).toBe(404);

      // Someone else's calendar: the same 404 as a calendar that does not exist, and the link keeps working.
      expect((await api('POST', '/calendars/work/feed-token', strangerJwt)).status).toBe(404);
      expect((await api('DELETE', '/calendars/work/feed-token', strangerJwt)).status).toBe(404);
      expect((await api('POST', '/calendars/no-such-calendar/feed-token', ownerJwt)).status).toBe(404);
      expect([401, 403]).toContain((await api('POST', '/calendars/work/feed-token')).status);
      expect((await http(server.origin, 'GET', secretPath)).status).toBe(200);

      const regenerated = (await api('POST', '/calendars/work/feed-token', ownerJwt)).json<{ data: Links }>().data;
      expect(regenerated.privateFeedUrl).not.toBe(link.privateFeedUrl);
      expect((await http(server.origin, 'GET', secretPath)).status).toBe(404);
      const newPath = pathOf(regenerated.privateFeedUrl!);
      expect((await fetchFeed(server.origin, newPath)).summaries).toEqual(['Salary review']);

      const removed = await api('DELETE', '/calendars/work/feed-token', ownerJwt);
      expect(removed.status).toBe(200);
      expect(removed.json<{ data: Links }>().data).toMatchObject({ slug: 'work', privateFeedUrl: null, privateWebcalUrl: null });
      expect((await http(server.origin, 'GET', newPath)).status).toBe(404);
    });
  });

  // Last in this server's tests: the setup keeps the process busy for seconds.
  test('a feed longer than one database batch has every event exactly once', async () => {
    const big = await server.collections.createCalendar({ owner: owner.documentId, name: 'Big', slug: 'big', visibility: 'public' });
    const count = EVENT_BATCH_SIZE + 3;
    for (let index = 0; index < count; index += 1) {
      const start = new Date(Date.UTC(2026, 0, 1) + index * DAY).toISOString();
      await server.collections.createEvent(big.documentId, { summary: `Day ${index}`, start, end: start, uid: `day-${index}` });
    }
    const response = await rawRequest(server.origin, 'GET', '/dav/feeds/big.ics');
    expect(response.status).toBe(200);
    const feed = readFeed(response.body.toString('utf8'));
    expect(feed.summaries).toHaveLength(count);
    expect(new Set(feed.summaries).size).toBe(count);
  });
});

describe('a feed window of 90 days back', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ pluginConfig: { feeds: { pastDays: 90, futureDays: null, refreshMinutes: 60 } } });
    const owner = await createUser(server);
    await server.collections.createCalendar({ owner: owner.documentId, name: 'Club', slug: 'club', visibility: 'public' });
    const dav = davClient(server.origin, owner);
    const now = Date.now();
    const at = (days: number, hours = 0) => icalUtc(new Date(now + days * DAY + hours * 60 * 60 * 1000));
    const put = async (name: string, summary: string, days: number, rrule?: string) => {
      const response = await dav.put(`/dav/calendars/${owner.username}/club/${name}.ics`, vevent(name, { summary, start: at(days), end: at(days, 1), rrule }));
      expect(response.status).toBe(201);
    };
    await put('year-ago', 'A year ago', -365);
    await put('last-month', 'Last month', -30);
    await put('weekly', 'Weekly since two years', -730, 'FREQ=WEEKLY');
    await put('ended-series', 'Series that ended half a year ago', -730, `FREQ=WEEKLY;UNTIL=${at(-180)}`);
    await put('far-future', 'In three years', 3 * 365);
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('events that ended before the window are left out; current series and future events stay', async () => {
    const feed = await fetchFeed(server.origin, '/dav/feeds/club.ics');
    expect(feed.summaries.sort()).toEqual(['In three years', 'Last month', 'Weekly since two years']);
  });
});
