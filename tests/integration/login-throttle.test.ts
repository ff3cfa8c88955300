/**
 * Password guessing over HTTP Basic is slowed down: after a few failed sign-ins for one account, or many from one
 * address, further attempts get 429 with Retry-After until the window has passed, before any password is
 * checked and alike for accounts that exist and ones that do not.
 */

import { davClient, propfindBody } from '../harness/dav';
import { http, type HttpResponse } from '../harness/http';
import { createUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const WINDOW_SECONDS = 2;
const PER_ACCOUNT = 3;
const PER_ADDRESS = 20;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    pluginConfig: { loginThrottle: { maxFailuresPerAccount: PER_ACCOUNT, maxFailuresPerAddress: PER_ADDRESS, windowSeconds: WINDOW_SECONDS } },
  });
});

afterAll(async () => {
  await server?.stop();
});

const propfindAs = (username: string, password: string) =>
  davClient(server.origin, { username, password }).propfind('/dav/', '0', propfindBody('d:current-user-principal'));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for every window opened so far to have ended. */
const waitForWindow = () => sleep(WINDOW_SECONDS * 1000 + 200);

/** What a client sees of an answer, with the seconds to wait taken out. */
function shape(response: HttpResponse) {
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after') === null ? null : 'present',
    challenge: response.headers.get('www-authenticate'),
    contentType: response.headers.get('content-type'),
    body: response.text.replace(/\d+/g, 'N'),
  };
}

function expectThrottled(response: HttpResponse): void {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(response.text).toBe(`Too many failed sign-ins. Try again in ${retryAfter} seconds.\n`);
}

test('after too many wrong passwords even the right one gets 429, the same as for an account that does not exist', async () => {
  const user = await createUser(server);
  const missing = `nobody_${Date.now().toString(36)}`;

  const failures: HttpResponse[] = [];
  for (let attempt = 0; attempt < PER_ACCOUNT; attempt += 1) {
    failures.push(await propfindAs(user.username, `wrong-${attempt}`));
    failures.push(await propfindAs(missing, `wrong-${attempt}`));
  }
  for (const failure of failures) expect(failure.status).toBe(401);

  const existing = await propfindAs(user.username, user.password);
  expectThrottled(existing);
  const nonexistent = await propfindAs(missing, 'whatever');
  expectThrottled(nonexistent);
  expect(shape(nonexistent)).toEqual(shape(existing));
  expect(shape(existing).challenge).toBeNull();

  // Sign-ins with a JWT are not throttled: a user locked out of Basic can still use the site's own login.
  const login = await http(server.origin, 'POST', '/api/auth/local', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: user.username, password: user.password }),
  });
  const bearer = await http(server.origin, 'PROPFIND', '/dav/', { bearer: login.json<{ jwt: string }>().jwt, headers: { Depth: '0' } });
  expect(bearer.status).toBe(207);
});

test('an email counts as one identifier whatever its case', async () => {
  const user = await createUser(server);
  for (const email of [user.email.toUpperCase(), user.email, user.email.replace(/^./, (first) => first.toUpperCase())]) {
    expect((await propfindAs(email, 'wrong')).status).toBe(401);
  }
  expectThrottled(await propfindAs(user.email, user.password));
});

test('once the window has passed the right password works, and a successful sign-in clears the count', async () => {
  const user = await createUser(server);
  for (let attempt = 0; attempt < PER_ACCOUNT; attempt += 1) expect((await propfindAs(user.username, `wrong-${attempt}`)).status).toBe(401);
  expectThrottled(await propfindAs(user.username, user.password));

  await waitForWindow();
  for (let attempt = 0; attempt < PER_ACCOUNT - 1; attempt += 1) expect((await propfindAs(user.username, `again-${attempt}`)).status).toBe(401);
  expect((await propfindAs(user.username, user.password)).status).toBe(207);
  // Without the reset this would be the third and fourth failure of the window, and the fourth would be a 429.
  for (let attempt = 0; attempt < PER_ACCOUNT - 1; attempt += 1) expect((await propfindAs(user.username, `later-${attempt}`)).status).toBe(401);
  expect((await propfindAs(user.username, user.password)).status).toBe(207);
});

test('an app retrying the same old password does not lock its owner out', async () => {
  const user = await createUser(server);
  // A phone with a password that was changed (or an app password that was revoked) retries it on every sync.
  for (let attempt = 0; attempt < PER_ACCOUNT * 3; attempt += 1) expect((await propfindAs(user.username, 'the-old-password')).status).toBe(401);
  expect((await propfindAs(user.username, user.password)).status).toBe(207);
  // Different guesses still count.
  for (let attempt = 0; attempt < PER_ACCOUNT; attempt += 1) expect((await propfindAs(user.username, `guess-${attempt}`)).status).toBe(401);
  expectThrottled(await propfindAs(user.username, user.password));
});

test('many failures from one address throttle that address, whichever accounts they were for', async () => {
  const user = await createUser(server);
  await waitForWindow();
  // One failure each for many names: no single account reaches its limit.
  const prefix = `spray_${Date.now().toString(36)}`;
  for (let attempt = 0; attempt < PER_ADDRESS; attempt += 1) expect((await propfindAs(`${prefix}_${attempt}`, 'guess')).status).toBe(401);

  expectThrottled(await propfindAs(user.username, user.password));
  expectThrottled(await propfindAs(`${prefix}_fresh`, 'guess'));

  await waitForWindow();
  expect((await propfindAs(user.username, user.password)).status).toBe(207);
});
