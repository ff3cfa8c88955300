import type {
  AddressBookBackend,
  CollectionInfo,
  Group,
  AddressBookInfo,
  CalendarBackend,
  CalendarInfo,
  CalendarObjectInfo,
  MemberInfo,
  Principal,
  PrincipalDirectory,
  Scheduler,
  StoredCalendarObject,
  StoredMember,
} from './backend';
import type { Hrefs, Location } from './paths';

/**
 * A location of the tree with what it stands for loaded, after access checks. A collection and its members carry
 * `home`, the username of the home they were reached through: the owner's, or a sharee's own.
 */
export type Resource =
  | { kind: 'root' }
  | { kind: 'principals' }
  | { kind: 'calendar-homes' }
  | { kind: 'principal'; principal: Principal }
  | { kind: 'group'; group: Group }
  | { kind: 'calendar-home'; owner: Principal }
  | { kind: 'calendar'; home: string; calendar: CalendarInfo }
  | { kind: 'calendar-object'; home: string; calendar: CalendarInfo; name: string; object: CalendarObjectInfo }
  | { kind: 'addressbook-homes' }
  | { kind: 'addressbook-home'; owner: Principal }
  | { kind: 'addressbook'; home: string; book: AddressBookInfo }
  | { kind: 'contact'; home: string; book: AddressBookInfo; name: string; object: MemberInfo }
  | { kind: 'schedule-inbox'; owner: Principal }
  | { kind: 'inbox-message'; owner: Principal; name: string; object: MemberInfo }
  | { kind: 'schedule-outbox'; owner: Principal };

/** A request's calendar object location whose parent exists: the object itself may not exist yet (PUT creates it). */
export interface ObjectSlot {
  home: string;
  calendar: CalendarInfo;
  name: string;
  object: StoredCalendarObject | null;
}

/** A vCard location whose address book exists: the vCard itself may not exist yet. */
export interface ContactSlot {
  home: string;
  book: AddressBookInfo;
  name: string;
  object: StoredMember | null;
}

export interface DavContext {
  /** The signed-in principal making the request; null for an anonymous visitor reading a public calendar. */
  user: Principal | null;
  backend: CalendarBackend;
  addressBooks: AddressBookBackend;
  directory: PrincipalDirectory;
  /** Implicit scheduling, inboxes and outboxes; null where the site turned scheduling off. */
  scheduler: Scheduler | null;
  /** The hrefs clients are given: below `sitePath` + `basePath`. */
  hrefs: Hrefs;
  /** Where the tree is mounted in the paths the server receives. */
  basePath: string;
  /** The path the site lives under for clients, which a proxy strips from request paths ("" at the root). */
  sitePath: string;
  maxResourceSize: number;
}

export const isCollection = (resource: Resource) =>
  resource.kind !== 'calendar-object' && resource.kind !== 'contact' && resource.kind !== 'inbox-message';

/**
 * Only the signed-in user's own home exists for them: another user's homes answer exactly like paths that do not
 * exist, so that nobody learns what someone else has. Principals are visible to every signed-in user (clients
 * look up attendees and sharees by them).
 */
function homeOf(context: DavContext, username: string): Principal | null {
  return context.user !== null && username === context.user.username ? context.user : null;
}

/**
 * Where a collection the user may access can be reached: at its owner's home (the one URL for everybody, public
 * visitors included), and in the home of each user it is shared with.
 */
function reachableAt(collection: CollectionInfo, username: string, user: Principal | null): boolean {
  if (collection.owner?.username === username) return true;
  return user !== null && user.username === username && (collection.access === 'read' || collection.access === 'read-write');
}

export async function resolveCalendar(context: DavContext, username: string, slug: string): Promise<{ home: string; calendar: CalendarInfo } | null> {
  const calendar = await context.backend.findCalendar(slug, context.user);
  return calendar && reachableAt(calendar, username, context.user) ? { home: username, calendar } : null;
}

export async function resolveAddressBook(context: DavContext, username: string, slug: string): Promise<{ home: string; book: AddressBookInfo } | null> {
  const book = await context.addressBooks.findAddressBook(slug, context.user);
  return book && reachableAt(book, username, context.user) ? { home: username, book } : null;
}

/** Loads what a location stands for; null when it does not exist for this user. */
export async function resolve(context: DavContext, location: Location): Promise<Resource | null> {
  switch (location.kind) {
    case 'root':
      return { kind: 'root' };
    case 'principals':
      return { kind: 'principals' };
    case 'calendar-homes':
      return { kind: 'calendar-homes' };
    case 'principal': {
      if (!context.user) return null;
      const principal =
        location.username === context.user.username ? context.user : await context.directory.findByUsername(location.username);
      return principal ? { kind: 'principal', principal } : null;
    }
    case 'group': {
      if (!context.user) return null;
      const group = await context.directory.findGroup(location.role);
      return group ? { kind: 'group', group } : null;
    }
    case 'calendar-home': {
      const owner = homeOf(context, location.username);
      return owner ? { kind: 'calendar-home', owner } : null;
    }
    case 'calendar': {
      const found = await resolveCalendar(context, location.username, location.slug);
      return found ? { kind: 'calendar', ...found } : null;
    }
    case 'calendar-object': {
      const slot = await resolveObjectSlot(context, location);
      return slot?.object ? { kind: 'calendar-object', ...slot, object: slot.object } : null;
    }
    case 'addressbook-homes':
      return { kind: 'addressbook-homes' };
    case 'addressbook-home': {
      const owner = homeOf(context, location.username);
      return owner ? { kind: 'addressbook-home', owner } : null;
    }
    case 'addressbook': {
      const found = await resolveAddressBook(context, location.username, location.slug);
      return found ? { kind: 'addressbook', ...found } : null;
    }
    case 'contact': {
      const slot = await resolveContactSlot(context, location);
      return slot?.object ? { kind: 'contact', ...slot, object: slot.object } : null;
    }
    case 'schedule-inbox':
    case 'schedule-outbox': {
      // Like the homes, a user's inbox and outbox exist only for that user.
      const owner = context.scheduler ? homeOf(context, location.username) : null;
      return owner ? { kind: location.kind, owner } : null;
    }
    case 'inbox-message': {
      const owner = context.scheduler ? homeOf(context, location.username) : null;
      if (!owner || !context.scheduler) return null;
      const [object] = await context.scheduler.inbox.get(owner, [location.name]);
      return object ? { kind: 'inbox-message', owner, name: location.name, object } : null;
    }
  }
}

