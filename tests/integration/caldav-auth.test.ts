/**
 * Who may sign in to the DAV server: users-permissions accounts by username or email and password, or with a
 * users-permissions JWT; never blocked or unconfirmed accounts; a changed password takes effect at once.
 */

import { davClient, propfindBody } from '../harness/dav';
import { http } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let user: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
});

afterAll(async () => {
  await server?.stop();
});

const propfindAs = (username: string, password: string) =>
  davClient(server.origin, { username, password }).propfind('/dav/', '0', propfindBody('d:current-user-principal'));

const users = () => server.strapi.db.query('plugin::users-permissions.user' as never);

test('username or email with the password signs in', async () => {
  expect((await propfindAs(user.username, user.password)).status).toBe(207);
  expect((await propfindAs(user.email, user.password)).status).toBe(207);
  expect((await propfindAs(user.email.toUpperCase(), user.password)).status).toBe(207);
});

test('a wrong password or an unknown user gets 401 with a Basic challenge', async () => {
  for (const [username, password] of [[user.username, 'wrong'], ['nobody', 'whatever'], [user.username, '']]) {
    const response = await propfindAs(username, password);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="Strapi CalDAV\/CardDAV"/);
  }
});

test('a malformed Authorization header is a 401, not an error', async () => {
  for (const authorization of ['Basic', 'Basic !!!', 'Basic dXNlcg==', 'Digest abc', 'Bearer']) {
    const response = await http(server.origin, 'PROPFIND', '/dav/', { headers: { Authorization: authorization, Depth: '0' } });
    expect(response.status).toBe(401);
  }
});

test('a users-permissions JWT works as a Bearer token', async () => {
  const login = await http(server.origin, 'POST', '/api/auth/local', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: user.username, password: user.password }),
  });
  const { jwt } = login.json<{ jwt: string }>();
  const response = await http(server.origin, 'PROPFIND', '/dav/', { bearer: jwt, headers: { Depth: '0' } });
  expect(response.status).toBe(207);
  expect((await http(server.origin, 'PROPFIND', '/dav/', { bearer: `${jwt}x`, headers: { Depth: '0' } })).status).toBe(401);
});

test('blocked and unconfirmed accounts are refused, even right after a successful sign-in', async () => {
  const blocked = await createUser(server);
  // Several requests first, as a syncing client makes: the account is not read again for each one.
  for (let i = 0; i < 3; i += 1) expect((await propfindAs(blocked.username, blocked.password)).status).toBe(207);
  await users().update({ where: { id: blocked.id }, data: { blocked: true } });
  expect((await propfindAs(blocked.username, blocked.password)).status).toBe(401);

  const unconfirmed = await createUser(server);
  await users().update({ where: { id: unconfirmed.id }, data: { confirmed: false } });
  expect((await propfindAs(unconfirmed.username, unconfirmed.password)).status).toBe(401);
});

test('a changed password takes effect at once, remembered sign-ins included', async () => {
  const changing = await createUser(server);
  for (let i = 0; i < 3; i += 1) expect((await propfindAs(changing.username, changing.password)).status).toBe(207);
  await server.strapi.plugin('users-permissions').service('user').edit(changing.id, { password: 'a-brand-new-password' });
  expect((await propfindAs(changing.username, changing.password)).status).toBe(401);
  expect((await propfindAs(changing.username, 'a-brand-new-password')).status).toBe(207);
});
