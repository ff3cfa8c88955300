/**
 * App passwords: a signed-in user creates named passwords for their calendar and contacts apps, sees when each was
 * last used, and revokes them; support staff do the same for a user from the admin panel. Each password signs in
 * over HTTP Basic with the username or email, also for users who sign in with a social provider and have no
 * password of their own.
 */

import { davClient, propfindBody } from '../harness/dav';
import { http, type HttpResponse } from '../harness/http';
import { createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

interface Summary {
  documentId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface Created {
  documentId: string;
  name: string;
  createdAt: string;
  password: string;
}

let server: TestServer;
let adminToken: string;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await registerAdmin(server);
});

afterAll(async () => {
  await server?.stop();
});

const users = () => server.strapi.db.query('plugin::users-permissions.user' as never);

const propfindAs = (username: string, password: string) =>
  davClient(server.origin, { username, password }).propfind('/dav/', '0', propfindBody('d:current-user-principal'));

async function jwtOf(user: TestUser): Promise<string> {
  const login = await http(server.origin, 'POST', '/api/auth/local', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: user.username, password: user.password }),
  });
  expect(login.status).toBe(200);
  return login.json<{ jwt: string }>().jwt;
}

const api = (method: string, path: string, bearer: string | undefined, body?: unknown): Promise<HttpResponse> =>
  http(server.origin, method, path, {
    bearer,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

async function createAppPassword(jwt: string, name: string): Promise<Created> {
  const response = await api('POST', '/api/caldav/app-passwords', jwt, { name });
  expect(response.status).toBe(201);
  return response.json<{ data: Created }>().data;
}

async function listAppPasswords(jwt: string): Promise<Summary[]> {
  const response = await api('GET', '/api/caldav/app-passwords', jwt);
  expect(response.status).toBe(200);
  return response.json<{ data: Summary[] }>().data;
}

const errorMessage = (response: HttpResponse) => response.json<{ error: { message: string } }>().error.message;

describe('for the signed-in user', () => {
  let user: TestUser;
  let jwt: string;

  beforeAll(async () => {
    user = await createUser(server);
    jwt = await jwtOf(user);
  });

  test('a new app password is shown once, in readable groups, and signs in with the username or the email', async () => {
    const created = await createAppPassword(jwt, 'Phone calendar');
    expect(created.name).toBe('Phone calendar');
    expect(Date.parse(created.createdAt)).not.toBeNaN();
    // 40 random base32 characters (200 bits) in groups of five.
    expect(created.password).toMatch(/^[a-z2-7]{5}(-[a-z2-7]{5}){7}$/);

    expect((await propfindAs(user.username, created.password)).status).toBe(207);
    expect((await propfindAs(user.email, created.password)).status).toBe(207);
    expect((await propfindAs(user.email.toUpperCase(), created.password)).status).toBe(207);
    // As typed into a phone: without the dashes, or in capitals with spaces.
    expect((await propfindAs(user.username, created.password.replace(/-/g, ''))).status).toBe(207);
    expect((await propfindAs(user.username, created.password.toUpperCase().replace(/-/g, ' '))).status).toBe(207);
    // The account password keeps working alongside.
    expect((await propfindAs(user.username, user.password)).status).toBe(207);
    // A password of a similar shape that was never issued does not.
    expect((await propfindAs(user.username, 'aaaaa-bbbbb-ccccc-ddddd-eeeee-fffff-ggggg-hhhhh')).status).toBe(401);
  });

  test('the list shows names and when each was last used, never the secret', async () => {
    const used = await createAppPassword(jwt, 'Laptop');
    const unused = await createAppPassword(jwt, 'Tablet');
    expect((await propfindAs(user.username, used.password)).status).toBe(207);

    const response = await api('GET', '/api/caldav/app-passwords', jwt);
    expect(response.status).toBe(200);
    const list = response.json<{ data: Summary[] }>().data;
    const byName = new Map(list.map((entry) => [entry.name, entry]));
    expect(Object.keys(byName.get('Laptop') ?? {}).sort()).toEqual(['createdAt', 'documentId', 'lastUsedAt', 'name']);
    expect(byName.get('Laptop')?.documentId).toBe(used.documentId);
    expect(Date.now() - Date.parse(byName.get('Laptop')?.lastUsedAt ?? '')).toBeLessThan(60_000);
    expect(byName.get('Tablet')?.lastUsedAt).toBeNull();
    expect(byName.get('Tablet')?.createdAt).toBe(unused.createdAt);
    for (const secret of [used.password, used.password.replace(/-/g, ''), unused.password.replace(/-/g, '')]) expect(response.text).not.toContain(secret);
    expect(response.text).not.toMatch(/secret|hash|[0-9a-f]{64}/i);

    // A sync sends the password on every request: the time of use is kept to the minute, not rewritten each time.
    const firstUse = byName.get('Laptop')?.lastUsedAt;
    expect((await propfindAs(user.username, used.password)).status).toBe(207);
    expect((await listAppPasswords(jwt)).find((entry) => entry.name === 'Laptop')?.lastUsedAt).toBe(firstUse);
  });

  test('a revoked app password stops working at the next request', async () => {
    const created = await createAppPassword(jwt, 'Old phone');
    expect((await propfindAs(user.username, created.password)).status).toBe(207);

    const revoked = await api('DELETE', `/api/caldav/app-passwords/${created.documentId}`, jwt);
    expect(revoked.status).toBe(204);
    expect((await propfindAs(user.username, created.password)).status).toBe(401);
    expect((await listAppPasswords(jwt)).map((entry) => entry.documentId)).not.toContain(created.documentId);
    expect((await api('DELETE', `/api/caldav/app-passwords/${created.documentId}`, jwt)).status).toBe(404);
  });

  test("another user's app passwords can be neither seen nor revoked, nor used with one's own name", async () => {
    const other = await createUser(server);
    const otherJwt = await jwtOf(other);
    const theirs = await createAppPassword(otherJwt, 'Their phone');

    expect((await listAppPasswords(jwt)).map((entry) => entry.documentId)).not.toContain(theirs.documentId);
    const attempt = await api('DELETE', `/api/caldav/app-passwords/${theirs.documentId}`, jwt);
    expect(attempt.status).toBe(404);
    expect((await api('DELETE', '/api/caldav/app-passwords/no-such-password', jwt)).status).toBe(404);
    expect(errorMessage(attempt)).toBe('No such app password.');

    expect((await propfindAs(other.username, theirs.password)).status).toBe(207);
    expect((await propfindAs(user.username, theirs.password)).status).toBe(401);
  });

  test('a name is required, at most 100 characters; anything else is a 400 that says why', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /"name" is required/],
      [{ name: '' }, /must not be empty/],
      [{ name: '   ' }, /must not be empty/],
      [{ name: 'x'.repeat(101) }, /at most 100 characters/],
      [{ name: 42 }, /must be a string/],
      [{ name: 'two\nlines' }, /control characters/],
      [['Phone'], /JSON object/],
    ];
    for (const [body, message] of cases) {
      const response = await api('POST', '/api/caldav/app-passwords', jwt, body);
      expect(response.status).toBe(400);
      expect(errorMessage(response)).toMatch(message);
    }
    expect((await createAppPassword(jwt, ` ${'x'.repeat(100)} `)).name).toBe('x'.repeat(100));
  });

  test('without a users-permissions JWT the routes are refused', async () => {
    expect((await api('GET', '/api/caldav/app-passwords', undefined)).status).toBe(403);
    expect((await api('POST', '/api/caldav/app-passwords', undefined, { name: 'Phone' })).status).toBe(403);
    expect((await api('GET', '/api/caldav/app-passwords', adminToken)).status).toBe(401);
  });
});

