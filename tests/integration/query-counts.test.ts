/**
 * No N+1: the number of SQL statements a DAV request issues does not depend on how many objects it answers about.
 *
 * Each operation runs against a small collection (3 objects) and a large one (30), over real HTTP with Basic auth,
 * and the statements are counted with knex's `query` event on Strapi's connection. Only the statements issued on
 * behalf of the measured request are counted: the request runs in an AsyncLocalStorage context of its own, so that
 * background work (the settings reload, a pruning) cannot land in a count. See `compareSizes` for how the runs are
 * compared. `QUERY_COUNTS_VERBOSE=1` prints the statements of every operation.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Knex } from 'knex';

import { davClient, NS, propfindBody, readMultistatus, type DavResponseEntry } from '../harness/dav';
import type { HttpResponse } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const SMALL = 3;
const LARGE = 30;
const CARDDAV = 'urn:ietf:params:xml:ns:carddav';
const CAL = 'xmlns:c="urn:ietf:params:xml:ns:caldav"';
const CARD = `xmlns:card="${CARDDAV}"`;
const p = (ns: string, name: string) => `{${ns}}${name}`;

let server: TestServer;
let user: TestUser;
let dav: ReturnType<typeof davClient>;

/** A calendar or an address book of the test user, and the names of the objects it holds now. */
interface Collection {
  label: 'small' | 'large';
  size: number;
  path: string;
  members: Set<string>;
}

const calendars: Record<'small' | 'large', Collection> = {} as never;
const books: Record<'small' | 'large', Collection> = {} as never;

// ---------------------------------------------------------------------------------------------------------------
// Counting statements per request

interface Statement {
  sql: string;
  bindings: unknown[];
}

const requestContext = new AsyncLocalStorage<Statement[]>();
/** Where the statements of the next request go; null when no request is measured. */
let recording: Statement[] | null = null;
let lastStatementAt = 0;
/** Statements seen while measuring that did not belong to the measured request (background work). */
let unattributed: string[] = [];
const QUIET_MS = 60;
/** A client's write is announced to Strapi's event hub a moment later (50 ms), with its own reads: counted too. */
const WRITE_QUIET_MS = 300;

function installStatementCounter(strapi: TestServer['strapi']): void {
  const httpServer = strapi.server.httpServer;
  const handlers = httpServer.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  httpServer.removeAllListeners('request');
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const dispatch = () => {
      for (const handler of handlers) handler.call(httpServer, req, res);
    };
    const sink = recording;
    if (sink) requestContext.run(sink, dispatch);
    else dispatch();
  });
  const knex = strapi.db.connection as unknown as Knex;
  knex.on('query', (query: { sql: string; bindings?: unknown[] }) => {
    const sink = requestContext.getStore();
    if (sink) {
      sink.push({ sql: query.sql, bindings: query.bindings ?? [] });
      lastStatementAt = Date.now();
    } else if (recording) {
      unattributed.push(query.sql);
    }
  });
}

