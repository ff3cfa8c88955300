/**
 * The admin's contacts page API: address books, a searchable and paginated contact list, and editors' writes
 * through the document service, which CardDAV clients see at their next sync; a stale etag is refused.
 */

import sharp from 'sharp';

import type { ContactSummary } from '../../server/src/contact-admin/types';
import { davClient, readMultistatus } from '../harness/dav';
import { http, type HttpResponse } from '../harness/http';
import { createEditor, createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

type Summary = ContactSummary;

interface Detail {
  documentId: string;
  fullName: string | null;
  title: string | null;
  emails: Array<{ type?: string; value: string }> | null;
  photo: { id: number; url: string; thumbnailUrl: string } | null;
  resourceName: string;
  etag: string;
}

interface ListAnswer {
  data: Summary[];
  meta: { pagination: { page: number; pageSize: number; pageCount: number; total: number } };
}

let server: TestServer;
let adminToken: string;
let user: TestUser;
let bookId: string;
let dav: ReturnType<typeof davClient>;
const bookPath = () => `/dav/addressbooks/${user.username}/people/`;

const FILLERS = 22;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await registerAdmin(server);
  user = await createUser(server);
  bookId = (await server.collections.createAddressBook({ owner: user.documentId, name: 'People', slug: 'people' })).documentId;
  await server.collections.createAddressBook({ owner: user.documentId, name: 'Empty', slug: 'empty' });
  const add = (input: Parameters<TestServer['collections']['createContact']>[1]) => server.collections.createContact(bookId, input);
  await add({
    fullName: 'Ada Lovelace',
    organization: 'Analytical Engines Ltd',
    emails: [{ type: 'work', value: 'ada@engines.example' }],
    phones: [{ type: 'cell', value: '+44 20 7946 0001' }],
  });
  await add({ fullName: 'Grace Hopper', organization: 'US Navy', emails: [{ type: 'home', value: 'grace@navy.example' }] });
  await add({ fullName: 'alan turing', organization: 'Bletchley Park' });
  for (let index = 1; index <= FILLERS; index += 1) await add({ fullName: `Zed Filler ${String(index).padStart(2, '0')}` });
  dav = davClient(server.origin, user);
});

afterAll(async () => {
  await server?.stop();
});

