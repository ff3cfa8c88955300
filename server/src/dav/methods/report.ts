import { busyPeriods, freeBusyCalendar, matchesCalendarFilter, quickTimeRangeMatch, renderCalendarData } from '../../ical';
import { matchesAddressbookFilter, renderAddressData } from '../../vcard';
import type { StoredCalendarObject } from '../backend';
import { DavError } from '../errors';
import { depthOf, xmlResponse } from '../http';
import { NS, clark, type CalendarDataRequest, type CompFilter, type TimeRange, type XmlContent, type XmlNode } from '../model';
import { multistatus, multistatusStream, responseElement, STREAM_BATCH, type MultistatusResponse, type PropertyResult } from '../multistatus';
import { locate, treePath } from '../paths';
import { definitionsOf } from '../properties';
import { respond, responseFor, responseNow, settled, type ExtraProperties, type PendingResponse } from '../propfind-core';
import { parseReport, type ExpandPropertyItem, type PropfindRequest, type ReportRequest } from '../requests';
import { hrefOf, resolve, resolveAddressBook, resolveCalendar, resolveObjectSlot, type DavContext, type Resource } from '../resources';
import type { AddressDataRequest } from '../requests';
import { parseSyncToken, syncToken } from '../sync-token';
import { serializeXml } from '../xml';
import type { MethodHandler, MethodInput } from './types';

const CALENDAR_DATA = clark({ ns: NS.CALDAV, name: 'calendar-data' });
const ADDRESS_DATA = clark({ ns: NS.CARDDAV, name: 'address-data' });

function unsupported(report: string): never {
  throw new DavError(403, `The ${report} report is not supported on this resource.`, { ns: NS.DAV, name: 'supported-report' });
}

/**
 * The time range that every matching object must overlap, read from the filter's component level, so that only
 * candidates whose stored occurrence bounds overlap it are read and expanded. Null when the filter sets none.
 */
export function prefilterRange(filter: CompFilter): TimeRange | null {
  if (filter.isNotDefined) return null;
  for (const component of filter.compFilters) {
    if (!component.isNotDefined && component.timeRange && ['VEVENT', 'VTODO', 'VJOURNAL'].includes(component.name.toUpperCase())) {
      return component.timeRange;
    }
  }
  return null;
}

function objectResponseExtras(object: StoredCalendarObject, propRequest: PropfindRequest, calendarData?: CalendarDataRequest): ExtraProperties {
  const extra: ExtraProperties = new Map();
  const wantsData = propRequest.kind === 'prop' && propRequest.props.some((prop) => clark(prop) === CALENDAR_DATA);
  if (wantsData) extra.set(CALENDAR_DATA, renderCalendarData(object.data, calendarData ?? {}));
  return extra;
}

async function calendarQuery(input: MethodInput, report: Extract<ReportRequest, { kind: 'calendar-query' }>) {
  const { context, href } = input;
  const target = await input.resource();
  const responses: PendingResponse[] = [];
  const answer = (resource: Extract<Resource, { kind: 'calendar-object' }>, object: StoredCalendarObject, objectHref: string) => {
    if (!matchesCalendarFilter(object.data, report.filter)) return;
    responses.push(respond(context, resource, objectHref, report.prop, objectResponseExtras(object, report.prop, report.calendarData)));
  };

  if (target.kind === 'calendar') {
    const candidates = await context.backend.queryObjects(target.calendar, prefilterRange(report.filter));
    for (const object of candidates) {
      const resource = { kind: 'calendar-object' as const, home: target.home, calendar: target.calendar, name: object.name, object };
      const objectHref = context.hrefs.child(href, object.name, false);
      const quick = quickTimeRangeMatch(object, report.filter);
      if (quick === null) answer(resource, object, objectHref);
      else if (quick) responses.push(respond(context, resource, objectHref, report.prop, objectResponseExtras(object, report.prop, report.calendarData)));
    }
  } else if (target.kind === 'calendar-object' && input.location.kind === 'calendar-object') {
    const slot = await resolveObjectSlot(context, input.location);
    if (slot?.object) answer(target, slot.object, href);
  } else {
    unsupported('calendar-query');
  }
  return xmlResponse(207, multistatus(await settled(responses)));
}

/** Whether a request's properties include the stored text (calendar-data or address-data). */
function wantsData(prop: PropfindRequest): boolean {
  return prop.kind === 'prop' && prop.props.some((name) => clark(name) === CALENDAR_DATA || clark(name) === ADDRESS_DATA);
}

