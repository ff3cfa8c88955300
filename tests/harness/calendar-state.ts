/**
 * A calendar's state as a client sees it through each way of reading it (PROPFIND, sync-collection, multiget,
 * calendar-query), for tests that compare them with each other and with what was written.
 */

import { davClient, propfindBody, readMultistatus } from './dav';

type Dav = ReturnType<typeof davClient>;

const CALDAV = 'urn:ietf:params:xml:ns:caldav';
const nameOf = (href: string) => href.slice(href.lastIndexOf('/') + 1);

/** Thrown when the server answers a read with something else than a multistatus. */
function expectMultistatus(what: string, status: number, text: string): void {
  if (status !== 207) throw new Error(`${what} answered ${status}: ${text.slice(0, 300)}`);
}

/** The members a PROPFIND Depth 1 lists, name -> getetag. */
export async function listEtags(dav: Dav, calendarPath: string): Promise<Map<string, string>> {
  const response = await dav.propfind(calendarPath, '1', propfindBody('d:getetag'));
  expectMultistatus('PROPFIND', response.status, response.text);
  const listed = new Map<string, string>();
  for (const entry of readMultistatus(response.text)) {
    if (entry.href.endsWith('/')) continue;
    listed.set(nameOf(entry.href), entry.props.get('{DAV:}getetag')?.text ?? '');
  }
  return listed;
}

export interface SyncAnswer {
  token: string;
  /** Members reported present, name -> etag. */
  present: Map<string, string>;
  /** Members reported removed. */
  removed: Set<string>;
}

/** A sync-collection REPORT from `token` ('' for an initial sync). */
export async function syncCollection(dav: Dav, calendarPath: string, token: string): Promise<SyncAnswer> {
  const body = `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
  const response = await dav.report(calendarPath, body, '0');
  expectMultistatus('sync-collection', response.status, response.text);
  const next = /<d:sync-token>([^<]+)<\/d:sync-token>\s*<\/d:multistatus>\s*$/.exec(response.text)?.[1];
  if (!next) throw new Error(`sync-collection gave no new token: ${response.text.slice(-300)}`);
  const present = new Map<string, string>();
  const removed = new Set<string>();
  for (const entry of readMultistatus(response.text)) {
    const name = nameOf(entry.href);
    if (entry.status === 404) removed.add(name);
    else present.set(name, entry.props.get('{DAV:}getetag')?.text ?? '');
  }
  return { token: next, present, removed };
}

export interface ObjectCopy {
  etag: string;
  data: string;
}

/** A calendar-multiget of the names: name -> etag and calendar-data; names it reports missing are left out. */
export async function multiget(dav: Dav, calendarPath: string, names: string[]): Promise<Map<string, ObjectCopy>> {
  const hrefs = names.map((name) => `<d:href>${calendarPath}${name}</d:href>`).join('');
  const body = `<?xml version="1.0"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="${CALDAV}"><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs}</c:calendar-multiget>`;
  const response = await dav.report(calendarPath, body, '1');
  expectMultistatus('calendar-multiget', response.status, response.text);
  const found = new Map<string, ObjectCopy>();
  for (const entry of readMultistatus(response.text)) {
    const data = entry.props.get(`{${CALDAV}}calendar-data`);
    const etag = entry.props.get('{DAV:}getetag');
    if (entry.status === 404 || !data || data.status !== 200 || !etag) continue;
    found.set(nameOf(entry.href), { etag: etag.text, data: data.text });
  }
  return found;
}

/** The names a calendar-query for VEVENTs overlapping [start, end) finds, name -> etag (UTC, 20260310T000000Z). */
export async function queryTimeRange(dav: Dav, calendarPath: string, start: string, end: string): Promise<Map<string, string>> {
  const body = `<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="${CALDAV}"><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="${start}" end="${end}"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`;
  const response = await dav.report(calendarPath, body, '1');
  expectMultistatus('calendar-query', response.status, response.text);
  return new Map(readMultistatus(response.text).map((entry) => [nameOf(entry.href), entry.props.get('{DAV:}getetag')?.text ?? '']));
}
