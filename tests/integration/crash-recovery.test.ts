/**
 * The Strapi process is killed (SIGKILL: a crash, an OOM kill, a pulled plug) while clients are writing, and a new
 * process starts on the same database. Every write that was acknowledged must be there; a write that was under way
 * is either wholly there or not at all: an event has its text, its fields, its link to its calendar and its
 * change-log entry together, and a MOVE is in the source or in the destination, never in both or neither.
 *
 * The test's own Strapi only creates the user and the calendars; the site under test runs in child processes.
 */

import { listEtags, queryTimeRange, syncCollection } from '../harness/calendar-state';
import { davClient, propfindBody, readMultistatus, vevent } from '../harness/dav';
import type { HttpResponse } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startSecondProcess, startTestServer, type TestServer } from '../harness/strapi';

let server: TestServer;
let user: TestUser;
let home: string;

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
  await server.collections.createCalendar({ owner: user.documentId, name: 'Alpha', slug: 'alpha', components: ['VEVENT'] });
  await server.collections.createCalendar({ owner: user.documentId, name: 'Beta', slug: 'beta', components: ['VEVENT'] });
  home = `/dav/calendars/${user.username}/`;
});

afterAll(async () => {
  await server?.stop();
});

type CalendarSlug = 'alpha' | 'beta';

/** Where an event is and what it holds, as far as a client was told. */
interface Placement {
  calendar: CalendarSlug;
  etag: string;
  data: string;
  /** The UTC day its occurrence is on, for the time-range query. */
  day: string;
}

interface EventHistory {
  name: string;
  /** The state after the last acknowledged write (null: absent). */
  confirmed: Placement | null;
  /** The state the write under way when the process died would have made (undefined: none was under way). */
  pending?: Placement | null;
}

interface CollectionHistory {
  slug: string;
  confirmed: string | null;
  pending?: string | null;
}

