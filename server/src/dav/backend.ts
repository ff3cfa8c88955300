/**
 * What the DAV layer needs from storage. The store implements it over Strapi; the DAV layer knows nothing else.
 */

import type { CalendarObject, ComponentType } from '../ical';
import type { ParsedVCard } from '../vcard';
import type { TimeRange } from './model';

export interface Principal {
  id: number;
  documentId: string;
  /** The URL segment of the principal and its homes. */
  username: string;
  email: string | null;
  displayName: string;
}

/**
 * What the requesting user may do with a collection: everything as its owner; read and change its members as a
 * read-write sharee; read it as a read-only sharee, or as anyone (signed in or not) when it is public.
 * A collection the user may not access at all is never returned by the backend.
 */
export type CollectionAccess = 'owner' | 'read-write' | 'read' | 'public';

/** What calendars and address books have in common. */
export interface CollectionInfo {
  documentId: string;
  slug: string;
  displayName: string;
  description: string | null;
  /** Changes exactly when the sync token does: whenever a member changes. */
  ctag: string;
  /** The collection's position in its change log, and the oldest position still answerable. */
  syncSequence: number;
  syncFloor: number;
  lastModified: Date;
  /** Properties clients stored that have no field: Clark name -> serialized XML element. */
  deadProperties: Record<string, string>;
  /** The user who owns it; null for a collection an editor made without an owner (reachable only by sharing). */
  owner: Principal | null;
  /** What the requesting user may do with it. */
  access: CollectionAccess;
  /** Whether anyone may read it without signing in. */
  isPublic: boolean;
  /** Whom it is shared with: users by name, and groups (users-permissions roles, by type). Read when asked for. */
  shares(): Promise<CollectionShares>;
  /** How a sharee chose to show it in their app (name, color, order), which only they see; null when none. */
  personal: PersonalProperties | null;
}

export interface CollectionShares {
  users: Array<{ username: string; access: 'read' | 'read-write' }>;
  groups: Array<{ role: string; access: 'read' | 'read-write' }>;
}

/** A sharee's own presentation of a shared collection: clients set these on every calendar they list. */
export interface PersonalProperties {
  displayName?: string;
  color?: string;
  order?: number;
}

export interface CalendarInfo extends CollectionInfo {
  color: string | null;
  order: number;
  /** IANA name of the calendar's default time zone. */
  timezone: string | null;
  components: ComponentType[];
}

export type AddressBookInfo = CollectionInfo;

/** The changes PROPPATCH, MKCALENDAR or MKCOL ask for. `null` removes a value. */
export interface CollectionChanges {
  displayName?: string | null;
  description?: string | null;
  deadProperties?: Record<string, string | null>;
}

export interface CalendarChanges extends CollectionChanges {
  color?: string | null;
  order?: number | null;
  timezone?: string | null;
  components?: ComponentType[];
}

/** A member resource: a calendar object or a vCard. */
export interface MemberInfo {
  /** The resource name: the last segment of the member's URL. */
  name: string;
  etag: string;
  size: number;
  lastModified: Date;
}

export interface StoredMember extends MemberInfo {
  data: string;
}

/** A calendar object found by a time-range prefilter, with the stored bounds of its occurrences. */
export interface CandidateObject extends StoredMember {
  /** The first and last instants its occurrences cover (widened for floating times); null where unbounded. */
  bounds: { first: Date | null; last: Date | null };
}

export type CalendarObjectInfo = MemberInfo;
export type StoredCalendarObject = StoredMember;

/**
 * A request's If-Match / If-None-Match, asked again inside the write's transaction with the member's etag there
 * (null: absent): the state the request saw may have changed before its write got the collection's lock.
 */
export type WriteCondition = (currentEtag: string | null) => boolean;