interface Measurement {
  response: HttpResponse;
  statements: Statement[];
  unattributed: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one request and collects the statements issued for it, including work it leaves for right after. */
async function measure(send: () => Promise<HttpResponse>, quietMs = QUIET_MS): Promise<Measurement> {
  const sink: Statement[] = [];
  recording = sink;
  unattributed = [];
  let response: HttpResponse;
  try {
    response = await send();
    lastStatementAt = Math.max(lastStatementAt, Date.now());
    const settling = Date.now();
    while (Date.now() - lastStatementAt < quietMs && Date.now() - settling < 3000) await sleep(10);
  } finally {
    recording = null;
  }
  return { response, statements: [...sink], unattributed: [...unattributed] };
}

/** One SQL text per statement shape: the lengths of IN lists and the numbering of placeholders left out. */
const shape = (sql: string) =>
  sql
    .replace(/\$\d+/g, '?')
    .replace(/\(\s*\?(\s*,\s*\?)*\s*\)/g, '(?…)')
    .replace(/\s+/g, ' ')
    .trim();

function shapeCounts(statements: Statement[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const statement of statements) counts.set(shape(statement.sql), (counts.get(shape(statement.sql)) ?? 0) + 1);
  return counts;
}

interface Observation {
  operation: string;
  small: number;
  large: number;
  /** Every measured run, in order, and the warm-up. */
  smallRuns: number[];
  largeRuns: number[];
  warmUp: [number, number];
  unattributed: number;
}

const observations: Observation[] = [];

/** 'warm-up', then 'run-1', 'run-2', …: write operations use it to name what they create. */
type Phase = string;

/** Measured runs per collection. */
const RUNS = 3;

const fewest = (measurements: Measurement[]) => measurements.reduce((best, next) => (next.statements.length < best.statements.length ? next : best));

/**
 * Runs an operation on the small and on the large collection and asserts that both issue exactly as many
 * statements. Each collection gets a warm-up request (first-use costs, not compared), then RUNS measured requests
 * alternating small, large, small, large…; the fewest statements of each size are compared. A count that grows
 * with the number of objects grows in every run; what the comparison leaves out is the odd extra statement of a
 * short-lived cache that happened to expire during one run (the server re-reads a signed-in account at most every
 * few seconds), which has nothing to do with the size of the collection. Every run's count is reported.
 *
 * `plan` prepares the request (unmeasured) and returns the function that sends it; `check` asserts the response
 * (status, hrefs) each time.
 */
async function compareSizes(
  operation: string,
  collections: Record<'small' | 'large', Collection>,
  plan: (collection: Collection, phase: Phase) => Promise<() => Promise<HttpResponse>> | (() => Promise<HttpResponse>),
  check: (collection: Collection, response: HttpResponse, phase: Phase) => void,
  quietMs = QUIET_MS,
): Promise<void> {
  const sizes = ['small', 'large'] as const;
  const warm: Record<'small' | 'large', Measurement> = {} as never;
  const runs: Record<'small' | 'large', Measurement[]> = { small: [], large: [] };
  for (const label of sizes) {
    warm[label] = await measure(await plan(collections[label], 'warm-up'), quietMs);
    check(collections[label], warm[label].response, 'warm-up');
  }
  for (let run = 1; run <= RUNS; run += 1) {
    for (const label of sizes) {
      const measured = await measure(await plan(collections[label], `run-${run}`), quietMs);
      check(collections[label], measured.response, `run-${run}`);
      runs[label].push(measured);
    }
  }
  const small = fewest(runs.small).statements;
  const large = fewest(runs.large).statements;
  const count = (measurements: Measurement[]) => measurements.map((measurement) => measurement.statements.length);
  observations.push({
    operation,
    small: small.length,
    large: large.length,
    smallRuns: count(runs.small),
    largeRuns: count(runs.large),
    warmUp: [warm.small.statements.length, warm.large.statements.length],
    unattributed: [...runs.small, ...runs.large].reduce((sum, measurement) => sum + measurement.unattributed.length, 0),
  });
  if (process.env.QUERY_COUNTS_VERBOSE) {
    for (const [label, statements] of [['small', small], ['large', large]] as const) {
      console.log(`${operation}: ${statements.length} statements (${label})\n${statements.map((statement) => `  ${statement.sql}`).join('\n')}`);
    }
  }
  if (small.length !== large.length) {
    const smallShapes = shapeCounts(small);
    const largeShapes = shapeCounts(large);
    const differing = [...new Set([...smallShapes.keys(), ...largeShapes.keys()])]
      .filter((sql) => smallShapes.get(sql) !== largeShapes.get(sql))
      .map((sql) => `  ${smallShapes.get(sql) ?? 0} (small, ${collections.small.members.size} objects) vs ${largeShapes.get(sql) ?? 0} (large, ${collections.large.members.size} objects) × ${sql}`);
    console.log(
      `N+1 in ${operation}: ${small.length} statements for the small collection, ${large.length} for the large one ` +
        `(runs: small ${count(runs.small).join(', ')}; large ${count(runs.large).join(', ')}).\n` +
        `Statements whose number differs:\n${differing.join('\n')}\n` +
        `All statements of the large request:\n${large.map((statement) => `  ${statement.sql} ${JSON.stringify(statement.bindings)}`).join('\n')}`,
    );
  }
  // The counter must have seen the requests (each reads at least its collection), or equality proves nothing.
  expect(small.length).toBeGreaterThan(0);
  expect(`${operation}: ${large.length} statements`).toBe(`${operation}: ${small.length} statements`);
}

// ---------------------------------------------------------------------------------------------------------------
// Data

const pad = (index: number) => String(index).padStart(2, '0');
const utc = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * An event in March 2026: every third one a weekly series with one moved occurrence, every third an all-day event,
 * the others plain. All of them occur in the month.
 */
function eventText(uid: string, index: number, summary = `Event ${index}`): string {
  const day = 1 + (index % 27);
  const start = new Date(Date.UTC(2026, 2, day, 9, 0, 0));
  const end = new Date(start.getTime() + 60 * 60 * 1000);
  const head = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example Corp.//Query Counts//EN'];
  const stamp = 'DTSTAMP:20260101T000000Z';
  let body: string[];
  if (index % 3 === 0) {
    const second = new Date(start.getTime() + 7 * 24 * 60 * 60 * 1000);
    const moved = new Date(second.getTime() + 2 * 60 * 60 * 1000);
    body = [
      'BEGIN:VEVENT', `UID:${uid}`, stamp, `DTSTART:${utc(start)}`, `DTEND:${utc(end)}`, `SUMMARY:${summary}`, 'RRULE:FREQ=WEEKLY;COUNT=4', 'END:VEVENT',
      'BEGIN:VEVENT', `UID:${uid}`, stamp, `RECURRENCE-ID:${utc(second)}`, `DTSTART:${utc(moved)}`,
      `DTEND:${utc(new Date(moved.getTime() + 60 * 60 * 1000))}`, `SUMMARY:${summary} (moved)`, 'END:VEVENT',
    ];
  } else if (index % 3 === 1) {
    const date = utc(start).slice(0, 8);
    const next = utc(new Date(start.getTime() + 24 * 60 * 60 * 1000)).slice(0, 8);
    body = ['BEGIN:VEVENT', `UID:${uid}`, stamp, `DTSTART;VALUE=DATE:${date}`, `DTEND;VALUE=DATE:${next}`, `SUMMARY:${summary}`, 'END:VEVENT'];
  } else {
    body = ['BEGIN:VEVENT', `UID:${uid}`, stamp, `DTSTART:${utc(start)}`, `DTEND:${utc(end)}`, `SUMMARY:${summary}`, 'LOCATION:Room 1', 'END:VEVENT'];
  }
  return [...head, ...body, 'END:VCALENDAR', ''].join('\r\n');
}

/** An event outside the queried month, so that the time-range has something to leave out. */
const outsideText = (uid: string) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Example Corp.//Query Counts//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
    'DTSTART:20250615T090000Z', 'DTEND:20250615T100000Z', 'SUMMARY:Last summer', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

const vcard = (uid: string, lines: string[]) => ['BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Example//Query Counts//EN', `UID:${uid}`, ...lines, 'END:VCARD', ''].join('\r\n');

const contactText = (uid: string, index: number) =>
  vcard(uid, [
    `FN:Ada ${pad(index)} Lovelace`,
    `N:Lovelace;Ada ${pad(index)};;;`,
    `EMAIL;TYPE=INTERNET,WORK:ada${index}@example.com`,
    `TEL;TYPE=CELL:+44 20 7946 ${String(1000 + index)}`,
    'ORG:Analytical Engines Ltd',
  ]);

async function putEvent(calendar: Collection, name: string, text: string, headers: Record<string, string> = { 'If-None-Match': '*' }): Promise<HttpResponse> {
  const response = await dav.put(`${calendar.path}${name}`, text, headers);
  if (response.status !== 201 && response.status !== 204) throw new Error(`PUT ${calendar.path}${name}: ${response.status} ${response.text}`);
  calendar.members.add(name);
  return response;
}

async function putContact(book: Collection, name: string, text: string): Promise<HttpResponse> {
  const response = await dav.request('PUT', `${book.path}${name}`, text, { 'Content-Type': 'text/vcard; charset=utf-8', 'If-None-Match': '*' });
  if (response.status !== 201) throw new Error(`PUT ${book.path}${name}: ${response.status} ${response.text}`);
  book.members.add(name);
  return response;
}

async function deleteEvent(calendar: Collection, name: string): Promise<void> {
  const response = await dav.delete(`${calendar.path}${name}`);
  if (response.status !== 204) throw new Error(`DELETE ${calendar.path}${name}: ${response.status}`);
  calendar.members.delete(name);
}

const eventName = (index: number) => `event-${pad(index)}.ics`;
const contactName = (index: number) => `contact-${pad(index)}.vcf`;

async function seedCalendar(label: 'small' | 'large', size: number): Promise<Collection> {
  const slug = `${label}-calendar`;
  await server.collections.createCalendar({ owner: user.documentId, name: `${label} calendar`, slug, components: ['VEVENT'] });
  const calendar: Collection = { label, size, path: `/dav/calendars/${user.username}/${slug}/`, members: new Set() };
  for (let index = 1; index <= size; index += 1) await putEvent(calendar, eventName(index), eventText(`${slug}-${index}`, index));
  await putEvent(calendar, 'outside.ics', outsideText(`${slug}-outside`));
  return calendar;
}

async function seedBook(label: 'small' | 'large', size: number): Promise<Collection> {
  const slug = `${label}-book`;
  await server.collections.createAddressBook({ owner: user.documentId, name: `${label} book`, slug });
  const book: Collection = { label, size, path: `/dav/addressbooks/${user.username}/${slug}/`, members: new Set() };
  for (let index = 1; index <= size; index += 1) await putContact(book, contactName(index), contactText(`${slug}-${index}`, index));
  await putContact(book, 'babbage.vcf', vcard(`${slug}-babbage`, ['FN:Charles Babbage', 'N:Babbage;Charles;;;']));
  return book;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading answers

const lastSegment = (href: string) => href.split('/').filter(Boolean).pop() ?? '';

/** The member entries of a multistatus (the collection's own entry left out), by name. */
function memberEntries(collection: Collection, response: HttpResponse): DavResponseEntry[] {
  return readMultistatus(response.text).filter((entry) => entry.href !== collection.path);
}

const names = (entries: DavResponseEntry[]) => entries.map((entry) => lastSegment(entry.href)).sort();

const sorted = (values: Iterable<string>) => [...values].sort();

/** The sync-token at the end of a sync-collection answer. */
const tokenOf = (response: HttpResponse) => /<[a-z]*:?sync-token>([^<]+)<\/[a-z]*:?sync-token>\s*<\/[a-z]*:?multistatus>/i.exec(response.text)?.[1] ?? '';

// ---------------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
  dav = davClient(server.origin, user);
  calendars.small = await seedCalendar('small', SMALL);
  calendars.large = await seedCalendar('large', LARGE);
  books.small = await seedBook('small', SMALL);
  books.large = await seedBook('large', LARGE);
  installStatementCounter(server.strapi);
});

