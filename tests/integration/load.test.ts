/**
 * Several clients read and write one calendar at once for a fixed time, over keep-alive connections: creates,
 * conditional updates and deletes, GET, PROPFIND, calendar-multiget and sync-collection. Afterwards the calendar
 * must be exactly what the acknowledged writes made it, every way of reading it must agree, and no request may have
 * been answered with a server error.
 *
 * Each client owns some objects (only it writes them, so their final state is its last acknowledged write) and all
 * of them update a few shared objects with If-Match, where losing a race is a correct 412.
 */

import { listEtags, multiget, syncCollection } from '../harness/calendar-state';
import { davClient, vevent } from '../harness/dav';
import type { HttpResponse } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const CLIENTS = 8;
const LOAD_SECONDS = 12;
const OWNED_PER_CLIENT = 4;
const SHARED = ['shared-0.ics', 'shared-1.ics', 'shared-2.ics'];

let server: TestServer;
let user: TestUser;
let calendarPath: string;

beforeAll(async () => {
  server = await startTestServer();
  user = await createUser(server);
  await server.collections.createCalendar({ owner: user.documentId, name: 'Busy', slug: 'busy', components: ['VEVENT'] });
  calendarPath = `/dav/calendars/${user.username}/busy/`;
});

afterAll(async () => {
  await server?.stop();
});