/**
 * calendar-multiget and addressbook-multiget: each href answered, 404 for what is not there (or not this kind).
 * The members are read per collection, in one query each, however many hrefs name them.
 */
async function multiget(
  input: MethodInput,
  hrefs: string[],
  prop: PropfindRequest,
  memberKind: 'calendar-object' | 'contact',
  extras: (object: StoredCalendarObject) => ExtraProperties,
) {
  const { context } = input;
  const located = hrefs.map((requested) => ({ requested, location: locationOf(context, requested) }));
  const groups = new Map<string, { username: string; slug: string; names: string[] }>();
  for (const { location } of located) {
    if (location?.kind !== memberKind) continue;
    const key = `${location.username}\u0000${location.slug}`;
    const group = groups.get(key);
    if (group) group.names.push(location.name);
    else groups.set(key, { username: location.username, slug: location.slug, names: [location.name] });
  }
  const found = new Map<string, Map<string, Resource>>();
  for (const [key, group] of groups) {
    const members = new Map<string, Resource>();
    if (memberKind === 'calendar-object') {
      const parent = await resolveCalendar(context, group.username, group.slug);
      for (const object of parent ? await context.backend.getObjects(parent.calendar, group.names) : []) {
        members.set(object.name, { kind: 'calendar-object', home: parent!.home, calendar: parent!.calendar, name: object.name, object });
      }
    } else {
      const parent = await resolveAddressBook(context, group.username, group.slug);
      for (const object of parent ? await context.addressBooks.getObjects(parent.book, group.names) : []) {
        members.set(object.name, { kind: 'contact', home: parent!.home, book: parent!.book, name: object.name, object });
      }
    }
    found.set(key, members);
  }
  // Scheduling messages of the user's own inbox, which clients fetch with calendar-multiget too.
  const inbox = new Map<string, StoredCalendarObject>();
  const user = context.user;
  const inboxNames = located.flatMap(({ location }) =>
    location?.kind === 'inbox-message' && location.username === user?.username ? [location.name] : [],
  );
  if (memberKind === 'calendar-object' && inboxNames.length > 0 && context.scheduler && user) {
    for (const object of await context.scheduler.inbox.get(user, inboxNames)) inbox.set(object.name, object);
  }
  const responses: PendingResponse[] = [];
  for (const { requested, location } of located) {
    const message = location?.kind === 'inbox-message' && user ? inbox.get(location.name) : undefined;
    if (message && user) {
      responses.push(respond(context, { kind: 'inbox-message', owner: user, name: message.name, object: message }, requested, prop, extras(message)));
      continue;
    }
    const resource = location?.kind === memberKind ? found.get(`${location.username}\u0000${location.slug}`)?.get(location.name) : undefined;
    if (!resource || (resource.kind !== 'calendar-object' && resource.kind !== 'contact')) {
      responses.push({ href: requested, status: 404 });
      continue;
    }
    responses.push(respond(context, resource, requested, prop, extras(resource.object as StoredCalendarObject)));
  }
  return xmlResponse(207, multistatus(await settled(responses)));
}

function contactExtras(object: StoredCalendarObject, propRequest: PropfindRequest, addressData?: AddressDataRequest): ExtraProperties {
  const extra: ExtraProperties = new Map();
  const wantsData = propRequest.kind === 'prop' && propRequest.props.some((prop) => clark(prop) === ADDRESS_DATA);
  if (wantsData) {
    // Converted only when the client names a version; otherwise the vCard as the client stored it.
    const version = addressData?.version === '3.0' || addressData?.version === '4.0' ? addressData.version : undefined;
    extra.set(ADDRESS_DATA, renderAddressData(object.data, { version, allProps: addressData?.allProps ?? true, props: addressData?.props ?? [] }));
  }
  return extra;
}

async function addressbookQuery(input: MethodInput, report: Extract<ReportRequest, { kind: 'addressbook-query' }>) {
  const { context, href } = input;
  const target = await input.resource();
  if (target.kind !== 'addressbook') unsupported('addressbook-query');
  const responses: PendingResponse[] = [];
  let truncated = false;
  for (const object of await context.addressBooks.allObjects(target.book)) {
    if (!matchesAddressbookFilter(object.data, report.filter)) continue;
    if (report.limit !== undefined && responses.length >= report.limit) {
      truncated = true;
      break;
    }
    const resource = { kind: 'contact' as const, home: target.home, book: target.book, name: object.name, object };
    responses.push(respond(context, resource, context.hrefs.child(href, object.name, false), report.prop, contactExtras(object, report.prop, report.addressData)));
  }
  // RFC 6352 8.6.1: a truncated result says so with 507 on the request URI.
  if (truncated) responses.push({ href, status: 507, error: { ns: NS.DAV, name: 'number-of-matches-within-limits' } });
  return xmlResponse(207, multistatus(await settled(responses)));
}

