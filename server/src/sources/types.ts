/**
 * Content sources: a site's own collection types shown as read-only calendars and address books, by a mapping of
 * their fields (plugin config `sources`). Nothing is copied: events and contacts are made from the entries when
 * clients ask, and edits to the entries reach clients through the sync log.
 */

/** Where a value comes from in an entry: an attribute name, or `relation.attribute` for a field of a related entry. */
export type FieldPath = string;

/** The iCalendar fields a calendar source fills from each entry. Only `summary` and `start` are required. */
export interface EventFieldMapping {
  /** SUMMARY: a string-like attribute (string, text, uid, enumeration, email). */
  summary: FieldPath;
  /** DTSTART: a datetime or date attribute, or a date attribute with `startTime` holding its time of day. */
  start: FieldPath;
  /** A time attribute giving the time of day of a date `start` (in `timezone`). */
  startTime?: FieldPath;
  /** DTEND: a datetime or date attribute (an all-day end is the last day, inclusive, as editors enter it). */
  end?: FieldPath;
  /** A time attribute giving the time of day of a date `end` (in `timezone`). */
  endTime?: FieldPath;
  /** DURATION: a number attribute in minutes, when there is no `end`. */
  durationMinutes?: FieldPath;
  /** A boolean attribute: the event lasts whole days (start and end read as dates). */
  allDay?: FieldPath;
  /** LOCATION: a string-like attribute, or one of a relation. */
  location?: FieldPath;
  /** DESCRIPTION: a string, text, richtext (Markdown) or blocks attribute, turned into plain text. */
  description?: FieldPath;
  /** URL: a pattern with `{attribute}` placeholders, e.g. `https://example.org/talks/{slug}`. */
  url?: string;
  /** CATEGORIES: an enumeration or string attribute, or a relation's string attribute (`tags.name`). */
  categories?: FieldPath;
}

/** The vCard fields an address-book source fills from each entry. Only `fullName` is required. */
export interface ContactFieldMapping {
  /** FN: a string-like attribute. */
  fullName: FieldPath;
  /** EMAIL: an email or string attribute. */
  email?: FieldPath;
  /** TEL: a string attribute. */
  phone?: FieldPath;
  /** ORG: a string-like attribute, or one of a relation. */
  organization?: FieldPath;
  /** TITLE: a string-like attribute. */
  title?: FieldPath;
  /** NOTE: as an event's description. */
  note?: FieldPath;
  /** PHOTO: a single media attribute (an image); the vCard links to the file's URL. */
  photo?: FieldPath;
  /** URL: a pattern, as for events. */
  url?: string;
}

/** Which entries of the collection type become events or contacts. */
export interface SourceFilter {
  /** With Draft & Publish: only published entries (the default), or the latest drafts. */
  status?: 'published' | 'draft';
  /** For a localized collection type: only this locale. Without it, each locale is a calendar of its own. */
  locale?: string;
  /** Attribute values an entry must have (equality), e.g. `{ "public": true }`. */
  where?: Record<string, string | number | boolean | null>;
}

interface SourceCommon {
  /** The collection's URL segment (unique among the site's calendars and address books), e.g. `talks`. */
  slug: string;
  /** Its display name, e.g. "Talks". */
  name: string;
  description?: string;
  /** The collection type, e.g. `api::session.session`. */
  contentType: string;
  /** `public`: anyone may read it (and a calendar has a public feed); `private`: only `owner` and `sharedWithRoles`. */
  visibility: 'public' | 'private';
  /** The username whose home lists it; without one it is reached by its URL, a share or the public feed. */
  owner?: string;
  /** users-permissions role types (`authenticated`, ...) whose users see it in their home, read-only. */
  sharedWithRoles?: string[];
  filter?: SourceFilter;
}

export interface CalendarSource extends SourceCommon {
  kind: 'calendar';
  fields: EventFieldMapping;
  /** IANA zone of date-and-time values that carry no zone (time attributes), and the calendar's zone. */
  timezone?: string;
  color?: string;
  /** An enumeration attribute or a relation's attribute that splits the source into one calendar per value. */
  groupBy?: FieldPath;
}

export interface AddressBookSource extends SourceCommon {
  kind: 'addressbook';
  fields: ContactFieldMapping;
}

export type ContentSource = CalendarSource | AddressBookSource;
