/**
 * The calendar panel's admin API: a calendar's fields, shares and links. Writes go through the document service, so
 * the document rules refuse bad values (nothing changes) and sharees see a shared calendar over DAV at once.
 */

import { propfindBody, readMultistatus } from '../harness/dav';
import { http, type HttpResponse } from '../harness/http';
import { createEditor, createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';
import type { CalendarDetails, SharingCandidates } from '../../server/src/calendar-admin/types';

let server: TestServer;
let adminToken: string;
let owner: TestUser;
let sharee: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await registerAdmin(server);
  owner = await createUser(server, { username: 'owner_cal' });
  sharee = await createUser(server, { username: 'sharee_cal' });
});

afterAll(async () => {
  await server?.stop();
});

const api = (method: string, path: string, body?: unknown, token: string | undefined = adminToken): Promise<HttpResponse> =>
  http(server.origin, method, `/caldav${path}`, {
    bearer: token,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const message = (response: HttpResponse) => response.json<{ error: { message: string } }>().error.message;

async function ok(method: string, path: string, body?: unknown, expected = 200): Promise<CalendarDetails> {
  const response = await api(method, path, body);
  if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  return response.json<{ data: CalendarDetails }>().data;
}

/** The hrefs a user's calendar home lists over DAV. */
async function homeOf(user: TestUser): Promise<string[]> {
  const response = await http(server.origin, 'PROPFIND', `/dav/calendars/${user.username}/`, {
    basic: user,
    headers: { Depth: '1', 'Content-Type': 'application/xml' },
    body: propfindBody('d:displayname'),
  });
  expect(response.status).toBe(207);
  return readMultistatus(response.text).map((entry) => entry.href);
}

test('a calendar with its fields, owner and links: CalDAV URL, public feed and secret link, https and webcal', async () => {
  const created = await server.collections.createCalendar({ owner: owner.documentId, name: 'Open Day', slug: 'open-day', visibility: 'public', timezone: 'Europe/Paris' });
  const calendar = await ok('GET', `/calendars/${created.documentId}`);
  expect(calendar).toMatchObject({
    documentId: created.documentId,
    name: 'Open Day',
    slug: 'open-day',
    timezone: 'Europe/Paris',
    visibility: 'public',
    owner: { documentId: owner.documentId, username: owner.username },
    shares: [],
  });
  expect(calendar.links).toEqual({
    caldavUrl: `${server.origin}/dav/calendars/owner_cal/open-day/`,
    publicFeedUrl: `${server.origin}/dav/feeds/open-day.ics`,
    publicWebcalUrl: `${server.origin.replace('http://', 'webcal://')}/dav/feeds/open-day.ics`,
    privateFeedUrl: null,
    privateWebcalUrl: null,
  });

  // A secret link: created, working, replaced (the old one stops), removed.
  const withToken = await ok('POST', `/calendars/${created.documentId}/feed-token`);
  const secret = withToken.links.privateFeedUrl as string;
  expect(secret).toMatch(new RegExp(`^${server.origin}/dav/feeds/private/[A-Za-z0-9_-]{43}\\.ics$`));
  expect(withToken.links.privateWebcalUrl).toBe(secret.replace('http://', 'webcal://'));
  expect((await fetch(secret)).status).toBe(200);
  const replaced = await ok('POST', `/calendars/${created.documentId}/feed-token`);
  expect(replaced.links.privateFeedUrl).not.toBe(secret);
  expect((await fetch(secret)).status).toBe(404);
  const removed = await ok('DELETE', `/calendars/${created.documentId}/feed-token`);
  expect(removed.links.privateFeedUrl).toBeNull();
  expect((await fetch(replaced.links.privateFeedUrl as string)).status).toBe(404);

  // Private: no public feed.
  const closed = await ok('PUT', `/calendars/${created.documentId}`, { visibility: 'private' });
  expect(closed.links.publicFeedUrl).toBeNull();
  expect(closed.links.publicWebcalUrl).toBeNull();

  expect((await api('GET', '/calendars/nope')).status).toBe(404);
  expect((await http(server.origin, 'GET', `/caldav/calendars/${created.documentId}`)).status).toBe(401);
});

test('fields change through the document rules; a bad color, time zone or owner is a 400 and changes nothing', async () => {
  const { documentId } = await server.collections.createCalendar({ owner: owner.documentId, name: 'Work', slug: 'work-fields', color: '#10B981' });
  const updated = await ok('PUT', `/calendars/${documentId}`, {
    name: 'Team work',
    color: '#FF8800',
    description: 'Shifts and meetings',
    timezone: 'America/New_York',
    visibility: 'public',
    owner: sharee.documentId,
  });
  expect(updated).toMatchObject({
    name: 'Team work',
    slug: 'work-fields',
    color: '#FF8800',
    description: 'Shifts and meetings',
    timezone: 'America/New_York',
    visibility: 'public',
    owner: { documentId: sharee.documentId, username: sharee.username },
  });
  expect(updated.links.caldavUrl).toBe(`${server.origin}/dav/calendars/sharee_cal/work-fields/`);

  const refused: Array<[unknown, RegExp]> = [
    [{ color: 'orange' }, /color/i],
    [{ timezone: 'Mars/Olympus' }, /not a known time zone/],
    [{ visibility: 'everyone' }, /"visibility" must be "private" or "public"/],
    [{ owner: 'nobody' }, /no user with documentId "nobody"/],
    [{ name: '' }, /"name" must not be empty/],
    [{ slug: 'other' }, /Unknown field "slug"/],
    [[1], /JSON object/],
  ];
  for (const [body, expected] of refused) {
    const response = await api('PUT', `/calendars/${documentId}`, body);
    expect([response.status, message(response)]).toEqual([400, expect.stringMatching(expected)]);
  }
  expect(await ok('GET', `/calendars/${documentId}`)).toEqual(updated);
});

test('create and delete: a new calendar appears in its owner\'s home; deleting removes it with its events and shares', async () => {
  const created = await ok('POST', '/calendars', { name: 'Équipe Nord', owner: owner.documentId, color: '#123456', timezone: 'Europe/Berlin' }, 201);
  expect(created).toMatchObject({ name: 'Équipe Nord', slug: 'equipe-nord', color: '#123456', visibility: 'private', owner: { username: owner.username } });
  const again = await ok('POST', '/calendars', { name: 'Equipe nord', owner: owner.documentId }, 201);
  expect(again.slug).toBe('equipe-nord-2');
  expect(await homeOf(owner)).toContain('/dav/calendars/owner_cal/equipe-nord/');

  const missing = await api('POST', '/calendars', { name: 'No owner' });
  expect([missing.status, message(missing)]).toEqual([400, expect.stringContaining('"owner" is required')]);
  const badZone = await api('POST', '/calendars', { name: 'Zone', owner: owner.documentId, timezone: 'Nowhere/Land' });
  expect(badZone.status).toBe(400);
  const taken = await api('POST', '/calendars', { name: 'Taken', slug: 'equipe-nord', owner: owner.documentId });
  expect([taken.status, message(taken)]).toEqual([400, expect.stringContaining('already used')]);

  const event = await server.collections.createEvent(created.documentId, { summary: 'Kick-off', start: '2026-03-02T09:00:00Z', end: '2026-03-02T10:00:00Z' });
  await ok('POST', `/calendars/${created.documentId}/shares`, { user: sharee.documentId, access: 'read' }, 201);

  const deleted = await api('DELETE', `/calendars/${created.documentId}`);
  expect(deleted.status).toBe(204);
  expect((await api('GET', `/calendars/${created.documentId}`)).status).toBe(404);
  expect(await server.strapi.db.query('plugin::caldav.event' as never).count({ where: { documentId: event.documentId } })).toBe(0);
  expect(await server.strapi.db.query('plugin::caldav.share' as never).count({ where: { user: { documentId: sharee.documentId } } })).toBe(0);
  expect(await homeOf(owner)).not.toContain('/dav/calendars/owner_cal/equipe-nord/');
  expect(await homeOf(sharee)).not.toContain('/dav/calendars/sharee_cal/equipe-nord/');
  expect((await api('DELETE', `/calendars/${created.documentId}`)).status).toBe(404);
});

test('shares: added, changed and removed; the sharee sees the calendar in their home over DAV until it is removed', async () => {
  const { documentId } = await server.collections.createCalendar({ owner: owner.documentId, name: 'Team', slug: 'team-share' });
  const shared = `/dav/calendars/${sharee.username}/team-share/`;
  expect(await homeOf(sharee)).not.toContain(shared);

  const withShare = await ok('POST', `/calendars/${documentId}/shares`, { user: sharee.documentId, access: 'read' }, 201);
  expect(withShare.shares).toEqual([
    { documentId: expect.any(String), access: 'read', user: { documentId: sharee.documentId, username: sharee.username, email: sharee.email }, role: null },
  ]);
  expect(await homeOf(sharee)).toContain(shared);

  const shareId = withShare.shares[0].documentId;
  const changed = await ok('PUT', `/shares/${shareId}`, { access: 'read-write' });
  expect(changed.shares[0].access).toBe('read-write');

  const role = (await server.strapi.db.query('plugin::users-permissions.role' as never).findOne({ where: { type: 'public' } })) as { documentId: string; name: string };
  const withRole = await ok('POST', `/calendars/${documentId}/shares`, { role: role.documentId, access: 'read-write' }, 201);
  expect(withRole.shares.map((share) => share.role?.name ?? share.user?.username).sort()).toEqual([role.name, sharee.username].sort());

  const refused: Array<[string, string, unknown, RegExp]> = [
    ['POST', `/calendars/${documentId}/shares`, { user: owner.documentId }, /owner already has full access/],
    ['POST', `/calendars/${documentId}/shares`, { user: sharee.documentId }, /already shared with sharee_cal/],
    ['POST', `/calendars/${documentId}/shares`, { user: sharee.documentId, role: role.documentId }, /either one user/],
    ['POST', `/calendars/${documentId}/shares`, {}, /either one user/],
    ['POST', `/calendars/${documentId}/shares`, { user: 'ghost' }, /no user with documentId "ghost"/],
    ['POST', `/calendars/${documentId}/shares`, { role: 'ghost' }, /no role with documentId "ghost"/],
    ['POST', `/calendars/${documentId}/shares`, { user: owner.documentId, access: 'admin' }, /"access" must be "read" or "read-write"/],
    ['PUT', `/shares/${shareId}`, { access: 'write' }, /"access" must be "read" or "read-write"/],
    ['PUT', `/shares/${shareId}`, { user: owner.documentId }, /Unknown field "user"/],
  ];
  for (const [method, path, body, expected] of refused) {
    const response = await api(method, path, body);
    expect([method, path, response.status, message(response)]).toEqual([method, path, 400, expect.stringMatching(expected)]);
  }
  // The refused share of the owner was rolled back.
  expect((await ok('GET', `/calendars/${documentId}`)).shares).toHaveLength(2);

  const removed = await api('DELETE', `/shares/${shareId}`);
  expect(removed.status).toBe(200);
  expect(removed.json<{ data: CalendarDetails }>().data.shares.map((share) => share.role?.name)).toEqual([role.name]);
  expect(await homeOf(sharee)).not.toContain(shared);
  expect((await api('DELETE', `/shares/${shareId}`)).status).toBe(404);
  expect((await api('POST', '/calendars/nope/shares', { user: sharee.documentId })).status).toBe(404);
});

test('sharing candidates: users whose username or email contains the text (not blocked, at most 20) and the roles', async () => {
  for (let index = 0; index < 22; index += 1) await createUser(server, { username: `crowd${String(index).padStart(2, '0')}` });
  await createUser(server, { username: 'crowd_blocked', blocked: true });
  const search = async (q: string) => {
    const response = await api('GET', `/sharing-candidates?q=${encodeURIComponent(q)}`);
    expect(response.status).toBe(200);
    return response.json<{ data: SharingCandidates }>().data;
  };
  const crowd = await search('CROWD');
  expect(crowd.users).toHaveLength(20);
  expect(crowd.users[0]).toEqual({ documentId: expect.any(String), username: 'crowd00', email: 'crowd00@example.test' });
  expect(crowd.users.map((user) => user.username)).not.toContain('crowd_blocked');
  expect((await search('sharee_cal@example')).users.map((user) => user.username)).toEqual(['sharee_cal']);
  expect((await search('authenticated')).roles).toEqual([{ documentId: expect.any(String), name: 'Authenticated', type: 'authenticated' }]);
  expect((await search('')).roles.map((role) => role.type).sort()).toEqual(['authenticated', 'public']);
});

test('every route needs its admin action: an Editor without it gets 403, with it 200', async () => {
  const { documentId } = await server.collections.createCalendar({ owner: owner.documentId, name: 'Guarded', slug: 'guarded' });
  const editor = await createEditor(server, adminToken);
  const editorToken = editor.token;

  const requests: Array<[string, string, unknown]> = [
    ['GET', `/calendars/${documentId}`, undefined],
    ['PUT', `/calendars/${documentId}`, { name: 'Changed' }],
    ['POST', '/calendars', { name: 'New', owner: owner.documentId }],
    ['DELETE', `/calendars/${documentId}`, undefined],
    ['POST', `/calendars/${documentId}/shares`, { user: sharee.documentId }],
    ['GET', '/sharing-candidates?q=a', undefined],
    ['POST', `/calendars/${documentId}/feed-token`, undefined],
    ['DELETE', `/calendars/${documentId}/feed-token`, undefined],
  ];
  for (const [method, path, body] of requests) {
    expect([method, path, (await api(method, path, body, editorToken)).status]).toEqual([method, path, 403]);
  }

  await editor.grant('calendars.read');
  expect((await api('GET', `/calendars/${documentId}`, undefined, editorToken)).status).toBe(200);
  expect((await api('PUT', `/calendars/${documentId}`, { name: 'Changed' }, editorToken)).status).toBe(403);
  expect((await ok('GET', `/calendars/${documentId}`)).name).toBe('Guarded');
});