/** CRLF and LF are the same text once XML has carried it. */
const sameText = (text: string) => text.replace(/\r\n/g, '\n');
/** An ETag without its quotes (and weakness mark): how versions are kept here. */
const unquote = (etag: string | null) => (etag ?? '').replace(/^W\//, '').replace(/^"(.*)"$/, '$1');

interface Version {
  etag: string;
  data: string;
  /** The If-Match the write was made under, for conditional updates. */
  ifMatch?: string;
}

test(`${CLIENTS} clients reading and writing one calendar for ${LOAD_SECONDS} s leave it exactly as acknowledged, and every view agrees`, async () => {
  const dav = davClient(server.origin, user);
  let serial = 0;
  const body = (name: string) => {
    serial += 1;
    const day = String(1 + (serial % 28)).padStart(2, '0');
    return vevent(name.replace(/\.ics$/, ''), { summary: `${name} version ${serial}`, start: `202604${day}T090000Z`, end: `202604${day}T100000Z` });
  };

  // The shared objects exist before the load; a sync token from then is the baseline of the incremental sync.
  const sharedVersions = new Map<string, Version[]>();
  for (const name of SHARED) {
    const data = body(name);
    const response = await dav.put(`${calendarPath}${name}`, data, { 'If-None-Match': '*' });
    expect(response.status).toBe(201);
    sharedVersions.set(name, [{ etag: unquote(response.headers.get('etag')), data }]);
  }
  const baseline = await syncCollection(dav, calendarPath, '');

  /** Every version any write was acknowledged with, by etag: what GET must serve under that etag. */
  const acknowledged = new Map<string, string>();
  for (const [, [version]] of sharedVersions) acknowledged.set(version.etag, version.data);
  /** Names some acknowledged write touched during the load. */
  const touched = new Set<string>();
  const problems: string[] = [];
  const counts: Record<string, number> = {};
  const count = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);

  const deadline = Date.now() + LOAD_SECONDS * 1000;

  async function runClient(index: number): Promise<Map<string, Version | null>> {
    // What this client knows of its own objects: only it writes them, so this is the truth.
    const owned = new Map<string, Version | null>();
    for (let k = 0; k < OWNED_PER_CLIENT; k += 1) owned.set(`client${index}-${k}.ics`, null);
    let token = baseline.token;
    const names = [...owned.keys()];
    const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)];

    const expectStatus = (what: string, response: HttpResponse, allowed: number[]) => {
      count(`${what} ${response.status}`);
      if (response.status >= 500 || !allowed.includes(response.status)) {
        problems.push(`client ${index}: ${what} answered ${response.status}: ${response.text.slice(0, 200)}`);
        return false;
      }
      return true;
    };

    while (Date.now() < deadline) {
      const roll = Math.random();
      try {
        if (roll < 0.3) {
          // Write one of its own objects: create, update or delete, always conditionally.
          const name = pick(names);
          const current = owned.get(name) ?? null;
          if (current === null) {
            const data = body(name);
            const response = await dav.put(`${calendarPath}${name}`, data, { 'If-None-Match': '*' });
            if (expectStatus('PUT create', response, [201])) {
              const version = { etag: unquote(response.headers.get('etag')), data };
              owned.set(name, version);
              acknowledged.set(version.etag, data);
              touched.add(name);
            }
          } else if (Math.random() < 0.7) {
            const data = body(name);
            const response = await dav.put(`${calendarPath}${name}`, data, { 'If-Match': `"${current.etag}"` });
            if (expectStatus('PUT update', response, [204])) {
              const version = { etag: unquote(response.headers.get('etag')), data };
              owned.set(name, version);
              acknowledged.set(version.etag, data);
              touched.add(name);
            }
          } else {
            const response = await dav.delete(`${calendarPath}${name}`, { 'If-Match': `"${current.etag}"` });
            if (expectStatus('DELETE', response, [204])) {
              owned.set(name, null);
              touched.add(name);
            }
          }
        } else if (roll < 0.45) {
          // Update a shared object from the version just read: a lost race is a correct 412.
          const name = pick(SHARED);
          const read = await dav.get(`${calendarPath}${name}`);
          if (!expectStatus('GET shared', read, [200])) continue;
          const ifMatch = unquote(read.headers.get('etag'));
          const data = body(name);
          const response = await dav.put(`${calendarPath}${name}`, data, { 'If-Match': `"${ifMatch}"` });
          if (expectStatus('PUT shared', response, [204, 412]) && response.status === 204) {
            const version = { etag: unquote(response.headers.get('etag')), data, ifMatch };
            sharedVersions.get(name)!.push(version);
            acknowledged.set(version.etag, data);
            touched.add(name);
          }
        } else if (roll < 0.6) {
          // Its own objects read back exactly as last acknowledged.
          const name = pick(names);
          const current = owned.get(name) ?? null;
          const response = await dav.get(`${calendarPath}${name}`);
          if (expectStatus('GET', response, [current ? 200 : 404]) && current) {
            if (unquote(response.headers.get('etag')) !== current.etag || response.text !== current.data) {
              problems.push(`client ${index}: GET ${name} served ${response.headers.get('etag')}, not the acknowledged "${current.etag}"`);
            }
          }
        } else if (roll < 0.75) {
          count('PROPFIND');
          const listed = await listEtags(dav, calendarPath);
          for (const [name, current] of owned) {
            const etag = listed.get(name);
            if ((current === null) !== (etag === undefined) || (current && unquote(etag ?? '') !== current.etag)) {
              problems.push(`client ${index}: PROPFIND listed ${name} as ${etag ?? 'absent'}, acknowledged ${current ? `"${current.etag}"` : 'absent'}`);
            }
          }
        } else if (roll < 0.88) {
          count('multiget');
          const found = await multiget(dav, calendarPath, names);
          for (const [name, current] of owned) {
            const copy = found.get(name);
            if ((current === null) !== (copy === undefined) || (current && copy && (unquote(copy.etag) !== current.etag || sameText(copy.data) !== sameText(current.data)))) {
              problems.push(`client ${index}: multiget gave ${name} as ${copy ? copy.etag : 'absent'}, acknowledged ${current ? `"${current.etag}"` : 'absent'}`);
            }
          }
        } else {
          count('sync-collection');
          const answer = await syncCollection(dav, calendarPath, token);
          token = answer.token;
          // Its own objects, if reported, are reported as they are now (no one else writes them).
          for (const [name, etag] of answer.present) {
            if (!owned.has(name)) continue;
            const current = owned.get(name) ?? null;
            if (!current || unquote(etag) !== current.etag) problems.push(`client ${index}: sync reported ${name} as ${etag}, acknowledged ${current ? `"${current.etag}"` : 'absent'}`);
          }
        }
      } catch (error) {
        problems.push(`client ${index}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return owned;
  }

  const finalOwned = new Map<string, Version | null>();
  for (const owned of await Promise.all(Array.from({ length: CLIENTS }, (_, index) => runClient(index)))) {
    for (const [name, version] of owned) finalOwned.set(name, version);
  }

  expect(problems).toEqual([]);
  const writes = Object.entries(counts).filter(([what]) => /^(PUT|DELETE)/.test(what) && / 2\d\d$/.test(what)).reduce((sum, [, n]) => sum + n, 0);
  // The load really ran: dozens of acknowledged writes at the least, even on a slow machine.
  expect(writes).toBeGreaterThan(40);

  // No two acknowledged updates of a shared object were made from the same version (no lost update), and the
  // object is now the last of its chain of versions.
  const expectedEtags = new Map<string, string>();
  for (const [name, versions] of sharedVersions) {
    const parents = versions.flatMap((version) => (version.ifMatch ? [version.ifMatch] : []));
    expect({ name, lostUpdates: parents.filter((parent, at) => parents.indexOf(parent) !== at) }).toEqual({ name, lostUpdates: [] });
    const heads = versions.filter((version) => !parents.includes(version.etag));
    expect(heads).toHaveLength(1);
    expectedEtags.set(name, heads[0].etag);
  }
  for (const [name, version] of finalOwned) if (version) expectedEtags.set(name, version.etag);

  // PROPFIND lists exactly the acknowledged state.
  const listed = await listEtags(dav, calendarPath);
  expect(Object.fromEntries([...listed].map(([name, etag]) => [name, unquote(etag)]).sort())).toEqual(Object.fromEntries([...expectedEtags].sort()));

  // GET serves each under the ETag PROPFIND lists, with the content that was PUT under that ETag.
  for (const [name, etag] of listed) {
    const response = await dav.get(`${calendarPath}${name}`);
    expect({ name, status: response.status, etag: response.headers.get('etag') }).toEqual({ name, status: 200, etag });
    expect(response.text).toBe(acknowledged.get(unquote(etag)));
  }
  // calendar-multiget agrees.
  const copies = await multiget(dav, calendarPath, [...listed.keys()]);
  expect(copies.size).toBe(listed.size);
  for (const [name, copy] of copies) {
    expect({ name, etag: copy.etag }).toEqual({ name, etag: listed.get(name) });
    expect(sameText(copy.data)).toBe(sameText(acknowledged.get(unquote(copy.etag)) ?? ''));
  }

  // An initial sync lists what PROPFIND lists, with the same etags.
  const initial = await syncCollection(dav, calendarPath, '');
  expect(Object.fromEntries([...initial.present].sort())).toEqual(Object.fromEntries([...listed].sort()));
  expect(initial.removed.size).toBe(0);

  // A sync from before the load reports every change: each touched object as it is now, or as removed.
  const since = await syncCollection(dav, calendarPath, baseline.token);
  for (const name of touched) {
    const etag = listed.get(name);
    if (etag !== undefined) expect({ name, reported: since.present.get(name) }).toEqual({ name, reported: etag });
    // An object created and deleted since the token may be reported removed or not at all (RFC 6578 3.5.1)...
    else if (baseline.present.has(name)) expect({ name, removed: since.removed.has(name) }).toEqual({ name, removed: true });
    else expect(since.present.has(name)).toBe(false);
  }
  // ... and nothing is reported that did not change.
  for (const name of [...since.present.keys(), ...since.removed]) expect(touched.has(name)).toBe(true);
}, 90_000);

test('MKCALENDARs of one name sent at once make one calendar, and the others are told it exists', async () => {
  const dav = davClient(server.origin, user);
  const responses = await Promise.all(Array.from({ length: 6 }, () => dav.mkcalendar(`/dav/calendars/${user.username}/twin/`)));
  const statuses = responses.map((response) => response.status);
  expect(statuses.filter((status) => status === 201)).toHaveLength(1);
  expect(statuses.filter((status) => status !== 201 && status !== 405 && status !== 409)).toEqual([]);
  expect(await server.strapi.db.query('plugin::caldav.calendar' as never).count({ where: { slug: 'twin' } })).toBe(1);
});