afterAll(async () => {
  if (observations.length > 0) {
    const runs = (counts: number[]) => counts.join(',');
    const rows = observations.map(
      (row) =>
        `${row.operation.padEnd(50)} ${String(row.small).padStart(5)} ${String(row.large).padStart(5)}   ${runs(row.smallRuns).padEnd(8)} ${runs(row.largeRuns).padEnd(8)}   ${row.warmUp.join(',').padEnd(7)} ${row.unattributed}`,
    );
    console.log(
      `SQL statements per request on ${server.database.client} (${SMALL} vs ${LARGE} objects; fewest of ${RUNS} runs compared)\n` +
        `${'operation'.padEnd(50)} small large   runs (small, large)   warm-up background\n${rows.join('\n')}`,
    );
  }
  await server?.stop();
});

describe('CalDAV: statements per request do not grow with the number of events', () => {
  test('PROPFIND Depth 1 of a calendar (getetag)', async () => {
    await compareSizes(
      'PROPFIND Depth 1 calendar (getetag)',
      calendars,
      (calendar) => () => dav.propfind(calendar.path, '1', propfindBody('d:getetag')),
      (calendar, response) => {
        expect(response.status).toBe(207);
        const entries = memberEntries(calendar, response);
        expect(names(entries)).toEqual(sorted(calendar.members));
        expect(entries.every((entry) => /^"/.test(entry.props.get(p(NS.DAV, 'getetag'))?.text ?? ''))).toBe(true);
      },
    );
  });

  test('calendar-query REPORT with a time-range and calendar-data', async () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
      <c:calendar-query xmlns:d="DAV:" ${CAL}><d:prop><d:getetag/><c:calendar-data/></d:prop>
        <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20260301T000000Z" end="20260401T000000Z"/></c:comp-filter></c:comp-filter></c:filter>
      </c:calendar-query>`;
    await compareSizes(
      'REPORT calendar-query (time-range, calendar-data)',
      calendars,
      (calendar) => () => dav.report(calendar.path, body),
      (calendar, response) => {
        expect(response.status).toBe(207);
        const entries = memberEntries(calendar, response);
        // Every event of the month, and not the one of last summer.
        expect(names(entries)).toEqual(sorted([...calendar.members].filter((name) => name !== 'outside.ics')));
        expect(entries).toHaveLength(calendar.size);
        expect(entries.every((entry) => (entry.props.get(p(NS.CALDAV, 'calendar-data'))?.text ?? '').includes('BEGIN:VEVENT'))).toBe(true);
      },
    );
  });

  test('calendar-multiget REPORT naming N hrefs, some of them unknown', async () => {
    const hrefs = (calendar: Collection) => {
      const known = Math.round((calendar.size * 2) / 3);
      return [
        ...Array.from({ length: known }, (_, index) => `${calendar.path}${eventName(index + 1)}`),
        ...Array.from({ length: calendar.size - known }, (_, index) => `${calendar.path}missing-${index + 1}.ics`),
      ];
    };
    await compareSizes(
      'REPORT calendar-multiget (N hrefs)',
      calendars,
      (calendar) => () =>
        dav.report(
          calendar.path,
          `<?xml version="1.0" encoding="utf-8"?><c:calendar-multiget xmlns:d="DAV:" ${CAL}><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs(calendar)
            .map((href) => `<d:href>${href}</d:href>`)
            .join('')}</c:calendar-multiget>`,
        ),
      (calendar, response) => {
        expect(response.status).toBe(207);
        const entries = readMultistatus(response.text);
        expect(entries).toHaveLength(calendar.size);
        const found = entries.filter((entry) => entry.status === undefined);
        const missing = entries.filter((entry) => entry.status === 404);
        expect(found).toHaveLength(Math.round((calendar.size * 2) / 3));
        expect(missing).toHaveLength(calendar.size - found.length);
        expect(found.every((entry) => (entry.props.get(p(NS.CALDAV, 'calendar-data'))?.text ?? '').includes('BEGIN:VEVENT'))).toBe(true);
      },
    );
  });

  test('GET of one event', async () => {
    await compareSizes(
      'GET one event',
      calendars,
      (calendar) => () => dav.get(`${calendar.path}${eventName(2)}`),
      (calendar, response) => {
        expect(response.status).toBe(200);
        expect(response.text).toContain(`UID:${calendar.label}-calendar-2`);
      },
    );
  });

  describe('sync-collection', () => {
    const syncBody = (token: string) =>
      `<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
    const tokens: Record<string, string> = {};

    test('initial sync (empty token)', async () => {
      await compareSizes(
        'REPORT sync-collection, initial',
        calendars,
        (calendar) => () => dav.report(calendar.path, syncBody(''), '0'),
        (calendar, response) => {
          expect(response.status).toBe(207);
          const entries = memberEntries(calendar, response);
          expect(names(entries)).toEqual(sorted(calendar.members));
          expect(entries.every((entry) => entry.status === undefined)).toBe(true);
          tokens[calendar.label] = tokenOf(response);
          expect(tokens[calendar.label]).not.toBe('');
        },
      );
    });

    test('incremental sync after N changes (a third updated, a third created, a third deleted)', async () => {
      const expected: Record<string, Record<string, number>> = {};
      for (const calendar of Object.values(calendars)) {
        const third = calendar.size / 3;
        const changes: Record<string, number> = {};
        for (let index = 1; index <= third; index += 1) {
          const response = await dav.get(`${calendar.path}${eventName(index)}`);
          await putEvent(calendar, eventName(index), eventText(`${calendar.label}-calendar-${index}`, index, `Changed ${index}`), { 'If-Match': response.headers.get('etag')! });
          changes[eventName(index)] = 200;
        }
        for (let index = third + 1; index <= 2 * third; index += 1) {
          await deleteEvent(calendar, eventName(index));
          changes[eventName(index)] = 404;
        }
        for (let index = 1; index <= third; index += 1) {
          await putEvent(calendar, `added-${pad(index)}.ics`, eventText(`${calendar.label}-added-${index}`, index));
          changes[`added-${pad(index)}.ics`] = 200;
        }
        expected[calendar.label] = changes;
      }
      await compareSizes(
        'REPORT sync-collection, after N changes',
        calendars,
        (calendar) => () => dav.report(calendar.path, syncBody(tokens[calendar.label]), '0'),
        (calendar, response) => {
          expect(response.status).toBe(207);
          const entries = memberEntries(calendar, response);
          expect(entries).toHaveLength(calendar.size);
          expect(Object.fromEntries(entries.map((entry) => [lastSegment(entry.href), entry.status ?? 200]))).toEqual(expected[calendar.label]);
        },
      );
    });
  });

  test('PUT of a new event (If-None-Match: *)', async () => {
    await compareSizes(
      'PUT new event',
      calendars,
      (calendar, phase) => () => {
        const name = `new-${phase}.ics`;
        calendar.members.add(name);
        return dav.put(`${calendar.path}${name}`, eventText(`${calendar.label}-new-${phase}`, 5), { 'If-None-Match': '*' });
      },
      (_calendar, response) => expect(response.status).toBe(201),
      WRITE_QUIET_MS,
    );
  });

  test('PUT update of an event with If-Match', async () => {
    await compareSizes(
      'PUT update with If-Match',
      calendars,
      async (calendar, phase) => {
        const path = `${calendar.path}${eventName(3)}`;
        const etag = (await dav.get(path)).headers.get('etag');
        expect(etag).toMatch(/^"/);
        return () => dav.put(path, eventText(`${calendar.label}-calendar-3`, 3, `Updated (${phase})`), { 'If-Match': etag! });
      },
      (_calendar, response) => expect(response.status).toBe(204),
      WRITE_QUIET_MS,
    );
  });
});

describe('CardDAV: statements per request do not grow with the number of contacts', () => {
  test('PROPFIND Depth 1 of an address book (getetag)', async () => {
    await compareSizes(
      'PROPFIND Depth 1 address book (getetag)',
      books,
      (book) => () => dav.propfind(book.path, '1', propfindBody('d:getetag')),
      (book, response) => {
        expect(response.status).toBe(207);
        const entries = memberEntries(book, response);
        expect(names(entries)).toEqual(sorted(book.members));
        expect(entries.every((entry) => /^"/.test(entry.props.get(p(NS.DAV, 'getetag'))?.text ?? ''))).toBe(true);
      },
    );
  });

  test('addressbook-multiget REPORT naming N hrefs, some of them unknown', async () => {
    const hrefs = (book: Collection) => {
      const known = Math.round((book.size * 2) / 3);
      return [
        ...Array.from({ length: known }, (_, index) => `${book.path}${contactName(index + 1)}`),
        ...Array.from({ length: book.size - known }, (_, index) => `${book.path}missing-${index + 1}.vcf`),
      ];
    };
    await compareSizes(
      'REPORT addressbook-multiget (N hrefs)',
      books,
      (book) => () =>
        dav.report(
          book.path,
          `<?xml version="1.0" encoding="utf-8"?><card:addressbook-multiget xmlns:d="DAV:" ${CARD}><d:prop><d:getetag/><card:address-data/></d:prop>${hrefs(book)
            .map((href) => `<d:href>${href}</d:href>`)
            .join('')}</card:addressbook-multiget>`,
        ),
      (book, response) => {
        expect(response.status).toBe(207);
        const entries = readMultistatus(response.text);
        expect(entries).toHaveLength(book.size);
        const found = entries.filter((entry) => entry.status === undefined);
        const missing = entries.filter((entry) => entry.status === 404);
        expect(found).toHaveLength(Math.round((book.size * 2) / 3));
        expect(missing).toHaveLength(book.size - found.length);
        expect(found.every((entry) => (entry.props.get(p(CARDDAV, 'address-data'))?.text ?? '').includes('FN:Ada'))).toBe(true);
      },
    );
  });

  test('addressbook-query REPORT with an FN text-match', async () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
      <card:addressbook-query xmlns:d="DAV:" ${CARD}><d:prop><d:getetag/><card:address-data/></d:prop>
        <card:filter><card:prop-filter name="FN"><card:text-match collation="i;unicode-casemap" match-type="contains">lovelace</card:text-match></card:prop-filter></card:filter>
      </card:addressbook-query>`;
    await compareSizes(
      'REPORT addressbook-query (FN contains)',
      books,
      (book) => () => dav.report(book.path, body),
      (book, response) => {
        expect(response.status).toBe(207);
        const entries = memberEntries(book, response);
        // Every Lovelace, and not Babbage.
        expect(names(entries)).toEqual(sorted([...book.members].filter((name) => name !== 'babbage.vcf')));
        expect(entries).toHaveLength(book.size);
        expect(entries.every((entry) => (entry.props.get(p(CARDDAV, 'address-data'))?.text ?? '').includes('Lovelace'))).toBe(true);
      },
    );
  });

  test('initial sync-collection of an address book', async () => {
    await compareSizes(
      'REPORT sync-collection address book, initial',
      books,
      (book) => () =>
        dav.report(
          book.path,
          `<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`,
          '0',
        ),
      (book, response) => {
        expect(response.status).toBe(207);
        expect(names(memberEntries(book, response))).toEqual(sorted(book.members));
      },
    );
  });
});