/**
 * sync-collection (RFC 6578): an empty token lists every member; a token lists the members changed since, and the
 * removed ones as 404. At most `limit` changes per answer, the rest announced with 507 and reachable from the token.
 */
async function syncCollection(input: MethodInput, report: Extract<ReportRequest, { kind: 'sync-collection' }>) {
  const { context, href } = input;
  const target = await input.resource();
  if (target.kind !== 'calendar' && target.kind !== 'addressbook') unsupported('sync-collection');
  if (report.syncLevel !== '1') {
    throw new DavError(403, 'Only sync-level 1 is supported: these collections have no sub-collections.', { ns: NS.DAV, name: 'sync-traversal-supported' });
  }
  const collection = target.kind === 'calendar' ? target.calendar : target.book;
  // The member operations of this collection, whichever kind it is.
  const store = {
    listObjects: () => (target.kind === 'calendar' ? context.backend.listObjects(target.calendar) : context.addressBooks.listObjects(target.book)),
    getObjects: (names: string[]) =>
      target.kind === 'calendar' ? context.backend.getObjects(target.calendar, names) : context.addressBooks.getObjects(target.book, names),
    changedSince: (since: number, until: number) =>
      target.kind === 'calendar' ? context.backend.changedSince(target.calendar, since, until) : context.addressBooks.changedSince(target.book, since, until),
  };
  const memberResource = (object: StoredCalendarObject): Resource =>
    target.kind === 'calendar'
      ? { kind: 'calendar-object', home: target.home, calendar: target.calendar, name: object.name, object }
      : { kind: 'contact', home: target.home, book: target.book, name: object.name, object };
  const extras = (object: StoredCalendarObject) =>
    target.kind === 'calendar' ? objectResponseExtras(object, report.prop) : contactExtras(object, report.prop);
  const responses: MultistatusResponse[] = [];

  const memberHref = (name: string) => context.hrefs.child(href, name, false);
  const answer = async (objects: StoredCalendarObject[]) => {
    const pending = objects.map((object) => respond(context, memberResource(object), memberHref(object.name), report.prop, extras(object)));
    for (const response of await settled(pending)) responses.push(response);
  };

  const position = report.syncToken.trim() === '' ? { sequence: collection.syncSequence, listedUpTo: '' } : parseSyncToken(report.syncToken, collection.documentId);
  if (!position || position.sequence > collection.syncSequence || (report.syncToken.trim() !== '' && position.sequence < collection.syncFloor)) {
    throw new DavError(403, 'This sync token is unknown or too old; sync again from the start with an empty token.', { ns: NS.DAV, name: 'valid-sync-token' });
  }

  // An initial sync lists the members in name order, at most `limit` per answer; the token then says where to go on.
  let since = position.sequence;
  if (position.listedUpTo !== undefined) {
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const remaining = (await store.listObjects()).filter((info) => info.name > position.listedUpTo!).sort(byName);
    const page = report.limit !== undefined ? remaining.slice(0, report.limit) : remaining;
    // The listing has the etags already; the stored text is read only when the client asked for it.
    const objects = wantsData(report.prop) ? (await store.getObjects(page.map((info) => info.name))).sort(byName) : page.map((info) => ({ ...info, data: '' }));
    if (report.syncToken.trim() === '' && page.length === remaining.length) {
      // The whole collection in one answer: sent as it is written, a batch at a time.
      async function* listing(): AsyncIterable<MultistatusResponse[]> {
        let batch: MultistatusResponse[] = [];
        for (const object of objects) {
          const resource = memberResource(object);
          const objectHref = memberHref(object.name);
          const objectExtras = extras(object);
          batch.push(responseNow(context, resource, objectHref, report.prop, objectExtras) ?? (await responseFor(context, resource, objectHref, report.prop, objectExtras)));
          if (batch.length >= STREAM_BATCH) {
            yield batch;
            batch = [];
          }
        }
        yield batch;
      }
      return xmlResponse(207, multistatusStream(listing(), { syncToken: syncToken(collection.documentId, collection.syncSequence) }));
    }
    await answer(objects);
    if (page.length < remaining.length) {
      responses.push({ href, status: 507, error: { ns: NS.DAV, name: 'number-of-matches-within-limits' } });
      return xmlResponse(207, multistatus(responses, { syncToken: syncToken(collection.documentId, position.sequence, page[page.length - 1].name) }));
    }
    if (report.syncToken.trim() === '') return xmlResponse(207, multistatus(responses, { syncToken: syncToken(collection.documentId, collection.syncSequence) }));
    // The listing is complete; what changed meanwhile among the members listed before is answered below.
    since = position.sequence;
  }

  let changes = await store.changedSince(since, collection.syncSequence);
  if (position.listedUpTo !== undefined) changes = changes.filter((change) => change.name <= position.listedUpTo!);
  let reached = collection.syncSequence;
  const limit = report.limit !== undefined ? Math.max(0, report.limit - responses.length) : undefined;
  if (limit !== undefined && changes.length > limit) {
    // Cut at a whole log position so that the token resumes exactly after what was answered.
    const kept = changes.slice(0, limit);
    reached = kept.length > 0 ? kept[kept.length - 1].sequence : since;
    changes = changes.filter((change) => change.sequence <= reached);
    responses.push({ href, status: 507, error: { ns: NS.DAV, name: 'number-of-matches-within-limits' } });
  }
  const current = new Map((await store.getObjects(changes.map((change) => change.name))).map((object) => [object.name, object]));
  const answered = await settled(
    changes.map((change) => {
      const object = current.get(change.name);
      return object ? respond(context, memberResource(object), memberHref(change.name), report.prop, extras(object)) : { href: memberHref(change.name), status: 404 };
    }),
  );
  const listed = responses.filter((response) => response.status !== 507);
  const truncation = responses.filter((response) => response.status === 507);
  return xmlResponse(207, multistatus([...listed, ...answered, ...truncation], { syncToken: syncToken(collection.documentId, reached) }));
}

