/**
 * What the DAV layer needs from storage. The store implements it over Strapi; the DAV layer knows nothing else.
 */

import type { CalendarObject, ComponentType } from '../ical';
import type { TimeRange } from './model';

export interface Principal {
  id: number;
  documentId: string;
  /** The URL segment of the principal and its homes. */
  username: string;
  email: string | null;
  displayName: string;
}

export interface CalendarInfo {
  documentId: string;
  slug: string;
  displayName: string;
  description: string | null;
  color: string | null;
  order: number;
  /** IANA name of the calendar's default time zone. */
  timezone: string | null;
  components: ComponentType[];
  /** Changes whenever a member or the calendar itself changes. */
  ctag: string;
  lastModified: Date;
  /** Properties clients stored that have no field: Clark name -> serialized XML element. */
  deadProperties: Record<string, string>;
}

/** The changes PROPPATCH, MKCALENDAR or MKCOL ask for. `null` removes a value. */
export interface CalendarChanges {
  displayName?: string | null;
  description?: string | null;
  color?: string | null;
  order?: number | null;
  timezone?: string | null;
  components?: ComponentType[];
  deadProperties?: Record<string, string | null>;
}

export interface CalendarObjectInfo {
  /** The resource name: the last segment of the object's URL. */
  name: string;
  etag: string;
  size: number;
  lastModified: Date;
}

export interface StoredCalendarObject extends CalendarObjectInfo {
  data: string;
}

export interface PutCondition {
  /** If-Match: the stored object must have this etag (`*`: must exist). */
  ifMatch?: string[];
  /** If-None-Match: `*` means the object must not exist yet; etags: it must not have one of them. */
  ifNoneMatch?: string[];
}

export interface CalendarBackend {
  listCalendars(owner: Principal): Promise<CalendarInfo[]>;
  findCalendar(owner: Principal, slug: string): Promise<CalendarInfo | null>;
  /** Creates a calendar; throws a DavError when the slug is taken. */
  createCalendar(owner: Principal, slug: string, changes: CalendarChanges): Promise<CalendarInfo>;
  /** Applies all changes or none. */
  updateCalendar(calendar: CalendarInfo, changes: CalendarChanges): Promise<void>;
  /** Removes the calendar and every object in it. */
  deleteCalendar(calendar: CalendarInfo): Promise<void>;

  listObjects(calendar: CalendarInfo): Promise<CalendarObjectInfo[]>;
  getObjects(calendar: CalendarInfo, names: string[]): Promise<StoredCalendarObject[]>;
  findObject(calendar: CalendarInfo, name: string): Promise<StoredCalendarObject | null>;
  /** The name of the object in this calendar that has the UID, if any. */
  findObjectNameByUid(calendar: CalendarInfo, uid: string): Promise<string | null>;
  /** Objects that may overlap the range (by their stored occurrence bounds): candidates to filter exactly. */
  queryObjects(calendar: CalendarInfo, range: TimeRange | null): Promise<StoredCalendarObject[]>;
  /** Creates or replaces an object in one transaction; returns its new etag and whether it was created. */
  putObject(calendar: CalendarInfo, name: string, data: string, parsed: CalendarObject): Promise<{ etag: string; created: boolean }>;
  deleteObject(calendar: CalendarInfo, name: string): Promise<void>;
  /** Moves an object to another calendar of the same owner under a (possibly new) name, replacing what is there. */
  moveObject(from: CalendarInfo, name: string, to: CalendarInfo, newName: string): Promise<{ etag: string }>;
}

export interface PrincipalDirectory {
  findByUsername(username: string): Promise<Principal | null>;
  /** Active principals whose name or email contains the terms (all of them, or any), at most 50. */
  search(terms: string[], test: 'allof' | 'anyof'): Promise<Principal[]>;
}
