/**
 * Content sources: a site's own collection types (conference sessions, speakers) shown as read-only calendars and
 * address books by field mapping, kept in sync as editors change the entries.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import ICAL from 'ical.js';
import sharp from 'sharp';

import { syncCollection } from '../harness/calendar-state';
import { connectDavClient, davClient, propfindBody, readMultistatus } from '../harness/dav';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const SESSION_UID = 'api::session.session';
const ROOM_UID = 'api::room.room';
const SPEAKER_UID = 'api::speaker.speaker';
const ORGANIZER = 'organizer';

const sources = [
  {
    kind: 'calendar',
    slug: 'talks',
    name: 'Talks',
    contentType: SESSION_UID,
    visibility: 'public',
    owner: ORGANIZER,
    color: '#264653',
    fields: {
      summary: 'title',
      start: 'startsAt',
      end: 'endsAt',
      location: 'room.name',
      description: 'abstract',
      url: 'https://conf.example/talks/{slug}',
      categories: 'track',
    },
    filter: { where: { public: true } },
  },
  {
    kind: 'calendar',
    slug: 'tracks',
    name: 'Tracks',
    contentType: SESSION_UID,
    visibility: 'private',
    sharedWithRoles: ['authenticated'],
    fields: { summary: 'title', start: 'startsAt', end: 'endsAt' },
    groupBy: 'track',
  },
  {
    kind: 'calendar',
    slug: 'schedule',
    name: 'Schedule',
    contentType: SESSION_UID,
    visibility: 'public',
    owner: ORGANIZER,
    timezone: 'Europe/Berlin',
    fields: { summary: 'title', start: 'day', startTime: 'startTime', endTime: 'endTime', description: 'notes' },
    filter: { where: { track: 'Talk' } },
  },
  {
    kind: 'addressbook',
    slug: 'speakers',
    name: 'Speakers',
    contentType: SPEAKER_UID,
    visibility: 'private',
    owner: ORGANIZER,
    fields: { fullName: 'name', email: 'email', phone: 'phone', organization: 'company', title: 'jobTitle', photo: 'photo' },
  },
];

const vevents = (text: string) => new ICAL.Component(ICAL.parse(text) as unknown[]).getAllSubcomponents('vevent');

describe('collection types shown as calendars and address books', () => {
  let server: TestServer;
  let organizer: TestUser;
  let attendee: TestUser;
  let keynoteId: string;
  let workshopId: string;
  const talksPath = `/dav/calendars/${ORGANIZER}/talks/`;

  const sessions = () => server.strapi.documents(SESSION_UID as never);

  beforeAll(async () => {
    server = await startTestServer({ pluginConfig: { sources } });
    organizer = await createUser(server, { username: ORGANIZER });
    attendee = await createUser(server);
    const hall = (await server.strapi.documents(ROOM_UID as never).create({ data: { name: 'Main hall' } as never })) as unknown as { documentId: string };
    const keynote = (await sessions().create({
      data: {
        title: 'Opening keynote',
        slug: 'opening-keynote',
        startsAt: '2026-09-14T08:00:00.000Z',
        endsAt: '2026-09-14T09:00:00.000Z',
        track: 'Keynote',
        room: hall.documentId,
        abstract: [{ type: 'paragraph', children: [{ type: 'text', text: 'Why calendars ' }, { type: 'text', text: 'matter', bold: true }] }],
      } as never,
      status: 'published',
    })) as unknown as { documentId: string };
    keynoteId = keynote.documentId;
    const workshop = (await sessions().create({
      data: { title: 'Sync workshop', slug: 'sync-workshop', startsAt: '2026-09-14T10:00:00.000Z', endsAt: '2026-09-14T12:00:00.000Z', track: 'Workshop' } as never,
      status: 'published',
    })) as unknown as { documentId: string };
    workshopId = workshop.documentId;
    // Not public (filter), and a draft: neither is in Talks.
    await sessions().create({ data: { title: 'Speakers dinner', startsAt: '2026-09-14T18:00:00.000Z', public: false } as never, status: 'published' });
    await sessions().create({ data: { title: 'Unannounced', startsAt: '2026-09-15T08:00:00.000Z' } as never });
    await server.strapi.documents(SPEAKER_UID as never).create({ data: { name: 'Ada Lovelace', email: 'ada@example.com', company: 'Engines Ltd', jobTitle: 'Keynote speaker' } as never });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  test("a calendar app finds the Talks calendar in the organizer's home and reads the sessions as events", async () => {
    const client = await connectDavClient(server.origin, organizer, 'caldav');
    const calendars = await client.fetchCalendars();
    const talks = calendars.find((calendar) => calendar.displayName === 'Talks');
    expect(talks).toBeDefined();
    const objects = await client.fetchCalendarObjects({ calendar: talks! });
    const events = objects.flatMap((object) => vevents(String(object.data)));
    expect(events.map((event) => event.getFirstPropertyValue('summary')).sort()).toEqual(['Opening keynote', 'Sync workshop']);
    const keynote = events.find((event) => event.getFirstPropertyValue('summary') === 'Opening keynote')!;
    expect(String(keynote.getFirstPropertyValue('dtstart'))).toBe('2026-09-14T08:00:00Z');
    expect(keynote.getFirstPropertyValue('location')).toBe('Main hall');
    expect(keynote.getFirstPropertyValue('url')).toBe('https://conf.example/talks/opening-keynote');
    expect(keynote.getFirstPropertyValue('categories')).toBe('Keynote');
    expect(String(keynote.getFirstPropertyValue('description'))).toContain('Why calendars matter');
    expect(objects.map((object) => object.url.split('/').pop()).sort()).toEqual([`${keynoteId}.ics`, `${workshopId}.ics`].sort());
  });

  test('it is read-only for its owner: a PUT or DELETE is refused and changes nothing', async () => {
    const dav = davClient(server.origin, organizer);
    const put = await dav.put(`${talksPath}new.ics`, 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//x//EN\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260914T080000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n');
    expect(put.status).toBe(403);
    expect((await dav.delete(`${talksPath}${keynoteId}.ics`)).status).toBe(403);
    const get = await dav.get(`${talksPath}${keynoteId}.ics`);
    expect(get.status).toBe(200);
    expect(get.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  test('anyone may read the public calendar; the private grouped one is shown to the role it is shared with', async () => {
    const anonymous = await fetch(`${server.origin}${talksPath}`, { method: 'PROPFIND', headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: propfindBody('d:getetag') });
    expect(anonymous.status).toBe(207);
    expect(readMultistatus(await anonymous.text()).length).toBe(3);
    const home = await davClient(server.origin, attendee).propfind(`/dav/calendars/${attendee.username}/`, '1', propfindBody('d:displayname'));
    const names = readMultistatus(home.text).map((entry) => entry.props.get('{DAV:}displayname')?.text);
    expect(names).toEqual(expect.arrayContaining(['Tracks – Keynote', 'Tracks – Workshop', 'Tracks – Talk']));
    const keynotes = await davClient(server.origin, attendee).propfind(`/dav/calendars/${attendee.username}/tracks-keynote/`, '1', propfindBody('d:getetag'));
    expect(readMultistatus(keynotes.text).map((entry) => entry.href.split('/').pop()).filter((name) => name)).toEqual([`${keynoteId}.ics`]);
  });

  test('a date with times of day in the calendar zone, and Markdown notes as plain text', async () => {
    const evening = (await sessions().create({
      data: {
        title: 'Evening talk',
        day: '2026-10-24',
        startTime: '19:30:00.000',
        endTime: '21:00:00.000',
        track: 'Talk',
        notes: '## Agenda\n\n- **Intro** by the *host*\n- [Slides](https://example.org/slides)',
      } as never,
      status: 'published',
    })) as unknown as { documentId: string };
    const text = (await davClient(server.origin, organizer).get(`/dav/calendars/${ORGANIZER}/schedule/${evening.documentId}.ics`)).text;
    const [event] = vevents(text);
    expect(event.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Berlin');
    expect(String(event.getFirstPropertyValue('dtstart'))).toBe('2026-10-24T19:30:00');
    expect(String(event.getFirstPropertyValue('dtend'))).toBe('2026-10-24T21:00:00');
    const description = String(event.getFirstPropertyValue('description'));
    expect(description).toContain('Agenda');
    expect(description).toContain('- Intro by the host');
    expect(description).toContain('Slides (https://example.org/slides)');
    expect(description).not.toMatch(/[*#]/);
    const occurrences = (await (await fetch(`${server.origin}/api/caldav/occurrences?calendar=schedule&start=2026-10-24&end=2026-10-25&tz=UTC`)).json()) as {
      data: Array<{ start: string; end: string }>;
    };
    expect(occurrences.data.map((occurrence) => [occurrence.start, occurrence.end])).toEqual([['2026-10-24T17:30:00.000Z', '2026-10-24T19:00:00.000Z']]);
  });

  test("the public calendar has a feed and is in the occurrences API; the private one in neither for visitors", async () => {
    const feed = await fetch(`${server.origin}/dav/feeds/talks.ics`);
    expect(feed.status).toBe(200);
    const text = await feed.text();
    expect(text).toContain('X-WR-CALNAME:Talks');
    expect(vevents(text).map((event) => event.getFirstPropertyValue('summary')).sort()).toEqual(['Opening keynote', 'Sync workshop']);
    expect((await fetch(`${server.origin}/dav/feeds/tracks-keynote.ics`)).status).toBe(404);
    const occurrences = await fetch(`${server.origin}/api/caldav/occurrences?calendar=talks&start=2026-09-14&end=2026-09-15&tz=Europe/Berlin`);
    expect(occurrences.status).toBe(200);
    const answer = (await occurrences.json()) as { data: Array<{ documentId: string; summary: string; localStart: string; location: string; calendar: { slug: string } }> };
    expect(answer.data.map((occurrence) => [occurrence.localStart, occurrence.summary, occurrence.location, occurrence.documentId])).toEqual([
      ['2026-09-14T10:00:00+02:00', 'Opening keynote', 'Main hall', keynoteId],
      ['2026-09-14T12:00:00+02:00', 'Sync workshop', null, workshopId],
    ]);
    expect((await fetch(`${server.origin}/api/caldav/occurrences?calendar=tracks-keynote&start=2026-09-14&end=2026-09-15`)).status).toBe(404);
  });

  test('renaming a room changes the location of its sessions for clients, through sync', async () => {
    const dav = davClient(server.origin, organizer);
    const before = await syncCollection(dav, talksPath, '');
    const hall = (await server.strapi.documents(ROOM_UID as never).findFirst({ filters: { name: 'Main hall' } as never })) as unknown as { documentId: string };
    await server.strapi.documents(ROOM_UID as never).update({ documentId: hall.documentId, data: { name: 'Auditorium' } as never } as never);
    const after = await syncCollection(dav, talksPath, before.token);
    expect([...after.present.keys()]).toEqual([`${keynoteId}.ics`]);
    expect(after.present.get(`${keynoteId}.ics`)).not.toBe(before.present.get(`${keynoteId}.ics`));
    expect((await dav.get(`${talksPath}${keynoteId}.ics`)).text).toContain('LOCATION:Auditorium');
  });

  test("editors' changes reach clients through sync: an edit, a move to another group, an unpublish and a delete", async () => {
    const dav = davClient(server.origin, organizer);
    const attendeeDav = davClient(server.origin, attendee);
    const talks = await syncCollection(dav, talksPath, '');
    const workshops = await syncCollection(attendeeDav, `/dav/calendars/${attendee.username}/tracks-workshop/`, '');
    const keynotes = await syncCollection(attendeeDav, `/dav/calendars/${attendee.username}/tracks-keynote/`, '');

    await sessions().update({ documentId: workshopId, data: { title: 'Sync workshop (full)', track: 'Keynote' } as never, status: 'published' } as never);
    const afterEdit = await syncCollection(dav, talksPath, talks.token);
    expect([...afterEdit.present.keys()]).toEqual([`${workshopId}.ics`]);
    expect((await dav.get(`${talksPath}${workshopId}.ics`)).text).toContain('SUMMARY:Sync workshop (full)');
    // Moved from the workshop group to the keynote group.
    expect((await syncCollection(attendeeDav, `/dav/calendars/${attendee.username}/tracks-workshop/`, workshops.token)).removed).toEqual(new Set([`${workshopId}.ics`]));
    expect([...(await syncCollection(attendeeDav, `/dav/calendars/${attendee.username}/tracks-keynote/`, keynotes.token)).present.keys()]).toEqual([`${workshopId}.ics`]);

    await sessions().unpublish({ documentId: keynoteId } as never);
    const afterUnpublish = await syncCollection(dav, talksPath, afterEdit.token);
    expect(afterUnpublish.removed).toEqual(new Set([`${keynoteId}.ics`]));
    await sessions().delete({ documentId: workshopId } as never);
    const afterDelete = await syncCollection(dav, talksPath, afterUnpublish.token);
    expect(afterDelete.removed).toEqual(new Set([`${workshopId}.ics`]));
    expect((await dav.get(`${talksPath}${workshopId}.ics`)).status).toBe(404);
  });

  test('an address book of speakers', async () => {
    const client = await connectDavClient(server.origin, organizer, 'carddav');
    const books = await client.fetchAddressBooks();
    const speakers = books.find((book) => book.displayName === 'Speakers');
    expect(speakers).toBeDefined();
    const cards = await client.fetchVCards({ addressBook: speakers! });
    expect(cards).toHaveLength(1);
    expect(String(cards[0].data)).toMatch(/FN:Ada Lovelace/);
    expect(String(cards[0].data)).toMatch(/EMAIL[^:]*:ada@example.com/);
    expect(String(cards[0].data)).toMatch(/ORG:Engines Ltd/);
  });

  test("a speaker's photo from the media library is the contact's inline photo, and changing it syncs", async () => {
    const dav = davClient(server.origin, organizer);
    const bookPath = `/dav/addressbooks/${ORGANIZER}/speakers/`;
    const before = await syncCollection(dav, bookPath, '');
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#ff0000' } }).jpeg().toBuffer();
    const directory = mkdtempSync(path.join(tmpdir(), 'speaker-'));
    writeFileSync(path.join(directory, 'ada.jpg'), jpeg);
    const [file] = (await server.strapi.plugin('upload').service('upload').upload({
      data: { fileInfo: { name: 'ada.jpg' } },
      files: { filepath: path.join(directory, 'ada.jpg'), originalFilename: 'ada.jpg', mimetype: 'image/jpeg', size: jpeg.length },
    })) as Array<{ id: number }>;
    const ada = (await server.strapi.documents(SPEAKER_UID as never).findFirst({ filters: { name: 'Ada Lovelace' } as never })) as unknown as { documentId: string };
    await server.strapi.documents(SPEAKER_UID as never).update({ documentId: ada.documentId, data: { photo: file.id } as never } as never);
    const after = await syncCollection(dav, bookPath, before.token);
    expect([...after.present.keys()]).toEqual([`${ada.documentId}.vcf`]);
    const text = (await dav.get(`${bookPath}${ada.documentId}.vcf`)).text.replace(/\r\n[ \t]/g, '');
    const photoLine = text.split('\r\n').find((line) => line.startsWith('PHOTO'));
    expect(photoLine).toMatch(/^PHOTO;(ENCODING=b;TYPE=JPEG|TYPE=JPEG;ENCODING=b)/i);
    expect((await sharp(Buffer.from(photoLine!.slice(photoLine!.indexOf(':') + 1), 'base64')).metadata()).format).toBe('jpeg');
  });
});

describe('a wrong mapping', () => {
  test('stops Strapi at boot with a message naming the field', async () => {
    const wrong = [{ ...sources[0], fields: { ...sources[0].fields, start: 'beginsAt' } }];
    await expect(startTestServer({ pluginConfig: { sources: wrong } })).rejects.toThrow(/"sources".*talks.*fields\.start.*beginsAt/);
  });
});

describe('a localized collection type', () => {
  let server: TestServer;
  let organizer: TestUser;
  const ANNOUNCEMENT_UID = 'api::announcement.announcement';
  const localized = [
    { kind: 'calendar', slug: 'news', name: 'News', contentType: ANNOUNCEMENT_UID, visibility: 'public', owner: ORGANIZER, fields: { summary: 'title', start: 'date' } },
    { kind: 'calendar', slug: 'nouvelles', name: 'Nouvelles', contentType: ANNOUNCEMENT_UID, visibility: 'public', owner: ORGANIZER, fields: { summary: 'title', start: 'date' }, filter: { locale: 'fr' } },
  ];

  beforeAll(async () => {
    server = await startTestServer({ pluginConfig: { sources: localized } });
    organizer = await createUser(server, { username: ORGANIZER });
    await server.strapi.plugin('i18n').service('locales').create({ code: 'fr', name: 'French (fr)' });
    const open = (await server.strapi.documents(ANNOUNCEMENT_UID as never).create({ data: { title: 'Open day', date: '2026-10-03' } as never, locale: 'en', status: 'published' } as never)) as unknown as {
      documentId: string;
    };
    await server.strapi.documents(ANNOUNCEMENT_UID as never).update({ documentId: open.documentId, locale: 'fr', data: { title: 'Journée portes ouvertes', date: '2026-10-03' } as never, status: 'published' } as never);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  test('gives one calendar per locale, or the locale the mapping names, with all-day events in each language', async () => {
    const client = await connectDavClient(server.origin, organizer, 'caldav');
    const calendars = await client.fetchCalendars();
    const byName = new Map(calendars.map((calendar) => [String(calendar.displayName), calendar]));
    expect([...byName.keys()].sort()).toEqual(['News (en)', 'News (fr)', 'Nouvelles']);
    const summaries = async (name: string) =>
      (await client.fetchCalendarObjects({ calendar: byName.get(name)! })).flatMap((object) => vevents(String(object.data)).map((event) => `${event.getFirstPropertyValue('summary')} ${String(event.getFirstPropertyValue('dtstart'))}`));
    expect(await summaries('News (en)')).toEqual(['Open day 2026-10-03']);
    expect(await summaries('News (fr)')).toEqual(['Journée portes ouvertes 2026-10-03']);
    expect(await summaries('Nouvelles')).toEqual(['Journée portes ouvertes 2026-10-03']);
  });
});
