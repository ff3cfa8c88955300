/**
 * The plugin's settings page: an administrator changes the feed window, sizes, sync retention and sign-in limits
 * while the site runs; the change takes effect at once, wrong values are refused with the key named, and the
 * settings that decide where the plugin is mounted stay in the config file.
 */

import { davClient, vevent } from '../harness/dav';
import { http } from '../harness/http';
import { createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let adminToken: string;
let owner: TestUser;

beforeAll(async () => {
  server = await startTestServer({ pluginConfig: { feeds: { pastDays: null, futureDays: null, refreshMinutes: 60 } } });
  adminToken = await registerAdmin(server);
  owner = await createUser(server);
  const calendar = await server.collections.createCalendar({ owner: owner.documentId, name: 'Club', slug: 'club', visibility: 'public' });
  await server.collections.createEvent(calendar.documentId, { uid: 'old', resourceName: 'old.ics', summary: 'Long ago', start: '2020-01-10T10:00:00.000Z', end: '2020-01-10T11:00:00.000Z' });
});

afterAll(async () => {
  await server?.stop();
});

interface Described {
  values: { maxResourceSize: number; feeds: { pastDays: number | null; futureDays: number | null; refreshMinutes: number }; sources: unknown[] };
  saved: string[];
  rejectedSources: unknown;
  defaults: { feeds: { refreshMinutes: number } };
  fixed: { basePath: string };
}

const api = (method: string, body?: unknown, signedIn = true) =>
  http(server.origin, method, '/caldav/settings', {
    bearer: signedIn ? adminToken : undefined,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

test('shows the settings in force, the config file values and the fixed ones', async () => {
  const response = await api('GET');
  expect(response.status).toBe(200);
  const { data } = response.json<{ data: Described }>();
  expect(data.values.feeds.refreshMinutes).toBe(60);
  expect(data.saved).toEqual([]);
  expect(data.fixed.basePath).toBe('/dav');
  // Content sources are edited here too (tests/integration/settings-sources.test.ts); the config file has none.
  expect(data.values.sources).toEqual([]);
  expect(data.rejectedSources).toBeNull();
});

test('a saved feed setting changes the feed at once; null puts it back', async () => {
  expect((await http(server.origin, 'GET', '/dav/feeds/club.ics')).text).toContain('SUMMARY:Long ago');

  const saved = await api('PUT', { feeds: { pastDays: 90, refreshMinutes: 30 } });
  expect(saved.status).toBe(200);
  const { data } = saved.json<{ data: Described }>();
  expect(data.values.feeds).toEqual({ pastDays: 90, futureDays: null, refreshMinutes: 30 });
  expect(data.saved).toEqual(['feeds']);
  const feed = (await http(server.origin, 'GET', '/dav/feeds/club.ics')).text;
  expect(feed).not.toContain('SUMMARY:Long ago');
  expect(feed).toContain('X-PUBLISHED-TTL:PT30M');

  const reset = await api('PUT', { feeds: null });
  expect(reset.json<{ data: Described }>().data.values.feeds.refreshMinutes).toBe(60);
  expect((await http(server.origin, 'GET', '/dav/feeds/club.ics')).text).toContain('SUMMARY:Long ago');
});

test('a smaller max resource size applies to the next PUT', async () => {
  const dav = davClient(server.origin, owner);
  const big = vevent('big', { summary: 'x'.repeat(3000) });
  expect((await api('PUT', { maxResourceSize: 2048 })).status).toBe(200);
  expect((await dav.put('/dav/calendars/' + owner.username + '/club/big.ics', big)).status).toBe(413);
  expect((await api('PUT', { maxResourceSize: null })).status).toBe(200);
  expect((await dav.put('/dav/calendars/' + owner.username + '/club/big.ics', big)).status).toBe(201);
});

test('a default time zone is given to calendars created without one, whether by an editor or an app', async () => {
  expect((await api('PUT', { defaultTimezone: 'Europe/Lisbon' })).status).toBe(200);
  const made = await server.collections.createCalendar({ owner: owner.documentId, name: 'Fado', slug: 'fado' });
  expect(made.timezone).toBe('Europe/Lisbon');
  const mkcalendar = await davClient(server.origin, owner).mkcalendar(`/dav/calendars/${owner.username}/from-app/`);
  expect(mkcalendar.status).toBe(201);
  expect((await server.collections.findCalendarBySlug('from-app'))?.timezone).toBe('Europe/Lisbon');
  const chosen = await server.collections.createCalendar({ owner: owner.documentId, name: 'Tokyo', slug: 'tokyo', timezone: 'Asia/Tokyo' });
  expect(chosen.timezone).toBe('Asia/Tokyo');

  expect((await api('PUT', { defaultTimezone: 'Mars/Olympus' })).status).toBe(400);
  expect((await api('PUT', { defaultTimezone: null })).status).toBe(200);
  expect((await server.collections.createCalendar({ owner: owner.documentId, name: 'Plain', slug: 'plain' })).timezone ?? null).toBeNull();
});

test('wrong values are refused with the key named, and nothing is saved', async () => {
  const wrong = await api('PUT', { maxResourceSize: 10, feeds: { refreshMinutes: 1 } });
  expect(wrong.status).toBe(400);
  expect(wrong.text).toMatch(/maxResourceSize/);
  expect(wrong.text).toMatch(/refreshMinutes/);
  const fixed = await api('PUT', { basePath: '/elsewhere' });
  expect(fixed.status).toBe(400);
  expect(fixed.json<{ error: { message: string } }>().error.message).toMatch(/"basePath" cannot be changed here/);
  expect((await api('GET')).json<{ data: Described }>().data.saved).toEqual([]);
});

test('only administrators with the settings permission reach the settings', async () => {
  expect((await api('GET', undefined, false)).status).toBe(401);
  expect((await api('PUT', { maxResourceSize: 4096 }, false)).status).toBe(401);
});
