import type { CalendarBackend, CalendarInfo, CalendarObjectInfo, Principal, PrincipalDirectory, StoredCalendarObject } from './backend';
import type { Hrefs, Location } from './paths';

/** A location of the tree with what it stands for loaded, after access checks. */
export type Resource =
  | { kind: 'root' }
  | { kind: 'principals' }
  | { kind: 'calendar-homes' }
  | { kind: 'principal'; principal: Principal }
  | { kind: 'calendar-home'; owner: Principal }
  | { kind: 'calendar'; owner: Principal; calendar: CalendarInfo }
  | { kind: 'calendar-object'; owner: Principal; calendar: CalendarInfo; name: string; object: CalendarObjectInfo };

/** A request's calendar object location whose parent exists: the object itself may not exist yet (PUT creates it). */
export interface ObjectSlot {
  owner: Principal;
  calendar: CalendarInfo;
  name: string;
  object: StoredCalendarObject | null;
}

export interface DavContext {
  /** The authenticated principal making the request. */
  user: Principal;
  backend: CalendarBackend;
  directory: PrincipalDirectory;
  hrefs: Hrefs;
  basePath: string;
  maxResourceSize: number;
}

export const isCollection = (resource: Resource) => resource.kind !== 'calendar-object';

/**
 * Another user's homes, calendars and objects answer exactly like paths that do not exist, so that nobody learns
 * what someone else has. Principals are visible to every signed-in user (clients look up attendees by them).
 */
async function ownerOf(context: DavContext, username: string): Promise<Principal | null> {
  return username === context.user.username ? context.user : null;
}

export async function resolveCalendar(context: DavContext, username: string, slug: string): Promise<{ owner: Principal; calendar: CalendarInfo } | null> {
  const owner = await ownerOf(context, username);
  if (!owner) return null;
  const calendar = await context.backend.findCalendar(owner, slug);
  return calendar ? { owner, calendar } : null;
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
      const principal =
        location.username === context.user.username ? context.user : await context.directory.findByUsername(location.username);
      return principal ? { kind: 'principal', principal } : null;
    }
    case 'calendar-home': {
      const owner = await ownerOf(context, location.username);
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
  }
}

export async function resolveObjectSlot(
  context: DavContext,
  location: Extract<Location, { kind: 'calendar-object' }>,
): Promise<ObjectSlot | null> {
  const found = await resolveCalendar(context, location.username, location.slug);
  if (!found) return null;
  const object = await context.backend.findObject(found.calendar, location.name);
  return { ...found, name: location.name, object };
}

/** The members of a collection, for Depth 1, with their hrefs below `href`. */
export async function childrenOf(context: DavContext, resource: Resource): Promise<Array<{ resource: Resource; segment: string }>> {
  const user = context.user;
  switch (resource.kind) {
    case 'root':
      return [
        { resource: { kind: 'principals' }, segment: 'principals' },
        { resource: { kind: 'calendar-homes' }, segment: 'calendars' },
      ];
    case 'principals':
      return [{ resource: { kind: 'principal', principal: user }, segment: user.username }];
    case 'calendar-homes':
      return [{ resource: { kind: 'calendar-home', owner: user }, segment: user.username }];
    case 'calendar-home': {
      const calendars = await context.backend.listCalendars(resource.owner);
      return calendars.map((calendar) => ({ resource: { kind: 'calendar', owner: resource.owner, calendar }, segment: calendar.slug }));
    }
    case 'calendar': {
      const objects = await context.backend.listObjects(resource.calendar);
      return objects.map((object) => ({
        resource: { kind: 'calendar-object', owner: resource.owner, calendar: resource.calendar, name: object.name, object },
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
      return `${context.basePath}/calendars/`;
    case 'principal':
      return hrefs.principal(resource.principal.username);
    case 'calendar-home':
      return hrefs.calendarHome(resource.owner.username);
    case 'calendar':
      return hrefs.calendar(resource.owner.username, resource.calendar.slug);
    case 'calendar-object':
      return hrefs.calendarObject(resource.owner.username, resource.calendar.slug, resource.name);
  }
}