/** The location of an href inside this server's DAV tree, or null. */
function locationOf(context: DavContext, href: string) {
  const path = treePath(href, context.basePath, context.sitePath);
  if (path === null) return null;
  try {
    return locate(path, context.basePath);
  } catch {
    return null;
  }
}

async function freeBusyQuery(input: MethodInput, report: Extract<ReportRequest, { kind: 'free-busy-query' }>) {
  const target = await input.resource();
  if (target.kind !== 'calendar') unsupported('free-busy-query');
  const candidates = await input.context.backend.queryObjects(target.calendar, report.timeRange);
  const body = freeBusyCalendar(busyPeriods(candidates.map((object) => object.data), report.timeRange), report.timeRange);
  return { status: 200, headers: { 'Content-Type': 'text/calendar; charset=utf-8' }, body };
}

/** Resolves an href of this server to a resource the user may see, or null. */
async function resourceAt(context: DavContext, href: string): Promise<Resource | null> {
  const location = locationOf(context, href);
  return location ? resolve(context, location) : null;
}

const hrefsIn = (content: XmlContent): string[] => {
  if (typeof content === 'string') return [];
  if (Array.isArray(content)) return content.flatMap(hrefsIn);
  if (content.ns === NS.DAV && content.name === 'href' && typeof content.children === 'string') return [content.children];
  return content.children === undefined ? [] : hrefsIn(content.children);
};

/** RFC 3253 3.8: the requested properties, with href-valued ones replaced by the responses of what they point to. */
async function expandedResponse(context: DavContext, resource: Resource, href: string, items: ExpandPropertyItem[], depth: number): Promise<XmlNode> {
  const definitions = definitionsOf(context, resource);
  const properties: PropertyResult[] = [];
  for (const item of items) {
    const definition = definitions.get(clark(item.prop));
    if (!definition) {
      properties.push({ prop: item.prop, status: 404 });
      continue;
    }
    const value = await definition.get();
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'raw' in value) {
      properties.push({ prop: item.prop, status: 200, raw: value.raw });
    } else if (item.children.length > 0 && depth < 3) {
      const nested: XmlContent[] = [];
      for (const target of hrefsIn(value)) {
        const targetResource = await resourceAt(context, target);
        if (targetResource) nested.push(await expandedResponse(context, targetResource, target, item.children, depth + 1));
      }
      properties.push({ prop: item.prop, status: 200, value: nested });
    } else {
      properties.push({ prop: item.prop, status: 200, value });
    }
  }
  return responseElement({ href, properties });
}