/** Reading and removing the members of one kind of collection. */
export interface MemberStore<Collection extends CollectionInfo> {
  listObjects(collection: Collection): Promise<MemberInfo[]>;
  getObjects(collection: Collection, names: string[]): Promise<StoredMember[]>;
  findObject(collection: Collection, name: string): Promise<StoredMember | null>;
  /** The name of the member of this collection that has the UID, if any. */
  findObjectNameByUid(collection: Collection, uid: string): Promise<string | null>;
  /** Removes a member; throws DavError 412 when `condition` no longer holds in the transaction. */
  deleteObject(collection: Collection, name: string, condition?: WriteCondition): Promise<void>;
  /** The members changed after `since` up to `until`, each once with its latest change, in order. */
  changedSince(collection: Collection, since: number, until: number): Promise<Array<{ name: string; removed: boolean; sequence: number }>>;
}

/** What a PUT of a calendar object did: stored it, or nothing because another object of the calendar has its UID. */
export type CalendarPutResult = { etag: string; created: boolean } | { uidTakenBy: string };

export interface CalendarBackend extends MemberStore<CalendarInfo> {
  /** The calendars in a user's home: their own, then those shared with them. */
  listCalendars(user: Principal): Promise<CalendarInfo[]>;
  /** The calendar with this slug, if the viewer (null: anonymous) may access it. */
  findCalendar(slug: string, viewer: Principal | null): Promise<CalendarInfo | null>;
  /** `findCalendar`, with the calendar's object of this name (null: none), read together. */
  findCalendarObject(slug: string, viewer: Principal | null, name: string): Promise<{ calendar: CalendarInfo; object: StoredCalendarObject | null } | null>;
  /** Creates a calendar; throws a DavError when the slug is taken. */
  createCalendar(owner: Principal, slug: string, changes: CalendarChanges): Promise<CalendarInfo>;
  /** Applies all changes or none. */
  updateCalendar(calendar: CalendarInfo, changes: CalendarChanges): Promise<void>;
  /** Sets (null: removes) the viewer's own name, color or order of a calendar shared with them. */
  updatePersonal(calendar: CalendarInfo, viewer: Principal, changes: CalendarChanges): Promise<void>;
  /** Removes the calendar and every object in it. */
  deleteCalendar(calendar: CalendarInfo): Promise<void>;
  /** Objects that may overlap the range (by their stored occurrence bounds): candidates to filter exactly. */
  queryObjects(calendar: CalendarInfo, range: TimeRange | null): Promise<CandidateObject[]>;
  /**
   * Creates or replaces an object in one transaction; returns its new etag and whether it was created, or, having
   * written nothing, the name of another object of the calendar that has the same UID (checked in the transaction).
   * Throws DavError 412 when `condition` no longer holds in the transaction.
   */
  putObject(calendar: CalendarInfo, name: string, data: string, parsed: CalendarObject, condition?: WriteCondition): Promise<CalendarPutResult>;
  /** Moves an object to another calendar of the same owner under a (possibly new) name, replacing what is there. */
  /**
   * Moves an object; throws DavError 412 when, in the transaction, `conditions.source` no longer holds for the
   * source's etag or `conditions.destination` for the destination's (null: nothing there).
   */
  moveObject(
    from: CalendarInfo,
    name: string,
    to: CalendarInfo,
    newName: string,
    conditions?: { source?: WriteCondition; destination?: WriteCondition },
  ): Promise<{ etag: string }>;
}