export async function resolveContactSlot(context: DavContext, location: Extract<Location, { kind: 'contact' }>): Promise<ContactSlot | null> {
  const found = await context.addressBooks.findAddressBookObject(location.slug, context.user, location.name);
  if (!found || !reachableAt(found.book, location.username, context.user)) return null;
  return { home: location.username, book: found.book, name: location.name, object: found.object };
}

export async function resolveObjectSlot(
  context: DavContext,
  location: Extract<Location, { kind: 'calendar-object' }>,
): Promise<ObjectSlot | null> {
  const found = await context.backend.findCalendarObject(location.slug, context.user, location.name);
  if (!found || !reachableAt(found.calendar, location.username, context.user)) return null;
  return { home: location.username, calendar: found.calendar, name: location.name, object: found.object };
}

/** The members of a collection, for Depth 1, with their hrefs below `href`. */
export async function childrenOf(context: DavContext, resource: Resource): Promise<Array<{ resource: Resource; segment: string }>> {
  const user = context.user;
  const own = (home: Resource): Array<{ resource: Resource; segment: string }> => (user ? [{ resource: home, segment: user.username }] : []);
  switch (resource.kind) {
    case 'root':
      return [
        { resource: { kind: 'principals' }, segment: 'principals' },
        { resource: { kind: 'calendar-homes' }, segment: 'calendars' },
        { resource: { kind: 'addressbook-homes' }, segment: 'addressbooks' },
      ];
    case 'addressbook-homes':
      return user ? own({ kind: 'addressbook-home', owner: user }) : [];
    case 'addressbook-home': {
      const books = await context.addressBooks.listAddressBooks(resource.owner);
      return books.map((book) => ({ resource: { kind: 'addressbook', home: resource.owner.username, book }, segment: book.slug }));
    }
    case 'addressbook': {
      const objects = await context.addressBooks.listObjects(resource.book);
      return objects.map((object) => ({
        resource: { kind: 'contact', home: resource.home, book: resource.book, name: object.name, object },
        segment: object.name,
      }));
    }
    case 'principals':
      return user ? own({ kind: 'principal', principal: user }) : [];
    case 'calendar-homes':
      return user ? own({ kind: 'calendar-home', owner: user }) : [];
    case 'calendar-home': {
      const calendars = await context.backend.listCalendars(resource.owner);
      return calendars.map((calendar) => ({ resource: { kind: 'calendar', home: resource.owner.username, calendar }, segment: calendar.slug }));
    }
    case 'schedule-inbox': {
      const messages = context.scheduler ? await context.scheduler.inbox.list(resource.owner) : [];
      return messages.map((object) => ({ resource: { kind: 'inbox-message', owner: resource.owner, name: object.name, object }, segment: object.name }));
    }
    case 'calendar': {
      const objects = await context.backend.listObjects(resource.calendar);
      return objects.map((object) => ({
        resource: { kind: 'calendar-object', home: resource.home, calendar: resource.calendar, name: object.name, object },
        segment: object.name,
      }));
    }
    default:
      return [];
  }
}

/** The canonical href of a resource. */
export function hrefOf(context: DavContext, resource: Resource): string {
  const { hrefs } = context;
  switch (resource.kind) {
    case 'root':
      return hrefs.root();
    case 'principals':
      return hrefs.principals();
    case 'calendar-homes':
      return hrefs.calendarHomes();
    case 'addressbook-homes':
      return hrefs.addressBookHomes();
    case 'addressbook-home':
      return hrefs.addressBookHome(resource.owner.username);
    case 'addressbook':
      return hrefs.addressBook(resource.home, resource.book.slug);
    case 'contact':
      return hrefs.contact(resource.home, resource.book.slug, resource.name);
    case 'principal':
      return hrefs.principal(resource.principal.username);
    case 'group':
      return hrefs.group(resource.group.role);
    case 'calendar-home':
      return hrefs.calendarHome(resource.owner.username);
    case 'calendar':
      return hrefs.calendar(resource.home, resource.calendar.slug);
    case 'calendar-object':
      return hrefs.calendarObject(resource.home, resource.calendar.slug, resource.name);
    case 'schedule-inbox':
      return hrefs.scheduleInbox(resource.owner.username);
    case 'inbox-message':
      return hrefs.inboxMessage(resource.owner.username, resource.name);
    case 'schedule-outbox':
      return hrefs.scheduleOutbox(resource.owner.username);
  }
}
