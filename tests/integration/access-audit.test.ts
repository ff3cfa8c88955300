/**
 * An access audit of one user's data (bob's: private calendars, a calendar shared read-only with carol, a public
 * calendar, an address book) against another user (alice), the sharee (carol) and an anonymous visitor, method by
 * method. Whatever they send, an existing private collection or object of bob's answers exactly like one that does
 * not exist; the share grants reading and nothing more; the public calendar is readable and not writable; and at
 * the end nothing of bob's has changed in the database. Also: no answer shows a stack trace, SQL or a file path, the
 * security headers on every answer of the plugin, and CORS only for the configured origin.
 */

import http from 'node:http';

import { leakIn } from '../harness/leaks';
import { propfindBody, readErrorConditions, readMultistatus, vevent } from '../harness/dav';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const APP_ORIGIN = 'https://app.example.test';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

interface Sent {
  as?: TestUser;
  headers?: Record<string, string>;
  body?: string;
}


function expectNoLeak(where: string, text: string): void {
  const leak = leakIn(text);
  if (leak) throw new Error(`${where} shows ${leak}: ${text.slice(0, 500)}`);
}

/** A raw request (Node's http, so that Origin and every other header go out exactly as written). */
function send(method: string, target: string, { as, headers = {}, body }: Sent = {}): Promise<Reply> {
  const { hostname, port } = new URL(server.origin);
  const outgoing: Record<string, string> = { ...headers };
  if (as) outgoing.Authorization = `Basic ${Buffer.from(`${as.username}:${as.password}`).toString('base64')}`;
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  if (payload) {
    outgoing['Content-Length'] = String(payload.length);
    if (!Object.keys(outgoing).some((name) => name.toLowerCase() === 'content-type')) outgoing['Content-Type'] = 'application/xml; charset=utf-8';
  }
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname, port, method, path: target, headers: outgoing, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const replyHeaders = Object.fromEntries(
          Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
        );
        const reply = { status: response.statusCode ?? 0, headers: replyHeaders, text: Buffer.concat(chunks).toString('utf8') };
        try {
          expectNoLeak(`${method} ${target} (body)`, reply.text);
          expectNoLeak(`${method} ${target} (headers)`, Object.entries(replyHeaders).map(([name, value]) => `${name}: ${value}`).join('\n'));
        } catch (error) {
          reject(error);
          return;
        }
        resolve(reply);
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}

const CAL = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"';
const CARD = 'xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"';
const vcard = (uid: string, name: string) => ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, `FN:${name}`, 'END:VCARD', ''].join('\r\n');

const body = {
  propfind: propfindBody('d:displayname', 'd:getetag', 'd:resourcetype', 'cs:getctag', 'd:sync-token', 'd:owner', 'd:acl', 'd:current-user-privilege-set', 'c:calendar-description'),
  allprop: '<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>',
  propname: '<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>',
  calendarQuery: `<c:calendar-query ${CAL}><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>`,
  calendarMultiget: (hrefs: string[]) =>
    `<c:calendar-multiget ${CAL}><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs.map((href) => `<d:href>${href}</d:href>`).join('')}</c:calendar-multiget>`,
  sync: (token = '') => `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`,
  freeBusy: `<c:free-busy-query ${CAL}><c:time-range start="20260101T000000Z" end="20270101T000000Z"/></c:free-busy-query>`,
  addressbookQuery: `<card:addressbook-query ${CARD}><d:prop><d:getetag/><card:address-data/></d:prop><card:filter><card:prop-filter name="FN"/></card:filter></card:addressbook-query>`,
  addressbookMultiget: (hrefs: string[]) =>
    `<card:addressbook-multiget ${CARD}><d:prop><d:getetag/><card:address-data/></d:prop>${hrefs.map((href) => `<d:href>${href}</d:href>`).join('')}</card:addressbook-multiget>`,
  expandOwner: '<d:expand-property xmlns:d="DAV:"><d:property name="owner"><d:property name="displayname"/></d:property></d:expand-property>',
  principalSearch: (match: string) =>
    `<d:principal-property-search xmlns:d="DAV:" ${CAL.replace('xmlns:d="DAV:" ', '')} test="anyof"><d:property-search><d:prop><d:displayname/></d:prop><d:match>${match}</d:match></d:property-search><d:prop><d:displayname/><c:calendar-home-set/><c:calendar-user-address-set/></d:prop></d:principal-property-search>`,
  searchPropertySet: '<d:principal-search-property-set xmlns:d="DAV:"/>',
  proppatch: '<d:propertyupdate xmlns:d="DAV:" xmlns:x="urn:example:audit"><d:set><d:prop><d:displayname>Taken over</d:displayname><x:note>alice was here</x:note></d:prop></d:set></d:propertyupdate>',
  proppatchRemove: '<d:propertyupdate xmlns:d="DAV:"><d:remove><d:prop><d:displayname/></d:prop></d:remove></d:propertyupdate>',
  mkcalendar: `<c:mkcalendar ${CAL}><d:set><d:prop><d:displayname>Made by someone else</d:displayname></d:prop></d:set></c:mkcalendar>`,
  mkcolBook: `<d:mkcol ${CARD}><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>`,
  lock: '<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockinfo>',
  acl: '<d:acl xmlns:d="DAV:"><d:ace><d:principal><d:all/></d:principal><d:grant><d:privilege><d:all/></d:privilege></d:grant></d:ace></d:acl>',
};

