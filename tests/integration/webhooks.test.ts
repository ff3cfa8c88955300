/**
 * Strapi's webhooks fire for changes made over DAV as they do for an editor's: a webhook registered through the
 * admin's API, pointing at a receiver on this machine, gets `entry.create`, `entry.update`, `entry.publish` and
 * `entry.delete` for a client's PUT and DELETE of events and contacts, with the same entry an editor's change
 * delivers, after the change is committed; and nothing for a write the server refused.
 */

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CONTACT_UID, EVENT_UID } from '../../server/src/uids';
import { connectDavClient, davClient, vevent } from '../harness/dav';
import { createUser, registerAdmin, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

// ---------------------------------------------------------------------------------------------------------------
// A webhook receiver on 127.0.0.1

type Entry = Record<string, unknown>;

interface WebhookBody {
  event: string;
  createdAt: string;
  model: string | undefined;
  uid: string | undefined;
  entry: Entry;
}

interface Delivery {
  headers: IncomingHttpHeaders;
  body: WebhookBody;
  /** What `inspect` found when the delivery arrived, before the receiver answered. */
  observed: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function webhookBodyOf(value: unknown): WebhookBody {
  if (!isRecord(value) || typeof value.event !== 'string' || typeof value.createdAt !== 'string') {
    throw new Error(`not a webhook body: ${JSON.stringify(value)}`);
  }
  return {
    event: value.event,
    createdAt: value.createdAt,
    model: typeof value.model === 'string' ? value.model : undefined,
    uid: typeof value.uid === 'string' ? value.uid : undefined,
    entry: isRecord(value.entry) ? value.entry : {},
  };
}

/** The deliveries since the last reset (each test starts from none). */
const deliveries: Delivery[] = [];
/** Every delivery of the run. */
const everything: Delivery[] = [];
const malformed: string[] = [];
/** Called for each delivery before the receiver answers, as a consumer that reads the site back would. */
let inspect: ((body: WebhookBody) => Promise<unknown>) | null = null;

function startReceiver(): Promise<Server> {
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: WebhookBody | null = null;
        try {
          body = webhookBodyOf(JSON.parse(text));
        } catch {
          malformed.push(text);
        }
        if (body) {
          const observed = inspect ? await inspect(body).catch((error: unknown) => `reading the site back failed: ${String(error)}`) : undefined;
          const delivery = { headers: request.headers, body, observed };
          deliveries.push(delivery);
          everything.push(delivery);
        }
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      })();
    });
  });
  return new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(receiver)));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (at most a few seconds) until `pick` selects `count` deliveries, and returns them. */
async function waitForDeliveries(pick: (delivery: Delivery) => boolean, count: number, timeoutMs = 5000): Promise<Delivery[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const picked = deliveries.filter(pick);
    if (picked.length >= count || Date.now() > until) return picked;
    await sleep(20);
  }
}

/** The deliveries about one event or contact, found by its UID (every entry of either kind carries it). */
const about = (model: string, uid: string) => (delivery: Delivery) => delivery.body.model === model && delivery.body.entry.uid === uid;
const names = (picked: Delivery[]) => picked.map((delivery) => delivery.body.event).sort();
const byEvent = (picked: Delivery[], event: string) => picked.filter((delivery) => delivery.body.event === event);
const keysOf = (entry: Entry) => Object.keys(entry).sort();
const relationOf = (entry: Entry, field: string): Entry => (isRecord(entry[field]) ? entry[field] : {});

// ---------------------------------------------------------------------------------------------------------------

const WEBHOOK_EVENTS = ['entry.create', 'entry.update', 'entry.delete', 'entry.publish', 'entry.unpublish'];
const RECEIVER_SECRET = 'receiver-secret-123';

