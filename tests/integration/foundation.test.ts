import { http } from '../harness/http';
import { createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const uids = {
  calendar: 'plugin::caldav.calendar',
  event: 'plugin::caldav.event',
  addressBook: 'plugin::caldav.address-book',
  contact: 'plugin::caldav.contact',
};

interface ContentTypeInfo {
  uid: string;
  isDisplayed: boolean;
  options: { draftAndPublish?: boolean };
  attributes: Record<string, { type: string; customField?: string; target?: string; relation?: string }>;
}

let server: TestServer;
let adminToken: string;
let owner: TestUser;

beforeAll(async () => {
  server = await startTestServer();
  adminToken = await registerAdmin(server);
  owner = await createUser(server);
});

afterAll(async () => {
  await server?.stop();
});

const admin = (method: string, path: string, body?: unknown) =>
  http(server.origin, method, path, {
    bearer: adminToken,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('the plugin in a running Strapi', () => {
  test('is loaded with its services', () => {
    expect(server.strapi.plugin('caldav')).toBeDefined();
    expect(typeof server.collections.createCalendar).toBe('function');
  });

  test('its four content types are in the Content Manager with their fields', async () => {
    const response = await admin('GET', '/content-manager/content-types');
    expect(response.status).toBe(200);
    const types = response.json<{ data: ContentTypeInfo[] }>().data;
    const byUid = new Map(types.map((type) => [type.uid, type]));

    for (const uid of Object.values(uids)) expect(byUid.get(uid)?.isDisplayed).toBe(true);

    const calendar = byUid.get(uids.calendar)!;
    expect(Object.keys(calendar.attributes)).toEqual(
      expect.arrayContaining(['name', 'slug', 'description', 'color', 'timezone', 'owner', 'visibility', 'components', 'sortOrder', 'events']),
    );
    expect(calendar.attributes.owner).toMatchObject({ type: 'relation', target: 'plugin::users-permissions.user' });

    const event = byUid.get(uids.event)!;
    expect(event.options.draftAndPublish).toBe(true);
    expect(Object.keys(event.attributes)).toEqual(
      expect.arrayContaining([
        'calendar', 'uid', 'summary', 'description', 'location', 'start', 'end', 'allDay', 'timezone', 'rrule', 'exdates',
        'eventStatus', 'categories', 'url', 'icalendar', 'resourceName', 'componentType',
      ]),
    );
    // The etag stays in the form: it is how a save notices that a calendar app changed the event meanwhile.
    expect(event.attributes.etag).toBeDefined();
    // Values the plugin computes are stored but kept out of the editors' forms.
    for (const computed of ['firstOccurrence', 'lastOccurrence']) {
      expect(event.attributes[computed]).toBeUndefined();
      expect(server.strapi.contentType(uids.event as never).attributes[computed]).toBeDefined();
    }
    expect(event.attributes.exdates).toMatchObject({ type: 'json', customField: 'plugin::caldav.structured' });

    const book = byUid.get(uids.addressBook)!;
    expect(Object.keys(book.attributes)).toEqual(expect.arrayContaining(['name', 'slug', 'description', 'owner', 'contacts']));

    const contact = byUid.get(uids.contact)!;
    expect(Object.keys(contact.attributes)).toEqual(
      expect.arrayContaining([
        'addressBook', 'uid', 'fullName', 'name', 'emails', 'phones', 'addresses', 'organization', 'title', 'birthday', 'note', 'url',
        'photo', 'vcard', 'resourceName',
      ]),
    );
    expect(contact.attributes.etag).toBeDefined();
    expect(contact.attributes.photo.type).toBe('media');
    expect(contact.attributes.emails).toMatchObject({ type: 'json', customField: 'plugin::caldav.structured' });
  });
});

describe('calendars and events', () => {
  test('a calendar with events is created through the services and read back', async () => {
    const calendar = await server.collections.createCalendar({
      owner: owner.documentId,
      name: 'Work',
      slug: 'work',
      timezone: 'Europe/Berlin',
      color: '#112233',
      components: ['VEVENT'],
    });
    await server.collections.createEvent(calendar.documentId, {
      summary: 'Weekly sync',
      start: '2026-03-02T09:00:00.000Z',
      end: '2026-03-02T09:30:00.000Z',
      timezone: 'Europe/Berlin',
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      exdates: ['2026-03-16T09:00:00.000Z'],
      categories: ['Team'],
    });
    await server.collections.createEvent(calendar.documentId, {
      summary: 'Holiday',
      allDay: true,
      start: '2026-03-05T00:00:00.000Z',
      end: '2026-03-06T00:00:00.000Z',
      uid: 'holiday-2026@example.test',
    });

    const events = await server.collections.listEvents(calendar.documentId);
    expect(events.map((event) => event.summary)).toEqual(['Weekly sync', 'Holiday']);
    const [weekly, holiday] = events;
    expect(weekly.rrule).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(weekly.exdates).toEqual(['2026-03-16T09:00:00.000Z']);
    expect(weekly.categories).toEqual(['Team']);
    expect(new Date(weekly.start as string).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(holiday.allDay).toBe(true);

    // Identity: a given UID is kept, a missing one is generated; the resource name follows from it.
    expect(holiday.uid).toBe('holiday-2026@example.test');
    expect(holiday.resourceName).toBe('holiday-2026@example.test.ics');
    expect(typeof weekly.uid).toBe('string');
    expect(weekly.resourceName).toBe(`${weekly.uid as string}.ics`);

    const mine = await server.collections.listCalendarsOf(owner.documentId);
    expect(mine.map((entry) => entry.slug)).toEqual(['work']);
    const found = await server.collections.findCalendarBySlug('work');
    expect((found?.owner as { documentId: string }).documentId).toBe(owner.documentId);
  });

  test('calendar slugs are unique, since they name the calendar in URLs', async () => {
    await server.collections.createCalendar({ owner: owner.documentId, name: 'Team', slug: 'team' });
    await expect(server.collections.createCalendar({ owner: owner.documentId, name: 'Team again', slug: 'team' })).rejects.toThrow(/unique/);
    const response = await admin('POST', `/content-manager/collection-types/${uids.calendar}`, { name: 'Team 3', slug: 'team' });
    expect(response.status).toBe(400);
    expect(await server.strapi.db.query(uids.calendar as never).count({ where: { slug: 'team' } })).toBe(1);
  });

  test('events written by the plugin are published, so subscribers will see them', async () => {
    const calendar = await server.collections.createCalendar({ owner: owner.documentId, name: 'Published', slug: 'published' });
    const created = await server.collections.createEvent(calendar.documentId, { summary: 'Visible', start: '2026-05-01T10:00:00.000Z' });
    const published = await server.strapi.documents(uids.event as never).findOne({ documentId: created.documentId, status: 'published' });
    expect(published).not.toBeNull();
  });

  test('an editor creates an event in the Content Manager and it gets a UID and a resource name', async () => {
    const calendar = await server.collections.createCalendar({ owner: owner.documentId, name: 'Editors', slug: 'editors' });
    const response = await admin('POST', `/content-manager/collection-types/${uids.event}`, {
      summary: 'Board meeting',
      start: '2026-04-01T10:00:00.000Z',
      end: '2026-04-01T11:00:00.000Z',
      calendar: { connect: [{ documentId: calendar.documentId }] },
    });
    expect(response.status).toBe(201);
    const created = response.json<{ data: { documentId: string; uid: string; resourceName: string; status: string } }>().data;
    expect(created.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.resourceName).toBe(`${created.uid}.ics`);
    // Draft & Publish: an editor's new event is a draft until published.
    expect(created.status).toBe('draft');
    expect(await server.collections.listEvents(calendar.documentId)).toHaveLength(0);

    const publish = await admin('POST', `/content-manager/collection-types/${uids.event}/${created.documentId}/actions/publish`, {});
    expect(publish.status).toBe(200);
    expect((await server.collections.listEvents(calendar.documentId)).map((event) => event.summary)).toEqual(['Board meeting']);
  });

  test('bad input from the Content Manager is refused with the field named, and nothing is stored', async () => {
    const before = await server.strapi.db.query(uids.calendar as never).count();
    const response = await admin('POST', `/content-manager/collection-types/${uids.calendar}`, {
      name: 'Mars',
      slug: 'mars',
      timezone: 'Mars/Olympus',
      components: ['VEVENT', 'VCARD'],
    });
    expect(response.status).toBe(400);
    const error = response.json<{ error: { message: string; details: { errors: Array<{ path: string[] }> } } }>().error;
    expect(error.message).toContain('not a known time zone name');
    expect(error.details.errors.map((problem) => problem.path.join('.')).sort()).toEqual(['components', 'timezone']);
    expect(await server.strapi.db.query(uids.calendar as never).count()).toBe(before);
  });

  test('an event that ends before it starts, or with malformed exception dates, is refused', async () => {
    const calendar = await server.collections.createCalendar({ owner: owner.documentId, name: 'Checks', slug: 'checks' });
    await expect(
      server.collections.createEvent(calendar.documentId, { summary: 'Backwards', start: '2026-01-02T10:00:00Z', end: '2026-01-02T09:00:00Z' }),
    ).rejects.toThrow(/end: must not be before the start/);
    await expect(
      server.collections.createEvent(calendar.documentId, { summary: 'Bad exdate', exdates: ['next tuesday'] }),
    ).rejects.toThrow(/exdates: entry 1 must be a date/);
    // A calendar client cannot show an event without a start (RFC 5545 3.6.1).
    await expect(server.collections.createEvent(calendar.documentId, { summary: 'When?' })).rejects.toThrow(/^start: .*DTSTART/);
    await expect(
      server.collections.createEvent(calendar.documentId, { summary: 'Bad rule', start: '2026-01-02T10:00:00Z', rrule: 'FREQ=SOMETIMES' }),
    ).rejects.toThrow(/^rrule: /);
    await expect(
      server.collections.createEvent(calendar.documentId, { summary: 'Escaping', resourceName: '../other/x.ics' }),
    ).rejects.toThrow(/resourceName/);
    expect(await server.collections.listEvents(calendar.documentId)).toHaveLength(0);
  });
});

describe('address books and contacts', () => {
  test('an address book with contacts is created and read back with its structured fields', async () => {
    const book = await server.collections.createAddressBook({ owner: owner.documentId, name: 'Friends', slug: 'friends' });
    await server.collections.createContact(book.documentId, {
      fullName: 'Ada Lovelace',
      name: { given: 'Ada', family: 'Lovelace' },
      emails: [{ type: 'work', value: 'ada@example.com' }],
      phones: [{ type: 'cell', value: '+44 20 7946 0001' }],
      addresses: [{ type: 'home', street: '12 St James Square', locality: 'London', country: 'UK' }],
      birthday: '1815-12-10',
    });
    const [ada] = await server.collections.listContacts(book.documentId);
    expect(ada).toMatchObject({
      fullName: 'Ada Lovelace',
      name: { given: 'Ada', family: 'Lovelace' },
      emails: [{ type: 'work', value: 'ada@example.com' }],
      addresses: [{ type: 'home', street: '12 St James Square', locality: 'London', country: 'UK' }],
      birthday: '1815-12-10',
    });
    expect(ada.resourceName).toBe(`${ada.uid as string}.vcf`);
  });

  test('a contact with an invalid email is refused', async () => {
    const book = await server.collections.createAddressBook({ owner: owner.documentId, name: 'Strict', slug: 'strict' });
    await expect(
      server.collections.createContact(book.documentId, { fullName: 'Nobody', emails: [{ value: 'nobody-at-example' }] }),
    ).rejects.toThrow(/emails: entry 1.value is not an email address/);
  });
});

describe('the database', () => {
  test('has the indexes the DAV lookups use', async () => {
    const inspector = server.strapi.db.dialect.schemaInspector;
    const indexNames = async (table: string) => (await inspector.getIndexes(table)).map((index: { name: string }) => index.name);
    expect(await indexNames('caldav_events')).toEqual(
      expect.arrayContaining(['caldav_events_uid_idx', 'caldav_events_resource_name_idx', 'caldav_events_occurrence_idx', 'caldav_events_last_occurrence_idx']),
    );
    expect(await indexNames('caldav_contacts')).toEqual(expect.arrayContaining(['caldav_contacts_uid_idx', 'caldav_contacts_resource_name_idx']));
    // Every DAV request names its collection by slug: without these, each one reads every collection of the site.
    expect(await indexNames('caldav_calendars')).toContain('caldav_calendars_slug_idx');
    expect(await indexNames('caldav_address_books')).toContain('caldav_address_books_slug_idx');
  });
});

describe('the DAV entry point', () => {
  test('OPTIONS on the base path is answered by the plugin', async () => {
    for (const path of ['/dav', '/dav/', '/dav/calendars/someone/']) {
      const response = await http(server.origin, 'OPTIONS', path);
      expect(response.status).toBe(200);
      expect(response.headers.get('allow')).toContain('OPTIONS');
    }
  });

  test('methods Strapi itself would refuse reach the plugin', async () => {
    const response = await http(server.origin, 'PROPFIND', '/dav/', { headers: { Depth: '0' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
    const unknown = await http(server.origin, 'PATCH', '/dav/');
    expect(unknown.status).toBe(405);
    expect(unknown.headers.get('allow')).toContain('PROPFIND');
  });

  test('the well-known URIs redirect to the base path for any method', async () => {
    for (const [method, path] of [['GET', '/.well-known/caldav'], ['PROPFIND', '/.well-known/carddav']]) {
      const response = await http(server.origin, method, path);
      expect(response.status).toBe(301);
      expect(response.headers.get('location')).toBe('/dav/');
    }
  });

  test('the rest of the site is untouched', async () => {
    expect((await http(server.origin, 'GET', '/davinci')).status).toBe(404);
    expect((await http(server.origin, 'GET', '/_health')).status).toBe(204);
    const roles = await http(server.origin, 'GET', '/api/users-permissions/roles');
    expect(roles.status).toBe(403);
  });
});
