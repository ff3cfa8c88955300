/**
 * The request bodies of PROPFIND, PROPPATCH, MKCALENDAR / extended MKCOL and REPORT, read from parsed XML into
 * plain requests.
 *
 * Elements are matched by namespace and local name, never by prefix. Unknown elements are ignored (RFC 4918
 * section 17). Something malformed is refused with DavError 400, unless the RFCs name a precondition for it:
 * - CalDAV filters (RFC 4791 section 7.8): a malformed filter, time range included, is 403 CALDAV:valid-filter; a
 *   collation other than i;ascii-casemap, i;octet or i;unicode-casemap is 403 CALDAV:supported-collation.
 * - calendar-data other than text/calendar 2.0 is 403 CALDAV:supported-calendar-data.
 * - CardDAV (RFC 6352 section 8.6) defines no valid-filter: a malformed filter is 400; an unknown collation is
 *   403 CARDDAV:supported-collation; address-data other than text/vcard 3.0 or 4.0 is 403
 *   CARDDAV:supported-address-data.
 * - An unknown report is 403 DAV:supported-report (RFC 3253 section 3.6).
 * iCalendar and vCard names (components, properties, parameters) are case-insensitive and are returned upper-case.
 */
import { DavError, badRequest, preconditionFailed } from './errors';
import {
  NS,
  clark,
  type CalendarDataRequest,
  type Collation,
  type CompFilter,
  type CompSelection,
  type ParamFilter,
  type PropFilter,
  type QName,
  type TextMatch,
  type TimeRange,
  type XmlElement,
} from './model';

export type PropfindRequest = { kind: 'prop'; props: QName[] } | { kind: 'allprop'; include: QName[] } | { kind: 'propname' };

export type PropertyUpdate = { action: 'set'; prop: QName; value: XmlElement } | { action: 'remove'; prop: QName };

export interface ExpandPropertyItem {
  prop: QName;
  children: ExpandPropertyItem[];
}

export interface PrincipalPropertySearchTerm {
  props: QName[];
  match: string;
  matchType: 'contains' | 'starts-with' | 'equals';
}

export interface AddressDataRequest {
  /** As the client gave it (absent: the RFC 6352 default, text/vcard). */
  contentType?: string;
  /** As the client gave it (absent: the RFC 6352 default, 3.0). */
  version?: string;
  /** True for CARDDAV:allprop, or when no CARDDAV:prop is listed (RFC 6352 10.4: the whole vCard). */
  allProps: boolean;
  props: string[];
}

export type CardMatchType = 'equals' | 'contains' | 'starts-with' | 'ends-with';
export type CardTextMatch = TextMatch & { matchType: CardMatchType };
export interface CardParamFilter extends ParamFilter {
  textMatch?: CardTextMatch;
}
export interface CardPropFilter {
  name: string;
  test: 'anyof' | 'allof';
  isNotDefined: boolean;
  textMatches: CardTextMatch[];
  paramFilters: CardParamFilter[];
}
export interface AddressbookFilter {
  test: 'anyof' | 'allof';
  propFilters: CardPropFilter[];
}

export type ReportRequest =
  | { kind: 'calendar-query'; prop: PropfindRequest; calendarData?: CalendarDataRequest; filter: CompFilter; timezone?: string }
  | { kind: 'calendar-multiget'; prop: PropfindRequest; calendarData?: CalendarDataRequest; hrefs: string[] }
  | { kind: 'free-busy-query'; timeRange: TimeRange }
  | { kind: 'sync-collection'; syncToken: string; syncLevel: '1' | 'infinite'; limit?: number; prop: PropfindRequest }
  | { kind: 'expand-property'; properties: ExpandPropertyItem[] }
  | {
      kind: 'principal-property-search';
      searches: PrincipalPropertySearchTerm[];
      test: 'allof' | 'anyof';
      prop: QName[];
      applyToPrincipalCollectionSet: boolean;
    }
  | { kind: 'principal-search-property-set' }
  | { kind: 'addressbook-query'; prop: PropfindRequest; addressData?: AddressDataRequest; filter: AddressbookFilter; limit?: number }
  | { kind: 'addressbook-multiget'; prop: PropfindRequest; addressData?: AddressDataRequest; hrefs: string[] };