test('a user of a social sign-in provider signs in with an app password, never with a password', async () => {
  const username = `social_${Date.now().toString(36)}`;
  const role = (await server.strapi.db.query('plugin::users-permissions.role' as never).findOne({ where: { type: 'authenticated' } })) as { id: number };
  const social = (await users().create({
    data: { username, email: `${username}@example.test`, provider: 'google', confirmed: true, blocked: false, role: role.id },
  })) as { id: number };
  // Even a password stored for the account does not sign in: such users authenticate at their provider.
  await server.strapi.plugin('users-permissions').service('user').edit(social.id, { password: 'social-password' });
  // What the provider's callback (/api/auth/google/callback) hands out.
  const jwt = (await server.strapi.plugin('users-permissions').service('jwt').issue({ id: social.id })) as string;

  const created = await createAppPassword(jwt, 'Thunderbird');
  expect((await propfindAs(username, created.password)).status).toBe(207);
  expect((await propfindAs(`${username}@example.test`, created.password)).status).toBe(207);
  expect((await propfindAs(username, 'social-password')).status).toBe(401);
});

test('blocked and unconfirmed users are refused with their app passwords', async () => {
  const user = await createUser(server);
  const created = await createAppPassword(await jwtOf(user), 'Phone');
  expect((await propfindAs(user.username, created.password)).status).toBe(207);

  await users().update({ where: { id: user.id }, data: { blocked: true } });
  expect((await propfindAs(user.username, created.password)).status).toBe(401);
  await users().update({ where: { id: user.id }, data: { blocked: false, confirmed: false } });
  expect((await propfindAs(user.username, created.password)).status).toBe(401);
  await users().update({ where: { id: user.id }, data: { confirmed: true } });
  expect((await propfindAs(user.username, created.password)).status).toBe(207);
});