// `null` for no token at all.
const api = (method: string, path: string, body?: unknown, token: string | null = adminToken): Promise<HttpResponse> =>
  http(server.origin, method, `/caldav${path}`, {
    bearer: token ?? undefined,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const message = (response: HttpResponse) => response.json<{ error: { message: string } }>().error.message;

async function list(query = ''): Promise<ListAnswer> {
  const response = await api('GET', `/address-books/${bookId}/contacts${query}`);
  expect(response.status).toBe(200);
  return response.json<ListAnswer>();
}

async function ok<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
  const response = await api(method, path, body);
  if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  return response.json<{ data: T }>().data;
}

/** The vCard a CardDAV client reads, unfolded. */
async function davCard(resourceName: string): Promise<HttpResponse & { unfolded: string }> {
  const response = await dav.get(`${bookPath()}${encodeURIComponent(resourceName)}`);
  return Object.assign(response, { unfolded: response.text.replace(/\r\n[ \t]/g, '') });
}

async function syncToken(): Promise<string> {
  const response = await dav.propfind(bookPath(), '0', `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:sync-token/></d:prop></d:propfind>`);
  return readMultistatus(response.text)[0].props.get('{DAV:}sync-token')!.text;
}

/** What a sync-collection from `token` reports: the changed and the removed resource names. */
async function changesSince(token: string): Promise<{ changed: string[]; removed: string[] }> {
  const body = `<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
  const response = await dav.report(bookPath(), body, '0');
  expect(response.status).toBe(207);
  const entries = readMultistatus(response.text);
  const name = (href: string) => href.split('/').pop() ?? '';
  return {
    changed: entries.filter((entry) => entry.status === undefined).map((entry) => name(entry.href)),
    removed: entries.filter((entry) => entry.status === 404).map((entry) => name(entry.href)),
  };
}

describe('reading', () => {
  test('lists the address books with their owner and contact count', async () => {
    const books = await ok<Array<Record<string, unknown>>>('GET', '/address-books');
    expect(books).toEqual([
      { documentId: expect.any(String), name: 'Empty', slug: 'empty', owner: user.username, contacts: 0 },
      { documentId: bookId, name: 'People', slug: 'people', owner: user.username, contacts: 3 + FILLERS },
    ]);
  });

  test('pages through the contacts sorted by full name, whatever the case', async () => {
    const first = await list();
    expect(first.meta.pagination).toEqual({ page: 1, pageSize: 25, pageCount: 1, total: 3 + FILLERS });
    expect(first.data.slice(0, 3).map((contact) => contact.fullName)).toEqual(['Ada Lovelace', 'alan turing', 'Grace Hopper']);
    expect(first.data[0]).toEqual({
      documentId: expect.any(String),
      fullName: 'Ada Lovelace',
      organization: 'Analytical Engines Ltd',
      email: 'ada@engines.example',
      phone: '+44 20 7946 0001',
      photoUrl: null,
      etag: expect.any(String),
    });

    const second = await list('?page=2&pageSize=10');
    expect(second.meta.pagination).toEqual({ page: 2, pageSize: 10, pageCount: 3, total: 3 + FILLERS });
    expect(second.data.map((contact) => contact.fullName)).toEqual(Array.from({ length: 10 }, (_, i) => `Zed Filler ${String(i + 8).padStart(2, '0')}`));
    const beyond = await list('?page=9&pageSize=10');
    expect(beyond.data).toEqual([]);
    expect(beyond.meta.pagination.total).toBe(3 + FILLERS);
  });

  test('searches name, organization, email and phone, case-insensitively', async () => {
    const names = async (q: string) => (await list(`?q=${encodeURIComponent(q)}`)).data.map((contact) => contact.fullName);
    expect(await names('LOVELACE')).toEqual(['Ada Lovelace']);
    expect(await names('navy')).toEqual(['Grace Hopper']);
    expect(await names('ada@ENGINES')).toEqual(['Ada Lovelace']);
    expect(await names('7946 0001')).toEqual(['Ada Lovelace']);
    expect(await names('207946')).toEqual(['Ada Lovelace']);
    expect(await names('Turing')).toEqual(['alan turing']);
    expect(await names('nobody here')).toEqual([]);
    const filtered = await list('?q=filler&pageSize=5');
    expect(filtered.meta.pagination).toEqual({ page: 1, pageSize: 5, pageCount: 5, total: FILLERS });
  });

  test('refuses a malformed query and an unknown address book or contact', async () => {
    for (const query of ['?page=0', '?page=x', '?pageSize=101', '?q=a&q=b']) {
      const response = await api('GET', `/address-books/${bookId}/contacts${query}`);
      expect(response.status).toBe(400);
      expect(message(response)).toMatch(/page|pageSize|"q"/);
    }
    expect((await api('GET', '/address-books/nope/contacts')).status).toBe(404);
    const unknown = await api('GET', '/contacts/nope');
    expect(unknown.status).toBe(404);
    expect(message(unknown)).toContain('No contact');
  });
});

describe('writing', () => {
  test('a created contact reaches CardDAV clients, with its fields in the vCard', async () => {
    const before = await syncToken();
    const created = await ok<Detail>(
      'POST',
      `/address-books/${bookId}/contacts`,
      {
        fullName: 'Katherine Johnson',
        name: { given: 'Katherine', family: 'Johnson', prefix: '' },
        organization: 'NASA',
        title: 'Mathematician',
        emails: [{ type: 'work', value: 'kj@nasa.example' }],
        phones: [{ type: 'work', value: '+1 757 555 0100' }],
        addresses: [{ type: 'work', street: '1 NASA Dr', locality: 'Hampton', country: 'USA' }],
        birthday: '1918-08-26',
        url: 'https://nasa.example/kj',
        note: 'Computed trajectories.\nBy hand.',
      },
      201,
    );
    expect(created).toMatchObject({ fullName: 'Katherine Johnson', title: 'Mathematician', etag: expect.any(String) });
    const card = await davCard(created.resourceName);
    expect(card.status).toBe(200);
    for (const line of ['FN:Katherine Johnson', 'N:Johnson;Katherine;;;', 'ORG:NASA', 'TITLE:Mathematician', 'kj@nasa.example', '+1 757 555 0100', 'Hampton', 'https://nasa.example/kj']) {
      expect(card.unfolded).toContain(line);
    }
    expect(card.unfolded).toMatch(/BDAY(;VALUE=DATE)?:1918-?08-?26/);
    expect(card.headers.get('etag')).toContain(created.etag);
    expect(await syncToken()).not.toBe(before);
    expect((await changesSince(before)).changed).toEqual([created.resourceName]);
  });

  test('an update with the etag the editor saw changes the vCard; a stale etag is 409 and changes nothing', async () => {
    const [ada] = (await list('?q=lovelace')).data;
    const loaded = await ok<Detail>('GET', `/contacts/${ada.documentId}`);
    const before = await syncToken();
    const updated = await ok<Detail>('PUT', `/contacts/${ada.documentId}`, { title: 'Analyst', etag: loaded.etag });
    expect(updated.title).toBe('Analyst');
    expect(updated.etag).not.toBe(loaded.etag);
    const card = await davCard(loaded.resourceName);
    expect(card.unfolded).toContain('TITLE:Analyst');
    expect(card.unfolded).toContain('FN:Ada Lovelace');
    expect((await changesSince(before)).changed).toEqual([loaded.resourceName]);

    // The editor who loaded the card before that change is refused.
    const afterToken = await syncToken();
    const stale = await api('PUT', `/contacts/${ada.documentId}`, { title: 'Countess', etag: loaded.etag });
    expect(stale.status).toBe(409);
    expect(message(stale)).toMatch(/changed in a contacts app since you opened it; reload/);
    expect((await davCard(loaded.resourceName)).text).toBe(card.text);
    expect(await syncToken()).toBe(afterToken);

    // So is one whose card a contacts app changed meanwhile.
    const appVersion = card.text.replace('TITLE:Analyst', 'TITLE:Set by an app');
    expect((await dav.request('PUT', `${bookPath()}${loaded.resourceName}`, appVersion, { 'Content-Type': 'text/vcard; charset=utf-8' })).status).toBe(204);
    expect((await api('PUT', `/contacts/${ada.documentId}`, { title: 'Overwritten', etag: updated.etag })).status).toBe(409);
    expect((await davCard(loaded.resourceName)).unfolded).toContain('TITLE:Set by an app');
    expect((await ok<Detail>('GET', `/contacts/${ada.documentId}`)).title).toBe('Set by an app');
  });

  test('bad input is a 400 naming the field, and nothing is stored', async () => {
    const [grace] = (await list('?q=hopper')).data;
    const etag = grace.etag;
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', `/address-books/${bookId}/contacts`, { organization: 'Nameless' }, /"fullName" is required/],
      ['POST', `/address-books/${bookId}/contacts`, { fullName: 'X', emails: [{ type: 'home', value: 'not-an-address' }] }, /"emails": entry 1.value is not an email address/],
      ['POST', `/address-books/${bookId}/contacts`, { fullName: 'X', birthday: '1990-02-30' }, /"birthday" must be a date/],
      ['POST', `/address-books/${bookId}/contacts`, { fullName: 'X', nickname: 'x' }, /Unknown field "nickname"/],
      ['POST', `/address-books/${bookId}/contacts`, { fullName: 'X', url: 'not a url' }, /"url" must be a web address/],
      ['POST', `/address-books/${bookId}/contacts`, { fullName: 'X', photo: 'me.png' }, /"photo" must be the id of an image/],
      ['POST', `/address-books/${bookId}/contacts`, { fullName: 'X', photo: 999999 }, /no file with id 999999/],
      ['POST', `/address-books/${bookId}/contacts`, [1, 2], /JSON object/],
      ['PUT', `/contacts/${grace.documentId}`, { title: 'No etag' }, /"etag" is required/],
      ['PUT', `/contacts/${grace.documentId}`, { fullName: '  ', etag }, /"fullName" must not be empty/],
      ['PUT', `/contacts/${grace.documentId}`, { phones: [{ type: 'cell' }], etag }, /"phones": entry 1.value must be non-empty text/],
      ['PUT', `/contacts/${grace.documentId}`, { name: { given: 'G', middle: 'M' }, etag }, /"name": name has an unknown key "middle"/],
    ];
    const count = (await list()).meta.pagination.total;
    for (const [method, path, body, expected] of cases) {
      const response = await api(method, path, body);
      expect([path, response.status]).toEqual([path, 400]);
      expect(message(response)).toMatch(expected);
    }
    expect((await list()).meta.pagination.total).toBe(count);
    expect((await ok<Detail>('GET', `/contacts/${grace.documentId}`)).etag).toBe(etag);
    expect((await api('POST', '/address-books/nope/contacts', { fullName: 'Lost' })).status).toBe(404);
  });

  test('a photo uploaded to the media library is set as the vCard PHOTO, and removed again', async () => {
    const png = await sharp({ create: { width: 12, height: 12, channels: 3, background: '#00aa00' } }).png().toBuffer();
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'green.png');
    const uploaded = await fetch(`${server.origin}/upload`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` }, body: form });
    expect(uploaded.status).toBe(201);
    const [file] = (await uploaded.json()) as Array<{ id: number; url: string }>;

    const [grace] = (await list('?q=hopper')).data;
    const withPhoto = await ok<Detail>('PUT', `/contacts/${grace.documentId}`, { photo: file.id, etag: grace.etag });
    expect(withPhoto.photo).toMatchObject({ id: file.id, url: file.url });
    const card = await davCard(withPhoto.resourceName);
    const photoLine = card.unfolded.split('\r\n').find((line) => line.startsWith('PHOTO'));
    expect(photoLine).toMatch(/^PHOTO[;:]/);
    expect((await list('?q=hopper')).data[0].photoUrl).toBe(withPhoto.photo?.thumbnailUrl);

    const withoutPhoto = await ok<Detail>('PUT', `/contacts/${grace.documentId}`, { photo: null, etag: withPhoto.etag });
    expect(withoutPhoto.photo).toBeNull();
    expect((await davCard(withPhoto.resourceName)).unfolded).not.toMatch(/\r\nPHOTO/);
    expect((await list('?q=hopper')).data[0].photoUrl).toBeNull();

    const text = new FormData();
    text.append('files', new Blob(['just text'], { type: 'text/plain' }), 'notes.txt');
    const [textFile] = (await (await fetch(`${server.origin}/upload`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` }, body: text })).json()) as Array<{ id: number }>;
    const refused = await api('PUT', `/contacts/${grace.documentId}`, { photo: textFile.id, etag: withoutPhoto.etag });
    expect(refused.status).toBe(400);
    expect(message(refused)).toContain('is not an image');
  });

  test('a deleted contact disappears for CardDAV clients; a stale etag keeps it', async () => {
    const created = await ok<Detail>('POST', `/address-books/${bookId}/contacts`, { fullName: 'Short Lived' }, 201);
    expect((await davCard(created.resourceName)).status).toBe(200);
    const stale = await api('DELETE', `/contacts/${created.documentId}?etag=${encodeURIComponent('"old"')}`);
    expect(stale.status).toBe(409);
    expect((await davCard(created.resourceName)).status).toBe(200);

    const before = await syncToken();
    expect(await ok('DELETE', `/contacts/${created.documentId}?etag=${encodeURIComponent(created.etag)}`)).toEqual({ documentId: created.documentId });
    expect((await davCard(created.resourceName)).status).toBe(404);
    expect((await changesSince(before)).removed).toEqual([created.resourceName]);
    expect((await api('GET', `/contacts/${created.documentId}`)).status).toBe(404);
    expect((await api('DELETE', `/contacts/${created.documentId}`)).status).toBe(404);
  });
});

describe('permissions', () => {
  test('without an admin token the routes are 401; an Editor needs the contacts actions', async () => {
    expect((await api('GET', '/address-books', undefined, null)).status).toBe(401);
    expect((await api('GET', `/address-books/${bookId}/contacts`, undefined, null)).status).toBe(401);

    const editor = await createEditor(server, adminToken);
    const editorToken = editor.token;

    const [turing] = (await list('?q=turing')).data;
    expect((await api('GET', '/address-books', undefined, editorToken)).status).toBe(403);
    expect((await api('GET', `/address-books/${bookId}/contacts`, undefined, editorToken)).status).toBe(403);
    expect((await api('GET', `/contacts/${turing.documentId}`, undefined, editorToken)).status).toBe(403);

    // Reading only: writes stay refused.
    await editor.grant('contacts.read');
    expect((await api('GET', '/address-books', undefined, editorToken)).status).toBe(200);
    expect((await api('GET', `/contacts/${turing.documentId}`, undefined, editorToken)).status).toBe(200);
    expect((await api('PUT', `/contacts/${turing.documentId}`, { title: 'Nope', etag: turing.etag }, editorToken)).status).toBe(403);
    expect((await api('POST', `/address-books/${bookId}/contacts`, { fullName: 'Nope' }, editorToken)).status).toBe(403);
    expect((await api('DELETE', `/contacts/${turing.documentId}`, undefined, editorToken)).status).toBe(403);
    expect((await ok<Detail>('GET', `/contacts/${turing.documentId}`)).title).toBeNull();
  });
});
