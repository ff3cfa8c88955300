/**
 * Who may do what: every method on every kind of resource for the owner, a read-only sharee (shared by name), a
 * read-write sharee (shared through their role), another user, an anonymous visitor, a blocked user and a revoked
 * app password; then what each of them is told about their privileges, how shared collections appear in a
 * sharee's home, and that a shared collection keeps one identity for sync.
 */

import { connectDavClient, davClient, propfindBody, readErrorConditions, readMultistatus, vevent } from '../harness/dav';
import { http, type HttpResponse } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let alice: TestUser; // the owner
let bob: TestUser; // read-only sharee, by name
let carol: TestUser; // read-write sharee, through the "Team" role
let dave: TestUser; // another user
let eve: TestUser; // blocked
let revoked: { username: string; password: string };

type Actor = 'owner' | 'reader' | 'writer' | 'other' | 'anonymous' | 'blocked' | 'revoked';
const actors: Actor[] = ['owner', 'reader', 'writer', 'other', 'anonymous', 'blocked', 'revoked'];

const vcard = (uid: string, name: string) => ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, `FN:${name}`, 'END:VCARD', ''].join('\r\n');

function credentialsOf(actor: Actor): { username: string; password: string } | undefined {
  switch (actor) {
    case 'owner':
      return alice;
    case 'reader':
      return bob;
    case 'writer':
      return carol;
    case 'other':
      return dave;
    case 'blocked':
      return eve;
    case 'revoked':
      return revoked;
    case 'anonymous':
      return undefined;
  }
}

const request = (actor: Actor, method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
  http(server.origin, method, path, { basic: credentialsOf(actor), body, headers });

let teamCalendarId: string;
let contactsId: string;
let counter = 0;

/** A fresh event in a calendar, made by the owner's side (the plugin's services), for cells that change it. */
async function freshEvent(calendarSlug: string): Promise<string> {
  counter += 1;
  const calendar = await server.collections.findCalendarBySlug(calendarSlug);
  await server.collections.createEvent(calendar!.documentId, { uid: `cell-${counter}`, resourceName: `cell-${counter}.ics`, summary: 'Cell', start: '2026-05-01T09:00:00.000Z', end: '2026-05-01T10:00:00.000Z' });
  return `/dav/calendars/alice/${calendarSlug}/cell-${counter}.ics`;
}

async function freshContact(): Promise<string> {
  counter += 1;
  await server.collections.createContact(contactsId, { uid: `card-${counter}`, resourceName: `card-${counter}.vcf`, fullName: 'Cell Person' });
  return `/dav/addressbooks/alice/contacts/card-${counter}.vcf`;
}

beforeAll(async () => {
  // Sign-in throttling has its own test; here every cell's refused sign-in must not lock anyone out.
  server = await startTestServer({ pluginConfig: { loginThrottle: { maxFailuresPerAccount: 100000, maxFailuresPerAddress: 1000000, windowSeconds: 60 } } });
  alice = await createUser(server, { username: 'alice' });
  bob = await createUser(server, { username: 'bob' });
  carol = await createUser(server, { username: 'carol' });
  dave = await createUser(server, { username: 'dave' });
  eve = await createUser(server, { username: 'eve', blocked: true });

  const roles = server.strapi.db.query('plugin::users-permissions.role' as never);
  const team = (await roles.create({ data: { name: 'Team', type: 'team', description: 'The team' } })) as { id: number; documentId: string };
  await server.strapi.db.query('plugin::users-permissions.user' as never).update({ where: { id: carol.id }, data: { role: team.id } });

  const c = server.collections;
  const calendar = await c.createCalendar({ owner: alice.documentId, name: 'Team', slug: 'team' });
  teamCalendarId = calendar.documentId;
  await c.createShare({ calendar: calendar.documentId, user: bob.documentId, access: 'read' });
  await c.createShare({ calendar: calendar.documentId, role: team.documentId, access: 'read-write' });
  await c.createEvent(calendar.documentId, { uid: 'standup', resourceName: 'standup.ics', summary: 'Standup', start: '2026-05-04T09:00:00.000Z', end: '2026-05-04T09:15:00.000Z' });

  await c.createCalendar({ owner: alice.documentId, name: 'Private', slug: 'private' });
  const open = await c.createCalendar({ owner: alice.documentId, name: 'Open day', slug: 'open-day', visibility: 'public' });
  await c.createEvent(open.documentId, { uid: 'open', resourceName: 'open.ics', summary: 'Open day', start: '2026-06-01T09:00:00.000Z', end: '2026-06-01T17:00:00.000Z' });

  const book = await c.createAddressBook({ owner: alice.documentId, name: 'Contacts', slug: 'contacts' });
  contactsId = book.documentId;
  await c.createShare({ addressBook: book.documentId, user: bob.documentId, access: 'read' });
  await c.createShare({ addressBook: book.documentId, role: team.documentId, access: 'read-write' });
  await c.createContact(book.documentId, { uid: 'ada', resourceName: 'ada.vcf', fullName: 'Ada Lovelace' });

  // An app password of Alice's that she then revoked.
  const login = await http(server.origin, 'POST', '/api/auth/local', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: alice.username, password: alice.password }),
  });
  const { jwt } = login.json<{ jwt: string }>();
  const created = await http(server.origin, 'POST', '/api/caldav/app-passwords', {
    bearer: jwt,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Old phone' }),
  });
  const { data } = created.json<{ data: { documentId: string; password: string } }>();
  revoked = { username: alice.username, password: data.password };
  expect((await request('revoked', 'PROPFIND', '/dav/', propfindBody('d:current-user-principal'), { Depth: '0' })).status).toBe(207);
  expect((await http(server.origin, 'DELETE', `/api/caldav/app-passwords/${data.documentId}`, { bearer: jwt })).status).toBe(204);
});