export interface AddressBookBackend extends MemberStore<AddressBookInfo> {
  /** The address books in a user's home: their own, then those shared with them. */
  listAddressBooks(user: Principal): Promise<AddressBookInfo[]>;
  /** The address book with this slug, if the viewer may access it. */
  findAddressBook(slug: string, viewer: Principal | null): Promise<AddressBookInfo | null>;
  /** `findAddressBook`, with the address book's vCard of this name (null: none), read together. */
  findAddressBookObject(slug: string, viewer: Principal | null, name: string): Promise<{ book: AddressBookInfo; object: StoredMember | null } | null>;
  createAddressBook(owner: Principal, slug: string, changes: CollectionChanges): Promise<AddressBookInfo>;
  updateAddressBook(book: AddressBookInfo, changes: CollectionChanges): Promise<void>;
  /** Sets (null: removes) the viewer's own name of an address book shared with them. */
  updatePersonal(book: AddressBookInfo, viewer: Principal, changes: CollectionChanges): Promise<void>;
  deleteAddressBook(book: AddressBookInfo): Promise<void>;
  /** Every vCard of the address book, for queries. */
  allObjects(book: AddressBookInfo): Promise<StoredMember[]>;
  /** Creates or replaces a vCard in one transaction; throws DavError 412 when `condition` no longer holds there. */
  putObject(book: AddressBookInfo, name: string, data: string, parsed: ParsedVCard, condition?: WriteCondition): Promise<{ etag: string; created: boolean }>;
}

/** A group of principals: a users-permissions role. */
export interface Group {
  /** The URL segment: the role's type. */
  role: string;
  displayName: string;
}

export interface PrincipalDirectory {
  findByUsername(username: string): Promise<Principal | null>;
  findGroup(role: string): Promise<Group | null>;
  /** The group a principal belongs to, if any. */
  groupOf(principal: Principal): Promise<Group | null>;
  /** Active principals whose name or email contains the terms (all of them, or any), at most 50. */
  search(terms: string[], test: 'allof' | 'anyof'): Promise<Principal[]>;
}

/** The scheduling messages (iTIP) delivered to a user (RFC 6638 section 2.2): read and removed by their clients. */
export interface SchedulingInbox {
  list(owner: Principal): Promise<MemberInfo[]>;
  get(owner: Principal, names: string[]): Promise<StoredMember[]>;
  /** Removes a message; false when there was none of that name. */
  remove(owner: Principal, name: string): Promise<boolean>;
  /** Changes whenever a message arrives or is removed. */
  ctag(owner: Principal): Promise<string>;
}

/** What a write of a meeting sends: the text to store in place of what the client sent, and the sending itself. */
export interface SchedulingPlan {
  /** The object with SCHEDULE-STATUS on the parties the change was sent to (RFC 6638 section 3.2.9). */
  data: string;
  /** Delivers the messages; call once the object is stored. Failures are logged, not thrown. */
  send(): Promise<void>;
}

/** One recipient's answer to a free-busy request POSTed to an outbox (RFC 6638 section 5). */
export interface FreeBusyAnswer {
  /** The calendar user address as the request named it. */
  recipient: string;
  /** An iTIP REQUEST-STATUS: "2.0;Success", "3.7;Invalid calendar user"... */
  status: string;
  /** A VCALENDAR with METHOD:REPLY and the recipient's VFREEBUSY, when the status is 2.0. */
  data: string | null;
}

/**
 * Implicit scheduling (RFC 6638) between the users of the site, and by email with anyone else. Writes to another
 * user's calendar or inbox go through it, never through a request on their behalf.
 */
export interface Scheduler {
  /**
   * What storing `next` over `previous` (null: a new object) in `calendar` sends, acting for the calendar's owner
   * as organizer (REQUEST, CANCEL) or attendee (REPLY); null when it is no meeting this server schedules.
   */
  planPut(calendar: CalendarInfo, previous: string | null, next: string): Promise<SchedulingPlan | null>;
  /** What removing an object sends: CANCEL to the attendees, or a decline to the organizer when `reply` is true. */
  planDelete(calendar: CalendarInfo, removed: string, reply: boolean): Promise<Pick<SchedulingPlan, 'send'> | null>;
  /** Busy time of each recipient of a VFREEBUSY request the user sent; throws DavError for a bad request. */
  freeBusy(requester: Principal, request: string): Promise<FreeBusyAnswer[]>;
  /** Where invitations to the user land: their first own calendar for events. */
  defaultCalendar(owner: Principal): Promise<CalendarInfo | null>;
  inbox: SchedulingInbox;
}