describe('in the admin panel', () => {
  const admin = (method: string, path: string, token: string | undefined, body?: unknown) => api(method, path, token, body);

  test('support staff find users by username or email to manage their passwords', async () => {
    const user = await createUser(server);
    const found = await admin('GET', `/caldav/app-password-users?q=${encodeURIComponent(user.email.toUpperCase())}`, adminToken);
    expect(found.status).toBe(200);
    expect(found.json<{ data: Array<{ documentId: string; username: string }> }>().data).toEqual([
      { documentId: user.documentId, username: user.username, email: user.email, blocked: false },
    ]);
    expect((await admin('GET', '/caldav/app-password-users?q=', undefined)).status).toBe(401);
  });

  test("a Super Admin creates, lists and revokes a user's app passwords", async () => {
    const user = await createUser(server);

    const response = await admin('POST', `/caldav/users/${user.id}/app-passwords`, adminToken, { name: 'Set up by support' });
    expect(response.status).toBe(201);
    const created = response.json<{ data: Created }>().data;
    expect(created.password).toMatch(/^[a-z2-7]{5}(-[a-z2-7]{5}){7}$/);
    expect((await propfindAs(user.username, created.password)).status).toBe(207);

    // Users are named by id or, as in the Content Manager, by documentId.
    for (const userId of [String(user.id), user.documentId]) {
      const listed = await admin('GET', `/caldav/users/${userId}/app-passwords`, adminToken);
      expect(listed.status).toBe(200);
      const list = listed.json<{ data: Summary[] }>().data;
      expect(list.map((entry) => entry.name)).toEqual(['Set up by support']);
      expect(list[0].lastUsedAt).not.toBeNull();
      expect(listed.text).not.toContain(created.password);
    }
    // The user sees it too.
    expect((await listAppPasswords(await jwtOf(user))).map((entry) => entry.documentId)).toEqual([created.documentId]);

    expect((await admin('DELETE', `/caldav/app-passwords/${created.documentId}`, adminToken)).status).toBe(204);
    expect((await propfindAs(user.username, created.password)).status).toBe(401);
    expect((await admin('DELETE', `/caldav/app-passwords/${created.documentId}`, adminToken)).status).toBe(404);
  });

  test('an unknown user is a 404 and a bad name a 400', async () => {
    const missing = await admin('GET', '/caldav/users/999999/app-passwords', adminToken);
    expect(missing.status).toBe(404);
    expect(errorMessage(missing)).toMatch(/No user with id "999999"/);
    expect((await admin('POST', '/caldav/users/no-such-user/app-passwords', adminToken, { name: 'Phone' })).status).toBe(404);
    expect((await admin('GET', '/caldav/users/99999999999999999999/app-passwords', adminToken)).status).toBe(404);

    const user = await createUser(server);
    const bad = await admin('POST', `/caldav/users/${user.id}/app-passwords`, adminToken, { name: '' });
    expect(bad.status).toBe(400);
    expect(errorMessage(bad)).toMatch(/must not be empty/);
  });

  test('without an admin token, or with a users-permissions JWT, the admin routes are refused', async () => {
    const user = await createUser(server);
    const created = await createAppPassword(await jwtOf(user), 'Phone');
    for (const token of [undefined, await jwtOf(user)]) {
      expect((await admin('GET', `/caldav/users/${user.id}/app-passwords`, token)).status).toBe(401);
      expect((await admin('POST', `/caldav/users/${user.id}/app-passwords`, token, { name: 'Sneaky' })).status).toBe(401);
      expect((await admin('DELETE', `/caldav/app-passwords/${created.documentId}`, token)).status).toBe(401);
    }
    expect((await propfindAs(user.username, created.password)).status).toBe(207);
  });

  test('an admin role needs the "Manage users\' app passwords" action, which can be granted in the Roles settings', async () => {
    const user = await createUser(server);
    const editorRole = (await server.strapi.db.query('admin::role' as never).findOne({ where: { code: 'strapi-editor' } })) as { id: number };
    await server.strapi.service('admin::user').create({
      firstname: 'Sam',
      lastname: 'Support',
      email: 'support@example.test',
      password: 'Support-password-1',
      isActive: true,
      roles: [editorRole.id],
    });
    const login = await api('POST', '/admin/login', undefined, { email: 'support@example.test', password: 'Support-password-1' });
    expect(login.status).toBe(200);
    const supportToken = login.json<{ data: { token: string } }>().data.token;

    expect((await admin('GET', `/caldav/users/${user.id}/app-passwords`, supportToken)).status).toBe(403);

    // The action is listed among the plugin's permissions and can be given to the role.
    const available = await admin('GET', '/admin/permissions', adminToken);
    expect(available.status).toBe(200);
    const pluginActions = available.json<{ data: { sections: { plugins: Array<{ action: string; displayName: string; subCategory: string }> } } }>().data.sections.plugins;
    const caldavActions = pluginActions.filter((entry) => entry.action.startsWith('plugin::caldav.')).map((entry) => entry.action);
    expect(caldavActions.sort()).toEqual(
      [
        'app-passwords.manage',
        'calendars.create',
        'calendars.delete',
        'calendars.read',
        'calendars.update',
        'contacts.create',
        'contacts.delete',
        'contacts.read',
        'contacts.update',
        'events.create',
        'events.delete',
        'events.read',
        'events.update',
        'settings.manage',
      ].map((action) => `plugin::caldav.${action}`),
    );
    const granted = await admin('PUT', `/admin/roles/${editorRole.id}/permissions`, adminToken, {
      permissions: [{ action: 'plugin::caldav.app-passwords.manage', subject: null, properties: {}, conditions: [] }],
    });
    expect(granted.status).toBe(200);
    expect((await admin('GET', `/caldav/users/${user.id}/app-passwords`, supportToken)).status).toBe(200);
  });
});

test('the Content Manager lists and revokes app passwords but cannot make one without a secret or move one to another user', async () => {
  const [user, other] = [await createUser(server), await createUser(server)];
  const created = await createAppPassword(await jwtOf(user), 'Tablet');
  const cm = (method: string, path: string, body?: unknown) => api(method, `/content-manager/collection-types/plugin::caldav.app-password${path}`, adminToken, body);

  const typedIn = await cm('POST', '', { name: 'Typed in', user: { connect: [{ documentId: user.documentId }] } });
  expect(typedIn.status).toBe(400);
  expect(typedIn.text).toContain('created by their user');

  const moved = await cm('PUT', `/${created.documentId}`, { name: 'Tablet', user: { connect: [{ documentId: other.documentId }] } });
  expect(moved.status).toBe(400);
  expect((await propfindAs(user.username, created.password)).status).toBe(207);
  expect((await propfindAs(other.username, created.password)).status).toBe(401);

  const renamed = await cm('PUT', `/${created.documentId}`, { name: 'Old tablet' });
  expect(renamed.status).toBe(200);
  expect((await cm('DELETE', `/${created.documentId}`)).status).toBe(200);
  expect((await propfindAs(user.username, created.password)).status).toBe(401);
});