afterAll(async () => {
  await server?.stop();
});

const xml = { 'Content-Type': 'application/xml; charset=utf-8' };
const depth0 = { ...xml, Depth: '0' };
const syncBody = '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>';
const noteBody = '<d:propertyupdate xmlns:d="DAV:" xmlns:x="urn:example:notes"><d:set><d:prop><x:note>Checked</x:note></d:prop></d:set></d:propertyupdate>';

interface Cell {
  what: string;
  send(actor: Actor): Promise<HttpResponse>;
  /** Expected status for owner, reader, writer, other, anonymous, blocked, revoked. */
  expected: [number, number, number, number, number, number, number];
}

const propfind = (path: string) => (actor: Actor) => request(actor, 'PROPFIND', path, propfindBody('d:displayname', 'd:getetag'), depth0);
const get = (path: string) => (actor: Actor) => request(actor, 'GET', path);

const matrix: Cell[] = [
  { what: 'PROPFIND the owner principal', send: propfind('/dav/principals/alice/'), expected: [207, 207, 207, 207, 401, 401, 401] },
  { what: 'PROPFIND the owner calendar home', send: propfind('/dav/calendars/alice/'), expected: [207, 404, 404, 404, 401, 401, 401] },
  { what: 'PROPFIND the owner address book home', send: propfind('/dav/addressbooks/alice/'), expected: [207, 404, 404, 404, 401, 401, 401] },
  { what: 'PROPFIND a shared calendar', send: propfind('/dav/calendars/alice/team/'), expected: [207, 207, 207, 404, 401, 401, 401] },
  { what: 'PROPFIND a public calendar', send: propfind('/dav/calendars/alice/open-day/'), expected: [207, 207, 207, 207, 207, 401, 401] },
  { what: 'PROPFIND an event of a shared calendar', send: propfind('/dav/calendars/alice/team/standup.ics'), expected: [207, 207, 207, 404, 401, 401, 401] },
  { what: 'PROPFIND a shared address book', send: propfind('/dav/addressbooks/alice/contacts/'), expected: [207, 207, 207, 404, 401, 401, 401] },
  { what: 'PROPFIND a contact', send: propfind('/dav/addressbooks/alice/contacts/ada.vcf'), expected: [207, 207, 207, 404, 401, 401, 401] },
  { what: 'PROPFIND a missing calendar', send: propfind('/dav/calendars/alice/nothing/'), expected: [404, 404, 404, 404, 401, 401, 401] },
  { what: 'GET an event of a shared calendar', send: get('/dav/calendars/alice/team/standup.ics'), expected: [200, 200, 200, 404, 401, 401, 401] },
  { what: 'GET an event of a public calendar', send: get('/dav/calendars/alice/open-day/open.ics'), expected: [200, 200, 200, 200, 200, 401, 401] },
  { what: 'GET a contact', send: get('/dav/addressbooks/alice/contacts/ada.vcf'), expected: [200, 200, 200, 404, 401, 401, 401] },
  { what: 'GET the feed of a public calendar', send: get('/dav/feeds/open-day.ics'), expected: [200, 200, 200, 200, 200, 200, 200] },
  { what: 'GET the feed of a private calendar', send: get('/dav/feeds/team.ics'), expected: [404, 404, 404, 404, 404, 404, 404] },
  {
    what: 'PUT a change to an event of a shared calendar',
    send: async (actor) => request(actor, 'PUT', await freshEvent('team'), vevent(`cell-${counter}`, { summary: 'Changed' }), { 'Content-Type': 'text/calendar' }),
    expected: [204, 403, 204, 409, 401, 401, 401],
  },
  {
    what: 'PUT a new event into a shared calendar',
    send: (actor) => request(actor, 'PUT', `/dav/calendars/alice/team/new-${actor}.ics`, vevent(`new-${actor}`), { 'Content-Type': 'text/calendar' }),
    expected: [201, 403, 201, 409, 401, 401, 401],
  },
  {
    what: 'PUT a change to an event of a public calendar',
    send: async (actor) => request(actor, 'PUT', await freshEvent('open-day'), vevent(`cell-${counter}`, { summary: 'Changed' }), { 'Content-Type': 'text/calendar' }),
    expected: [204, 403, 403, 403, 401, 401, 401],
  },
  {
    what: 'DELETE an event of a shared calendar',
    send: async (actor) => request(actor, 'DELETE', await freshEvent('team')),
    expected: [204, 403, 204, 404, 401, 401, 401],
  },
  {
    what: 'PUT a new contact into a shared address book',
    send: (actor) => request(actor, 'PUT', `/dav/addressbooks/alice/contacts/new-${actor}.vcf`, vcard(`new-${actor}`, 'New'), { 'Content-Type': 'text/vcard' }),
    expected: [201, 403, 201, 409, 401, 401, 401],
  },
  {
    what: 'PUT a change to a contact',
    send: async (actor) => request(actor, 'PUT', await freshContact(), vcard(`card-${counter}`, 'Changed'), { 'Content-Type': 'text/vcard' }),
    expected: [204, 403, 204, 409, 401, 401, 401],
  },
  {
    what: 'DELETE a contact',
    send: async (actor) => request(actor, 'DELETE', await freshContact()),
    expected: [204, 403, 204, 404, 401, 401, 401],
  },
  { what: 'PROPPATCH a shared calendar', send: (actor) => request(actor, 'PROPPATCH', '/dav/calendars/alice/team/', noteBody, xml), expected: [207, 403, 403, 404, 401, 401, 401] },
  { what: 'PROPPATCH a public calendar', send: (actor) => request(actor, 'PROPPATCH', '/dav/calendars/alice/open-day/', noteBody, xml), expected: [207, 403, 403, 403, 401, 401, 401] },
  { what: 'PROPPATCH a shared address book', send: (actor) => request(actor, 'PROPPATCH', '/dav/addressbooks/alice/contacts/', noteBody, xml), expected: [207, 403, 403, 404, 401, 401, 401] },
  { what: 'REPORT sync-collection on a shared calendar', send: (actor) => request(actor, 'REPORT', '/dav/calendars/alice/team/', syncBody, xml), expected: [207, 207, 207, 404, 401, 401, 401] },
  { what: 'REPORT sync-collection on a public calendar', send: (actor) => request(actor, 'REPORT', '/dav/calendars/alice/open-day/', syncBody, xml), expected: [207, 207, 207, 207, 207, 401, 401] },
  { what: 'REPORT sync-collection on a shared address book', send: (actor) => request(actor, 'REPORT', '/dav/addressbooks/alice/contacts/', syncBody, xml), expected: [207, 207, 207, 404, 401, 401, 401] },
  { what: 'MKCALENDAR in the owner home', send: (actor) => request(actor, 'MKCALENDAR', `/dav/calendars/alice/made-by-${actor}/`), expected: [201, 404, 404, 404, 401, 401, 401] },
  { what: 'OPTIONS on a shared calendar', send: (actor) => request(actor, 'OPTIONS', '/dav/calendars/alice/team/'), expected: [200, 200, 200, 200, 200, 200, 200] },
  { what: 'HEAD an event of a shared calendar', send: (actor) => request(actor, 'HEAD', '/dav/calendars/alice/team/standup.ics'), expected: [200, 200, 200, 404, 401, 401, 401] },
  {
    what: 'MKCOL an address book in the owner home',
    send: (actor) =>
      request(
        actor,
        'MKCOL',
        `/dav/addressbooks/alice/book-by-${actor}/`,
        '<d:mkcol xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>',
        xml,
      ),
    expected: [201, 404, 404, 404, 401, 401, 401],
  },
  {
    what: 'MOVE an event to another name in a shared calendar',
    send: async (actor) => request(actor, 'MOVE', await freshEvent('team'), undefined, { Destination: `${server.origin}/dav/calendars/alice/team/moved-${actor}.ics` }),
    expected: [201, 403, 201, 404, 401, 401, 401],
  },
  {
    what: "MOVE an event from a shared calendar into the owner's private calendar",
    send: async (actor) => request(actor, 'MOVE', await freshEvent('team'), undefined, { Destination: `${server.origin}/dav/calendars/alice/private/moved-${actor}.ics` }),
    expected: [201, 403, 409, 404, 401, 401, 401],
  },
  {
    what: 'DELETE a whole shared calendar',
    send: async (actor) => {
      counter += 1;
      const calendar = await server.collections.createCalendar({ owner: alice.documentId, name: 'Doomed', slug: `doomed-${counter}` });
      const role = (await server.strapi.db.query('plugin::users-permissions.role' as never).findOne({ where: { type: 'team' } })) as { documentId: string };
      await server.collections.createShare({ calendar: calendar.documentId, user: bob.documentId, access: 'read' });
      await server.collections.createShare({ calendar: calendar.documentId, role: role.documentId, access: 'read-write' });
      return request(actor, 'DELETE', `/dav/calendars/alice/doomed-${counter}/`);
    },
    expected: [204, 403, 403, 404, 401, 401, 401],
  },
];

