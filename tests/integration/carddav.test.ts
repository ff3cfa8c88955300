/**
 * CardDAV: a real client (tsdav) discovering and syncing address books, and raw requests for queries, content
 * negotiation, groups and every precondition.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import sharp from 'sharp';

import { connectDavClient, davClient, propfindBody, readErrorConditions, readMultistatus } from '../harness/dav';
import { http } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const CARDDAV = 'urn:ietf:params:xml:ns:carddav';
const p = (ns: string, name: string) => `{${ns}}${name}`;
const CARD = `xmlns:card="${CARDDAV}"`;

let server: TestServer;
let user: TestUser;
let dav: ReturnType<typeof davClient>;
let bookPath: string;

const vcard = (uid: string, lines: string[], version = '3.0') =>
  ['BEGIN:VCARD', `VERSION:${version}`, 'PRODID:-//Example//Test//EN', `UID:${uid}`, ...lines, 'END:VCARD', ''].join('\r\n');

const ada = vcard('ada-1', [
  'FN:Ada Lovelace',
  'N:Lovelace;Ada;;;',
  'EMAIL;TYPE=INTERNET,WORK:ada@example.com',
  'item1.TEL:+44 20 7946 0001',
  'item1.X-ABLabel:Lab',
  'ORG:Analytical Engines Ltd',
  'BDAY:1815-12-10',
  'X-CUSTOM-FLAG:keep me',
]);

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
  const book = await server.collections.createAddressBook({ owner: user.documentId, name: 'Friends', slug: 'friends' });
  await server.collections.createContact(book.documentId, {
    fullName: 'Grace Hopper',
    name: { given: 'Grace', family: 'Hopper' },
    emails: [{ type: 'work', value: 'grace@example.com' }],
  });
  dav = davClient(server.origin, user);
  bookPath = `/dav/addressbooks/${user.username}/friends/`;
});

afterAll(async () => {
  await server?.stop();
});

describe('discovery and sync with a CardDAV client', () => {
  test('tsdav finds the address books from the site root and reads, writes and deletes vCards', async () => {
    const client = await connectDavClient(server.origin, user, 'carddav');
    const books = await client.fetchAddressBooks();
    expect(books.map((book) => book.displayName)).toEqual(['Friends']);
    const [book] = books;
    expect(book.url).toBe(`${server.origin}${bookPath}`);

    const initial = await client.fetchVCards({ addressBook: book });
    expect(initial).toHaveLength(1);
    expect(initial[0].data).toContain('FN:Grace Hopper');
    expect(initial[0].data).toContain('EMAIL;TYPE=work:grace@example.com'.slice(0, 6));

    const created = await client.createVCard({ addressBook: book, vCardString: ada, filename: 'ada.vcf' });
    expect(created.status).toBe(201);
    const [stored] = (await server.collections.listContacts((await server.collections.findAddressBookBySlug('friends'))!.documentId)).filter(
      (contact) => contact.uid === 'ada-1',
    );
    expect(stored).toMatchObject({ fullName: 'Ada Lovelace', organization: 'Analytical Engines Ltd', birthday: '1815-12-10', resourceName: 'ada.vcf' });
    expect(stored.emails).toEqual([{ type: 'work', value: 'ada@example.com' }]);

    const cards = await client.fetchVCards({ addressBook: book });
    const adaCard = cards.find((card) => card.url.endsWith('ada.vcf'))!;
    expect(`${adaCard.data}\r\n`).toBe(ada);

    const updated = await client.updateVCard({ vCard: { ...adaCard, data: ada.replace('ORG:Analytical Engines Ltd', 'ORG:Difference Engines') } });
    expect(updated.status).toBe(204);
    const multiget = await client.addressBookMultiGet({
      url: book.url,
      props: { 'd:getetag': {}, 'card:address-data': {} },
      objectUrls: [adaCard.url],
      depth: '1',
    });
    expect(JSON.stringify(multiget[0].props)).toContain('Difference Engines');

    const deleted = await client.deleteVCard({ vCard: (await client.fetchVCards({ addressBook: book })).find((card) => card.url.endsWith('ada.vcf'))! });
    expect(deleted.status).toBe(204);
    expect((await client.fetchVCards({ addressBook: book })).map((card) => card.url.split('/').pop())).not.toContain('ada.vcf');
  });

  test('the principal points at the address book home, and the DAV header says addressbook', async () => {
    const response = await dav.propfind(`/dav/principals/${user.username}/`, '0', propfindBody(`card:addressbook-home-set ${CARD}`));
    expect(readMultistatus(response.text)[0].props.get(p(CARDDAV, 'addressbook-home-set'))?.hrefs).toEqual([`/dav/addressbooks/${user.username}/`]);
    expect(response.headers.get('dav')).toContain('addressbook');
    expect((await http(server.origin, 'PROPFIND', '/.well-known/carddav')).headers.get('location')).toBe('/dav/');
  });

  test('address book properties', async () => {
    const response = await dav.propfind(
      bookPath,
      '0',
      propfindBody('d:resourcetype', 'd:displayname', `card:addressbook-description ${CARD}`, `card:supported-address-data ${CARD}`, `card:max-resource-size ${CARD}`, 'cs:getctag', 'd:getetag', 'd:owner', 'd:current-user-privilege-set', 'd:supported-report-set'),
    );
    const [entry] = readMultistatus(response.text);
    expect(entry.props.get(p('DAV:', 'resourcetype'))?.children).toEqual([p('DAV:', 'collection'), p(CARDDAV, 'addressbook')]);
    expect(entry.props.get(p(CARDDAV, 'supported-address-data'))?.childAttributes.map((attributes) => attributes.version)).toEqual(['3.0', '4.0']);
    expect(entry.props.get(p('http://calendarserver.org/ns/', 'getctag'))?.text).toBeTruthy();
    expect([...entry.props.values()].every((value) => value.status === 200)).toBe(true);
  });
});

describe('address books: MKCOL, PROPPATCH, DELETE', () => {
  test('extended MKCOL creates an address book; PROPPATCH renames it; DELETE removes it with its contacts', async () => {
    const home = `/dav/addressbooks/${user.username}/`;
    const created = await dav.request(
      'MKCOL',
      `${home}work/`,
      `<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" ${CARD}><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype><d:displayname>Work</d:displayname><card:addressbook-description>Colleagues</card:addressbook-description></d:prop></d:set></d:mkcol>`,
      { 'Content-Type': 'application/xml' },
    );
    expect(created.status).toBe(201);
    expect(await server.collections.findAddressBookBySlug('work')).toMatchObject({ name: 'Work', description: 'Colleagues' });

    const patch = await dav.proppatch(`${home}work/`, `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Colleagues</d:displayname></d:prop></d:set></d:propertyupdate>`);
    expect(readMultistatus(patch.text)[0].props.get(p('DAV:', 'displayname'))?.status).toBe(200);
    expect((await server.collections.findAddressBookBySlug('work'))?.name).toBe('Colleagues');

    expect((await dav.request('PUT', `${home}work/x.vcf`, vcard('x-1', ['FN:X']), { 'Content-Type': 'text/vcard' })).status).toBe(201);
    expect((await dav.delete(`${home}work/`)).status).toBe(204);
    expect(await server.collections.findAddressBookBySlug('work')).toBeNull();
    expect(await server.strapi.db.query('plugin::caldav.contact' as never).count({ where: { uid: 'x-1' } })).toBe(0);
  });
});

describe('vCards', () => {
  const put = (name: string, body: string, headers: Record<string, string> = {}) =>
    dav.request('PUT', `${bookPath}${name}`, body, { 'Content-Type': 'text/vcard; charset=utf-8', ...headers });

  test('PUT, GET byte for byte, conditional requests', async () => {
    const created = await put('babbage.vcf', vcard('babbage-1', ['FN:Charles Babbage', 'N:Babbage;Charles;;;']), { 'If-None-Match': '*' });
    expect(created.status).toBe(201);
    const got = await dav.get(`${bookPath}babbage.vcf`);
    expect(got.headers.get('content-type')).toBe('text/vcard; charset=utf-8');
    expect(got.headers.get('etag')).toBe(created.headers.get('etag'));
    expect(got.text).toBe(vcard('babbage-1', ['FN:Charles Babbage', 'N:Babbage;Charles;;;']));
    expect((await put('babbage.vcf', vcard('babbage-1', ['FN:Other']), { 'If-None-Match': '*' })).status).toBe(412);
    expect((await put('babbage.vcf', vcard('babbage-1', ['FN:Other']), { 'If-Match': '"stale"' })).status).toBe(412);
    expect((await put('babbage.vcf', vcard('babbage-1', ['FN:Charles B.']), { 'If-Match': created.headers.get('etag')! })).status).toBe(204);
  });

  test.each([
    ['a vCard 2.1', vcard('old', ['FN:Old']).replace('VERSION:3.0', 'VERSION:2.1'), 'supported-address-data', 403],
    ['no FN', vcard('nofn', ['N:Nobody;;;;']), 'valid-address-data', 403],
    ['no UID', vcard('x', ['FN:No UID']).replace('UID:x\r\n', ''), 'valid-address-data', 403],
    ['not a vCard', 'hello', 'valid-address-data', 403],
  ])('PUT of %s is refused with its precondition', async (_label, body, precondition, status) => {
    const before = await server.strapi.db.query('plugin::caldav.contact' as never).count();
    const response = await put('bad.vcf', body);
    expect(response.status).toBe(status);
    expect(readErrorConditions(response.text)).toContain(p(CARDDAV, precondition));
    expect(await server.strapi.db.query('plugin::caldav.contact' as never).count()).toBe(before);
  });

  test('PUT as another media type is refused with supported-address-data', async () => {
    const response = await dav.request('PUT', `${bookPath}json.vcf`, '{}', { 'Content-Type': 'application/json' });
    expect(response.status).toBe(415);
    expect(readErrorConditions(response.text)).toContain(p(CARDDAV, 'supported-address-data'));
  });

  test('a UID used by another vCard is refused with no-uid-conflict', async () => {
    const response = await put('babbage-copy.vcf', vcard('babbage-1', ['FN:Copy']));
    expect(response.status).toBe(409);
    expect(readErrorConditions(response.text)).toContain(p(CARDDAV, 'no-uid-conflict'));
    expect(response.text).toContain(`${bookPath}babbage.vcf`);
  });

  test('GET with Accept asks for vCard 4.0 or 3.0', async () => {
    await put('lovelace.vcf', ada);
    const v4 = await dav.get(`${bookPath}lovelace.vcf`, { Accept: 'text/vcard; version=4.0' });
    expect(v4.text).toContain('VERSION:4.0');
    expect(v4.text).toContain('FN:Ada Lovelace');
    expect(v4.text).toContain('ada@example.com');
    const v3 = await dav.get(`${bookPath}lovelace.vcf`, { Accept: 'text/vcard; version=3.0' });
    expect(v3.text).toBe(ada);
  });

  test('groups in both dialects are stored and served faithfully', async () => {
    const appleGroup = vcard('group-apple', ['FN:Team', 'N:Team;;;;', 'X-ADDRESSBOOKSERVER-KIND:group', 'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:ada-1', 'X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:babbage-1']);
    const group4 = vcard('group-4', ['FN:Club', 'KIND:group', 'MEMBER:urn:uuid:ada-1'], '4.0');
    expect((await put('team.vcf', appleGroup)).status).toBe(201);
    expect((await put('club.vcf', group4)).status).toBe(201);
    expect((await dav.get(`${bookPath}team.vcf`)).text).toBe(appleGroup);
    expect((await dav.get(`${bookPath}club.vcf`)).text).toBe(group4);
    const contacts = await server.strapi.db.query('plugin::caldav.contact' as never).findMany({ where: { uid: { $in: ['group-apple', 'group-4'] } } });
    for (const contact of contacts as Array<{ kind: string; members: string[] }>) {
      expect(contact.kind).toBe('group');
      expect(contact.members).toContain('urn:uuid:ada-1');
    }
    const converted = await dav.get(`${bookPath}team.vcf`, { Accept: 'text/vcard; version=4.0' });
    expect(converted.text).toContain('KIND:group');
    expect(converted.text).toContain('MEMBER:urn:uuid:babbage-1');
  });

  test('an editor edit rewrites only the touched properties and bumps REV; the client sees it', async () => {
    const before = await dav.get(`${bookPath}lovelace.vcf`);
    const [contact] = (await server.strapi.db.query('plugin::caldav.contact' as never).findMany({ where: { uid: 'ada-1' } })) as Array<{ documentId: string }>;
    await server.strapi.documents('plugin::caldav.contact' as never).update({ documentId: contact.documentId, data: { title: 'Countess' } as never });
    const after = await dav.get(`${bookPath}lovelace.vcf`);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(after.text).toContain('TITLE:Countess');
    expect(after.text).toMatch(/REV:/);
    expect(after.text).toContain('X-CUSTOM-FLAG:keep me');
    // Untouched properties keep their values and groups; property names are case-insensitive (RFC 6350 3.3).
    expect(after.text).toMatch(/item1\.X-ABLabel:Lab/i);
    expect(after.text).toContain('item1.TEL:+44 20 7946 0001');
  });

  test('a contact created by an editor gets a complete vCard', async () => {
    const book = await server.collections.findAddressBookBySlug('friends');
    const created = await server.collections.createContact(book!.documentId, { fullName: 'Alan Turing', phones: [{ type: 'work', value: '+44 161 496 0002' }] });
    const response = await dav.get(`${bookPath}${encodeURIComponent(created.resourceName as string)}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('BEGIN:VCARD');
    expect(response.text).toContain('FN:Alan Turing');
    expect(response.text).toContain('+44 161 496 0002');
    expect(response.text).toContain(`UID:${created.uid as string}`);
  });
});

describe('contact photos', () => {
  const files = () => server.strapi.db.query('plugin::upload.file' as never);
  const put = (name: string, body: string) => dav.request('PUT', `${bookPath}${name}`, body, { 'Content-Type': 'text/vcard; charset=utf-8' });

  test("a client's inline photo lands in the media library, once", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const card = vcard('photo-1', ['FN:Pictured Person', `PHOTO;ENCODING=b;TYPE=PNG:${png.toString('base64')}`]);
    const before = await files().count();
    expect((await put('pictured.vcf', card)).status).toBe(201);
    const contact = (await server.strapi.db.query('plugin::caldav.contact' as never).findOne({ where: { uid: 'photo-1' }, populate: ['photo'] })) as {
      photo: { mime: string; width: number } | null;
    };
    expect(contact.photo).toMatchObject({ mime: 'image/png', width: 8 });
    expect(await files().count()).toBe(before + 1);
    // The same photo again (with another change) does not add a second file; the vCard stays as sent.
    expect((await put('pictured.vcf', card.replace('FN:Pictured Person', 'FN:Pictured Person Jr.'))).status).toBe(204);
    expect(await files().count()).toBe(before + 1);
    expect((await dav.get(`${bookPath}pictured.vcf`)).text).toContain(png.toString('base64').slice(0, 40));
  });

  test('an image an editor picks becomes the inline photo of the vCard', async () => {
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#0000ff' } }).jpeg().toBuffer();
    const directory = mkdtempSync(path.join(tmpdir(), 'photo-'));
    const filepath = path.join(directory, 'blue.jpg');
    writeFileSync(filepath, jpeg);
    const [file] = (await server.strapi.plugin('upload').service('upload').upload({
      data: { fileInfo: { name: 'blue.jpg' } },
      files: { filepath, originalFilename: 'blue.jpg', mimetype: 'image/jpeg', size: jpeg.length },
    })) as Array<{ id: number }>;
    const [contact] = (await server.strapi.db.query('plugin::caldav.contact' as never).findMany({ where: { uid: 'babbage-1' } })) as Array<{ documentId: string }>;
    await server.strapi.documents('plugin::caldav.contact' as never).update({ documentId: contact.documentId, data: { photo: file.id } as never });
    const text = (await dav.get(`${bookPath}babbage.vcf`)).text.replace(/\r\n[ \t]/g, '');
    const photoLine = text.split('\r\n').find((line) => line.startsWith('PHOTO'));
    expect(photoLine).toMatch(/^PHOTO;(ENCODING=b;TYPE=JPEG|TYPE=JPEG;ENCODING=b)/i);
    const decoded = Buffer.from(photoLine!.slice(photoLine!.indexOf(':') + 1), 'base64');
    expect((await sharp(decoded).metadata()).format).toBe('jpeg');
  });
});

describe('addressbook-query and addressbook-multiget', () => {
  const query = (filter: string, extra = '', prop = '<d:getetag/>') =>
    `<?xml version="1.0" encoding="utf-8"?><card:addressbook-query xmlns:d="DAV:" ${CARD}><d:prop>${prop}</d:prop><card:filter ${extra}>${filter}</card:filter></card:addressbook-query>`;
  const names = async (filter: string, extra = '') =>
    readMultistatus((await dav.report(bookPath, query(filter, extra))).text)
      .filter((entry) => entry.status === undefined)
      .map((entry) => entry.href.split('/').pop())
      .sort();

  test('text-match match types and collations', async () => {
    const fn = (match: string, attributes: string) => `<card:prop-filter name="FN"><card:text-match ${attributes}>${match}</card:text-match></card:prop-filter>`;
    expect(await names(fn('ada', ''))).toEqual(['lovelace.vcf']);
    expect(await names(fn('Ada Lovelace', 'match-type="equals"'))).toEqual(['lovelace.vcf']);
    expect(await names(fn('Ada', 'match-type="ends-with"'))).toEqual([]);
    expect(await names(fn('charles', 'match-type="starts-with"'))).toEqual(['babbage.vcf']);
    expect(await names(fn('ADA', 'collation="i;octet"'))).toEqual([]);
    const notAda = await names(fn('ada', 'negate-condition="yes"'));
    expect(notAda).not.toContain('lovelace.vcf');
    expect(notAda).toContain('babbage.vcf');
  });

  test('anyof and allof, is-not-defined and param-filter', async () => {
    const email = '<card:prop-filter name="EMAIL"><card:text-match>example.com</card:text-match></card:prop-filter>';
    const org = '<card:prop-filter name="ORG"><card:text-match>Analytical</card:text-match></card:prop-filter>';
    const either = await names(email + org, 'test="anyof"');
    expect(either).toContain('lovelace.vcf');
    expect(either).not.toContain('babbage.vcf');
    expect(either.length).toBeGreaterThanOrEqual(2);
    expect(await names(email + org, 'test="allof"')).toEqual(['lovelace.vcf']);
    expect(await names('<card:prop-filter name="EMAIL"><card:is-not-defined/></card:prop-filter><card:prop-filter name="FN"><card:text-match>Charles</card:text-match></card:prop-filter>', 'test="allof"')).toEqual(['babbage.vcf']);
    expect(await names('<card:prop-filter name="EMAIL"><card:param-filter name="TYPE"><card:text-match>work</card:text-match></card:param-filter></card:prop-filter>')).toContain('lovelace.vcf');
  });

  test('limit cuts the result and says so with 507', async () => {
    const response = await dav.report(
      bookPath,
      `<?xml version="1.0"?><card:addressbook-query xmlns:d="DAV:" ${CARD}><d:prop><d:getetag/></d:prop><card:filter/><card:limit><card:nresults>2</card:nresults></card:limit></card:addressbook-query>`,
    );
    const entries = readMultistatus(response.text);
    expect(entries.filter((entry) => entry.status === undefined)).toHaveLength(2);
    expect(entries.find((entry) => entry.status === 507)?.href).toBe(decodeURIComponent(bookPath));
  });

  test('address-data with property selection and a version', async () => {
    const response = await dav.report(
      bookPath,
      query(
        '<card:prop-filter name="UID"><card:text-match match-type="equals">ada-1</card:text-match></card:prop-filter>',
        '',
        '<card:address-data content-type="text/vcard" version="4.0"><card:prop name="EMAIL"/></card:address-data>',
      ),
    );
    const data = readMultistatus(response.text)[0].props.get(p(CARDDAV, 'address-data'))!.text;
    expect(data).toContain('VERSION:4.0');
    expect(data).toContain('ada@example.com');
    expect(data).not.toContain('ORG:');
  });

  test('multiget returns the asked vCards and 404 for others', async () => {
    const response = await dav.report(
      bookPath,
      `<?xml version="1.0"?><card:addressbook-multiget xmlns:d="DAV:" ${CARD}><d:prop><d:getetag/><card:address-data/></d:prop><d:href>${bookPath}babbage.vcf</d:href><d:href>${bookPath}ghost.vcf</d:href></card:addressbook-multiget>`,
    );
    const entries = readMultistatus(response.text);
    expect(entries.find((entry) => entry.href.endsWith('babbage.vcf'))?.props.get(p(CARDDAV, 'address-data'))?.text).toContain('FN:Charles B.');
    expect(entries.find((entry) => entry.href.endsWith('ghost.vcf'))?.status).toBe(404);
  });
});
