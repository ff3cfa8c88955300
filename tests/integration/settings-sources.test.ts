/**
 * Content sources on the settings page: an administrator maps a collection type of the site (conference sessions)
 * to a calendar through the settings route, a calendar app sees it at once and follows an editor's changes through
 * sync; a mapping naming a missing field or one of the wrong type is refused with the field named and changes
 * nothing; saved sources reach every process; saved ones that no longer fit the models are not served.
 */
import ICAL from 'ical.js';

import { EVENT_FIELDS, CONTACT_FIELDS, GROUP_RULE, pathsFor } from '../../admin/src/pages/settings/source-fields';
import type { SettingsDescription, Settings, SourceContentType, SourceOptions } from '../../server/src/config/settings';
import { checkSources, type ContentModel } from '../../server/src/sources/mapping';
import { syncCollection } from '../harness/calendar-state';
import { connectDavClient, davClient, propfindBody, readMultistatus } from '../harness/dav';
import { http } from '../harness/http';
import { createEditor, createUser, registerAdmin, type Editor, type TestUser } from '../harness/people';
import { startSecondProcess, startTestServer, type SecondProcess, type TestServer } from '../harness/strapi';

const SESSION_UID = 'api::session.session';
const ROOM_UID = 'api::room.room';
const ORGANIZER = 'organizer';

const talks = {
  kind: 'calendar',
  slug: 'talks',
  name: 'Talks',
  contentType: SESSION_UID,
  visibility: 'private',
  owner: ORGANIZER,
  fields: { summary: 'title', start: 'startsAt', end: 'endsAt', location: 'room.name', url: 'https://conf.example/talks/{slug}' },
  filter: { where: { public: true } },
};

const vevents = (text: string) => new ICAL.Component(ICAL.parse(text) as unknown[]).getAllSubcomponents('vevent');
const message = (response: { json<T>(): T }) => response.json<{ error: { message: string } }>().error.message;

let server: TestServer;
let adminToken: string;
let editor: Editor;
let organizer: TestUser;
let attendee: TestUser;
let keynoteId: string;
let workshopId: string;
const talksPath = `/dav/calendars/${ORGANIZER}/talks/`;