/**
 * A local name as XML allows one (an NCName; non-ASCII letters taken as they come). expand-property names its
 * properties in attributes, where any text fits, and the answer writes each name back as an element.
 */
const LOCAL_NAME = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9._\-\u00B7\u00C0-\uFFFF]*$/;

function checkExpandNames(items: ExpandPropertyItem[]): void {
  for (const item of items) {
    if (!LOCAL_NAME.test(item.prop.name)) throw new DavError(400, `"${item.prop.name}" is not a property name: a <property name="..."> must be an XML name without a colon.`);
    checkExpandNames(item.children);
  }
}

async function expandProperty(input: MethodInput, report: Extract<ReportRequest, { kind: 'expand-property' }>) {
  checkExpandNames(report.properties);
  const target = await input.resource();
  const response = await expandedResponse(input.context, target, input.href, report.properties, 0);
  return xmlResponse(207, serializeXml({ ns: NS.DAV, name: 'multistatus', children: [response] }));
}

const SEARCHABLE = [
  { ns: NS.DAV, name: 'displayname' },
  { ns: NS.CALDAV, name: 'calendar-user-address-set' },
  { ns: NS.CALENDARSERVER, name: 'email-address-set' },
];

async function principalPropertySearch(input: MethodInput, report: Extract<ReportRequest, { kind: 'principal-property-search' }>) {
  const { context } = input;
  // Signed-in users find each other (to invite and share); an anonymous reader of a public calendar finds nobody.
  if (!context.user) return xmlResponse(207, multistatus([]));
  const terms = report.searches.map((search) => search.match.replace(/^mailto:/i, '').trim()).filter((term) => term !== '');
  const principals = await context.directory.search(terms, report.test);
  const propRequest: PropfindRequest = { kind: 'prop', props: report.prop };
  const responses: MultistatusResponse[] = [];
  for (const principal of principals) {
    const resource: Resource = { kind: 'principal', principal };
    responses.push(await responseFor(context, resource, hrefOf(context, resource), propRequest));
  }
  return xmlResponse(207, multistatus(responses));
}

function principalSearchPropertySet() {
  return xmlResponse(
    200,
    serializeXml({
      ns: NS.DAV,
      name: 'principal-search-property-set',
      children: SEARCHABLE.map((prop) => ({
        ns: NS.DAV,
        name: 'principal-search-property',
        children: [
          { ns: NS.DAV, name: 'prop', children: { ns: prop.ns, name: prop.name } },
          { ns: NS.DAV, name: 'description', attributes: { 'xml:lang': 'en' }, children: prop.name },
        ],
      })),
    }),
  );
}

/** REPORT (RFC 3253 3.6) with the CalDAV reports and those Apple clients use on principals. */
export const report: MethodHandler = async (input) => {
  const root = input.xmlBody();
  if (!root) throw new DavError(400, 'REPORT needs a body naming the report.');
  const request = parseReport(root);
  depthOf(input.request, '0');
  switch (request.kind) {
    case 'calendar-query':
      return calendarQuery(input, request);
    case 'calendar-multiget': {
      const target = await input.resource();
      if (target.kind !== 'calendar' && target.kind !== 'calendar-home' && target.kind !== 'schedule-inbox') unsupported('calendar-multiget');
      return multiget(input, request.hrefs, request.prop, 'calendar-object', (object) => objectResponseExtras(object, request.prop, request.calendarData));
    }
    case 'free-busy-query':
      return freeBusyQuery(input, request);
    case 'expand-property':
      return expandProperty(input, request);
    case 'principal-property-search':
      return principalPropertySearch(input, request);
    case 'principal-search-property-set':
      return principalSearchPropertySet();
    case 'addressbook-query':
      return addressbookQuery(input, request);
    case 'sync-collection':
      return syncCollection(input, request);
    case 'addressbook-multiget': {
      const target = await input.resource();
      if (target.kind !== 'addressbook' && target.kind !== 'addressbook-home') unsupported('addressbook-multiget');
      return multiget(input, request.hrefs, request.prop, 'contact', (object) => contactExtras(object, request.prop, request.addressData));
    }
    default:
      return unsupported((request as { kind: string }).kind);
  }
};