type ReportOf<Kind extends ReportRequest['kind']> = Extract<ReportRequest, { kind: Kind }>;

// ---------------------------------------------------------------------------------------------------------------
// Element helpers

const is = (element: XmlElement, ns: string, name: string): boolean => element.ns === ns && element.name === name;
const childrenNamed = (element: XmlElement, ns: string, name: string): XmlElement[] =>
  element.children.filter((child) => is(child, ns, name));
const childNamed = (element: XmlElement, ns: string, name: string): XmlElement | undefined =>
  element.children.find((child) => is(child, ns, name));
const qnameOf = (element: XmlElement): QName => ({ ns: element.ns, name: element.name });
const describe = (qname: QName): string => (qname.ns ? `<${qname.name}> (${qname.ns})` : `<${qname.name}> (no namespace)`);

function expectRoot(root: XmlElement, ns: string, name: string, method: string): void {
  if (!is(root, ns, name)) {
    throw badRequest(`${method} expects a ${describe({ ns, name })} body, not ${describe(root)}.`);
  }
}

/** Property names in document order, each once. */
function uniqueNames(elements: XmlElement[]): QName[] {
  const seen = new Set<string>();
  const names: QName[] = [];
  for (const element of elements) {
    const name = qnameOf(element);
    if (seen.has(clark(name))) continue;
    seen.add(clark(name));
    names.push(name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------------
// PROPFIND (RFC 4918 section 9.1)

/** The DAV:prop / DAV:allprop / DAV:propname child of a PROPFIND or REPORT body; undefined when none is there. */
function propRequestIn(element: XmlElement): PropfindRequest | undefined {
  const props = childrenNamed(element, NS.DAV, 'prop');
  const allprop = childNamed(element, NS.DAV, 'allprop');
  const propname = childNamed(element, NS.DAV, 'propname');
  if ([props.length > 0, allprop, propname].filter(Boolean).length > 1) {
    throw badRequest(`${describe(element)} may contain only one of <prop>, <allprop> and <propname>.`);
  }
  if (props.length > 0) return { kind: 'prop', props: uniqueNames(props.flatMap((prop) => prop.children)) };
  if (allprop) {
    const include = childrenNamed(element, NS.DAV, 'include').flatMap((item) => item.children);
    return { kind: 'allprop', include: uniqueNames(include) };
  }
  if (propname) return { kind: 'propname' };
  return undefined;
}

/** A PROPFIND body; none (or an empty DAV:propfind) asks for allprop (RFC 4918 section 9.1). */
export function parsePropfind(root: XmlElement | null): PropfindRequest {
  if (!root) return { kind: 'allprop', include: [] };
  expectRoot(root, NS.DAV, 'propfind', 'PROPFIND');
  return propRequestIn(root) ?? { kind: 'allprop', include: [] };
}

// ---------------------------------------------------------------------------------------------------------------
// PROPPATCH (RFC 4918 section 9.2), MKCALENDAR (RFC 4791 section 5.3.1), extended MKCOL (RFC 5689)

function updatesIn(instruction: XmlElement, action: 'set' | 'remove'): PropertyUpdate[] {
  const props = childrenNamed(instruction, NS.DAV, 'prop');
  if (props.length === 0) throw badRequest(`<${action}> must contain a <prop> element.`);
  return props
    .flatMap((prop) => prop.children)
    .map((property): PropertyUpdate => (action === 'set' ? { action, prop: qnameOf(property), value: property } : { action, prop: qnameOf(property) }));
}

/** The instructions of a PROPPATCH, in document order across DAV:set and DAV:remove (RFC 4918 section 9.2). */
export function parseProppatch(root: XmlElement): PropertyUpdate[] {
  expectRoot(root, NS.DAV, 'propertyupdate', 'PROPPATCH');
  const instructions = root.children.filter((child) => is(child, NS.DAV, 'set') || is(child, NS.DAV, 'remove'));
  if (instructions.length === 0) throw badRequest('A PROPPATCH body must contain <set> or <remove>.');
  return instructions.flatMap((instruction) => updatesIn(instruction, instruction.name === 'set' ? 'set' : 'remove'));
}

/**
 * The body of MKCALENDAR (`<C:mkcalendar><D:set><D:prop>...`) or extended MKCOL (`<D:mkcol><D:set><D:prop>...`).
 * DAV:resourcetype, if set, gives `resourceType`; every other property is an update. No body: nothing set.
 */
export function parseMkcol(
  root: XmlElement | null,
  expectedRoot: 'mkcalendar' | 'mkcol',
): { resourceType: QName[]; updates: PropertyUpdate[] } {
  const result: { resourceType: QName[]; updates: PropertyUpdate[] } = { resourceType: [], updates: [] };
  if (!root) return result;
  if (expectedRoot === 'mkcalendar') expectRoot(root, NS.CALDAV, 'mkcalendar', 'MKCALENDAR');
  else expectRoot(root, NS.DAV, 'mkcol', 'MKCOL');
  for (const set of childrenNamed(root, NS.DAV, 'set')) {
    for (const update of updatesIn(set, 'set')) {
      if (update.action === 'set' && is(update.value, NS.DAV, 'resourcetype')) {
        result.resourceType = uniqueNames(update.value.children);
      } else {
        result.updates.push(update);
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// REPORT

/** Reads a REPORT body; which report it is comes from the document element. */
export function parseReport(root: XmlElement): ReportRequest {
  switch (clark(root)) {
    case clark({ ns: NS.CALDAV, name: 'calendar-query' }):
      return parseCalendarQuery(root);
    case clark({ ns: NS.CALDAV, name: 'calendar-multiget' }): {
      const { prop, data } = reportProp(root, calendarDataIn);
      const request: ReportOf<'calendar-multiget'> = { kind: 'calendar-multiget', prop, hrefs: hrefsIn(root) };
      if (data) request.calendarData = data;
      return request;
    }
    case clark({ ns: NS.CALDAV, name: 'free-busy-query' }):
      return parseFreeBusyQuery(root);
    case clark({ ns: NS.DAV, name: 'sync-collection' }):
      return parseSyncCollection(root);
    case clark({ ns: NS.DAV, name: 'expand-property' }):
      return { kind: 'expand-property', properties: childrenNamed(root, NS.DAV, 'property').map(parseExpandItem) };
    case clark({ ns: NS.DAV, name: 'principal-property-search' }):
      return parsePrincipalPropertySearch(root);
    case clark({ ns: NS.DAV, name: 'principal-search-property-set' }):
      return { kind: 'principal-search-property-set' };
    case clark({ ns: NS.CARDDAV, name: 'addressbook-query' }):
      return parseAddressbookQuery(root);
    case clark({ ns: NS.CARDDAV, name: 'addressbook-multiget' }): {
      const { prop, data } = reportProp(root, addressDataIn);
      const request: ReportOf<'addressbook-multiget'> = { kind: 'addressbook-multiget', prop, hrefs: hrefsIn(root) };
      if (data) request.addressData = data;
      return request;
    }
    default:
      throw preconditionFailed(NS.DAV, 'supported-report', `The ${describe(root)} report is not supported.`);
  }
}

/**
 * The properties a REPORT asks for, and the parameters of its calendar-data or address-data (read by `dataIn`).
 * Without DAV:prop (the RFCs make it optional) no property is asked for: the answer lists hrefs only, as SabreDAV
 * and Radicale do.
 */
function reportProp<Data>(root: XmlElement, dataIn: (prop: XmlElement) => Data | undefined): { prop: PropfindRequest; data?: Data } {
  const prop = propRequestIn(root) ?? { kind: 'prop', props: [] };
  const propElement = childNamed(root, NS.DAV, 'prop');
  const data = propElement ? dataIn(propElement) : undefined;
  return data === undefined ? { prop } : { prop, data };
}

/** DAV:href values as given (still percent-encoded), surrounding whitespace removed. */
function hrefsIn(root: XmlElement): string[] {
  return childrenNamed(root, NS.DAV, 'href').map((href) => {
    const value = href.text.trim();
    if (value === '') throw badRequest('A <href> in the report is empty.');
    return value;
  });
}

/** A whole number of at least 1, as DAV:nresults and CARDDAV:nresults hold. */
function positiveInteger(element: XmlElement, what: string): number {
  const text = element.text.trim();
  const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1)) throw badRequest(`${what} must be a whole number of at least 1 (got "${text}").`);
  return value;
}

// --- RFC 6578 sync-collection

function parseSyncCollection(root: XmlElement): ReportRequest {
  // An absent token is treated as the empty one (an initial sync), an absent level as 1: older clients omit them.
  const syncToken = childNamed(root, NS.DAV, 'sync-token')?.text.trim() ?? '';
  const levelText = childNamed(root, NS.DAV, 'sync-level')?.text.trim() ?? '1';
  let syncLevel: '1' | 'infinite';
  if (levelText === '1') syncLevel = '1';
  else if (levelText === 'infinite' || levelText === 'infinity') syncLevel = 'infinite';
  else throw badRequest(`<sync-level> must be 1 or infinite (got "${levelText}").`);
  const limitElement = childNamed(root, NS.DAV, 'limit');
  const request: ReportOf<'sync-collection'> = { kind: 'sync-collection', syncToken, syncLevel, prop: propRequestIn(root) ?? { kind: 'prop', props: [] } };
  if (limitElement) {
    const nresults = childNamed(limitElement, NS.DAV, 'nresults');
    if (!nresults) throw badRequest('<limit> must contain <nresults>.');
    request.limit = positiveInteger(nresults, '<nresults>');
  }
  return request;
}

// --- RFC 3253 expand-property, RFC 3744 principal-property-search

function parseExpandItem(property: XmlElement): ExpandPropertyItem {
  const name = property.attributes.name;
  if (!name) throw badRequest('Each <property> of expand-property needs a name attribute.');
  // RFC 3253 3.8: namespace defaults to "DAV:"; an empty one means no namespace.
  const ns = property.attributes.namespace ?? NS.DAV;
  return { prop: { ns, name }, children: childrenNamed(property, NS.DAV, 'property').map(parseExpandItem) };
}

const principalMatchTypes = ['contains', 'starts-with', 'equals'] as const;

function parsePrincipalPropertySearch(root: XmlElement): ReportRequest {
  const searches = childrenNamed(root, NS.DAV, 'property-search').map((search): PrincipalPropertySearchTerm => {
    const prop = childNamed(search, NS.DAV, 'prop');
    const match = childNamed(search, NS.DAV, 'match');
    if (!prop || !match) throw badRequest('Each <property-search> needs a <prop> and a <match>.');
    // match-type is Apple's extension (calendarserver.org); RFC 3744 itself only knows a substring match.
    const matchType = oneOf(match.attributes['match-type'] ?? 'contains', principalMatchTypes, 'match-type', badRequest);
    return { props: uniqueNames(prop.children), match: match.text, matchType };
  });
  if (searches.length === 0) throw badRequest('principal-property-search needs at least one <property-search>.');
  return {
    kind: 'principal-property-search',
    searches,
    test: oneOf(root.attributes.test ?? 'allof', ['allof', 'anyof'] as const, 'test', badRequest),
    prop: uniqueNames(childNamed(root, NS.DAV, 'prop')?.children ?? []),
    applyToPrincipalCollectionSet: childNamed(root, NS.DAV, 'apply-to-principal-collection-set') !== undefined,
  };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], attribute: string, fail: (message: string) => DavError): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw fail(`${attribute}="${value}" is not one of ${allowed.join(', ')}.`);
  return found;
}

// --- RFC 4791 calendar-query, calendar-multiget, free-busy-query

const invalidFilter = (message: string) => preconditionFailed(NS.CALDAV, 'valid-filter', message);

function parseCalendarQuery(root: XmlElement): ReportRequest {
  const filterElement = childNamed(root, NS.CALDAV, 'filter');
  if (!filterElement) throw badRequest('calendar-query needs a <filter> (RFC 4791 section 9.5).');
  const compFilters = childrenNamed(filterElement, NS.CALDAV, 'comp-filter');
  if (compFilters.length !== 1) throw invalidFilter('<filter> must contain exactly one <comp-filter>.');
  const filter = parseCompFilter(compFilters[0], 0);
  if (filter.name !== 'VCALENDAR') throw invalidFilter(`The outer <comp-filter> must name VCALENDAR, not ${filter.name}.`);
  const { prop, data } = reportProp(root, calendarDataIn);
  const request: ReportOf<'calendar-query'> = { kind: 'calendar-query', prop, filter };
  if (data) request.calendarData = data;
  const timezone = childNamed(root, NS.CALDAV, 'timezone');
  if (timezone) request.timezone = timezone.text;
  return request;
}

function parseFreeBusyQuery(root: XmlElement): ReportRequest {
  const ranges = childrenNamed(root, NS.CALDAV, 'time-range');
  if (ranges.length !== 1) throw badRequest('free-busy-query must contain exactly one <time-range> (RFC 4791 section 7.10).');
  return { kind: 'free-busy-query', timeRange: parseTimeRange(ranges[0], false, badRequest) };
}

function requiredName(element: XmlElement, fail: (message: string) => DavError): string {
  const name = element.attributes.name?.trim();
  if (!name) throw fail(`<${element.name}> needs a name attribute.`);
  return name.toUpperCase();
}

function parseCompFilter(element: XmlElement, depth: number): CompFilter {
  const name = requiredName(element, invalidFilter);
  if (depth > 0 && name === 'VCALENDAR') throw invalidFilter('VCALENDAR cannot be nested in another component.');
  const isNotDefined = childNamed(element, NS.CALDAV, 'is-not-defined') !== undefined;
  const timeRanges = childrenNamed(element, NS.CALDAV, 'time-range');
  const propFilters = childrenNamed(element, NS.CALDAV, 'prop-filter').map(parsePropFilter);
  const compFilters = childrenNamed(element, NS.CALDAV, 'comp-filter').map((child) => parseCompFilter(child, depth + 1));
  if (isNotDefined && (timeRanges.length > 0 || propFilters.length > 0 || compFilters.length > 0)) {
    throw invalidFilter(`<comp-filter name="${name}"> cannot combine <is-not-defined> with other tests.`);
  }
  if (timeRanges.length > 1) throw invalidFilter(`<comp-filter name="${name}"> has more than one <time-range>.`);
  const filter: CompFilter = { name, isNotDefined, propFilters, compFilters };
  if (timeRanges.length === 1) filter.timeRange = parseTimeRange(timeRanges[0], false, invalidFilter);
  return filter;
}

function parsePropFilter(element: XmlElement): PropFilter {
  const name = requiredName(element, invalidFilter);
  const isNotDefined = childNamed(element, NS.CALDAV, 'is-not-defined') !== undefined;
  const timeRanges = childrenNamed(element, NS.CALDAV, 'time-range');
  const textMatches = childrenNamed(element, NS.CALDAV, 'text-match');
  const paramFilters = childrenNamed(element, NS.CALDAV, 'param-filter').map(parseParamFilter);
  const tests = timeRanges.length + textMatches.length;
  if (isNotDefined && (tests > 0 || paramFilters.length > 0)) {
    throw invalidFilter(`<prop-filter name="${name}"> cannot combine <is-not-defined> with other tests.`);
  }
  if (tests > 1) throw invalidFilter(`<prop-filter name="${name}"> may hold one <time-range> or one <text-match>, not more.`);
  const filter: PropFilter = { name, isNotDefined, paramFilters };
  if (timeRanges.length === 1) filter.timeRange = parseTimeRange(timeRanges[0], false, invalidFilter);
  if (textMatches.length === 1) filter.textMatch = parseCalendarTextMatch(textMatches[0]);
  return filter;
}

function parseParamFilter(element: XmlElement): ParamFilter {
  const name = requiredName(element, invalidFilter);
  const isNotDefined = childNamed(element, NS.CALDAV, 'is-not-defined') !== undefined;
  const textMatches = childrenNamed(element, NS.CALDAV, 'text-match');
  if ((isNotDefined && textMatches.length > 0) || textMatches.length > 1) {
    throw invalidFilter(`<param-filter name="${name}"> may hold <is-not-defined> or one <text-match>.`);
  }
  const filter: ParamFilter = { name, isNotDefined };
  if (textMatches.length === 1) filter.textMatch = parseCalendarTextMatch(textMatches[0]);
  return filter;
}

const supportedCollations: readonly Collation[] = ['i;ascii-casemap', 'i;octet', 'i;unicode-casemap'];

function textMatchOf(element: XmlElement, defaultCollation: Collation, collationNs: string, fail: (message: string) => DavError): TextMatch {
  const requested = element.attributes.collation ?? defaultCollation;
  const collation = supportedCollations.find((candidate) => candidate === requested);
  if (!collation) {
    throw preconditionFailed(collationNs, 'supported-collation', `Collation "${requested}" is not supported; use one of ${supportedCollations.join(', ')}.`);
  }
  const negate = oneOf(element.attributes['negate-condition'] ?? 'no', ['yes', 'no'] as const, 'negate-condition', fail) === 'yes';
  return { value: element.text, collation, negate };
}

// RFC 4791 9.9: text-match collation defaults to i;ascii-casemap.
const parseCalendarTextMatch = (element: XmlElement): TextMatch => textMatchOf(element, 'i;ascii-casemap', NS.CALDAV, invalidFilter);

const utcDateTime = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** An iCalendar "date with UTC time" such as 20260301T000000Z (RFC 5545 section 3.3.5, form 2). */
function parseUtcDateTime(value: string): Date | null {
  const match = utcDateTime.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 20260231 over into March: compare back to refuse impossible dates.
  const valid =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return valid ? date : null;
}

/**
 * The start and end attributes of time-range, expand, limit-recurrence-set or limit-freebusy-set (RFC 4791
 * 9.9, 9.6.5-9.6.7): UTC date-times, end after start; either may be open when `requireBoth` is false.
 */
function parseTimeRange(element: XmlElement, requireBoth: boolean, fail: (message: string) => DavError): TimeRange {
  const range: TimeRange = {};
  for (const edge of ['start', 'end'] as const) {
    const text = element.attributes[edge];
    if (text === undefined) {
      if (requireBoth) throw fail(`<${element.name}> needs both start and end.`);
      continue;
    }
    const date = parseUtcDateTime(text);
    if (!date) throw fail(`<${element.name}> ${edge}="${text}" is not a UTC date-time such as 20260301T000000Z.`);
    range[edge] = date;
  }
  if (!range.start && !range.end) throw fail(`<${element.name}> needs a start or an end.`);
  if (range.start && range.end && range.end <= range.start) throw fail(`<${element.name}> must end after it starts.`);
  return range;
}

function checkMediaType(
  element: XmlElement,
  mediaType: string,
  versions: readonly string[],
  precondition: QName,
): { contentType?: string; version?: string } {
  const contentType = element.attributes['content-type']?.trim();
  const version = element.attributes.version?.trim();
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if ((type !== undefined && type !== mediaType) || (version !== undefined && !versions.includes(version))) {
    throw preconditionFailed(
      precondition.ns,
      precondition.name,
      `${contentType ?? mediaType} version ${version ?? 'default'} is not supported; use ${mediaType} version ${versions.join(' or ')}.`,
    );
  }
  return { contentType, version };
}

/** The CALDAV:calendar-data element of a report's DAV:prop: what to return of each object (RFC 4791 9.6). */
function calendarDataIn(prop: XmlElement): CalendarDataRequest | undefined {
  const element = childNamed(prop, NS.CALDAV, 'calendar-data');
  if (!element) return undefined;
  checkMediaType(element, 'text/calendar', ['2.0'], { ns: NS.CALDAV, name: 'supported-calendar-data' });
  const request: CalendarDataRequest = {};
  const comp = childNamed(element, NS.CALDAV, 'comp');
  if (comp) request.comp = parseCompSelection(comp);
  const expand = childNamed(element, NS.CALDAV, 'expand');
  const limitRecurrenceSet = childNamed(element, NS.CALDAV, 'limit-recurrence-set');
  const limitFreebusySet = childNamed(element, NS.CALDAV, 'limit-freebusy-set');
  if (expand && limitRecurrenceSet) throw badRequest('<calendar-data> may hold <expand> or <limit-recurrence-set>, not both.');
  if (expand) request.expand = parseTimeRange(expand, true, badRequest);
  if (limitRecurrenceSet) request.limitRecurrenceSet = parseTimeRange(limitRecurrenceSet, true, badRequest);
  if (limitFreebusySet) request.limitFreebusySet = parseTimeRange(limitFreebusySet, true, badRequest);
  return request;
}

function parseCompSelection(element: XmlElement): CompSelection {
  return {
    name: requiredName(element, badRequest),
    allProps: childNamed(element, NS.CALDAV, 'allprop') !== undefined,
    props: childrenNamed(element, NS.CALDAV, 'prop').map((prop) => ({
      name: requiredName(prop, badRequest),
      novalue: prop.attributes.novalue === 'yes',
    })),
    allComps: childNamed(element, NS.CALDAV, 'allcomp') !== undefined,
    comps: childrenNamed(element, NS.CALDAV, 'comp').map(parseCompSelection),
  };
}

// --- RFC 6352 addressbook-query, addressbook-multiget

const anyOrAll = ['anyof', 'allof'] as const;
const cardMatchTypes: readonly CardMatchType[] = ['equals', 'contains', 'starts-with', 'ends-with'];

function parseAddressbookQuery(root: XmlElement): ReportRequest {
  const filterElement = childNamed(root, NS.CARDDAV, 'filter');
  if (!filterElement) throw badRequest('addressbook-query needs a <filter> (RFC 6352 section 10.3).');
  const filter: AddressbookFilter = {
    test: oneOf(filterElement.attributes.test ?? 'anyof', anyOrAll, 'test', badRequest),
    propFilters: childrenNamed(filterElement, NS.CARDDAV, 'prop-filter').map(parseCardPropFilter),
  };
  const { prop, data } = reportProp(root, addressDataIn);
  const request: ReportOf<'addressbook-query'> = { kind: 'addressbook-query', prop, filter };
  if (data) request.addressData = data;
  const limitElement = childNamed(root, NS.CARDDAV, 'limit');
  if (limitElement) {
    const nresults = childNamed(limitElement, NS.CARDDAV, 'nresults');
    if (!nresults) throw badRequest('<limit> must contain <nresults>.');
    request.limit = positiveInteger(nresults, '<nresults>');
  }
  return request;
}

function parseCardTextMatch(element: XmlElement): CardTextMatch {
  // RFC 6352 10.5.4: collation defaults to i;unicode-casemap, match-type to contains.
  const textMatch = textMatchOf(element, 'i;unicode-casemap', NS.CARDDAV, badRequest);
  return { ...textMatch, matchType: oneOf(element.attributes['match-type'] ?? 'contains', cardMatchTypes, 'match-type', badRequest) };
}

function parseCardPropFilter(element: XmlElement): CardPropFilter {
  const name = requiredName(element, badRequest);
  const isNotDefined = childNamed(element, NS.CARDDAV, 'is-not-defined') !== undefined;
  const textMatches = childrenNamed(element, NS.CARDDAV, 'text-match').map(parseCardTextMatch);
  const paramFilters = childrenNamed(element, NS.CARDDAV, 'param-filter').map(parseCardParamFilter);
  if (isNotDefined && (textMatches.length > 0 || paramFilters.length > 0)) {
    throw badRequest(`<prop-filter name="${name}"> cannot combine <is-not-defined> with other tests.`);
  }
  return { name, test: oneOf(element.attributes.test ?? 'anyof', anyOrAll, 'test', badRequest), isNotDefined, textMatches, paramFilters };
}

function parseCardParamFilter(element: XmlElement): CardParamFilter {
  const name = requiredName(element, badRequest);
  const isNotDefined = childNamed(element, NS.CARDDAV, 'is-not-defined') !== undefined;
  const textMatches = childrenNamed(element, NS.CARDDAV, 'text-match');
  if ((isNotDefined && textMatches.length > 0) || textMatches.length > 1) {
    throw badRequest(`<param-filter name="${name}"> may hold <is-not-defined> or one <text-match>.`);
  }
  const filter: CardParamFilter = { name, isNotDefined };
  if (textMatches.length === 1) filter.textMatch = parseCardTextMatch(textMatches[0]);
  return filter;
}

/** The CARDDAV:address-data element of a report's DAV:prop (RFC 6352 10.4). */
function addressDataIn(prop: XmlElement): AddressDataRequest | undefined {
  const element = childNamed(prop, NS.CARDDAV, 'address-data');
  if (!element) return undefined;
  const { contentType, version } = checkMediaType(element, 'text/vcard', ['3.0', '4.0'], { ns: NS.CARDDAV, name: 'supported-address-data' });
  const props = childrenNamed(element, NS.CARDDAV, 'prop').map((property) => requiredName(property, badRequest));
  const request: AddressDataRequest = {
    allProps: childNamed(element, NS.CARDDAV, 'allprop') !== undefined || props.length === 0,
    props,
  };
  if (contentType !== undefined) request.contentType = contentType;
  if (version !== undefined) request.version = version;
  return request;
}

// ---------------------------------------------------------------------------------------------------------------
// Request bodies as bytes

/**
 * What a request body must be, and how each way of failing it is answered. A PUT carries a calendar object or a
 * vCard, whose failures are the preconditions of PUT (RFC 4791 5.3.2.1, RFC 6352 6.3.2.1); every other method's
 * body is XML, whose failures have no precondition.
 */
export interface BodyRules {
  /** Most bytes read; past them reading stops and the request gets 413. */
  maxBytes: number;
  /** What the body is, for messages. */
  what: string;
  /** The precondition of a body larger than maxBytes. */
  tooLarge?: QName;
  /** The precondition of a Content-Type charset other than UTF-8 (415). */
  unsupportedCharset?: QName;
  /** The precondition of bytes that are not UTF-8: 403 with one, 400 without. */
  notUtf8?: QName;
}

export function bodyRules(method: string, locationKind: string | undefined, limits: { maxResourceSize: number; maxXmlBodySize: number }): BodyRules {
  // A POST carries a free-busy request: iCalendar, like a PUT of a calendar object.
  if (method !== 'PUT' && method !== 'POST') return { maxBytes: limits.maxXmlBodySize, what: 'XML request body' };
  if (locationKind === 'contact') {
    return {
      maxBytes: limits.maxResourceSize,
      what: 'vCard',
      tooLarge: { ns: NS.CARDDAV, name: 'max-resource-size' },
      unsupportedCharset: { ns: NS.CARDDAV, name: 'supported-address-data' },
      notUtf8: { ns: NS.CARDDAV, name: 'valid-address-data' },
    };
  }
  return {
    maxBytes: limits.maxResourceSize,
    what: 'calendar object',
    tooLarge: { ns: NS.CALDAV, name: 'max-resource-size' },
    unsupportedCharset: { ns: NS.CALDAV, name: 'supported-calendar-data' },
    notUtf8: { ns: NS.CALDAV, name: 'valid-calendar-data' },
  };
}

// US-ASCII is a subset of UTF-8: a body declared as such reads the same.
const utf8Charsets = new Set(['utf-8', 'utf8', 'us-ascii']);

/** Refuses a Content-Type whose charset is not UTF-8, before anything is read: bodies are read as UTF-8 only. */
export function checkBodyCharset(contentType: string | undefined, rules: BodyRules): void {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  if (!match) return;
  const charset = (match[1] ?? match[2]).trim().toLowerCase();
  if (utf8Charsets.has(charset)) return;
  const shown = charset.length > 40 ? `${charset.slice(0, 40)}...` : charset;
  throw new DavError(415, `The ${rules.what} is declared as charset "${shown}"; only UTF-8 is accepted.`, rules.unsupportedCharset);
}

// fatal: invalid bytes throw instead of becoming U+FFFD, which would silently change what is stored. Drops a BOM.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** The body as text; bytes that are not UTF-8 are refused, naming the first one. */
export function decodeBody(bytes: Uint8Array, rules: BodyRules): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const byte = bytes[offset]?.toString(16).toUpperCase().padStart(2, '0') ?? '??';
    throw new DavError(
      rules.notUtf8 ? 403 : 400,
      `The ${rules.what} is not valid UTF-8 (byte 0x${byte} at offset ${offset}); send it encoded as UTF-8.`,
      rules.notUtf8,
    );
  }
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode 15, table 3-7); -1 if none. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index];
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    let continuation: number;
    if (lead >= 0xc2 && lead <= 0xdf) continuation = 1;
    else if (lead >= 0xe0 && lead <= 0xef) continuation = 2;
    else if (lead >= 0xf0 && lead <= 0xf4) continuation = 3;
    else return index;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    let low = 0x80;
    let high = 0xbf;
    if (lead === 0xe0) low = 0xa0;
    else if (lead === 0xed) high = 0x9f;
    else if (lead === 0xf0) low = 0x90;
    else if (lead === 0xf4) high = 0x8f;
    for (let position = 1; position <= continuation; position += 1) {
      const next = bytes[index + position];
      const [min, max] = position === 1 ? [low, high] : [0x80, 0xbf];
      if (next === undefined || next < min || next > max) return index;
    }
    index += continuation + 1;
  }
  return -1;
}