/** A request to the admin API, as the administrator unless another token (or null, signed out) is given. */
const settingsApi = (method: string, path: string, body?: unknown, token: string | null = adminToken) =>
  http(server.origin, method, path, {
    bearer: token ?? undefined,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const saveSources = (sources: unknown, token: string | null = adminToken) => settingsApi('PUT', '/caldav/settings', { sources }, token);
const described = async () => (await settingsApi('GET', '/caldav/settings')).json<{ data: SettingsDescription }>().data;

/** The names of the members of a calendar the organizer reads (PROPFIND Depth 1). */
async function members(path: string, user: TestUser = organizer, origin = server.origin): Promise<string[] | null> {
  const response = await davClient(origin, user).propfind(path, '1', propfindBody('d:getetag'));
  if (response.status === 404) return null;
  expect(response.status).toBe(207);
  return readMultistatus(response.text)
    .map((entry) => entry.href.split('/').pop() ?? '')
    .filter((name) => name)
    .sort();
}

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await registerAdmin(server);
  editor = await createEditor(server, adminToken);
  organizer = await createUser(server, { username: ORGANIZER });
  attendee = await createUser(server);
  const sessions = server.strapi.documents(SESSION_UID as never);
  const hall = (await server.strapi.documents(ROOM_UID as never).create({ data: { name: 'Main hall' } as never })) as unknown as { documentId: string };
  keynoteId = (
    (await sessions.create({
      data: { title: 'Opening keynote', slug: 'opening-keynote', startsAt: '2026-09-14T08:00:00.000Z', endsAt: '2026-09-14T09:00:00.000Z', track: 'Keynote', room: hall.documentId } as never,
      status: 'published',
    })) as unknown as { documentId: string }
  ).documentId;
  workshopId = (
    (await sessions.create({
      data: { title: 'Sync workshop', slug: 'sync-workshop', startsAt: '2026-09-14T10:00:00.000Z', endsAt: '2026-09-14T12:00:00.000Z', track: 'Workshop' } as never,
      status: 'published',
    })) as unknown as { documentId: string }
  ).documentId;
  // Not public: the filter leaves it out.
  await sessions.create({ data: { title: 'Speakers dinner', startsAt: '2026-09-14T18:00:00.000Z', public: false } as never, status: 'published' });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

test('the content-types route lists the collection types a source can show, with their attributes, and the roles', async () => {
  const response = await settingsApi('GET', '/caldav/settings/content-types');
  expect(response.status).toBe(200);
  const { data } = response.json<{ data: SourceOptions }>();
  const session = data.contentTypes.find((contentType) => contentType.uid === SESSION_UID);
  expect(session).toMatchObject({ displayName: 'Session', draftAndPublish: true, localized: false });
  const attribute = (name: string) => session!.attributes.find((candidate) => candidate.name === name);
  expect(attribute('title')).toEqual({ name: 'title', type: 'string' });
  expect(attribute('startsAt')).toEqual({ name: 'startsAt', type: 'datetime' });
  expect(attribute('track')).toEqual({ name: 'track', type: 'enumeration', enum: ['Keynote', 'Workshop', 'Talk'] });
  expect(attribute('room')).toMatchObject({ type: 'relation', relation: 'manyToOne', target: ROOM_UID });
  expect(attribute('room')!.targetAttributes).toEqual(expect.arrayContaining([{ name: 'name', type: 'string' }]));
  expect(data.contentTypes.map((contentType) => contentType.uid)).toEqual(expect.arrayContaining([ROOM_UID, 'api::speaker.speaker', 'plugin::users-permissions.user']));
  // The plugin's own types are not sources; private attributes are never offered.
  expect(data.contentTypes.some((contentType) => contentType.uid.startsWith('plugin::caldav.'))).toBe(false);
  const users = data.contentTypes.find((contentType) => contentType.uid === 'plugin::users-permissions.user')!;
  expect(users.attributes.map((candidate) => candidate.name)).toEqual(expect.arrayContaining(['username', 'email']));
  expect(users.attributes.map((candidate) => candidate.name)).not.toContain('password');
  expect(data.roles.map((role) => role.type)).toEqual(expect.arrayContaining(['authenticated', 'public']));
  expect(data.locales.map((locale) => locale.code)).toContain('en');
});

test('the pickers of the settings page offer exactly the attributes the server accepts for each field', async () => {
  const { data } = (await settingsApi('GET', '/caldav/settings/content-types')).json<{ data: SourceOptions }>();
  const getModel = (uid: string) => server.strapi.getModel(uid as never) as unknown as ContentModel | undefined;
  const problemsOf = (source: Record<string, unknown>): string => {
    try {
      checkSources([source], getModel);
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };
  /** Every path a picker could name: each attribute, and each attribute of each related type. */
  const candidates = (contentType: SourceContentType) =>
    contentType.attributes.flatMap((attribute) => [attribute.name, ...(attribute.targetAttributes ?? []).map((related) => `${attribute.name}.${related.name}`)]);
  const check = (contentType: SourceContentType, kind: 'calendar' | 'addressbook', base: Record<string, string>) => {
    const fields = kind === 'calendar' ? EVENT_FIELDS : CONTACT_FIELDS;
    for (const mapped of [...fields, { key: 'groupBy', rule: GROUP_RULE }]) {
      if (mapped.key === 'groupBy' && kind !== 'calendar') continue;
      const offered = pathsFor(contentType, mapped.rule);
      for (const path of candidates(contentType)) {
        const source: Record<string, unknown> =
          mapped.key === 'groupBy'
            ? { kind, slug: 'probe', name: 'Probe', contentType: contentType.uid, visibility: 'public', fields: base, groupBy: path }
            : { kind, slug: 'probe', name: 'Probe', contentType: contentType.uid, visibility: 'public', fields: { ...base, [mapped.key]: path }, ...(kind === 'calendar' ? { timezone: 'UTC' } : {}) };
        const named = new RegExp(mapped.key === 'groupBy' ? '\\bgroupBy\\b' : `fields\\.${mapped.key}\\b`).test(problemsOf(source));
        expect({ field: mapped.key, path, accepted: !named }).toEqual({ field: mapped.key, path, accepted: offered.includes(path) });
      }
    }
  };
  const byUid = (uid: string) => data.contentTypes.find((contentType) => contentType.uid === uid)!;
  // A date start, so that start and end times can be probed too.
  check(byUid(SESSION_UID), 'calendar', { summary: 'title', start: 'day' });
  check(byUid('api::speaker.speaker'), 'addressbook', { fullName: 'name' });
  check(byUid('plugin::users-permissions.user'), 'addressbook', { fullName: 'username' });
});

test('a source saved by an administrator is served at once: a calendar app finds it and reads the entries as events', async () => {
  expect(await members(talksPath)).toBeNull();
  const saved = await saveSources([talks]);
  expect(saved.status).toBe(200);
  const { data } = saved.json<{ data: SettingsDescription }>();
  expect(data.saved).toContain('sources');
  expect(data.values.sources).toEqual([talks]);
  expect(data.defaults.sources).toEqual([]);

  const client = await connectDavClient(server.origin, organizer, 'caldav');
  const calendar = (await client.fetchCalendars()).find((candidate) => candidate.displayName === 'Talks');
  expect(calendar).toBeDefined();
  const events = (await client.fetchCalendarObjects({ calendar: calendar! })).flatMap((object) => vevents(String(object.data)));
  expect(events.map((event) => event.getFirstPropertyValue('summary')).sort()).toEqual(['Opening keynote', 'Sync workshop']);
  const keynote = events.find((event) => event.getFirstPropertyValue('summary') === 'Opening keynote')!;
  expect(String(keynote.getFirstPropertyValue('dtstart'))).toBe('2026-09-14T08:00:00Z');
  expect(keynote.getFirstPropertyValue('location')).toBe('Main hall');
  expect(keynote.getFirstPropertyValue('url')).toBe('https://conf.example/talks/opening-keynote');
  // Private: another user does not see it.
  expect(await members(talksPath, attendee)).toBeNull();
});

test("an editor's change in the Content Manager reaches the calendar app through sync", async () => {
  const dav = davClient(server.origin, organizer);
  const before = await syncCollection(dav, talksPath, '');
  expect([...before.present.keys()].sort()).toEqual([`${keynoteId}.ics`, `${workshopId}.ics`].sort());

  const entry = `/content-manager/collection-types/${SESSION_UID}/${workshopId}`;
  const edited = await settingsApi('PUT', entry, { title: 'Sync workshop (full)' }, editor.token);
  expect(edited.status).toBe(200);
  expect((await settingsApi('POST', `${entry}/actions/publish`, {}, editor.token)).status).toBe(200);

  const after = await syncCollection(dav, talksPath, before.token);
  expect([...after.present.keys()]).toEqual([`${workshopId}.ics`]);
  expect(after.removed.size).toBe(0);
  expect((await dav.get(`${talksPath}${workshopId}.ics`)).text).toContain('SUMMARY:Sync workshop (full)');
});

test('a mapping naming a missing field or one of the wrong type is refused with the field named, and nothing changes', async () => {
  const served = await members(talksPath);
  const missing = await saveSources([{ ...talks, fields: { ...talks.fields, start: 'beginsAt' } }]);
  expect(missing.status).toBe(400);
  expect(message(missing)).toMatch(/source "talks": fields\.start "beginsAt" is not an attribute of api::session\.session/);

  const wrongType = await saveSources([{ ...talks, fields: { ...talks.fields, start: 'title' } }]);
  expect(wrongType.status).toBe(400);
  expect(message(wrongType)).toMatch(/fields\.start "title" is a string; a date or datetime attribute is needed/);

  const wrongRelated = await saveSources([talks, { ...talks, slug: 'rooms', fields: { ...talks.fields, location: 'room.label' } }]);
  expect(wrongRelated.status).toBe(400);
  expect(message(wrongRelated)).toMatch(/source "rooms": fields\.location "room\.label": "label" is not an attribute of api::room\.room/);

  const notAList = await saveSources({ talks });
  expect(notAList.status).toBe(400);
  expect(message(notAList)).toMatch(/"sources"/);

  expect((await described()).values.sources).toEqual([talks]);
  expect(await members(talksPath)).toEqual(served);
  expect(await members(`/dav/calendars/${ORGANIZER}/rooms/`)).toBeNull();
});

test('a saved list replaces the one before as a whole; null puts back the config file\'s sources', async () => {
  const tracks = {
    kind: 'calendar',
    slug: 'tracks',
    name: 'Tracks',
    contentType: SESSION_UID,
    visibility: 'private',
    sharedWithRoles: ['authenticated'],
    fields: { summary: 'title', start: 'startsAt', end: 'endsAt' },
    groupBy: 'track',
  };
  expect((await saveSources([tracks])).status).toBe(200);
  expect(await members(talksPath)).toBeNull();
  expect(await members(`/dav/calendars/${attendee.username}/tracks-keynote/`, attendee)).toEqual([`${keynoteId}.ics`]);

  const reset = await saveSources(null);
  expect(reset.status).toBe(200);
  const { data } = reset.json<{ data: SettingsDescription }>();
  expect(data.saved).not.toContain('sources');
  expect(data.values.sources).toEqual([]);
  expect(await members(`/dav/calendars/${attendee.username}/tracks-keynote/`, attendee)).toBeNull();
});

test('saved sources reach a process that starts later and one already running', async () => {
  expect((await saveSources([talks])).status).toBe(200);
  let second: SecondProcess | undefined;
  try {
    second = await startSecondProcess(server);
    expect(await members(talksPath, organizer, second.origin)).toEqual([`${keynoteId}.ics`, `${workshopId}.ics`].sort());

    // Changed through the first process: the second reads the saved settings again within 15 s.
    expect((await saveSources([{ ...talks, filter: { where: { public: false } } }])).status).toBe(200);
    const deadline = Date.now() + 25_000;
    let seen = await members(talksPath, organizer, second.origin);
    while (seen?.length !== 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      seen = await members(talksPath, organizer, second.origin);
    }
    // The dinner, the one session that is not public.
    expect(seen).toHaveLength(1);
    expect(seen).not.toContain(`${keynoteId}.ics`);
  } finally {
    await second?.stop();
  }
}, 120_000);

test("saved sources that no longer fit the site's models are not served, the config file's are, and the page says why", async () => {
  const settings = server.strapi.plugin('caldav').service('settings') as Settings;
  const store = server.strapi.store({ type: 'plugin', name: 'caldav' });
  // What Strapi's logger writes, as its transports receive it.
  const logged: string[] = [];
  const logger = server.strapi.log as unknown as NodeJS.EventEmitter;
  // The level as logged (the `level` key may have been colored for the console).
  const listen = (info: { message: unknown; [key: symbol]: unknown }) => {
    if (info[Symbol.for('level')] === 'error') logged.push(String(info.message));
  };
  logger.on('data', listen);
  try {
    // As another version of the site would have saved them: a field this one's sessions do not have.
    const stale = [{ ...talks, fields: { ...talks.fields, end: 'finishesAt' } }];
    await store.set({ key: 'settings', value: { sources: stale, syncRetentionDays: 12 } });
    await settings.load();
    // The logger hands messages on asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged.join('\n')).toMatch(/not served.*source "talks": fields\.end "finishesAt"/);
    const data = await described();
    expect(data.rejectedSources).toEqual({ sources: stale, message: expect.stringMatching(/fields\.end "finishesAt"/) });
    expect(data.values.sources).toEqual([]);
    // The other saved settings apply.
    expect(data.values.syncRetentionDays).toBe(12);
    expect(await members(talksPath)).toBeNull();

    // Read again (as every 15 s): still not served, and said once.
    await settings.load();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged.filter((line) => line.includes('finishesAt'))).toHaveLength(1);

    // Corrected on the settings page: served again.
    expect((await settingsApi('PUT', '/caldav/settings', { sources: [talks], syncRetentionDays: null })).status).toBe(200);
    expect((await described()).rejectedSources).toBeNull();
    expect(await members(talksPath)).toEqual([`${keynoteId}.ics`, `${workshopId}.ics`].sort());
  } finally {
    logger.off('data', listen);
  }
});

test('only administrators with the settings permission reach the sources and the content types', async () => {
  expect((await settingsApi('GET', '/caldav/settings/content-types', undefined, null)).status).toBe(401);
  expect((await settingsApi('GET', '/caldav/settings/content-types', undefined, editor.token)).status).toBe(403);
  expect((await saveSources([], editor.token)).status).toBe(403);
  expect((await described()).values.sources).toEqual([talks]);
});