let server: TestServer;
let receiver: Server;
let user: TestUser;
let dav: ReturnType<typeof davClient>;
let calendarDocumentId: string;
let bookDocumentId: string;
let calendarPath: string;
let bookPath: string;
let eventModel: string;
let contactModel: string;

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startTestServer();
  user = await createUser(server);
  calendarDocumentId = (await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: 'work' })).documentId;
  bookDocumentId = (await server.collections.createAddressBook({ owner: user.documentId, name: 'Friends', slug: 'friends' })).documentId;
  dav = davClient(server.origin, user);
  calendarPath = `/dav/calendars/${user.username}/work/`;
  bookPath = `/dav/addressbooks/${user.username}/friends/`;
  eventModel = (server.strapi.getModel(EVENT_UID as never) as unknown as { modelName: string }).modelName;
  contactModel = (server.strapi.getModel(CONTACT_UID as never) as unknown as { modelName: string }).modelName;

  // Registered as an admin does in Settings > Webhooks: through the admin's API, which stores it and tells the
  // webhook runner about it.
  const adminToken = await registerAdmin(server);
  const { port } = receiver.address() as AddressInfo;
  const registered = await fetch(`${server.origin}/admin/webhooks`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'Receiver',
      url: `http://127.0.0.1:${port}/hooks/strapi`,
      headers: { Authorization: `Bearer ${RECEIVER_SECRET}` },
      events: WEBHOOK_EVENTS,
    }),
  });
  expect(registered.status).toBe(201);
});

