/**
 * Hostile requests over real HTTP: XML bodies built to hurt the parser or reach outside (DTDs, entities, nesting,
 * size), bodies too large, too slow, cut off or not UTF-8, and paths, Destination headers and report hrefs built to
 * leave the user's own space. Each gets a clear 4xx, never a 500, and nothing is changed by a refused request.
 *
 * Paths are sent exactly as written with node:http or a bare socket: fetch would resolve dot segments itself.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

import { davClient, readErrorConditions, readMultistatus, vevent } from '../harness/dav';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const CALDAV = 'urn:ietf:params:xml:ns:caldav';
const CARDDAV = 'urn:ietf:params:xml:ns:carddav';
const MAX_XML = 64 * 1024;
const MAX_RESOURCE = 32 * 1024;
const BODY_TIMEOUT_SECONDS = 3;

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let aliceCalendar: string;
let bobEvent: string;
let bobContact: string;
/** A web server that records every request: an entity that fetched anything would show up here. */
let canary: Server;
let canaryOrigin: string;
const canaryHits: string[] = [];

const vcard = (uid: string, fullName: string) => ['BEGIN:VCARD', 'VERSION:3.0', `UID:${uid}`, `FN:${fullName}`, `N:;${fullName};;;`, 'END:VCARD', ''].join('\r\n');
const BOB_EVENT = vevent('bob-secret-1', { summary: 'Bob secret plan' });
const BOB_CARD = vcard('bob-friend-1', 'Bob Friend Secret');
const basic = (user: TestUser) => `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;

beforeAll(async () => {
  server = await startTestServer({
    pluginConfig: { maxXmlBodySize: MAX_XML, maxResourceSize: MAX_RESOURCE, bodyReadTimeoutSeconds: BODY_TIMEOUT_SECONDS },
  });
  alice = await createUser(server);
  bob = await createUser(server);
  await server.collections.createCalendar({ owner: alice.documentId, name: 'Alice', slug: 'alice-cal', components: ['VEVENT'] });
  await server.collections.createAddressBook({ owner: alice.documentId, name: 'Alice contacts', slug: 'alice-book' });
  await server.collections.createCalendar({ owner: bob.documentId, name: 'Bob', slug: 'bob-cal', components: ['VEVENT'] });
  await server.collections.createAddressBook({ owner: bob.documentId, name: 'Bob contacts', slug: 'bob-book' });
  aliceCalendar = `/dav/calendars/${alice.username}/alice-cal/`;
  bobEvent = `/dav/calendars/${bob.username}/bob-cal/bob-secret.ics`;
  bobContact = `/dav/addressbooks/${bob.username}/bob-book/bob-friend.vcf`;
  const asBob = davClient(server.origin, bob);
  expect((await asBob.put(bobEvent, BOB_EVENT)).status).toBe(201);
  expect((await asBob.request('PUT', bobContact, BOB_CARD, { 'Content-Type': 'text/vcard' })).status).toBe(201);
  expect((await davClient(server.origin, alice).put(`${aliceCalendar}mine.ics`, vevent('alice-mine-1', { summary: 'Alice own' }))).status).toBe(201);

  canary = createServer((request, response) => {
    canaryHits.push(`${request.method} ${request.url}`);
    response.end('<!ENTITY leak "fetched">');
  });
  await new Promise<void>((resolve) => canary.listen(0, '127.0.0.1', resolve));
  canaryOrigin = `http://127.0.0.1:${(canary.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => canary?.close(resolve));
  await server?.stop();
});

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One request on its own connection, the path sent exactly as given; a string or Buffer body gets a Content-Length. */
function send(
  method: string,
  path: string,
  options: { user?: TestUser | null; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(server.origin);
  const headers: Record<string, string> = { ...options.headers };
  if (options.user !== null) headers.Authorization = basic(options.user ?? alice);
  if (options.body !== undefined && !options.chunked) headers['Content-Length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, method, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A bare connection: what the server sent, and whether (and when) it closed the connection. */
function openConnection() {
  const { hostname, port } = new URL(server.origin);
  const socket: Socket = connect(Number(port), hostname);
  let received = Buffer.alloc(0);
  let closedAt: number | null = null;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
  });
  // Writing to a connection the server has closed fails (EPIPE, ECONNRESET): that is what some tests wait for.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      closedAt = Date.now();
      resolve();
    }),
  );
  return {
    socket,
    isClosed: () => closedAt !== null,
    closedAt: () => closedAt,
    /** Status, headers and body of the first response received. */
    response(): RawResponse {
      const text = received.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const head = end === -1 ? text : text.slice(0, end);
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, text: end === -1 ? '' : text.slice(end + 4) };
    },
    /** Waits for the server to close the connection; fails the test after `ms`. */
    async closedWithin(ms: number): Promise<void> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the server did not close the connection within ${ms} ms; received: ${received.toString('utf8').slice(0, 300)}`)), ms);
      });
      try {
        await Promise.race([closed, timeout]);
      } finally {
        clearTimeout(timer);
        socket.destroy();
      }
    },
  };
}

const requestHead = (method: string, path: string, user: TestUser | null, headers: Record<string, string>) =>
  [
    `${method} ${path} HTTP/1.1`,
    `Host: ${new URL(server.origin).host}`,
    ...(user ? [`Authorization: ${basic(user)}`] : []),
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');

/** Nothing in an error answer that tells an attacker about the server's inside. */
function expectReadableError(response: RawResponse): void {
  expect(response.text.length).toBeGreaterThan(10);
  expect(response.text).not.toMatch(/\n\s+at \S|node_modules|\.[jt]s:\d|SELECT |INSERT |sqlite|knex|TypeError|ReferenceError/i);
}

const propfind = (inner: string) => `<?xml version="1.0" encoding="utf-8"?>\n<d:propfind xmlns:d="DAV:">${inner}</d:propfind>`;
const displayname = async (user: TestUser, path: string) => {
  const response = await send('PROPFIND', path, { user, headers: { Depth: '0', 'Content-Type': 'application/xml' }, body: propfind('<d:prop><d:displayname/></d:prop>') });
  return readMultistatus(response.text)[0]?.props.get('{DAV:}displayname')?.text;
};
const namesIn = async (user: TestUser, collection: string) => {
  const response = await send('PROPFIND', collection, { user, headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: propfind('<d:prop><d:getetag/></d:prop>') });
  expect(response.status).toBe(207);
  return readMultistatus(response.text)
    .map((entry) => entry.href)
    .filter((href) => !href.endsWith('/'))
    .map((href) => href.slice(href.lastIndexOf('/') + 1))
    .sort();
};
/** The responses of a multiget as sent (hrefs still encoded, however odd): found (with a propstat) or their status. */
function multigetAnswers(text: string): Array<{ href: string; found: boolean; status: number | null }> {
  return [...text.matchAll(/<d:response>([\s\S]*?)<\/d:response>/g)].map(([, inner]) => {
    const found = inner.includes('<d:propstat>');
    const status = found ? null : Number(/<d:status>HTTP\/1\.1 (\d{3})/.exec(inner)?.[1] ?? 0);
    return { href: /<d:href>([^<]*)<\/d:href>/.exec(inner)?.[1] ?? '', found, status };
  });
}

/** Bob's calendar and address book exactly as he left them. */
async function expectBobUntouched(): Promise<void> {
  expect(await namesIn(bob, `/dav/calendars/${bob.username}/bob-cal/`)).toEqual(['bob-secret.ics']);
  expect((await send('GET', bobEvent, { user: bob })).text).toBe(BOB_EVENT);
  expect(await namesIn(bob, `/dav/addressbooks/${bob.username}/bob-book/`)).toEqual(['bob-friend.vcf']);
  expect((await send('GET', bobContact, { user: bob })).text).toBe(BOB_CARD);
}

describe('XML bodies', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'an external entity (XXE) reading a file',
      `<?xml version="1.0"?><!DOCTYPE d:propfind [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&xxe;</d:displayname></d:prop></d:propfind>`,
      /DOCTYPE/,
    ],
    [
      'an external entity fetching a URL',
      `<!DOCTYPE d:propfind [<!ENTITY xxe SYSTEM "CANARY/entity">]><d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&xxe;</d:displayname></d:prop></d:propfind>`,
      /DOCTYPE/,
    ],
    ['a parameter entity pulling in an external DTD', `<!DOCTYPE d:propfind [<!ENTITY % remote SYSTEM "CANARY/dtd"> %remote;]><d:propfind xmlns:d="DAV:"/>`, /DOCTYPE/],
    ['an external DTD', `<!DOCTYPE d:propfind SYSTEM "CANARY/doctype"><d:propfind xmlns:d="DAV:"/>`, /DOCTYPE/],
    ['an entity used without a DTD', `<d:propfind xmlns:d="DAV:"><d:prop>&xxe;</d:prop></d:propfind>`, /Malformed XML/],
    ['elements nested 100 deep', propfind(`${'<d:prop>'.repeat(100)}${'</d:prop>'.repeat(100)}`), /deeper than 64 levels/],
    ['10,001 elements', propfind(`<d:prop>${'<a/>'.repeat(10_001)}</d:prop>`), /more than 10000 elements/],
    ['1,001 attributes', propfind(`<d:prop ${Array.from({ length: 1001 }, (_, index) => `a${index}=""`).join(' ')}/>`), /more than 1000 attributes/],
  ];

  test.each(cases)('%s: 400 with a readable message, nothing fetched', async (_, template, message) => {
    const body = template.replace(/CANARY/g, canaryOrigin);
    const response = await send('PROPFIND', aliceCalendar, { headers: { Depth: '0', 'Content-Type': 'application/xml' }, body });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toMatch(message);
    expect(response.text).not.toContain('root:');
    expectReadableError(response);
    expect(canaryHits).toEqual([]);
  });

  test('billion laughs in a REPORT is refused before anything is expanded', async () => {
    const entities = Array.from({ length: 10 }, (_, level) => (level === 0 ? '<!ENTITY lol0 "lol">' : `<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`)).join('');
    const body = `<?xml version="1.0"?><!DOCTYPE c:calendar-multiget [${entities}]><c:calendar-multiget xmlns:c="${CALDAV}" xmlns:d="DAV:"><d:href>&lol9;</d:href></c:calendar-multiget>`;
    const started = Date.now();
    const response = await send('REPORT', aliceCalendar, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body });
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/DOCTYPE/);
    // Expanded, the entity would be 3 GB; refused, the answer takes as long as any small request.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('a PROPPATCH carrying an entity changes nothing', async () => {
    const before = await displayname(alice, aliceCalendar);
    const body = `<!DOCTYPE d:propertyupdate [<!ENTITY xxe SYSTEM "file:///etc/hostname">]><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>&xxe;</d:displayname></d:prop></d:set></d:propertyupdate>`;
    const response = await send('PROPPATCH', aliceCalendar, { headers: { 'Content-Type': 'application/xml' }, body });
    expect(response.status).toBe(400);
    expect(await displayname(alice, aliceCalendar)).toBe(before);
  });

  test('an XML body over maxXmlBodySize gets 413; one under it is read', async () => {
    const padding = (bytes: number) => `<!-- ${'x'.repeat(bytes)} -->`;
    const tooLarge = await send('PROPFIND', aliceCalendar, { headers: { Depth: '0', 'Content-Type': 'application/xml' }, body: propfind(padding(MAX_XML + 100)) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.text).toBe(`The XML request body is larger than ${MAX_XML} bytes.\n`);
    // Larger than maxResourceSize, which bounds PUT bodies only.
    const under = await send('PROPFIND', aliceCalendar, { headers: { Depth: '0', 'Content-Type': 'application/xml' }, body: propfind(padding(MAX_XML - 1000)) });
    expect(under.status).toBe(207);
  });

  test('an XML body declared in another charset, or declaring another encoding, gets 415', async () => {
    const latin1 = await send('PROPFIND', aliceCalendar, {
      headers: { Depth: '0', 'Content-Type': 'application/xml; charset=ISO-8859-1' },
      body: propfind('<d:prop><d:displayname/></d:prop>'),
    });
    expect(latin1.status).toBe(415);
    expect(latin1.text).toMatch(/charset "iso-8859-1"; only UTF-8 is accepted/);
    const declared = await send('PROPFIND', aliceCalendar, {
      headers: { Depth: '0', 'Content-Type': 'application/xml' },
      body: '<?xml version="1.0" encoding="windows-1252"?><d:propfind xmlns:d="DAV:"/>',
    });
    expect(declared.status).toBe(415);
    expect(declared.text).toMatch(/encoding "windows-1252"; request bodies must be UTF-8/);
  });

  test('an XML body that is not UTF-8 gets 400 naming the byte, and a PROPPATCH with one changes nothing', async () => {
    const before = await displayname(alice, aliceCalendar);
    const beforeBadByte = '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Caf';
    const body = Buffer.concat([Buffer.from(beforeBadByte), Buffer.from([0xe9]), Buffer.from('</d:displayname></d:prop></d:set></d:propertyupdate>')]);
    const response = await send('PROPPATCH', aliceCalendar, { headers: { 'Content-Type': 'application/xml' }, body });
    expect(response.status).toBe(400);
    expect(response.text).toBe(`The XML request body is not valid UTF-8 (byte 0xE9 at offset ${beforeBadByte.length}); send it encoded as UTF-8.\n`);
    expect(await displayname(alice, aliceCalendar)).toBe(before);
    // An overlong "." (0xC0 0xAE) is not read as a dot either.
    const overlong = Buffer.concat([Buffer.from('<d:propfind xmlns:d="DAV:"><d:prop><d:displayname'), Buffer.from([0xc0, 0xae]), Buffer.from('/></d:prop></d:propfind>')]);
    expect((await send('PROPFIND', aliceCalendar, { headers: { Depth: '0' }, body: overlong })).status).toBe(400);
  });

  test('a byte order mark before the XML is fine', async () => {
    const response = await send('PROPFIND', aliceCalendar, { headers: { Depth: '0', 'Content-Type': 'application/xml; charset=utf-8' }, body: `\uFEFF${propfind('<d:prop><d:displayname/></d:prop>')}` });
    expect(response.status).toBe(207);
  });
});

describe('calendar and vCard bodies (PUT)', () => {
  test('a body over maxResourceSize gets 413 with the max-resource-size of its protocol, and nothing is stored', async () => {
    const big = vevent('too-big-1', { extra: [`DESCRIPTION:${'x'.repeat(MAX_RESOURCE)}`] });
    const event = await send('PUT', `${aliceCalendar}big.ics`, { headers: { 'Content-Type': 'text/calendar' }, body: big });
    expect(event.status).toBe(413);
    expect(readErrorConditions(event.text)[0]).toBe(`{${CALDAV}}max-resource-size`);
    // Sent chunked, with no length announced: refused once the limit is passed.
    const chunked = await send('PUT', `${aliceCalendar}big.ics`, { headers: { 'Content-Type': 'text/calendar' }, body: big, chunked: true });
    expect(chunked.status).toBe(413);
    const card = await send('PUT', `/dav/addressbooks/${alice.username}/alice-book/big.vcf`, {
      headers: { 'Content-Type': 'text/vcard' },
      body: vcard('too-big-2', 'x'.repeat(MAX_RESOURCE)),
      chunked: true,
    });
    expect(card.status).toBe(413);
    expect(readErrorConditions(card.text)[0]).toBe(`{${CARDDAV}}max-resource-size`);
    expect(await namesIn(alice, aliceCalendar)).toEqual(['mine.ics']);
    expect(await namesIn(alice, `/dav/addressbooks/${alice.username}/alice-book/`)).toEqual([]);
  });

  test('a calendar object that is not UTF-8 gets 403 valid-calendar-data, a vCard 403 valid-address-data; nothing is stored', async () => {
    const latin1 = Buffer.from(vevent('latin-1', { summary: 'Caf\u00e9 cr\u00e8me' }), 'latin1');
    const event = await send('PUT', `${aliceCalendar}latin1.ics`, { headers: { 'Content-Type': 'text/calendar' }, body: latin1 });
    expect(event.status).toBe(403);
    expect(readErrorConditions(event.text)[0]).toBe(`{${CALDAV}}valid-calendar-data`);
    expect(event.text).toMatch(/not valid UTF-8 \(byte 0xE9 at offset \d+\)/);
    const card = await send('PUT', `/dav/addressbooks/${alice.username}/alice-book/latin1.vcf`, {
      headers: { 'Content-Type': 'text/vcard' },
      body: Buffer.from(vcard('latin-2', 'Ren\u00e9'), 'latin1'),
    });
    expect(card.status).toBe(403);
    expect(readErrorConditions(card.text)[0]).toBe(`{${CARDDAV}}valid-address-data`);
    expect(await namesIn(alice, aliceCalendar)).toEqual(['mine.ics']);
    expect(await namesIn(alice, `/dav/addressbooks/${alice.username}/alice-book/`)).toEqual([]);
  });

  test('a Content-Type charset other than UTF-8 gets 415 supported-calendar-data', async () => {
    const response = await send('PUT', `${aliceCalendar}charset.ics`, { headers: { 'Content-Type': 'text/calendar; charset=iso-8859-1' }, body: vevent('charset-1') });
    expect(response.status).toBe(415);
    expect(readErrorConditions(response.text)[0]).toBe(`{${CALDAV}}supported-calendar-data`);
    expect((await send('GET', `${aliceCalendar}charset.ics`)).status).toBe(404);
  });

  test('a calendar object with a byte order mark is stored without it', async () => {
    const body = vevent('bom-1', { summary: 'Zo\u00eb' });
    expect((await send('PUT', `${aliceCalendar}bom.ics`, { headers: { 'Content-Type': 'text/calendar; charset=utf-8' }, body: `\uFEFF${body}` })).status).toBe(201);
    expect((await send('GET', `${aliceCalendar}bom.ics`)).text).toBe(body);
    expect((await send('DELETE', `${aliceCalendar}bom.ics`)).status).toBe(204);
  });
});

describe('bodies refused before they are read', () => {
  test('a Content-Length over the limit gets 413 while the client has sent only the headers, and the connection closes', async () => {
    for (const [method, path, contentType, limit] of [
      ['PROPFIND', aliceCalendar, 'application/xml', MAX_XML],
      ['PUT', `${aliceCalendar}huge.ics`, 'text/calendar', MAX_RESOURCE],
    ] as const) {
      const connection = openConnection();
      connection.socket.write(requestHead(method, path, alice, { 'Content-Type': contentType, 'Content-Length': String(100 * 1024 * 1024), Depth: '0' }));
      await connection.closedWithin(20_000);
      const response = connection.response();
      expect(response.status).toBe(413);
      expect(response.headers.connection).toBe('close');
      expect(response.text).toContain(`larger than ${limit} bytes`);
    }
    expect((await send('GET', `${aliceCalendar}huge.ics`)).status).toBe(404);
  });

  test('a chunked body that passes the limit is cut off there: the server answers 413 and closes, the client cannot send the rest', async () => {
    const connection = openConnection();
    const { socket } = connection;
    socket.write(requestHead('PROPFIND', aliceCalendar, alice, { 'Content-Type': 'application/xml', 'Transfer-Encoding': 'chunked', Depth: '0' }));
    const piece = Buffer.alloc(16 * 1024, 0x20);
    const frame = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
    const total = 256 * 1024 * 1024;
    let sent = 0;
    while (sent < total && !connection.isClosed() && connection.response().status === 0) {
      sent += piece.length;
      if (!socket.write(frame)) {
        await new Promise<void>((resolve) => {
          socket.once('drain', resolve);
          socket.once('close', resolve);
        });
      }
    }
    await connection.closedWithin(20_000);
    expect(connection.response().status).toBe(413);
    expect(connection.response().text).toBe(`The XML request body is larger than ${MAX_XML} bytes.\n`);
    // What the client got out before the server closed is what the kernel's buffers hold, far from all of it.
    expect(sent).toBeLessThan(total / 4);
  });

  test(`a body that stalls gets 408 after bodyReadTimeoutSeconds (${BODY_TIMEOUT_SECONDS} s) and the connection closes; nothing is stored, and others are served meanwhile`, async () => {
    const event = vevent('stalled-1', { summary: 'Never complete' });
    const half = event.slice(0, event.length / 2);
    const connection = openConnection();
    const started = Date.now();
    connection.socket.write(requestHead('PUT', `${aliceCalendar}stalled.ics`, alice, { 'Content-Type': 'text/calendar', 'Content-Length': String(Buffer.byteLength(event)) }) + half);
    // While that request waits for the rest of its body, the server answers others.
    expect((await send('GET', `${aliceCalendar}mine.ics`)).status).toBe(200);
    await connection.closedWithin(30_000);
    const response = connection.response();
    expect(response.status).toBe(408);
    expect(response.headers.connection).toBe('close');
    expect(response.text).toContain(`The calendar object did not arrive within ${BODY_TIMEOUT_SECONDS} seconds`);
    expect(connection.closedAt()! - started).toBeGreaterThanOrEqual(BODY_TIMEOUT_SECONDS * 1000 - 500);
    expect((await send('GET', `${aliceCalendar}stalled.ics`)).status).toBe(404);
  });

  test('a request without credentials is answered 401 at once, not after its body, and the connection closes', async () => {
    // The root, and a private calendar (where an anonymous visitor could read a public one).
    for (const path of ['/dav/', aliceCalendar]) {
      const connection = openConnection();
      connection.socket.write(`${requestHead('PROPFIND', path, null, { 'Content-Type': 'application/xml', 'Content-Length': String(10 * MAX_XML), Depth: '0' })}<d:propfind`);
      await connection.closedWithin(20_000);
      expect(connection.response().status).toBe(401);
      expect(connection.response().headers.connection).toBe('close');
    }
  });

  test('a client that hangs up halfway through its body leaves nothing behind, and the server carries on', async () => {
    const event = vevent('cut-1', { summary: 'Cut off' });
    const connection = openConnection();
    connection.socket.write(requestHead('PUT', `${aliceCalendar}cut.ics`, alice, { 'Content-Type': 'text/calendar', 'Content-Length': String(Buffer.byteLength(event)) }) + event.slice(0, 40));
    await new Promise((resolve) => setTimeout(resolve, 300));
    connection.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await send('GET', `${aliceCalendar}cut.ics`)).status).toBe(404);
    expect((await send('GET', `${aliceCalendar}mine.ics`)).status).toBe(200);
  });
});

describe('paths and hrefs stay in the user’s own space', () => {
  const bobTail = () => `${bob.username}/bob-cal/bob-secret.ics`;
  /** Ways to name Bob's event starting from Alice's own calendar, or directly. */
  const towardsBob = () => [
    `${aliceCalendar}../../${bobTail()}`,
    `${aliceCalendar}%2e%2e/%2e%2e/${bobTail()}`,
    `${aliceCalendar}%2E%2E/%2E%2E/${bobTail()}`,
    `${aliceCalendar}.%2e/.%2e/${bobTail()}`,
    `${aliceCalendar}%252e%252e/%252e%252e/${bobTail()}`,
    `${aliceCalendar}..%2f..%2f${bob.username}%2fbob-cal%2fbob-secret.ics`,
    `${aliceCalendar}..\\..\\${bob.username}\\bob-cal\\bob-secret.ics`,
    `${aliceCalendar}..%5c..%5c${bob.username}%5cbob-cal%5cbob-secret.ics`,
    `${aliceCalendar}mine.ics%00/../../../${bobTail()}`,
    `${aliceCalendar}%C0%AE%C0%AE/%C0%AE%C0%AE/${bobTail()}`,
    `/dav/calendars/${alice.username}/../${bobTail()}`,
    `/dav/calendars/${bob.username}/bob-cal/bob-secret.ics`,
    `/dav//calendars//${bob.username}//bob-cal//bob-secret.ics`,
    `/dav/calendars/${bob.username}/bob-cal/bob-secret.ics/`,
    `/dav/calendars/${encodeURIComponent(bob.username).replace(/[a-z]/g, (letter) => `%${letter.charCodeAt(0).toString(16)}`)}/bob-cal/bob-secret.ics`,
    `/dav/calendars/${bob.username.toUpperCase()}/bob-cal/bob-secret.ics`,
    `/dav/calendars/${alice.username}/bob-cal/bob-secret.ics`,
    `/dav/calendars/${bob.username}/alice-cal/../bob-cal/bob-secret.ics`,
    `http://evil.example/dav/calendars/${bob.username}/bob-cal/bob-secret.ics`,
  ];

  test("no spelling of a path lets Alice read, write, delete or move Bob's event", async () => {
    const answers: string[] = [];
    for (const path of towardsBob()) {
      const responses = {
        GET: await send('GET', path),
        PROPFIND: await send('PROPFIND', path, { headers: { Depth: '0', 'Content-Type': 'application/xml' }, body: propfind('<d:prop><d:getetag/></d:prop>') }),
        PUT: await send('PUT', path, { headers: { 'Content-Type': 'text/calendar' }, body: vevent('alice-overwrite-1', { summary: 'Overwritten by Alice' }) }),
        DELETE: await send('DELETE', path),
        MOVE: await send('MOVE', path, { headers: { Destination: `${server.origin}${aliceCalendar}taken.ics` } }),
      };
      for (const [method, response] of Object.entries(responses)) {
        if (response.status < 400 || response.status >= 500 || response.text.includes('Bob secret')) answers.push(`${method} ${path} -> ${response.status}`);
        expectReadableError(response);
      }
    }
    expect(answers).toEqual([]);
    await expectBobUntouched();
    expect(await namesIn(alice, aliceCalendar)).toEqual(['mine.ics']);
  });

  test("no Destination of a MOVE puts Alice's event into Bob's calendar, or anywhere outside her calendars", async () => {
    const origin = server.origin;
    const destinations = [
      `${origin}/dav/calendars/${bob.username}/bob-cal/stolen.ics`,
      `http://evil.example/dav/calendars/${bob.username}/bob-cal/stolen.ics`,
      `/dav/calendars/${bob.username}/bob-cal/stolen.ics`,
      `${origin}/dav/calendars/${bob.username}/bob-cal/bob-secret.ics`,
      `${origin}${aliceCalendar}../../${bob.username}/bob-cal/stolen.ics`,
      `${origin}${aliceCalendar}%2e%2e/%2e%2e/${bob.username}/bob-cal/stolen.ics`,
      `${origin}${aliceCalendar}..%2f..%2f${bob.username}%2fbob-cal%2fstolen.ics`,
      `${origin}${aliceCalendar}..\\..\\${bob.username}\\bob-cal\\stolen.ics`,
      `${origin}/dav/calendars/${alice.username}/bob-cal/stolen.ics`,
      `//evil.example/dav/calendars/${bob.username}/bob-cal/stolen.ics`,
      `${origin}${aliceCalendar}x%00.ics`,
      `${origin}${aliceCalendar}${'a'.repeat(300)}.ics`,
      `${origin}${aliceCalendar}`,
      `${origin}/dav/addressbooks/${alice.username}/alice-book/moved.vcf`,
      'file:///etc/passwd',
      'mailto:bob@example.org',
      'not a url at all',
    ];
    const answers: string[] = [];
    for (const destination of destinations) {
      const response = await send('MOVE', `${aliceCalendar}mine.ics`, { headers: { Destination: destination } });
      if (response.status < 400 || response.status >= 500) answers.push(`${destination} -> ${response.status}`);
      expectReadableError(response);
    }
    expect(answers).toEqual([]);
    await expectBobUntouched();
    expect(await namesIn(alice, aliceCalendar)).toEqual(['mine.ics']);
  });

  test("a multiget naming Bob's event or vCard in any spelling answers 404 for it; Alice's own is found, whatever host its absolute href names", async () => {
    const bobCardTail = `${bob.username}/bob-book/bob-friend.vcf`;
    const own = `http://other-host.example:8080${aliceCalendar}mine.ics`;
    const hrefs = [own, ...towardsBob(), `${aliceCalendar}${'a'.repeat(300)}.ics`, `${aliceCalendar}%ff`, 'file:///etc/passwd', `${aliceCalendar}mine.ics?x=../../${bobTail()}`];
    const body = `<c:calendar-multiget xmlns:c="${CALDAV}" xmlns:d="DAV:"><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs
      .map((href) => `<d:href>${href.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</d:href>`)
      .join('')}</c:calendar-multiget>`;
    const response = await send('REPORT', aliceCalendar, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body });
    expect(response.status).toBe(207);
    expect(response.text).not.toContain('Bob secret');
    const entries = multigetAnswers(response.text);
    expect(entries.map((entry) => entry.href)).toEqual(hrefs.map((href) => href.replace(/&/g, '&amp;').replace(/</g, '&lt;')));
    // Alice's own event, by the absolute href on another host and by the href whose query names Bob's path.
    expect(entries.filter((entry) => entry.found).map((entry) => entry.href)).toEqual([own, `${aliceCalendar}mine.ics?x=../../${bobTail()}`]);
    expect(response.text.match(/SUMMARY:Alice own/g)).toHaveLength(2);
    expect(entries.filter((entry) => entry.status === 404)).toHaveLength(hrefs.length - 2);

    const cardBody = `<card:addressbook-multiget xmlns:card="${CARDDAV}" xmlns:d="DAV:"><d:prop><card:address-data/></d:prop>${[
      `/dav/addressbooks/${bob.username}/bob-book/bob-friend.vcf`,
      `/dav/addressbooks/${alice.username}/alice-book/../../${bobCardTail}`,
      `/dav/addressbooks/${alice.username}/alice-book/%2e%2e/%2e%2e/${bobCardTail}`,
      `http://evil.example/dav/addressbooks/${bob.username}/bob-book/bob-friend.vcf`,
      `/dav/addressbooks/${alice.username}/bob-book/bob-friend.vcf`,
    ]
      .map((href) => `<d:href>${href}</d:href>`)
      .join('')}</card:addressbook-multiget>`;
    const cards = await send('REPORT', `/dav/addressbooks/${alice.username}/alice-book/`, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: cardBody });
    expect(cards.status).toBe(207);
    expect(cards.text).not.toContain('Bob Friend Secret');
    expect(multigetAnswers(cards.text).map((entry) => entry.status)).toEqual([404, 404, 404, 404, 404]);
  });

  test('a doubly encoded dot-dot is a literal name in the user’s own calendar, decoded once', async () => {
    const path = `${aliceCalendar}%252e%252e`;
    expect((await send('PUT', path, { headers: { 'Content-Type': 'text/calendar' }, body: vevent('literal-1', { summary: 'Literal name' }) })).status).toBe(201);
    expect((await send('GET', path)).text).toContain('Literal name');
    expect(await namesIn(alice, aliceCalendar)).toEqual(['%2e%2e', 'mine.ics']);
    expect((await send('DELETE', path)).status).toBe(204);
    await expectBobUntouched();
  });

  test('one name in NFC and NFD is one resource; listings spell it in NFC, a multiget echoes the client’s spelling', async () => {
    const composed = `${aliceCalendar}caf%C3%A9.ics`;
    const decomposed = `${aliceCalendar}cafe%CC%81.ics`;
    const created = await send('PUT', decomposed, { headers: { 'Content-Type': 'text/calendar', 'If-None-Match': '*' }, body: vevent('unicode-1', { summary: 'Unicode name' }) });
    expect(created.status).toBe(201);
    const byComposed = await send('GET', composed);
    expect(byComposed.status).toBe(200);
    expect(byComposed.headers.etag).toBe(created.headers.etag);
    expect((await send('GET', decomposed)).headers.etag).toBe(created.headers.etag);
    // Creating "the other" spelling finds the one that exists.
    expect((await send('PUT', composed, { headers: { 'Content-Type': 'text/calendar', 'If-None-Match': '*' }, body: vevent('unicode-2') })).status).toBe(412);
    const listing = await send('PROPFIND', aliceCalendar, { headers: { Depth: '1', 'Content-Type': 'application/xml' }, body: propfind('<d:prop><d:getetag/></d:prop>') });
    const rawHrefs = [...listing.text.matchAll(/<d:href>([^<]*)<\/d:href>/g)].map((match) => match[1]);
    expect(rawHrefs).toContain(composed);
    expect(rawHrefs).not.toContain(decomposed);
    const multiget = await send('REPORT', aliceCalendar, {
      headers: { Depth: '1', 'Content-Type': 'application/xml' },
      body: `<c:calendar-multiget xmlns:c="${CALDAV}" xmlns:d="DAV:"><d:prop><d:getetag/></d:prop><d:href>${decomposed}</d:href></c:calendar-multiget>`,
    });
    expect([...multiget.text.matchAll(/<d:href>([^<]*)<\/d:href>/g)].map((match) => match[1])).toEqual([decomposed]);
    expect(readMultistatus(multiget.text)[0].props.get('{DAV:}getetag')?.text).toBe(created.headers.etag);
    expect((await send('DELETE', decomposed)).status).toBe(204);
    expect((await send('GET', composed)).status).toBe(404);
  });

  test('double and trailing slashes name the same resource; names of 255 characters work, 256 get 400', async () => {
    const slashes = `/dav//calendars//${alice.username}//alice-cal//mine.ics/`;
    const viaSlashes = await send('GET', slashes);
    expect(viaSlashes.status).toBe(200);
    expect(viaSlashes.text).toContain('Alice own');
    expect((await send('PROPFIND', `/dav//calendars//${alice.username}//alice-cal//`, { headers: { Depth: '0' } })).status).toBe(207);

    const longest = `${'n'.repeat(251)}.ics`;
    expect((await send('PUT', `${aliceCalendar}${longest}`, { headers: { 'Content-Type': 'text/calendar' }, body: vevent('long-name-1') })).status).toBe(201);
    expect((await send('GET', `${aliceCalendar}${longest}`)).status).toBe(200);
    expect(await namesIn(alice, aliceCalendar)).toEqual(['mine.ics', longest]);
    expect((await send('DELETE', `${aliceCalendar}${longest}`)).status).toBe(204);
    const tooLong = await send('PUT', `${aliceCalendar}${'n'.repeat(252)}.ics`, { headers: { 'Content-Type': 'text/calendar' }, body: vevent('long-name-2') });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toMatch(/at most 255 characters/);
    expect(await namesIn(alice, aliceCalendar)).toEqual(['mine.ics']);
  });

  test('very long URLs get a 4xx, and the server carries on', async () => {
    // Past Node's header limit (16 KiB): refused by the HTTP parser itself.
    const huge = await send('GET', `${aliceCalendar}${'a/'.repeat(20_000)}x.ics`);
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    // Within it, but with more segments than the tree has: nothing there.
    expect((await send('GET', `${aliceCalendar}${'a/'.repeat(3_000)}x.ics`)).status).toBe(404);
    expect((await send('PUT', `${aliceCalendar}${'a/'.repeat(3_000)}x.ics`, { headers: { 'Content-Type': 'text/calendar' }, body: vevent('deep-1') })).status).toBe(409);
    expect((await send('GET', `${aliceCalendar}mine.ics`)).status).toBe(200);
  });

  test('odd paths get a 4xx from every method, never a 500, and change nothing', async () => {
    const base = `/dav/calendars/${alice.username}`;
    const paths = [
      '/dav/%',
      '/dav/%%32%65%%32%65/',
      '/dav/calendars/%ff/',
      `${base}/%00/`,
      `${base}/alice-cal/%`,
      `${base}/alice-cal/%C3`,
      `${base}/alice-cal/%ED%A0%80.ics`,
      `${base}/alice-cal/%F4%90%80%80.ics`,
      `${base}/alice-cal/caf\u00e9.ics/..`,
      `${base}/alice-cal/.`,
      `${base}/%2e/alice-cal/mine.ics`,
      `${base}/alice-cal/x.ics%0d%0aX-Injected:%201`,
      `${base}/alice-cal/${'%41'.repeat(300)}.ics`,
      `${base}/nope/x.ics`,
      `${base}/alice-cal/mine.ics/extra/more`,
      '/dav/principals/%2e%2e/',
      '/dav/principals/roles/%2e%2e/',
      `/dav/addressbooks/${alice.username}/alice-book/%2e%2e`,
      '/dav/unknown-area/x',
      '/dav/calendars/../../admin',
    ];
    const methods: Array<[string, Record<string, string>, string | undefined]> = [
      ['GET', {}, undefined],
      ['HEAD', {}, undefined],
      ['OPTIONS', {}, undefined],
      ['PROPFIND', { Depth: '1', 'Content-Type': 'application/xml' }, propfind('<d:prop><d:getetag/></d:prop>')],
      ['PROPPATCH', { 'Content-Type': 'application/xml' }, '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>x</d:displayname></d:prop></d:set></d:propertyupdate>'],
      ['PUT', { 'Content-Type': 'text/calendar' }, vevent('odd-1')],
      ['DELETE', {}, undefined],
      ['MKCALENDAR', {}, undefined],
      ['MOVE', { Destination: `${aliceCalendar}moved.ics` }, undefined],
      ['REPORT', { Depth: '1', 'Content-Type': 'application/xml' }, `<c:calendar-multiget xmlns:c="${CALDAV}" xmlns:d="DAV:"><d:prop><d:getetag/></d:prop><d:href>${aliceCalendar}mine.ics</d:href></c:calendar-multiget>`],
    ];
    const serverErrors: string[] = [];
    for (const path of paths) {
      for (const [method, headers, body] of methods) {
        const response = await send(method, path, { headers, body });
        if (response.status >= 500) serverErrors.push(`${method} ${path} -> ${response.status}: ${response.text.slice(0, 120)}`);
        // OPTIONS answers any path under the base path; everything else is a client error here.
        if (method !== 'OPTIONS' && response.status < 400) serverErrors.push(`${method} ${path} -> ${response.status}`);
      }
    }
    expect(serverErrors).toEqual([]);
    expect(await namesIn(alice, aliceCalendar)).toEqual(['mine.ics']);
    expect(await displayname(alice, aliceCalendar)).toBe('Alice');
    await expectBobUntouched();
  });
});