/** One request of the audit, aimed at a path (in the URL, in the Destination header or in a multiget href). */
interface Attempt {
  what: string;
  send(target: string, as?: TestUser): Promise<Reply>;
  /** Whether a path-independent success is expected (OPTIONS, the static principal-search-property-set). */
  mayAnswer2xx?: boolean;
  /** Creates a collection when the target is free: left out where a name taken site-wide answers differently. */
  creates?: boolean;
}

const xmlRequest = (method: string, requestBody: string, headers: Record<string, string> = {}) => (target: string, as?: TestUser) =>
  send(method, target, { as, body: requestBody, headers });
/** A member href below a target: the target itself when it names a member. */
const memberOf = (target: string, name: string) => (target.endsWith('/') ? `${target}${name}` : target);
const ALICE_EVENT = '/dav/calendars/alice/alice-cal/mine.ics';

const attempts: Attempt[] = [
  { what: 'OPTIONS', send: (target, as) => send('OPTIONS', target, { as }), mayAnswer2xx: true },
  { what: 'PROPFIND Depth 0', send: (target, as) => xmlRequest('PROPFIND', body.propfind, { Depth: '0' })(target, as) },
  { what: 'PROPFIND Depth 1', send: (target, as) => xmlRequest('PROPFIND', body.propfind, { Depth: '1' })(target, as) },
  { what: 'PROPFIND allprop', send: (target, as) => xmlRequest('PROPFIND', body.allprop, { Depth: '1' })(target, as) },
  { what: 'PROPFIND propname', send: (target, as) => xmlRequest('PROPFIND', body.propname, { Depth: '0' })(target, as) },
  { what: 'PROPFIND without a body', send: (target, as) => send('PROPFIND', target, { as, headers: { Depth: '1' } }) },
  { what: 'REPORT calendar-query', send: (target, as) => xmlRequest('REPORT', body.calendarQuery, { Depth: '1' })(target, as) },
  { what: 'REPORT calendar-multiget', send: (target, as) => xmlRequest('REPORT', body.calendarMultiget([memberOf(target, 'secret.ics')]), { Depth: '1' })(target, as) },
  { what: 'REPORT sync-collection', send: (target, as) => xmlRequest('REPORT', body.sync())(target, as) },
  { what: 'REPORT free-busy-query', send: (target, as) => xmlRequest('REPORT', body.freeBusy, { Depth: '1' })(target, as) },
  { what: 'REPORT addressbook-query', send: (target, as) => xmlRequest('REPORT', body.addressbookQuery, { Depth: '1' })(target, as) },
  { what: 'REPORT addressbook-multiget', send: (target, as) => xmlRequest('REPORT', body.addressbookMultiget([memberOf(target, 'friend.vcf')]), { Depth: '1' })(target, as) },
  { what: 'REPORT expand-property', send: (target, as) => xmlRequest('REPORT', body.expandOwner, { Depth: '0' })(target, as) },
  { what: 'REPORT principal-search-property-set', send: (target, as) => xmlRequest('REPORT', body.searchPropertySet, { Depth: '0' })(target, as), mayAnswer2xx: true },
  { what: 'GET', send: (target, as) => send('GET', target, { as }) },
  { what: 'HEAD', send: (target, as) => send('HEAD', target, { as }) },
  { what: 'GET If-None-Match *', send: (target, as) => send('GET', target, { as, headers: { 'If-None-Match': '*' } }) },
  { what: 'PUT an event', send: (target, as) => send('PUT', memberOf(target, 'secret.ics'), { as, body: vevent('audit-put'), headers: { 'Content-Type': 'text/calendar' } }) },
  {
    what: 'PUT an event, If-None-Match *',
    send: (target, as) => send('PUT', memberOf(target, 'secret.ics'), { as, body: vevent('audit-put-new'), headers: { 'Content-Type': 'text/calendar', 'If-None-Match': '*' } }),
  },
  { what: 'PUT an event, If-Match', send: (target, as) => send('PUT', memberOf(target, 'secret.ics'), { as, body: vevent('audit-put-match'), headers: { 'Content-Type': 'text/calendar', 'If-Match': '"x"' } }) },
  { what: 'PUT a vCard', send: (target, as) => send('PUT', memberOf(target, 'friend.vcf'), { as, body: vcard('audit-card', 'Audit'), headers: { 'Content-Type': 'text/vcard' } }) },
  { what: 'DELETE', send: (target, as) => send('DELETE', target, { as }) },
  { what: 'DELETE If-Match', send: (target, as) => send('DELETE', target, { as, headers: { 'If-Match': '"x"' } }) },
  { what: 'PROPPATCH set', send: (target, as) => xmlRequest('PROPPATCH', body.proppatch)(target, as) },
  { what: 'PROPPATCH remove', send: (target, as) => xmlRequest('PROPPATCH', body.proppatchRemove)(target, as) },
  { what: 'MKCALENDAR', send: (target, as) => xmlRequest('MKCALENDAR', body.mkcalendar)(target, as), creates: true },
  { what: 'MKCOL address book', send: (target, as) => xmlRequest('MKCOL', body.mkcolBook)(target, as), creates: true },
  { what: 'MKCOL without a body', send: (target, as) => send('MKCOL', target, { as }), creates: true },
  { what: 'MOVE it to her calendar', send: (target, as) => send('MOVE', target, { as, headers: { Destination: `${server.origin}/dav/calendars/alice/alice-cal/taken.ics` } }) },
  {
    what: 'MOVE her event there',
    send: (target, as) => send('MOVE', ALICE_EVENT, { as, headers: { Destination: `${server.origin}${memberOf(target, 'moved-in.ics')}`, Overwrite: 'T' } }),
  },
  { what: 'ACL', send: (target, as) => xmlRequest('ACL', body.acl)(target, as) },
  { what: 'COPY', send: (target, as) => send('COPY', target, { as, headers: { Destination: `${server.origin}/dav/calendars/alice/alice-cal/copy.ics` } }) },
  { what: 'LOCK', send: (target, as) => xmlRequest('LOCK', body.lock, { Timeout: 'Second-60' })(target, as) },
  { what: 'UNLOCK', send: (target, as) => send('UNLOCK', target, { as, headers: { 'Lock-Token': '<urn:uuid:0>' } }) },
  { what: 'POST', send: (target, as) => send('POST', target, { as, body: 'x=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }) },
  { what: 'PATCH', send: (target, as) => send('PATCH', target, { as, body: '{}', headers: { 'Content-Type': 'application/json' } }) },
];

/** The parts of an answer that must not depend on whether the thing exists; the path itself is blanked out. */
function comparable(reply: Reply, target: string) {
  const blank = (text: string) => {
    let result = text;
    const forms = target === '' ? [] : [`${server.origin}${target}`, target, target.replace(/\/$/, '')];
    for (const form of forms) result = result.split(form).join('<path>');
    return result;
  };
  const ignored = new Set(['date', 'content-length', 'connection', 'keep-alive']);
  return {
    status: reply.status,
    headers: Object.fromEntries(Object.entries(reply.headers).filter(([name]) => !ignored.has(name)).map(([name, value]) => [name, blank(value)])),
    text: blank(reply.text),
  };
}

/** bob's things that must stay unseen, and what an outsider must never read in any answer. */
const SECRETS = ['Bob secret', 'Bob weekly', 'Shared with carol', 'Friend Person', 'Bob private', 'Bob contacts'];

/**
 * Sends every attempt to each path of a group, which must all answer alike: the first names something of bob's that
 * exists, the others the same kind of thing that does not.
 */
async function expectIndistinguishable(as: TestUser | undefined, paths: string[], options: { skipCreates?: boolean } = {}): Promise<void> {
  for (const attempt of attempts) {
    if (options.skipCreates && attempt.creates) continue;
    const [first, ...others] = await Promise.all(paths.map(async (target) => ({ target, reply: await attempt.send(target, as) })));
    for (const { target, reply } of [first, ...others]) {
      for (const secret of SECRETS) expect({ what: attempt.what, target, secretShown: reply.text.includes(secret) }).toEqual({ what: attempt.what, target, secretShown: false });
      if (!attempt.mayAnswer2xx) expect({ what: attempt.what, target, success: reply.status < 300 }).toEqual({ what: attempt.what, target, success: false });
    }
    for (const other of others) {
      expect({ what: attempt.what, target: other.target, ...comparable(other.reply, other.target) }).toEqual({
        what: attempt.what,
        target: other.target,
        ...comparable(first.reply, first.target),
      });
    }
  }
}

/** Everything of bob's in the database, rows as stored (update times included), to compare before and after. */
async function snapshotOfBob(): Promise<string> {
  const db = server.strapi.db;
  const calendars = (await db.query('plugin::caldav.calendar' as never).findMany({ where: { owner: { id: bob.id } }, orderBy: { id: 'asc' } })) as Array<{ id: number }>;
  const books = (await db.query('plugin::caldav.address-book' as never).findMany({ where: { owner: { id: bob.id } }, orderBy: { id: 'asc' } })) as Array<{ id: number }>;
  const events = await db.query('plugin::caldav.event' as never).findMany({ where: { calendar: { id: { $in: calendars.map((row) => row.id) } } }, orderBy: { id: 'asc' } });
  const contacts = await db.query('plugin::caldav.contact' as never).findMany({ where: { addressBook: { id: { $in: books.map((row) => row.id) } } }, orderBy: { id: 'asc' } });
  const shares = await db.query('plugin::caldav.share' as never).findMany({ orderBy: { id: 'asc' }, populate: { user: { select: ['id'] }, calendar: { select: ['id'] }, addressBook: { select: ['id'] } } });
  return JSON.stringify({ calendars, books, events, contacts, shares });
}

let before: string;

beforeAll(async () => {
  server = await startTestServer({
    pluginConfig: {
      cors: { origins: [APP_ORIGIN] },
      // Refused sign-ins are not part of this audit: they must not lock anyone out.
      loginThrottle: { maxFailuresPerAccount: 100000, maxFailuresPerAddress: 1000000, windowSeconds: 60 },
    },
  });
  alice = await createUser(server, { username: 'alice' });
  bob = await createUser(server, { username: 'bob' });
  carol = await createUser(server, { username: 'carol' });
  const c = server.collections;

  const secret = await c.createCalendar({ owner: bob.documentId, name: 'Bob private', slug: 'bob-private' });
  await c.createEvent(secret.documentId, { uid: 'bob-secret', resourceName: 'secret.ics', summary: 'Bob secret', start: '2026-05-04T09:00:00.000Z', end: '2026-05-04T10:00:00.000Z' });
  await c.createEvent(secret.documentId, {
    uid: 'bob-weekly',
    resourceName: 'weekly.ics',
    summary: 'Bob weekly',
    start: '2026-05-05T09:00:00.000Z',
    end: '2026-05-05T09:30:00.000Z',
    rrule: 'FREQ=WEEKLY;COUNT=10',
  });
  const shared = await c.createCalendar({ owner: bob.documentId, name: 'Bob shared', slug: 'bob-shared' });
  await c.createEvent(shared.documentId, { uid: 'bob-shared-event', resourceName: 'shared.ics', summary: 'Shared with carol', start: '2026-05-06T09:00:00.000Z', end: '2026-05-06T10:00:00.000Z' });
  await c.createShare({ calendar: shared.documentId, user: carol.documentId, access: 'read' });
  const open = await c.createCalendar({ owner: bob.documentId, name: 'Bob public', slug: 'bob-public', visibility: 'public' });
  await c.createEvent(open.documentId, { uid: 'bob-open', resourceName: 'open.ics', summary: 'Open house', start: '2026-05-07T09:00:00.000Z', end: '2026-05-07T17:00:00.000Z' });
  const book = await c.createAddressBook({ owner: bob.documentId, name: 'Bob contacts', slug: 'bob-contacts' });
  await c.createContact(book.documentId, { uid: 'bob-friend', resourceName: 'friend.vcf', fullName: 'Friend Person' });

  const mine = await c.createCalendar({ owner: alice.documentId, name: 'Alice', slug: 'alice-cal' });
  await c.createEvent(mine.documentId, { uid: 'alice-mine', resourceName: 'mine.ics', summary: 'Alice own', start: '2026-05-08T09:00:00.000Z', end: '2026-05-08T10:00:00.000Z' });
  const aliceBook = await c.createAddressBook({ owner: alice.documentId, name: 'Alice contacts', slug: 'alice-book' });
  await c.createContact(aliceBook.documentId, { uid: 'alice-me', resourceName: 'me.vcf', fullName: 'Alice Herself' });
  await c.createCalendar({ owner: carol.documentId, name: 'Carol', slug: 'carol-cal' });
  await c.createEvent((await c.findCalendarBySlug('carol-cal'))!.documentId, {
    uid: 'carol-own',
    resourceName: 'own.ics',
    summary: 'Carol own',
    start: '2026-05-09T09:00:00.000Z',
    end: '2026-05-09T10:00:00.000Z',
  });

  before = await snapshotOfBob();
});

afterAll(async () => {
  agent.destroy();
  await server?.stop();
});

describe('another user (alice) learns nothing of what bob keeps private', () => {
  test.each([
    ['a private calendar', ['/dav/calendars/bob/bob-private/', '/dav/calendars/bob/no-such-cal/']],
    ['a calendar shared with someone else', ['/dav/calendars/bob/bob-shared/', '/dav/calendars/bob/no-such-cal/']],
    ['a private event', ['/dav/calendars/bob/bob-private/secret.ics', '/dav/calendars/bob/bob-private/no-such.ics', '/dav/calendars/bob/no-such-cal/secret.ics']],
    ['a private address book', ['/dav/addressbooks/bob/bob-contacts/', '/dav/addressbooks/bob/no-such-book/']],
    ['a contact', ['/dav/addressbooks/bob/bob-contacts/friend.vcf', '/dav/addressbooks/bob/bob-contacts/no-such.vcf', '/dav/addressbooks/bob/no-such-book/friend.vcf']],
    ["bob's calendar home", ['/dav/calendars/bob/', '/dav/calendars/nobody/']],
    ["bob's address book home", ['/dav/addressbooks/bob/', '/dav/addressbooks/nobody/']],
    ["a new calendar in bob's home", ['/dav/calendars/bob/brand-new/', '/dav/calendars/nobody/brand-new/']],
    ["a new address book in bob's home", ['/dav/addressbooks/bob/brand-new/', '/dav/addressbooks/nobody/brand-new/']],
    ["the sharee's view of bob's shared calendar", ['/dav/calendars/carol/bob-shared/', '/dav/calendars/carol/no-such-cal/']],
  ])('%s answers every method like something that does not exist', async (_what, paths) => {
    await expectIndistinguishable(alice, paths);
  });

  test.each([
    ['a private calendar', ['/dav/calendars/alice/bob-private/', '/dav/calendars/alice/no-such-cal/']],
    ['a private event', ['/dav/calendars/alice/bob-private/secret.ics', '/dav/calendars/alice/no-such-cal/secret.ics']],
    ['a private address book', ['/dav/addressbooks/alice/bob-contacts/', '/dav/addressbooks/alice/no-such-book/']],
  ])("%s of bob's named in alice's own home answers like a name nobody uses", async (_what, paths) => {
    // Creating a collection is left out: names are unique site-wide, see the next test.
    await expectIndistinguishable(alice, paths, { skipCreates: true });
  });

  test("MKCALENDAR with a name bob uses is refused as taken, without saying whose or creating anything", async () => {
    const response = await send('MKCALENDAR', '/dav/calendars/alice/bob-private/', { as: alice, body: body.mkcalendar });
    expect(response.status).toBe(409);
    expect(response.text).toMatch(/already in use on this site/);
    // The name itself comes back; nothing says whose it is.
    expect(response.text.split('"bob-private"').join('')).not.toMatch(/bob/i);
    const free = await send('MKCALENDAR', '/dav/calendars/alice/alice-second/', { as: alice, body: body.mkcalendar });
    expect(free.status).toBe(201);
  });

  test("a multiget in her own calendar and home with hrefs to bob's objects answers 404 for each, alike", async () => {
    const hrefs = [
      ALICE_EVENT,
      '/dav/calendars/bob/bob-private/secret.ics',
      '/dav/calendars/bob/bob-private/no-such.ics',
      '/dav/calendars/bob/no-such-cal/secret.ics',
      '/dav/calendars/bob/bob-shared/shared.ics',
      '/dav/calendars/alice/bob-private/secret.ics',
      `${server.origin}/dav/calendars/bob/bob-private/weekly.ics`,
      '/dav/calendars/bob/bob-public/open.ics',
    ];
    for (const target of ['/dav/calendars/alice/alice-cal/', '/dav/calendars/alice/']) {
      const response = await send('REPORT', target, { as: alice, body: body.calendarMultiget(hrefs), headers: { Depth: '1' } });
      expect(response.status).toBe(207);
      const entries = readMultistatus(response.text);
      expect(entries.map((entry) => entry.status ?? entry.props.get('{DAV:}getetag')?.status)).toEqual([200, 404, 404, 404, 404, 404, 404, 200]);
      expect(response.text).toContain('Alice own');
      // Public means readable by anyone.
      expect(response.text).toContain('Open house');
      for (const secret of SECRETS) expect(response.text).not.toContain(secret);
    }
    const cards = await send('REPORT', '/dav/addressbooks/alice/alice-book/', {
      as: alice,
      body: body.addressbookMultiget(['/dav/addressbooks/alice/alice-book/me.vcf', '/dav/addressbooks/bob/bob-contacts/friend.vcf', '/dav/addressbooks/bob/bob-contacts/no-such.vcf']),
      headers: { Depth: '1' },
    });
    expect(readMultistatus(cards.text).map((entry) => entry.status ?? entry.props.get('{DAV:}getetag')?.status)).toEqual([200, 404, 404]);
    expect(cards.text).not.toContain('Friend Person');
  });

  test("a sync token of bob's calendar, used on hers, is refused like any unknown token", async () => {
    const bobs = await send('REPORT', '/dav/calendars/bob/bob-private/', { as: bob, body: body.sync() });
    expect(bobs.status).toBe(207);
    const token = /sync-token>([^<]+)</.exec(bobs.text)![1];
    const withBobs = await send('REPORT', '/dav/calendars/alice/alice-cal/', { as: alice, body: body.sync(token) });
    const made = await send('REPORT', '/dav/calendars/alice/alice-cal/', { as: alice, body: body.sync(token.replace(/sync:[^:]+:/, 'sync:nothing-at-all:')) });
    expect(withBobs.status).toBe(403);
    expect(readErrorConditions(withBobs.text)).toEqual(['{DAV:}valid-sync-token', '{http://sabredav.org/ns}message']);
    expect(comparable(withBobs, '')).toEqual(comparable(made, ''));
  });

  test('the listings of the root, the principals and the homes show alice only her own', async () => {
    const listed = async (target: string) =>
      readMultistatus((await send('PROPFIND', target, { as: alice, body: body.propfind, headers: { Depth: '1' } })).text).map((entry) => entry.href);
    expect(await listed('/dav/')).toEqual(['/dav/', '/dav/principals/', '/dav/calendars/', '/dav/addressbooks/']);
    expect(await listed('/dav/principals/')).toEqual(['/dav/principals/', '/dav/principals/alice/']);
    expect(await listed('/dav/calendars/')).toEqual(['/dav/calendars/', '/dav/calendars/alice/']);
    expect(await listed('/dav/addressbooks/')).toEqual(['/dav/addressbooks/', '/dav/addressbooks/alice/']);
    expect((await listed('/dav/calendars/alice/')).filter((href) => href.includes('bob'))).toEqual([]);
  });

  test("bob's principal is visible (for invitations and sharing); expanding it reaches none of his collections", async () => {
    const principal = await send('PROPFIND', '/dav/principals/bob/', { as: alice, body: propfindBody('d:displayname', 'c:calendar-home-set'), headers: { Depth: '0' } });
    expect(principal.status).toBe(207);
    expect(readMultistatus(principal.text)[0].props.get('{urn:ietf:params:xml:ns:caldav}calendar-home-set')!.hrefs).toEqual(['/dav/calendars/bob/']);

    const expand = await send('REPORT', '/dav/principals/bob/', {
      as: alice,
      body: '<d:expand-property xmlns:d="DAV:"><d:property name="calendar-home-set" namespace="urn:ietf:params:xml:ns:caldav"><d:property name="displayname"/><d:property name="resourcetype"/></d:property><d:property name="addressbook-home-set" namespace="urn:ietf:params:xml:ns:carddav"><d:property name="displayname"/></d:property></d:expand-property>',
      headers: { Depth: '0' },
    });
    expect(expand.status).toBe(207);
    // The homes are named (as in the principal's properties) but not expanded: alice cannot see into them.
    expect(expand.text.match(/<(?:\w+:)?response[\s>]/g)).toHaveLength(1);
    for (const secret of SECRETS) expect(expand.text).not.toContain(secret);
  });

  test('principal-property-search finds users by name for signed-in users, and nobody for anonymous visitors', async () => {
    const found = await send('REPORT', '/dav/principals/', { as: alice, body: body.principalSearch('bob'), headers: { Depth: '0' } });
    expect(found.status).toBe(207);
    const entries = readMultistatus(found.text);
    expect(entries.map((entry) => entry.href)).toEqual(['/dav/principals/bob/']);
    expect(entries[0].props.get('{urn:ietf:params:xml:ns:caldav}calendar-user-address-set')!.hrefs).toContain(`mailto:${bob.email}`);
    for (const secret of SECRETS) expect(found.text).not.toContain(secret);
    expect(found.text).not.toMatch(/bob-(private|shared|public|contacts)/);

    // An anonymous visitor may send REPORTs to a public calendar, but finds no one there.
    const anonymous = await send('REPORT', '/dav/calendars/bob/bob-public/', { body: body.principalSearch('b'), headers: { Depth: '0' } });
    expect(anonymous.status).toBe(207);
    expect(readMultistatus(anonymous.text)).toEqual([]);
    expect(anonymous.text).not.toContain(bob.email);
    expect((await send('REPORT', '/dav/principals/', { body: body.principalSearch('bob'), headers: { Depth: '0' } })).status).toBe(401);
  });

  test("bob's public calendar: alice and anonymous visitors read it, neither changes it", async () => {
    const target = '/dav/calendars/bob/bob-public/';
    for (const as of [alice, undefined]) {
      const read = [
        await send('PROPFIND', target, { as, body: body.propfind, headers: { Depth: '1' } }),
        await send('REPORT', target, { as, body: body.calendarQuery, headers: { Depth: '1' } }),
        await send('REPORT', target, { as, body: body.sync() }),
        await send('GET', `${target}open.ics`, { as }),
      ];
      expect(read.map((reply) => reply.status)).toEqual([207, 207, 207, 200]);
      expect(read[1].text).toContain('Open house');
      const freeBusy = await send('REPORT', target, { as, body: body.freeBusy, headers: { Depth: '1' } });
      expect(freeBusy.status).toBe(200);
      expect(freeBusy.text).toContain('FREEBUSY');

      const writes = [
        await send('PUT', `${target}new.ics`, { as, body: vevent('intruder'), headers: { 'Content-Type': 'text/calendar' } }),
        await send('PUT', `${target}open.ics`, { as, body: vevent('bob-open', { summary: 'Defaced' }), headers: { 'Content-Type': 'text/calendar' } }),
        await send('DELETE', `${target}open.ics`, { as }),
        await send('DELETE', target, { as }),
        await send('PROPPATCH', target, { as, body: body.proppatch }),
        await send('MOVE', `${target}open.ics`, { as, headers: { Destination: `${server.origin}/dav/calendars/alice/alice-cal/stolen.ics` } }),
        await send('MOVE', ALICE_EVENT, { as, headers: { Destination: `${server.origin}${target}planted.ics` } }),
        await send('MKCALENDAR', target, { as, body: body.mkcalendar }),
      ];
      if (as) {
        expect(writes.map((reply) => reply.status)).toEqual([403, 403, 403, 403, 403, 403, 403, 404]);
        for (const reply of writes.slice(0, 7)) expect(readErrorConditions(reply.text)).toContain('{DAV:}need-privileges');
      } else {
        expect(writes.map((reply) => reply.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
        for (const reply of writes) expect(reply.headers['www-authenticate']).toMatch(/^Basic /);
      }
    }
    const feed = await send('GET', '/dav/feeds/bob-public.ics');
    expect(feed.status).toBe(200);
    expect(feed.text).toContain('Open house');
    const privateFeed = await send('GET', '/dav/feeds/bob-private.ics');
    const noFeed = await send('GET', '/dav/feeds/no-such-cal.ics');
    expect(privateFeed.status).toBe(404);
    expect(comparable(privateFeed, '/dav/feeds/bob-private.ics')).toEqual(comparable(noFeed, '/dav/feeds/no-such-cal.ics'));
  });
});

describe('an anonymous visitor', () => {
  test.each([
    ['a private calendar', ['/dav/calendars/bob/bob-private/', '/dav/calendars/bob/no-such-cal/']],
    ['a private event', ['/dav/calendars/bob/bob-private/secret.ics', '/dav/calendars/bob/bob-private/no-such.ics', '/dav/calendars/bob/no-such-cal/secret.ics']],
    ['an address book', ['/dav/addressbooks/bob/bob-contacts/', '/dav/addressbooks/bob/no-such-book/']],
    ['a contact', ['/dav/addressbooks/bob/bob-contacts/friend.vcf', '/dav/addressbooks/bob/no-such-book/friend.vcf']],
    ['a calendar home', ['/dav/calendars/bob/', '/dav/calendars/nobody/']],
    ['a principal', ['/dav/principals/bob/', '/dav/principals/nobody/']],
  ])('is asked to sign in for %s, exactly as for one that does not exist', async (_what, paths) => {
    await expectIndistinguishable(undefined, paths);
    const reply = await send('PROPFIND', paths[0], { body: body.propfind, headers: { Depth: '0' } });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  test('sees no listing of principals or homes', async () => {
    for (const target of ['/dav/', '/dav/principals/', '/dav/calendars/', '/dav/addressbooks/']) {
      expect((await send('PROPFIND', target, { body: body.propfind, headers: { Depth: '1' } })).status).toBe(401);
    }
  });
});

describe('the sharee (carol, read-only)', () => {
  const own = '/dav/calendars/carol/bob-shared/';

  test('finds the shared calendar in her home, and none of bob\'s others', async () => {
    const listing = await send('PROPFIND', '/dav/calendars/carol/', { as: carol, body: propfindBody('d:displayname'), headers: { Depth: '1' } });
    expect(readMultistatus(listing.text).map((entry) => entry.href).sort()).toEqual(['/dav/calendars/carol/', '/dav/calendars/carol/bob-shared/', '/dav/calendars/carol/carol-cal/']);
    const books = await send('PROPFIND', '/dav/addressbooks/carol/', { as: carol, body: propfindBody('d:displayname'), headers: { Depth: '1' } });
    expect(readMultistatus(books.text).map((entry) => entry.href)).toEqual(['/dav/addressbooks/carol/']);
  });

  test('reads it, at her URL and at bob\'s, and is told she may only read', async () => {
    for (const target of [own, '/dav/calendars/bob/bob-shared/']) {
      const query = await send('REPORT', target, { as: carol, body: body.calendarQuery, headers: { Depth: '1' } });
      expect(query.status).toBe(207);
      expect(readMultistatus(query.text).map((entry) => entry.href)).toEqual([`${target}shared.ics`]);
      expect((await send('GET', `${target}shared.ics`, { as: carol })).text).toContain('Shared with carol');
    }
    const privileges = await send('PROPFIND', own, { as: carol, body: propfindBody('d:current-user-privilege-set', 'd:acl'), headers: { Depth: '0' } });
    expect(readMultistatus(privileges.text)[0].props.get('{DAV:}acl')!.status).toBe(404);
    expect(privileges.text).toMatch(/<(?:\w+:)?read\s*\/>/);
    expect(privileges.text).not.toMatch(/<(?:\w+:)?(write|write-content|write-properties|bind|unbind|all)\s*\/>/);
  });

  test('changes nothing in it', async () => {
    const writes = [
      await send('PUT', `${own}new.ics`, { as: carol, body: vevent('carol-new'), headers: { 'Content-Type': 'text/calendar' } }),
      await send('PUT', `${own}shared.ics`, { as: carol, body: vevent('bob-shared-event', { summary: 'Changed' }), headers: { 'Content-Type': 'text/calendar' } }),
      await send('DELETE', `${own}shared.ics`, { as: carol }),
      await send('DELETE', own, { as: carol }),
      await send('PROPPATCH', own, { as: carol, body: '<d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><c:calendar-description>Mine now</c:calendar-description></d:prop></d:set></d:propertyupdate>' }),
      await send('MOVE', `${own}shared.ics`, { as: carol, headers: { Destination: `${server.origin}/dav/calendars/carol/carol-cal/taken.ics` } }),
      await send('MOVE', '/dav/calendars/carol/carol-cal/own.ics', { as: carol, headers: { Destination: `${server.origin}${own}planted.ics` } }),
    ];
    expect(writes.map((reply) => reply.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    for (const reply of writes) expect(readErrorConditions(reply.text)).toContain('{DAV:}need-privileges');
    expect((await send('GET', '/dav/calendars/carol/carol-cal/own.ics', { as: carol })).status).toBe(200);
  });

  test.each([
    ['a private calendar', ['/dav/calendars/bob/bob-private/', '/dav/calendars/bob/no-such-cal/']],
    ['a private event', ['/dav/calendars/carol/bob-private/secret.ics', '/dav/calendars/carol/no-such-cal/secret.ics']],
    ['an address book', ['/dav/addressbooks/bob/bob-contacts/', '/dav/addressbooks/bob/no-such-book/']],
  ])("sees nothing of bob's that was not shared with her: %s", async (_what, paths) => {
    await expectIndistinguishable(carol, paths, { skipCreates: true });
  });
});

describe('security headers', () => {
  const expectSecurityHeaders = (reply: Reply, hsts: string | undefined) => {
    expect(reply.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
    });
    expect(reply.headers['strict-transport-security']).toBe(hsts);
  };

  test('are on every answer of the DAV tree, the feeds and the discovery redirects, with the HSTS the site sends', async () => {
    // What Strapi's own strapi::security middleware sends on the site's other answers.
    const strapiAnswer = await send('GET', '/api/no-such-route');
    expect(strapiAnswer.headers['x-content-type-options']).toBe('nosniff');
    const hsts = strapiAnswer.headers['strict-transport-security'];
    expect(hsts).toMatch(/^max-age=\d+/);

    const feed = await send('GET', '/dav/feeds/bob-public.ics');
    const answers = [
      await send('PROPFIND', '/dav/calendars/alice/', { as: alice, body: body.propfind, headers: { Depth: '1' } }),
      await send('PROPFIND', '/dav/calendars/bob/bob-private/', { as: alice, body: body.propfind, headers: { Depth: '0' } }),
      await send('PROPFIND', '/dav/', { body: body.propfind, headers: { Depth: '0' } }),
      await send('GET', ALICE_EVENT, { as: alice }),
      await send('OPTIONS', '/dav/'),
      await send('LOCK', '/dav/', { as: alice, body: body.lock }),
      await send('REPORT', '/dav/calendars/alice/alice-cal/', { as: alice, body: '<nonsense', headers: { Depth: '1' } }),
      await send('PROPFIND', '/', { as: alice, body: propfindBody('d:current-user-principal'), headers: { Depth: '0' } }),
      await send('PROPFIND', '/.well-known/caldav'),
      feed,
      await send('GET', '/dav/feeds/bob-public.ics', { headers: { 'If-None-Match': feed.headers.etag } }),
      await send('GET', '/dav/feeds/no-such-cal.ics'),
      await send('POST', '/dav/feeds/bob-public.ics'),
    ];
    expect(answers.map((reply) => reply.status)).toEqual([207, 404, 401, 200, 200, 405, 400, 207, 301, 200, 304, 404, 405]);
    for (const reply of answers) expectSecurityHeaders(reply, hsts);
  });
});

describe('CORS', () => {
  const corsHeaders = (reply: Reply) => Object.keys(reply.headers).filter((name) => name.startsWith('access-control-'));

  test('a preflight from the configured origin is granted the DAV methods and headers', async () => {
    const preflight = await send('OPTIONS', '/dav/calendars/alice/alice-cal/', {
      headers: { Origin: APP_ORIGIN, 'Access-Control-Request-Method': 'REPORT', 'Access-Control-Request-Headers': 'authorization, depth, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    const methods = preflight.headers['access-control-allow-methods'].split(/,\s*/);
    expect(methods).toEqual(expect.arrayContaining(['PROPFIND', 'PROPPATCH', 'REPORT', 'MKCALENDAR', 'MKCOL', 'PUT', 'DELETE', 'MOVE', 'GET', 'OPTIONS']));
    const allowed = preflight.headers['access-control-allow-headers'].toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'depth', 'destination', 'overwrite', 'if-match', 'if-none-match']));
    expect(preflight.headers.vary).toMatch(/Origin/);
    // Credentials travel in the Authorization header the page sets, never as cookies.
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
  });

  test('requests from the configured origin can read the answer, its ETag and DAV headers', async () => {
    const reply = await send('GET', ALICE_EVENT, { as: alice, headers: { Origin: APP_ORIGIN } });
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(reply.headers['access-control-expose-headers'].split(/,\s*/)).toEqual(expect.arrayContaining(['ETag', 'DAV']));
    const refused = await send('PROPFIND', '/dav/calendars/bob/bob-private/', { as: alice, body: body.propfind, headers: { Origin: APP_ORIGIN, Depth: '0' } });
    expect(refused.status).toBe(404);
    const feed = await send('GET', '/dav/feeds/bob-public.ics', { headers: { Origin: APP_ORIGIN } });
    expect(feed.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(feed.headers.vary).toMatch(/Origin/);
    expect(feed.headers.vary).toMatch(/Accept-Encoding/);
  });

  test('any other origin, and requests without one, get no grant at all', async () => {
    for (const origin of ['https://evil.example.test', 'https://app.example.test.evil.example', 'http://app.example.test', 'null']) {
      const preflight = await send('OPTIONS', '/dav/calendars/alice/alice-cal/', { headers: { Origin: origin, 'Access-Control-Request-Method': 'PROPFIND' } });
      expect(corsHeaders(preflight)).toEqual([]);
      const reply = await send('PROPFIND', '/dav/calendars/alice/alice-cal/', { as: alice, body: body.propfind, headers: { Origin: origin, Depth: '0' } });
      expect(reply.status).toBe(207);
      expect(corsHeaders(reply)).toEqual([]);
    }
    expect(corsHeaders(await send('GET', ALICE_EVENT, { as: alice }))).toEqual([]);
  });
});

describe('afterwards', () => {
  test("nothing of bob's changed, and alice still has her event", async () => {
    expect(JSON.parse(await snapshotOfBob())).toEqual(JSON.parse(before));
    expect((await send('GET', ALICE_EVENT, { as: alice })).status).toBe(200);
  });
});
