/**
 * Plain data shared by the DAV layer (XML in and out) and the iCalendar/vCard layers (what a query asks for).
 * No behaviour here: parsers fill these, evaluators and builders read them.
 */

export const NS = {
  DAV: 'DAV:',
  CALDAV: 'urn:ietf:params:xml:ns:caldav',
  CARDDAV: 'urn:ietf:params:xml:ns:carddav',
  CALENDARSERVER: 'http://calendarserver.org/ns/',
  APPLE_ICAL: 'http://apple.com/ns/ical/',
} as const;

/** A qualified XML name. `ns` is the namespace URI ('' for no namespace). */
export interface QName {
  ns: string;
  name: string;
}

/** Clark notation `{ns}name`, the key under which properties are looked up. */
export const clark = (qname: QName): string => `{${qname.ns}}${qname.name}`;

/** A parsed XML element (request bodies, dead property values). Text is the concatenated text of direct children. */
export interface XmlElement extends QName {
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** XML to write: text, an element, or a sequence of both. */
export type XmlContent = string | XmlNode | XmlContent[];

export interface XmlNode extends QName {
  attributes?: Record<string, string>;
  children?: XmlContent;
}

// ---------------------------------------------------------------------------------------------------------------
// CalDAV queries (RFC 4791 section 9)

/** A UTC interval; either end may be open. */
export interface TimeRange {
  start?: Date;
  end?: Date;
}

export type Collation = 'i;ascii-casemap' | 'i;octet' | 'i;unicode-casemap';

export interface TextMatch {
  value: string;
  collation: Collation;
  negate: boolean;
}

export interface ParamFilter {
  name: string;
  isNotDefined: boolean;
  textMatch?: TextMatch;
}

export interface PropFilter {
  name: string;
  isNotDefined: boolean;
  timeRange?: TimeRange;
  textMatch?: TextMatch;
  paramFilters: ParamFilter[];
}

export interface CompFilter {
  name: string;
  isNotDefined: boolean;
  timeRange?: TimeRange;
  propFilters: PropFilter[];
  compFilters: CompFilter[];
}

/** Partial retrieval: which components and properties of the object to return (RFC 4791 section 9.6). */
export interface CompSelection {
  name: string;
  allProps: boolean;
  props: Array<{ name: string; novalue: boolean }>;
  allComps: boolean;
  comps: CompSelection[];
}

/** The `calendar-data` element of a REPORT's prop: what to return of each object. */
export interface CalendarDataRequest {
  comp?: CompSelection;
  expand?: TimeRange;
  limitRecurrenceSet?: TimeRange;
  limitFreebusySet?: TimeRange;
}