const unquote = (etag: string | null) => (etag ?? '').replace(/^W\//, '').replace(/"/g, '');
const other = (slug: CalendarSlug): CalendarSlug => (slug === 'alpha' ? 'beta' : 'alpha');

test('after a SIGKILL in the middle of concurrent writes, a new process serves every acknowledged write and nothing half-written', async () => {
  const site = await startSecondProcess(server);
  const dav = davClient(site.origin, user);
  const baseline = { alpha: await syncCollection(dav, `${home}alpha/`, ''), beta: await syncCollection(dav, `${home}beta/`, '') };

  let serial = 0;
  let stopping = false;
  let acknowledged = 0;
  const problems: string[] = [];
  const events: EventHistory[] = [];
  const collections: CollectionHistory[] = [];

  /** Runs a write; true when acknowledged, false when refused (a problem), null when no answer came. */
  async function write(what: string, request: () => Promise<HttpResponse>, expected: number[]): Promise<HttpResponse | null> {
    let response: HttpResponse;
    try {
      response = await request();
    } catch {
      return null; // The process died with the request under way (or before it arrived).
    }
    if (!expected.includes(response.status)) {
      problems.push(`${what} answered ${response.status}: ${response.text.slice(0, 200)}`);
      return null;
    }
    acknowledged += 1;
    return response;
  }

  async function eventWriter(index: number): Promise<void> {
    const owned: EventHistory[] = Array.from({ length: 3 }, (_, k) => ({ name: `w${index}-${k}.ics`, confirmed: null }));
    events.push(...owned);
    while (!stopping) {
      const event = owned[Math.floor(Math.random() * owned.length)];
      const current = event.confirmed;
      serial += 1;
      const day = `202605${String(1 + (serial % 28)).padStart(2, '0')}`;
      const data = vevent(event.name.replace(/\.ics$/, ''), { summary: `${event.name} version ${serial}`, start: `${day}T090000Z`, end: `${day}T100000Z` });
      const roll = Math.random();
      if (current === null) {
        const calendar: CalendarSlug = roll < 0.5 ? 'alpha' : 'beta';
        event.pending = { calendar, etag: '', data, day };
        const response = await write('PUT create', () => dav.put(`${home}${calendar}/${event.name}`, data, { 'If-None-Match': '*' }), [201]);
        if (!response) return;
        event.confirmed = { calendar, etag: unquote(response.headers.get('etag')), data, day };
      } else if (roll < 0.5) {
        event.pending = { ...current, etag: '', data, day };
        const response = await write('PUT update', () => dav.put(`${home}${current.calendar}/${event.name}`, data, { 'If-Match': `"${current.etag}"` }), [204]);
        if (!response) return;
        event.confirmed = { ...current, etag: unquote(response.headers.get('etag')), data, day };
      } else if (roll < 0.75) {
        const target = other(current.calendar);
        event.pending = { ...current, calendar: target };
        const response = await write(
          'MOVE',
          () => dav.request('MOVE', `${home}${current.calendar}/${event.name}`, undefined, { Destination: `${site.origin}${home}${target}/${event.name}`, Overwrite: 'F' }),
          [201],
        );
        if (!response) return;
        event.confirmed = { ...current, calendar: target };
      } else {
        event.pending = null;
        const response = await write('DELETE', () => dav.delete(`${home}${current.calendar}/${event.name}`, { 'If-Match': `"${current.etag}"` }), [204]);
        if (!response) return;
        event.confirmed = null;
      }
      delete event.pending;
    }
  }

  async function collectionWriter(): Promise<void> {
    const beta: CollectionHistory = { slug: 'beta', confirmed: 'Beta' };
    collections.push(beta);
    for (let round = 0; !stopping; round += 1) {
      // A new calendar with its name, made in one request.
      const made: CollectionHistory = { slug: `made-${round}`, confirmed: null, pending: `Made ${round}` };
      collections.push(made);
      const body = `<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>Made ${round}</d:displayname></d:prop></d:set></c:mkcalendar>`;
      if (!(await write('MKCALENDAR', () => dav.mkcalendar(`${home}made-${round}/`, body), [201]))) return;
      made.confirmed = `Made ${round}`;
      delete made.pending;
      // A property change of an existing calendar.
      beta.pending = `Beta ${round}`;
      const patch = `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Beta ${round}</d:displayname></d:prop></d:set></d:propertyupdate>`;
      const response = await write('PROPPATCH', () => dav.proppatch(`${home}beta/`, patch), [207]);
      if (!response) return;
      if (!/HTTP\/1\.1 200/.test(response.text)) problems.push(`PROPPATCH was refused: ${response.text.slice(0, 300)}`);
      beta.confirmed = `Beta ${round}`;
      delete beta.pending;
    }
  }

  const writers = [...Array.from({ length: 5 }, (_, index) => eventWriter(index)), collectionWriter()];
  // Kill once the writes are well under way (whichever comes first: enough acknowledged, or time).
  const started = Date.now();
  while (acknowledged < 60 && Date.now() - started < 8000) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
  await site.kill();
  stopping = true;
  await Promise.all(writers);

  expect(problems).toEqual([]);
  expect(acknowledged).toBeGreaterThan(10);

  const recovered = await startSecondProcess(server);
  try {
    const after = davClient(recovered.origin, user);
    const listed = { alpha: await listEtags(after, `${home}alpha/`), beta: await listEtags(after, `${home}beta/`) };
    const synced = { alpha: await syncCollection(after, `${home}alpha/`, ''), beta: await syncCollection(after, `${home}beta/`, '') };
    const sinceBaseline = { alpha: await syncCollection(after, `${home}alpha/`, baseline.alpha.token), beta: await syncCollection(after, `${home}beta/`, baseline.beta.token) };

    const failures: string[] = [];
    for (const event of events) {
      const outcomes = [event.confirmed, ...(event.pending === undefined ? [] : [event.pending])];
      // Where the event is now, in each calendar.
      const found: Array<{ calendar: CalendarSlug; etag: string; data: string }> = [];
      for (const calendar of ['alpha', 'beta'] as const) {
        const etag = listed[calendar].get(event.name);
        if (etag === undefined) continue;
        const response = await after.get(`${home}${calendar}/${event.name}`);
        if (response.status !== 200 || response.headers.get('etag') !== etag) {
          failures.push(`${calendar}/${event.name}: PROPFIND lists ${etag}, GET answers ${response.status} ${response.headers.get('etag')}`);
        }
        found.push({ calendar, etag: unquote(etag), data: response.text });
      }
      // In one place at most: a MOVE is never half done.
      if (found.length > 1) failures.push(`${event.name} is in both calendars`);
      const now = found[0] ?? null;
      const expected = outcomes.some((outcome) => (outcome === null ? now === null : now !== null && now.calendar === outcome.calendar && now.data === outcome.data));
      if (!expected) {
        const show = (state: { calendar: string; data: string } | null) => (state ? `${state.calendar}: ${/SUMMARY:(.*)/.exec(state.data)?.[1] ?? '?'}` : 'absent');
        failures.push(`${event.name} is ${show(now)}, expected ${outcomes.map(show).join(' or ')}`);
      }
      if (!now) continue;

      // Its fields and index rows are there: a time-range query finds it on its day, under the same ETag.
      const day = /DTSTART:(\d{8})/.exec(now.data)?.[1] ?? '';
      const queried = await queryTimeRange(after, `${home}${now.calendar}/`, `${day}T000000Z`, `${day}T235959Z`);
      if (unquote(queried.get(event.name) ?? null) !== now.etag) failures.push(`${event.name}: a query of ${day} finds ${queried.get(event.name) ?? 'nothing'}, not "${now.etag}"`);
      // Its change-log entry is there: a sync from the start, and one from before the writes, report it.
      if (unquote(synced[now.calendar].present.get(event.name) ?? null) !== now.etag) failures.push(`${event.name}: an initial sync lists ${synced[now.calendar].present.get(event.name) ?? 'nothing'}`);
      if (unquote(sinceBaseline[now.calendar].present.get(event.name) ?? null) !== now.etag) {
        failures.push(`${event.name}: a sync from before the writes reports ${sinceBaseline[now.calendar].present.get(event.name) ?? 'nothing'}`);
      }
    }
    // Sync from the start lists exactly what PROPFIND lists; nothing is there that no client wrote.
    for (const calendar of ['alpha', 'beta'] as const) {
      for (const [name, etag] of synced[calendar].present) if (listed[calendar].get(name) !== etag) failures.push(`${calendar}/${name}: synced as ${etag}, listed as ${listed[calendar].get(name)}`);
      for (const name of listed[calendar].keys()) {
        if (!synced[calendar].present.has(name)) failures.push(`${calendar}/${name}: listed, but not in an initial sync`);
        if (!events.some((event) => event.name === name)) failures.push(`${calendar}/${name}: no client wrote it`);
      }
    }

    // Calendars made and renamed: the acknowledged name, or the one under way, whole.
    const homeListing = await after.propfind(home, '1', propfindBody('d:displayname'));
    expect(homeListing.status).toBe(207);
    const displayNames = new Map(readMultistatus(homeListing.text).map((entry) => [entry.href.replace(/\/$/, '').split('/').pop()!, entry.props.get('{DAV:}displayname')?.text ?? null]));
    for (const collection of collections) {
      const now = displayNames.has(collection.slug) ? displayNames.get(collection.slug)! : null;
      const outcomes = [collection.confirmed, ...(collection.pending === undefined ? [] : [collection.pending])];
      if (!outcomes.includes(now)) failures.push(`calendar ${collection.slug} is named ${now ?? '(absent)'}, expected ${outcomes.map((name) => name ?? '(absent)').join(' or ')}`);
    }

    // In the database: every event document has one draft and one published row with the same text, linked to the
    // same calendar, and a change-log entry written with (so not before) its last change.
    const rows = (await server.strapi.db.query('plugin::caldav.event' as never).findMany({
      select: ['documentId', 'publishedAt', 'resourceName', 'etag', 'updatedAt'],
      populate: { calendar: { select: ['slug', 'documentId'] } },
    })) as Array<{ documentId: string; publishedAt: unknown; resourceName: string; etag: string; updatedAt: string | Date; calendar?: { slug: string; documentId: string } | null }>;
    const byDocument = new Map<string, typeof rows>();
    for (const row of rows) byDocument.set(row.documentId, [...(byDocument.get(row.documentId) ?? []), row]);
    for (const [documentId, versions] of byDocument) {
      const shown = versions.map((row) => `${row.publishedAt ? 'published' : 'draft'} ${row.resourceName} ${row.etag} in ${row.calendar?.slug ?? 'no calendar'}`).sort().join(', ');
      const [first] = versions;
      const whole =
        versions.length === 2 &&
        versions.some((row) => row.publishedAt) &&
        versions.some((row) => !row.publishedAt) &&
        versions.every((row) => row.calendar && row.calendar.slug === first.calendar?.slug && row.etag === first.etag && row.resourceName === first.resourceName);
      if (!whole) failures.push(`event document ${documentId}: ${shown}`);
    }
    const changes = (await server.strapi.db.query('plugin::caldav.sync-change' as never).findMany({
      select: ['collectionId', 'resourceName', 'removed', 'createdAt'],
    })) as Array<{ collectionId: string; resourceName: string; removed: unknown; createdAt: string | Date }>;
    for (const row of rows.filter((event) => event.publishedAt)) {
      const logged = changes.filter((change) => change.collectionId === row.calendar?.documentId && change.resourceName === row.resourceName && !change.removed);
      const latest = Math.max(...logged.map((change) => new Date(change.createdAt).getTime()));
      if (!(latest >= new Date(row.updatedAt).getTime())) failures.push(`${row.calendar?.slug}/${row.resourceName}: changed after its last change-log entry`);
    }
    if (rows.filter((row) => row.publishedAt).length !== listed.alpha.size + listed.beta.size) failures.push('the database holds published events that PROPFIND does not list');
    expect(failures).toEqual([]);

    // And the recovered process takes writes.
    expect((await after.put(`${home}alpha/after-crash.ics`, vevent('after-crash'))).status).toBe(201);
  } finally {
    await recovered.stop();
  }
}, 110_000);