afterAll(async () => {
  await server?.stop();
  if (receiver) {
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
});

afterEach(() => {
  inspect = null;
  expect(malformed).toEqual([]);
});

// ---------------------------------------------------------------------------------------------------------------

describe('events over CalDAV fire the webhooks an editor’s change fires', () => {
  /** What an editor's changes to an event through the document service delivered, for comparison. */
  const editor: Record<'create' | 'update' | 'delete', Delivery[]> = { create: [], update: [], delete: [] };
  const documents = () => server.strapi.documents(EVENT_UID as never);
  let clientDocumentId: string;

  test('an editor’s creation, change and deletion of an event (the reference)', async () => {
    const uid = 'editor-event@example.test';
    const created = (await documents().create({
      data: { summary: 'Made by an editor', uid, start: '2026-05-04T09:00:00.000Z', end: '2026-05-04T10:00:00.000Z', calendar: calendarDocumentId },
      status: 'published',
    } as never)) as unknown as { documentId: string };
    editor.create = await waitForDeliveries(about(eventModel, uid), 2);
    expect(names(editor.create)).toEqual(['entry.create', 'entry.publish']);

    deliveries.length = 0;
    await documents().update({ documentId: created.documentId, data: { summary: 'Changed by an editor' }, status: 'published' } as never);
    editor.update = await waitForDeliveries(about(eventModel, uid), 2);
    expect(names(editor.update)).toEqual(['entry.publish', 'entry.update']);

    deliveries.length = 0;
    await documents().delete({ documentId: created.documentId } as never);
    editor.delete = await waitForDeliveries(about(eventModel, uid), 2);
    // The draft and the published version are both deleted.
    expect(names(editor.delete)).toEqual(['entry.delete', 'entry.delete']);
  });

  test('a client’s new event (tsdav) fires entry.create and entry.publish with the stored entry', async () => {
    deliveries.length = 0;
    const uid = 'standup@client.example';
    const client = await connectDavClient(server.origin, user, 'caldav');
    const [calendar] = (await client.fetchCalendars()).filter((candidate) => candidate.displayName === 'Work');
    const response = await client.createCalendarObject({
      calendar,
      filename: 'standup.ics',
      iCalString: vevent(uid, { summary: 'Stand-up', start: '20260310T090000Z', end: '20260310T093000Z', extra: ['LOCATION:Room 1'] }),
    });
    expect(response.status).toBe(201);

    const stored = (await documents().findFirst({ filters: { uid }, status: 'published' } as never)) as unknown as { id: number; documentId: string };
    clientDocumentId = stored.documentId;
    const fired = await waitForDeliveries(about(eventModel, uid), 2);
    expect(names(fired)).toEqual(names(editor.create));

    for (const delivery of fired) {
      expect(delivery.headers['x-strapi-event']).toBe(delivery.body.event);
      expect(delivery.headers.authorization).toBe(`Bearer ${RECEIVER_SECRET}`);
      expect(delivery.body).toMatchObject({ model: eventModel, uid: EVENT_UID });
      expect(delivery.body.entry).toMatchObject({
        documentId: stored.documentId,
        uid,
        summary: 'Stand-up',
        location: 'Room 1',
        resourceName: 'standup.ics',
        start: '2026-03-10T09:00:00.000Z',
        end: '2026-03-10T09:30:00.000Z',
      });
      expect(relationOf(delivery.body.entry, 'calendar')).toMatchObject({ documentId: calendarDocumentId });
    }
    // The same entry an editor's creation delivers: the created draft first, then the published version.
    const [create] = byEvent(fired, 'entry.create');
    const [publish] = byEvent(fired, 'entry.publish');
    expect(keysOf(create.body.entry)).toEqual(keysOf(byEvent(editor.create, 'entry.create')[0].body.entry));
    expect(keysOf(publish.body.entry)).toEqual(keysOf(byEvent(editor.create, 'entry.publish')[0].body.entry));
    expect(keysOf(relationOf(publish.body.entry, 'calendar'))).toEqual(keysOf(relationOf(byEvent(editor.create, 'entry.publish')[0].body.entry, 'calendar')));
    expect(create.body.entry.publishedAt).toBeNull();
    expect(publish.body.entry.publishedAt).toEqual(expect.any(String));
    expect(publish.body.entry.id).toBe(stored.id);
  });

  test('a client’s update with If-Match fires entry.update and entry.publish with the new summary, once it is readable', async () => {
    deliveries.length = 0;
    const uid = 'standup@client.example';
    const path = `${calendarPath}standup.ics`;
    const etag = (await dav.get(path)).headers.get('etag');
    expect(etag).toMatch(/^"/);
    // A consumer that reads the event back when notified must already see the change.
    inspect = async (body) => (body.model === eventModel ? (await dav.get(path)).text : null);

    const response = await dav.put(path, vevent(uid, { summary: 'Stand-up (moved)', start: '20260310T100000Z', end: '20260310T103000Z' }), { 'If-Match': etag! });
    expect(response.status).toBe(204);
    const fired = await waitForDeliveries(about(eventModel, uid), 2);
    expect(names(fired)).toEqual(names(editor.update));
    for (const delivery of fired) {
      expect(delivery.body.entry).toMatchObject({ documentId: clientDocumentId, summary: 'Stand-up (moved)', start: '2026-03-10T10:00:00.000Z' });
      expect(delivery.observed).toContain('SUMMARY:Stand-up (moved)');
    }
    const [update] = byEvent(fired, 'entry.update');
    const [publish] = byEvent(fired, 'entry.publish');
    expect(keysOf(update.body.entry)).toEqual(keysOf(byEvent(editor.update, 'entry.update')[0].body.entry));
    expect(keysOf(publish.body.entry)).toEqual(keysOf(byEvent(editor.update, 'entry.publish')[0].body.entry));
    expect(update.body.entry.publishedAt).toBeNull();
    expect(publish.body.entry.publishedAt).toEqual(expect.any(String));
  });

  test('a client’s DELETE fires entry.delete for the draft and the published version, like an editor’s', async () => {
    deliveries.length = 0;
    const uid = 'standup@client.example';
    const path = `${calendarPath}standup.ics`;
    const etag = (await dav.get(path)).headers.get('etag');
    expect((await dav.delete(path, { 'If-Match': etag! })).status).toBe(204);
    const fired = await waitForDeliveries(about(eventModel, uid), 2);
    expect(names(fired)).toEqual(names(editor.delete));
    for (const delivery of fired) {
      expect(delivery.body).toMatchObject({ model: eventModel, uid: EVENT_UID });
      expect(delivery.body.entry).toMatchObject({ documentId: clientDocumentId, uid, summary: 'Stand-up (moved)' });
      expect(keysOf(delivery.body.entry)).toEqual(keysOf(editor.delete[0].body.entry));
    }
  });

  test('writes the server refuses fire nothing', async () => {
    deliveries.length = 0;
    // Not iCalendar at all.
    const garbage = await dav.put(`${calendarPath}garbage.ics`, 'BEGIN:VCALENDAR\r\nthis is not iCalendar\r\n');
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.status).toBeLessThan(500);
    // A time zone no one knows: the document rules refuse it.
    const badZone = await dav.put(
      `${calendarPath}bad-zone.ics`,
      vevent('bad-zone@client.example').replace('DTSTART:20260310T090000Z', 'DTSTART;TZID=Nowhere/Atlantis:20260310T090000'),
    );
    expect(badZone.status).toBeGreaterThanOrEqual(400);
    expect(badZone.status).toBeLessThan(500);
    // A stale If-Match on an event that exists.
    expect((await dav.put(`${calendarPath}kept.ics`, vevent('kept@client.example', { summary: 'Kept' }), { 'If-None-Match': '*' })).status).toBe(201);
    await waitForDeliveries(about(eventModel, 'kept@client.example'), 2);
    deliveries.length = 0;
    const stale = await dav.put(`${calendarPath}kept.ics`, vevent('kept@client.example', { summary: 'Overwritten' }), { 'If-Match': '"not-the-current-tag"' });
    expect(stale.status).toBe(412);
    const staleDelete = await dav.delete(`${calendarPath}kept.ics`, { 'If-Match': '"not-the-current-tag"' });
    expect(staleDelete.status).toBe(412);
    // A second one of an existing UID under another name.
    const taken = await dav.put(`${calendarPath}kept-again.ics`, vevent('kept@client.example', { summary: 'Twin' }));
    expect(taken.status).toBeGreaterThanOrEqual(400);
    expect(taken.status).toBeLessThan(500);

    // A write made after them is delivered; by then anything the refused writes had fired would have arrived too.
    expect((await dav.put(`${calendarPath}after.ics`, vevent('after@client.example'))).status).toBe(201);
    await waitForDeliveries(about(eventModel, 'after@client.example'), 2);
    expect(deliveries.map((delivery) => [delivery.body.model, delivery.body.entry.uid])).toEqual([
      [eventModel, 'after@client.example'],
      [eventModel, 'after@client.example'],
    ]);
  });
});

describe('contacts over CardDAV fire the webhooks an editor’s change fires', () => {
  const vcard = (uid: string, lines: string[]) => ['BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Example//Test//EN', `UID:${uid}`, ...lines, 'END:VCARD', ''].join('\r\n');
  const editor: Record<'create' | 'update' | 'delete', Delivery[]> = { create: [], update: [], delete: [] };
  const documents = () => server.strapi.documents(CONTACT_UID as never);

  test('an editor’s creation, change and deletion of a contact (the reference)', async () => {
    deliveries.length = 0;
    const uid = 'editor-contact@example.test';
    const created = (await documents().create({ data: { fullName: 'Grace Hopper', uid, addressBook: bookDocumentId } } as never)) as unknown as { documentId: string };
    editor.create = await waitForDeliveries(about(contactModel, uid), 1);
    expect(names(editor.create)).toEqual(['entry.create']);
    deliveries.length = 0;
    await documents().update({ documentId: created.documentId, data: { fullName: 'Rear Admiral Grace Hopper' } } as never);
    editor.update = await waitForDeliveries(about(contactModel, uid), 1);
    expect(names(editor.update)).toEqual(['entry.update']);
    deliveries.length = 0;
    await documents().delete({ documentId: created.documentId } as never);
    editor.delete = await waitForDeliveries(about(contactModel, uid), 1);
    expect(names(editor.delete)).toEqual(['entry.delete']);
  });

  test('a client’s new contact (tsdav), its update with If-Match and its deletion fire create, update and delete', async () => {
    deliveries.length = 0;
    const uid = 'ada@client.example';
    const client = await connectDavClient(server.origin, user, 'carddav');
    const [book] = (await client.fetchAddressBooks()).filter((candidate) => candidate.displayName === 'Friends');
    const created = await client.createVCard({ addressBook: book, filename: 'ada.vcf', vCardString: vcard(uid, ['FN:Ada Lovelace', 'N:Lovelace;Ada;;;', 'ORG:Analytical Engines Ltd']) });
    expect(created.status).toBe(201);
    const stored = (await documents().findFirst({ filters: { uid } } as never)) as unknown as { documentId: string };

    const [create] = await waitForDeliveries(about(contactModel, uid), 1);
    expect(names([create])).toEqual(names(editor.create));
    expect(create.headers['x-strapi-event']).toBe('entry.create');
    expect(create.body).toMatchObject({ model: contactModel, uid: CONTACT_UID });
    expect(create.body.entry).toMatchObject({ documentId: stored.documentId, fullName: 'Ada Lovelace', organization: 'Analytical Engines Ltd', resourceName: 'ada.vcf' });
    expect(relationOf(create.body.entry, 'addressBook')).toMatchObject({ documentId: bookDocumentId });
    expect(keysOf(create.body.entry)).toEqual(keysOf(editor.create[0].body.entry));

    deliveries.length = 0;
    const path = `${bookPath}ada.vcf`;
    const etag = (await dav.get(path)).headers.get('etag');
    inspect = async (body) => (body.model === contactModel ? (await dav.get(path)).text : null);
    const updated = await dav.request('PUT', path, vcard(uid, ['FN:Ada King', 'N:King;Ada;;;', 'ORG:Analytical Engines Ltd']), {
      'Content-Type': 'text/vcard; charset=utf-8',
      'If-Match': etag!,
    });
    expect(updated.status).toBe(204);
    const [update] = await waitForDeliveries(about(contactModel, uid), 1);
    expect(names([update])).toEqual(names(editor.update));
    expect(update.body.entry).toMatchObject({ documentId: stored.documentId, fullName: 'Ada King' });
    expect(update.observed).toContain('FN:Ada King');
    expect(keysOf(update.body.entry)).toEqual(keysOf(editor.update[0].body.entry));
    inspect = null;

    deliveries.length = 0;
    const [card] = (await client.fetchVCards({ addressBook: book })).filter((candidate) => candidate.url.endsWith('/ada.vcf'));
    expect((await client.deleteVCard({ vCard: card })).status).toBe(204);
    const [deleted] = await waitForDeliveries(about(contactModel, uid), 1);
    expect(names([deleted])).toEqual(names(editor.delete));
    expect(deleted.body.entry).toMatchObject({ documentId: stored.documentId, fullName: 'Ada King' });
    expect(keysOf(deleted.body.entry)).toEqual(keysOf(editor.delete[0].body.entry));
  });

  test('a contact write the server refuses fires nothing', async () => {
    deliveries.length = 0;
    const refused = await dav.request('PUT', `${bookPath}broken.vcf`, 'BEGIN:VCARD\r\nVERSION:3.0\r\nthis is not a vCard\r\n', {
      'Content-Type': 'text/vcard; charset=utf-8',
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    const stale = await dav.request('PUT', `${bookPath}nobody.vcf`, vcard('nobody@client.example', ['FN:Nobody']), {
      'Content-Type': 'text/vcard; charset=utf-8',
      'If-Match': '"no-such-tag"',
    });
    expect(stale.status).toBe(412);

    const after = await dav.request('PUT', `${bookPath}after.vcf`, vcard('after-contact@client.example', ['FN:After']), { 'Content-Type': 'text/vcard; charset=utf-8' });
    expect(after.status).toBe(201);
    await waitForDeliveries(about(contactModel, 'after-contact@client.example'), 1);
    expect(deliveries.map((delivery) => [delivery.body.model, delivery.body.entry.uid])).toEqual([[contactModel, 'after-contact@client.example']]);
  });

});

describe('across the run', () => {
  test('no DAV write unpublished anything, and every delivery named its event in the X-Strapi-Event header', () => {
    expect(everything.length).toBeGreaterThan(0);
    expect(everything.filter((delivery) => delivery.body.event === 'entry.unpublish')).toEqual([]);
    expect(everything.every((delivery) => delivery.headers['x-strapi-event'] === delivery.body.event)).toBe(true);
  });
});