describe('the access matrix', () => {
  test.each(matrix.map((cell) => [cell.what, cell] as const))('%s', async (_what, cell) => {
    const outcome: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const [index, actor] of actors.entries()) {
      const response = await cell.send(actor);
      outcome[actor] = response.status;
      expected[actor] = cell.expected[index];
      if (response.status === 401 && actor !== 'anonymous') expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
      // A refused write names the privilege it lacks, so that a client can say the collection is read-only.
      if (response.status === 403 && cell.what.match(/^(PUT|DELETE an event|DELETE a contact|PROPPATCH)/)) {
        expect(readErrorConditions(response.text)).toContain('{DAV:}need-privileges');
      }
      expect(response.text).not.toMatch(/at .*\.(js|ts):\d+|SELECT |node_modules/);
    }
    expect(outcome).toEqual(expected);
  });
});

describe('what each user is told', () => {
  const privilegesOf = async (actor: Actor, path: string) => {
    const response = await request(actor, 'PROPFIND', path, propfindBody('d:current-user-privilege-set'), depth0);
    expect(response.status).toBe(207);
    expect(readMultistatus(response.text)[0].props.get('{DAV:}current-user-privilege-set')!.status).toBe(200);
    // The privilege elements inside each DAV:privilege, as {namespace}name.
    const namespaces = new Map([...response.text.matchAll(/xmlns:(\w+)="([^"]+)"/g)].map((match) => [match[1], match[2]]));
    return [...response.text.matchAll(/<(?:\w+:)?privilege>\s*<(?:(\w+):)?([\w-]+)/g)].map((match) => `{${namespaces.get(match[1] ?? '') ?? ''}}${match[2]}`);
  };

  test('current-user-privilege-set says exactly what each user may do', async () => {
    const owner = await privilegesOf('owner', '/dav/calendars/alice/team/');
    expect(owner).toEqual(expect.arrayContaining(['{DAV:}read', '{DAV:}write', '{DAV:}write-properties', '{DAV:}write-content', '{DAV:}bind', '{DAV:}unbind', '{DAV:}read-acl']));

    const writer = await privilegesOf('writer', '/dav/calendars/alice/team/');
    expect(writer).toEqual(expect.arrayContaining(['{DAV:}read', '{DAV:}write-content', '{DAV:}bind', '{DAV:}unbind', '{DAV:}read-current-user-privilege-set']));
    expect(writer).not.toContain('{DAV:}write');
    expect(writer).not.toContain('{DAV:}write-properties');

    for (const [actor, path] of [
      ['reader', '/dav/calendars/alice/team/'],
      ['reader', '/dav/addressbooks/alice/contacts/ada.vcf'],
      ['other', '/dav/calendars/alice/open-day/'],
      ['anonymous', '/dav/calendars/alice/open-day/'],
    ] as const) {
      const privileges = await privilegesOf(actor, path);
      expect(privileges).toContain('{DAV:}read');
      expect(privileges.filter((name) => /write|bind|unbind/.test(name))).toEqual([]);
    }
  });

  test('owner is served to everyone who can read; the acl only to the owner, listing each sharee', async () => {
    const body = propfindBody('d:owner', 'd:acl');
    const asOwner = readMultistatus((await request('owner', 'PROPFIND', '/dav/calendars/alice/team/', body, depth0)).text)[0];
    expect(asOwner.props.get('{DAV:}owner')!.hrefs).toEqual(['/dav/principals/alice/']);
    const acl = asOwner.props.get('{DAV:}acl')!;
    expect(acl.status).toBe(200);
    expect(acl.hrefs).toEqual(expect.arrayContaining(['/dav/principals/alice/', `/dav/principals/${bob.username}/`, '/dav/principals/roles/team/']));

    const asReader = readMultistatus((await request('reader', 'PROPFIND', '/dav/calendars/alice/team/', body, depth0)).text)[0];
    expect(asReader.props.get('{DAV:}owner')!.hrefs).toEqual(['/dav/principals/alice/']);
    expect(asReader.props.get('{DAV:}acl')!.status).not.toBe(200);
  });

  test('roles are group principals: members see their group, nobody sees who is in one', async () => {
    const membership = async (actor: Actor, user: TestUser) => {
      const response = await request(actor, 'PROPFIND', `/dav/principals/${user.username}/`, propfindBody('d:group-membership'), depth0);
      return readMultistatus(response.text)[0].props.get('{DAV:}group-membership')!.hrefs;
    };
    expect(await membership('writer', carol)).toEqual(['/dav/principals/roles/team/']);
    expect(await membership('reader', bob)).toEqual(['/dav/principals/roles/authenticated/']);

    const group = await request('reader', 'PROPFIND', '/dav/principals/roles/team/', propfindBody('d:displayname', 'd:resourcetype', 'd:group-member-set', 'd:principal-URL'), depth0);
    expect(group.status).toBe(207);
    const props = readMultistatus(group.text)[0].props;
    expect(props.get('{DAV:}displayname')!.text).toBe('Team');
    expect(props.get('{DAV:}resourcetype')!.children).toEqual(['{DAV:}principal']);
    expect(props.get('{DAV:}principal-URL')!.hrefs).toEqual(['/dav/principals/roles/team/']);
    expect(props.get('{DAV:}group-member-set')!.hrefs).toEqual([]);
    expect((await request('reader', 'PROPFIND', '/dav/principals/roles/nothing/', propfindBody('d:displayname'), depth0)).status).toBe(404);
    expect((await request('anonymous', 'PROPFIND', '/dav/principals/roles/team/', propfindBody('d:displayname'), depth0)).status).toBe(401);
  });

  test('a public calendar announces its feed; a private one does not', async () => {
    const body = propfindBody('cs:publish-url');
    const open = readMultistatus((await request('anonymous', 'PROPFIND', '/dav/calendars/alice/open-day/', body, depth0)).text)[0];
    expect(open.props.get('{http://calendarserver.org/ns/}publish-url')!.hrefs).toEqual(['/dav/feeds/open-day.ics']);
    expect((await request('anonymous', 'GET', '/dav/feeds/open-day.ics')).text).toContain('SUMMARY:Open day');
    const team = readMultistatus((await request('owner', 'PROPFIND', '/dav/calendars/alice/team/', body, depth0)).text)[0];
    expect(team.props.get('{http://calendarserver.org/ns/}publish-url')!.status).toBe(404);
  });

  test('an anonymous visitor of a public calendar is DAV:unauthenticated', async () => {
    const response = await request('anonymous', 'PROPFIND', '/dav/calendars/alice/open-day/', propfindBody('d:current-user-principal', 'd:displayname'), depth0);
    expect(response.status).toBe(207);
    const props = readMultistatus(response.text)[0].props;
    expect(props.get('{DAV:}current-user-principal')!.children).toEqual(['{DAV:}unauthenticated']);
    expect(props.get('{DAV:}displayname')!.text).toBe('Open day');
  });
});

describe('no way around it', () => {
  test("a multiget in one's own calendar with hrefs into someone else's answers 404 for each of them", async () => {
    await server.collections.createCalendar({ owner: dave.documentId, name: 'Mine', slug: 'daves' });
    const body = `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>
      <d:href>/dav/calendars/alice/team/standup.ics</d:href><d:href>/dav/calendars/alice/private/anything.ics</d:href><d:href>/dav/calendars/dave/team/standup.ics</d:href></c:calendar-multiget>`;
    const response = await request('other', 'REPORT', '/dav/calendars/dave/daves/', body, xml);
    expect(response.status).toBe(207);
    expect(readMultistatus(response.text).map((entry) => entry.status)).toEqual([404, 404, 404]);
    expect(response.text).not.toContain('Standup');
  });

  test("a sharee cannot reach the owner's home through the shared calendar, nor list other users' homes", async () => {
    const response = await davClient(server.origin, bob).propfind('/dav/calendars/', '1', propfindBody('d:displayname'));
    expect(readMultistatus(response.text).map((entry) => entry.href)).toEqual(['/dav/calendars/', '/dav/calendars/bob/']);
    expect((await davClient(server.origin, bob).propfind('/dav/calendars/alice/', '1', propfindBody('d:displayname'))).status).toBe(404);
  });
});

describe('shared collections in the sharee home', () => {
  const listing = async (user: TestUser, home: string) => {
    const response = await davClient(server.origin, user).propfind(home, '1', propfindBody('d:displayname', 'cs:getctag'));
    expect(response.status).toBe(207);
    return readMultistatus(response.text).map((entry) => [entry.href, entry.props.get('{DAV:}displayname')?.text]);
  };

  test('appear with a name that tells whose they are, by name and through a role', async () => {
    expect(await listing(bob, `/dav/calendars/${bob.username}/`)).toContainEqual([`/dav/calendars/${bob.username}/team/`, `Team (${alice.username})`]);
    expect(await listing(carol, `/dav/calendars/${carol.username}/`)).toContainEqual([`/dav/calendars/${carol.username}/team/`, `Team (${alice.username})`]);
    expect(await listing(carol, `/dav/addressbooks/${carol.username}/`)).toContainEqual([`/dav/addressbooks/${carol.username}/contacts/`, `Contacts (${alice.username})`]);
    const daves = await listing(dave, `/dav/calendars/${dave.username}/`);
    expect(daves.map(([href]) => href).filter((href) => !href?.endsWith('/daves/'))).toEqual([`/dav/calendars/${dave.username}/`]);
    // Public calendars are not pushed into everyone's home.
    expect((await listing(bob, `/dav/calendars/${bob.username}/`)).map(([href]) => href)).not.toContain(`/dav/calendars/${bob.username}/open-day/`);
  });

  test('a DAV client signed in as a sharee finds the shared calendar and reads its events', async () => {
    const client = await connectDavClient(server.origin, bob, 'caldav');
    const calendars = await client.fetchCalendars();
    const team = calendars.find((calendar) => calendar.url.endsWith('/team/'));
    expect(team?.displayName).toBe(`Team (${alice.username})`);
    const objects = await client.fetchCalendarObjects({ calendar: team! });
    expect(objects.some((object) => String(object.data).includes('SUMMARY:Standup'))).toBe(true);
  });

  test("a sharee's own name, color and order are theirs alone; the calendar stays as its owner set it", async () => {
    const patch = (user: TestUser, path: string, props: string) =>
      davClient(server.origin, user).proppatch(
        path,
        `<d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:ic="http://apple.com/ns/ical/"><d:set><d:prop>${props}</d:prop></d:set></d:propertyupdate>`,
      );
    const shown = async (user: TestUser, path: string) => {
      const response = await davClient(server.origin, user).propfind(path, '0', propfindBody('d:displayname', 'ic:calendar-color', 'ic:calendar-order'));
      const props = readMultistatus(response.text)[0].props;
      return [props.get('{DAV:}displayname')?.text, props.get('{http://apple.com/ns/ical/}calendar-color')?.text, props.get('{http://apple.com/ns/ical/}calendar-order')?.text];
    };
    const bobsTeam = `/dav/calendars/${bob.username}/team/`;
    const carolsTeam = `/dav/calendars/${carol.username}/team/`;
    const aliceBefore = await shown(alice, '/dav/calendars/alice/team/');
    const carolBefore = await shown(carol, carolsTeam);

    const response = await patch(bob, bobsTeam, '<d:displayname>Alice team</d:displayname><ic:calendar-color>#FF0000FF</ic:calendar-color><ic:calendar-order>7</ic:calendar-order>');
    expect(response.status).toBe(207);
    expect([...readMultistatus(response.text)[0].props.values()].map((value) => value.status)).toEqual([200, 200, 200]);
    expect(await shown(bob, bobsTeam)).toEqual(['Alice team', '#FF0000FF', '7']);
    expect(await shown(alice, '/dav/calendars/alice/team/')).toEqual(aliceBefore);
    expect(await shown(carol, carolsTeam)).toEqual(carolBefore);

    // The calendar's own properties are still the owner's.
    const mixed = await patch(bob, bobsTeam, '<d:displayname>Mine</d:displayname><c:calendar-description>Changed</c:calendar-description>');
    expect(mixed.status).toBe(403);
    expect(readErrorConditions(mixed.text)).toContain('{DAV:}need-privileges');
    expect((await shown(bob, bobsTeam))[0]).toBe('Alice team');

    // Removing the name shows whose it is again.
    const removed = await davClient(server.origin, bob).proppatch(bobsTeam, '<d:propertyupdate xmlns:d="DAV:"><d:remove><d:prop><d:displayname/></d:prop></d:remove></d:propertyupdate>');
    expect(removed.status).toBe(207);
    expect((await shown(bob, bobsTeam))[0]).toBe(`Team (${alice.username})`);
  });

  test('keep one identity: a change by one sharee reaches the others and the owner through sync', async () => {
    const syncAs = async (user: TestUser, path: string, token: string) => {
      const body = `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
      const response = await davClient(server.origin, user).report(path, body);
      expect(response.status).toBe(207);
      const text = response.text;
      return { hrefs: readMultistatus(text).map((entry) => entry.href), token: /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(text)?.[1] ?? /sync-token>([^<]+)</.exec(text)?.[1] ?? '' };
    };
    const bobStart = await syncAs(bob, `/dav/calendars/${bob.username}/team/`, '');
    const aliceStart = await syncAs(alice, '/dav/calendars/alice/team/', '');
    expect(bobStart.token).toBe(aliceStart.token);

    const put = await davClient(server.origin, carol).put(`/dav/calendars/${carol.username}/team/planning.ics`, vevent('planning', { summary: 'Planning' }));
    expect(put.status).toBe(201);

    const bobNext = await syncAs(bob, `/dav/calendars/${bob.username}/team/`, bobStart.token);
    expect(bobNext.hrefs).toEqual([`/dav/calendars/${bob.username}/team/planning.ics`]);
    const aliceNext = await syncAs(alice, '/dav/calendars/alice/team/', aliceStart.token);
    expect(aliceNext.hrefs).toEqual(['/dav/calendars/alice/team/planning.ics']);
    const stored = await server.collections.listEvents(teamCalendarId);
    expect(stored.map((event) => event.uid)).toContain('planning');
  });

  test('a share that names no collection or no one is refused with a message, and nothing is stored', async () => {
    const shares = server.strapi.db.query('plugin::caldav.share' as never);
    const before = await shares.count({});
    await expect(server.collections.createShare({ calendar: teamCalendarId, access: 'read' })).rejects.toThrow(/user: share with either one user or one role/);
    await expect(server.collections.createShare({ user: dave.documentId, access: 'read' })).rejects.toThrow(/calendar: choose either a calendar or an address book/);
    await expect(server.collections.createShare({ calendar: teamCalendarId, user: alice.documentId, access: 'read' })).rejects.toThrow(/owner already has full access/);
    expect(await shares.count({})).toBe(before);
  });
});

describe('Draft & Publish', () => {
  const events = () => server.strapi.documents('plugin::caldav.event' as never);
  const syncAnonymously = async (token: string) => {
    const body = `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
    const response = await request('anonymous', 'REPORT', '/dav/calendars/alice/open-day/', body, xml);
    expect(response.status).toBe(207);
    return {
      entries: readMultistatus(response.text).map((entry) => ({ href: entry.href, status: entry.status })),
      token: /sync-token>([^<]+)</.exec(response.text)?.[1] ?? '',
    };
  };

  test('a draft stays invisible until published; publishing and unpublishing each move the sync token', async () => {
    const start = await syncAnonymously('');
    const open = await server.collections.findCalendarBySlug('open-day');
    const draft = (await events().create({
      data: { calendar: open!.documentId, summary: 'Announcement', start: '2026-07-01T10:00:00.000Z', end: '2026-07-01T11:00:00.000Z', uid: 'announcement', resourceName: 'announcement.ics' } as never,
    })) as unknown as { documentId: string };

    expect((await request('anonymous', 'GET', '/dav/calendars/alice/open-day/announcement.ics')).status).toBe(404);
    expect((await request('owner', 'GET', '/dav/calendars/alice/open-day/announcement.ics')).status).toBe(404);
    const afterDraft = await syncAnonymously(start.token);
    expect(afterDraft.entries).toEqual([]);
    expect(afterDraft.token).toBe(start.token);

    await events().publish({ documentId: draft.documentId } as never);
    const afterPublish = await syncAnonymously(start.token);
    expect(afterPublish.entries).toEqual([{ href: '/dav/calendars/alice/open-day/announcement.ics', status: undefined }]);
    expect(afterPublish.token).not.toBe(start.token);
    expect((await request('anonymous', 'GET', '/dav/calendars/alice/open-day/announcement.ics')).text).toContain('SUMMARY:Announcement');

    await events().unpublish({ documentId: draft.documentId } as never);
    const afterUnpublish = await syncAnonymously(afterPublish.token);
    expect(afterUnpublish.entries).toEqual([{ href: '/dav/calendars/alice/open-day/announcement.ics', status: 404 }]);
    expect((await request('anonymous', 'GET', '/dav/calendars/alice/open-day/announcement.ics')).status).toBe(404);
  });

  test("a client's PUT is published at once", async () => {
    const response = await request('owner', 'PUT', '/dav/calendars/alice/open-day/from-phone.ics', vevent('from-phone'), { 'Content-Type': 'text/calendar' });
    expect(response.status).toBe(201);
    expect((await request('anonymous', 'GET', '/dav/calendars/alice/open-day/from-phone.ics')).status).toBe(200);
  });
});

describe('when people leave', () => {
  test("deleting a user removes the shares given to them and their app passwords; deleting a role removes its shares", async () => {
    const leaver = await createUser(server, { username: 'leaver' });
    const shares = server.strapi.db.query('plugin::caldav.share' as never);
    const appPasswords = server.strapi.db.query('plugin::caldav.app-password' as never);
    await server.collections.createShare({ calendar: teamCalendarId, user: leaver.documentId, access: 'read' });
    const role = (await server.strapi.db.query('plugin::users-permissions.role' as never).create({ data: { name: 'Temporary', type: 'temporary' } })) as { id: number; documentId: string };
    await server.collections.createShare({ calendar: teamCalendarId, role: role.documentId, access: 'read' });
    const login = await http(server.origin, 'POST', '/api/auth/local', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ identifier: leaver.username, password: leaver.password }),
    });
    await http(server.origin, 'POST', '/api/caldav/app-passwords', {
      bearer: login.json<{ jwt: string }>().jwt,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Laptop' }),
    });
    const before = { shares: await shares.count({}), appPasswords: await appPasswords.count({}) };

    await server.strapi.plugin('users-permissions').service('user').remove({ id: leaver.id });
    expect(await shares.count({})).toBe(before.shares - 1);
    expect(await appPasswords.count({})).toBe(before.appPasswords - 1);

    await server.strapi.db.query('plugin::users-permissions.role' as never).delete({ where: { id: role.id } });
    expect(await shares.count({})).toBe(before.shares - 2);
  });
});
