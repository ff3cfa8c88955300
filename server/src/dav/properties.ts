/**
 * Live properties of each kind of resource, and the dead properties clients stored on calendars.
 */

import { MAX_DATE_TIME, MAX_INSTANCES, MIN_DATE_TIME, vtimezoneFor } from '../ical';
import type { CalendarInfo, CollectionInfo, Principal } from './backend';
import { NS, clark, type QName, type XmlContent, type XmlNode } from './model';
import { HOME_PRIVILEGES, PRIVILEGES, READ_ONLY_PRIVILEGES, privilegeName, type Privilege } from './privileges';
import type { DavContext, Resource } from './resources';

/** An iCalendar UTC date-time (19970714T170000Z), the form of CALDAV:min-date-time and max-date-time. */
const utcDateTime = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

export const el = (ns: string, name: string, children?: XmlContent, attributes?: Record<string, string>): XmlNode => ({
  ns,
  name,
  children,
  attributes,
});
const d = (name: string, children?: XmlContent) => el(NS.DAV, name, children);
const cal = (name: string, children?: XmlContent, attributes?: Record<string, string>) => el(NS.CALDAV, name, children, attributes);
const card = (name: string, children?: XmlContent, attributes?: Record<string, string>) => el(NS.CARDDAV, name, children, attributes);
const href = (value: string) => d('href', value);

/** The dead-property value marker: the serialized XML of the property element, written back as stored. */
export interface RawXml {
  raw: string;
}

export type PropertyValue = XmlContent | RawXml;
type Getter = () => PropertyValue | Promise<PropertyValue>;

interface PropertyDefinition {
  qname: QName;
  get: Getter;
  /** Returned for allprop (RFC 4918 9.1: the live properties it defines, plus dead properties). */
  inAllprop: boolean;
}

export const CALENDAR_REPORTS: QName[] = [
  { ns: NS.DAV, name: 'sync-collection' },
  { ns: NS.CALDAV, name: 'calendar-query' },
  { ns: NS.CALDAV, name: 'calendar-multiget' },
  { ns: NS.CALDAV, name: 'free-busy-query' },
];
export const ADDRESSBOOK_REPORTS: QName[] = [
  { ns: NS.DAV, name: 'sync-collection' },
  { ns: NS.CARDDAV, name: 'addressbook-query' },
  { ns: NS.CARDDAV, name: 'addressbook-multiget' },
];
export const PRINCIPAL_REPORTS: QName[] = [
  { ns: NS.DAV, name: 'expand-property' },
  { ns: NS.DAV, name: 'principal-property-search' },
  { ns: NS.DAV, name: 'principal-search-property-set' },
];

const reportSet = (reports: QName[]) =>
  reports.map((report) => d('supported-report', d('report', el(report.ns, report.name))));

const privilegeSet = (privileges: Privilege[]) =>
  privileges.map((privilege) => {
    const name = privilegeName(privilege);
    return d('privilege', el(name.ns, name.name));
  });

/**
 * The access control list of a collection (RFC 3744 5.5), readable by its owner: the owner may do everything,
 * each sharee what their share gives, and everybody may read a public collection.
 */
async function aclOf(context: DavContext, collection: CollectionInfo): Promise<XmlContent> {
  const ace = (principal: XmlNode, grant: XmlContent, isProtected = false) =>
    d('ace', [d('principal', principal), d('grant', grant), ...(isProtected ? [d('protected')] : [])]);
  const shares = await collection.shares();
  return [
    ...(collection.owner ? [ace(href(context.hrefs.principal(collection.owner.username)), d('privilege', d('all')), true)] : []),
    ...shares.users.map((sharee) => ace(href(context.hrefs.principal(sharee.username)), privilegeSet(PRIVILEGES[sharee.access]))),
    ...shares.groups.map((group) => ace(href(context.hrefs.group(group.role)), privilegeSet(PRIVILEGES[group.access]))),
    ...(collection.isPublic ? [ace(d('all'), privilegeSet(PRIVILEGES.public))] : []),
  ];
}

/** The properties every collection and member has about who owns it and what the user may do. */
function addAccessProperties(add: (ns: string, name: string, get: Getter) => void, context: DavContext, collection: CollectionInfo): void {
  const { owner } = collection;
  add(NS.DAV, 'owner', () => (owner ? href(context.hrefs.principal(owner.username)) : []));
  add(NS.DAV, 'current-user-privilege-set', () => privilegeSet(PRIVILEGES[collection.access]));
  if (collection.access === 'owner') add(NS.DAV, 'acl', () => aclOf(context, collection));
}

const httpDate = (date: Date) => date.toUTCString();
const quoted = (etag: string) => `"${etag}"`;

/**
 * Apple clients send and expect `#RRGGBBAA`; editors type `#RRGGBB`. Stored as the editor typed it, served with
 * an alpha channel so that every client reads it.
 */
export const colorForClients = (color: string) => (color.length === 7 ? `${color}FF` : color);

/** The property definitions of a resource, keyed by Clark name. */
export function definitionsOf(context: DavContext, resource: Resource): Map<string, PropertyDefinition> {
  const definitions = new Map<string, PropertyDefinition>();
  const add = (ns: string, name: string, get: Getter, inAllprop = false) =>
    definitions.set(clark({ ns, name }), { qname: { ns, name }, get, inAllprop });
  const { hrefs, user } = context;
  const selfPrincipal = user ? hrefs.principal(user.username) : null;

  // On every resource: clients ask for these anywhere during discovery. An anonymous visitor is DAV:unauthenticated.
  add(NS.DAV, 'current-user-principal', () => (selfPrincipal ? href(selfPrincipal) : d('unauthenticated')));
  if (resource.kind === 'principal') add(NS.DAV, 'principal-URL', () => href(hrefs.principal(resource.principal.username)));
  else if (resource.kind === 'group') add(NS.DAV, 'principal-URL', () => href(hrefs.group(resource.group.role)));
  else if (selfPrincipal) add(NS.DAV, 'principal-URL', () => href(selfPrincipal));
  add(NS.DAV, 'principal-collection-set', () => href(hrefs.principals()));

  switch (resource.kind) {
    case 'root':
    case 'principals':
    case 'calendar-homes':
    case 'addressbook-homes':
      add(NS.DAV, 'resourcetype', () => d('collection'), true);
      add(
        NS.DAV,
        'displayname',
        () => ({ root: 'DAV', principals: 'Principals', 'calendar-homes': 'Calendars', 'addressbook-homes': 'Address books' })[resource.kind],
        true,
      );
      add(NS.DAV, 'current-user-privilege-set', () => privilegeSet(READ_ONLY_PRIVILEGES));
      add(NS.DAV, 'supported-report-set', () => reportSet(resource.kind === 'principals' ? PRINCIPAL_REPORTS : []));
      break;

    case 'principal': {
      const { principal } = resource;
      const addresses = [
        ...(principal.email ? [`mailto:${principal.email}`] : []),
        hrefs.principal(principal.username),
      ];
      add(NS.DAV, 'resourcetype', () => d('principal'), true);
      add(NS.DAV, 'displayname', () => principal.displayName, true);
      add(NS.DAV, 'current-user-privilege-set', () => privilegeSet(READ_ONLY_PRIVILEGES));
      add(NS.DAV, 'supported-report-set', () => reportSet(PRINCIPAL_REPORTS));
      add(NS.DAV, 'alternate-URI-set', () => (principal.email ? href(`mailto:${principal.email}`) : []));
      add(NS.DAV, 'group-membership', async () => {
        const group = await context.directory.groupOf(principal);
        return group ? href(hrefs.group(group.role)) : [];
      });
      add(NS.DAV, 'group-member-set', () => []);
      add(NS.CALDAV, 'calendar-home-set', () => href(hrefs.calendarHome(principal.username)));
      add(NS.CALDAV, 'calendar-user-address-set', () => addresses.map(href));
      add(NS.CALDAV, 'calendar-user-type', () => 'INDIVIDUAL');
      add(NS.CARDDAV, 'addressbook-home-set', () => href(hrefs.addressBookHome(principal.username)));
      if (context.scheduler) {
        add(NS.CALDAV, 'schedule-inbox-URL', () => href(hrefs.scheduleInbox(principal.username)));
        add(NS.CALDAV, 'schedule-outbox-URL', () => href(hrefs.scheduleOutbox(principal.username)));
      }
      add(NS.CALENDARSERVER, 'email-address-set', () =>
        principal.email ? el(NS.CALENDARSERVER, 'email-address', principal.email) : [],
      );
      break;
    }

    case 'group':
      // A role: who is in it is not listed (that would tell every user who else has an account).
      add(NS.DAV, 'resourcetype', () => d('principal'), true);
      add(NS.DAV, 'displayname', () => resource.group.displayName, true);
      add(NS.DAV, 'current-user-privilege-set', () => privilegeSet(READ_ONLY_PRIVILEGES));
      add(NS.DAV, 'supported-report-set', () => reportSet([]));
      add(NS.DAV, 'alternate-URI-set', () => []);
      add(NS.DAV, 'group-membership', () => []);
      add(NS.CALDAV, 'calendar-user-type', () => 'GROUP');
      break;

    case 'calendar-home':
      add(NS.DAV, 'resourcetype', () => d('collection'), true);
      add(NS.DAV, 'displayname', () => resource.owner.displayName, true);
      add(NS.DAV, 'owner', () => href(hrefs.principal(resource.owner.username)));
      add(NS.DAV, 'current-user-privilege-set', () => privilegeSet(HOME_PRIVILEGES));
      add(NS.DAV, 'supported-report-set', () => reportSet([]));
      add(NS.CALDAV, 'calendar-home-set', () => href(hrefs.calendarHome(resource.owner.username)));
      if (context.scheduler) add(NS.CALDAV, 'schedule-default-calendar-URL', () => defaultCalendarHref(context, resource.owner));
      break;

    case 'schedule-inbox':
      add(NS.DAV, 'resourcetype', () => [d('collection'), cal('schedule-inbox')], true);
      add(NS.DAV, 'displayname', () => 'Inbox', true);
      add(NS.DAV, 'owner', () => href(hrefs.principal(resource.owner.username)));
      add(NS.DAV, 'current-user-privilege-set', () => schedulingPrivileges(['read', 'read-current-user-privilege-set', 'unbind'], 'schedule-deliver'));
      add(NS.DAV, 'supported-report-set', () => reportSet([{ ns: NS.CALDAV, name: 'calendar-multiget' }]));
      add(NS.CALDAV, 'supported-calendar-component-set', () => ['VEVENT', 'VTODO'].map((name) => cal('comp', undefined, { name })));
      add(NS.CALDAV, 'schedule-default-calendar-URL', () => defaultCalendarHref(context, resource.owner));
      add(NS.CALENDARSERVER, 'getctag', async () => (context.scheduler ? context.scheduler.inbox.ctag(resource.owner) : ''));
      break;

    case 'schedule-outbox':
      add(NS.DAV, 'resourcetype', () => [d('collection'), cal('schedule-outbox')], true);
      add(NS.DAV, 'displayname', () => 'Outbox', true);
      add(NS.DAV, 'owner', () => href(hrefs.principal(resource.owner.username)));
      add(NS.DAV, 'current-user-privilege-set', () => schedulingPrivileges(['read', 'read-current-user-privilege-set'], 'schedule-send'));
      add(NS.DAV, 'supported-report-set', () => reportSet([]));
      add(NS.CALDAV, 'supported-calendar-component-set', () => ['VEVENT', 'VTODO', 'VFREEBUSY'].map((name) => cal('comp', undefined, { name })));
      break;

    case 'inbox-message': {
      const { object } = resource;
      add(NS.DAV, 'resourcetype', () => [], true);
      add(NS.DAV, 'getetag', () => quoted(object.etag), true);
      add(NS.DAV, 'getcontenttype', () => 'text/calendar; charset=utf-8', true);
      add(NS.DAV, 'getcontentlength', () => String(object.size), true);
      add(NS.DAV, 'getlastmodified', () => httpDate(object.lastModified), true);
      add(NS.DAV, 'owner', () => href(hrefs.principal(resource.owner.username)));
      add(NS.DAV, 'current-user-privilege-set', () => schedulingPrivileges(['read', 'read-current-user-privilege-set', 'unbind'], 'schedule-deliver'));
      break;
    }

    case 'calendar': {
      const { calendar } = resource;
      add(NS.DAV, 'resourcetype', () => [d('collection'), cal('calendar')], true);
      add(NS.DAV, 'displayname', () => sharedName(calendar), true);
      add(NS.DAV, 'getetag', () => quoted(calendar.ctag), true);
      add(NS.DAV, 'getlastmodified', () => httpDate(calendar.lastModified), true);
      add(NS.DAV, 'getcontenttype', () => 'text/calendar; charset=utf-8', true);
      addAccessProperties(add, context, calendar);
      add(NS.DAV, 'supported-report-set', () => reportSet(CALENDAR_REPORTS));
      add(NS.CALDAV, 'calendar-description', () => calendar.description ?? '');
      add(NS.CALDAV, 'calendar-timezone', () => (calendar.timezone ? vcalendarWithTimezone(calendar.timezone) ?? '' : ''));
      add(NS.CALDAV, 'supported-calendar-component-set', () => calendar.components.map((name) => cal('comp', undefined, { name })));
      add(NS.CALDAV, 'supported-calendar-data', () => cal('calendar-data', undefined, { 'content-type': 'text/calendar', version: '2.0' }));
      add(NS.CALDAV, 'max-resource-size', () => String(context.maxResourceSize));
      // The limits every stored object is held to (RFC 4791 5.2.6-5.2.8), so that a client can keep within them.
      add(NS.CALDAV, 'min-date-time', () => utcDateTime(MIN_DATE_TIME));
      add(NS.CALDAV, 'max-date-time', () => utcDateTime(MAX_DATE_TIME));
      add(NS.CALDAV, 'max-instances', () => String(MAX_INSTANCES));
      add(NS.CALENDARSERVER, 'getctag', () => calendar.ctag);
      add(NS.DAV, 'sync-token', () => calendar.ctag);
      // Counted in free-busy unless its owner set it transparent (stored as written, as a dead property).
      if (context.scheduler && !(SCHEDULE_CALENDAR_TRANSP in calendar.deadProperties)) {
        add(NS.CALDAV, 'schedule-calendar-transp', () => cal('opaque'));
      }
      // Where a public calendar is published as a feed, as Apple's calendar server announces it.
      if (calendar.isPublic) add(NS.CALENDARSERVER, 'publish-url', () => href(hrefs.publicFeed(calendar.slug)));
      const order = calendar.personal?.order ?? calendar.order;
      const color = calendar.personal?.color ?? calendar.color;
      add(NS.APPLE_ICAL, 'calendar-order', () => String(order));
      if (color) add(NS.APPLE_ICAL, 'calendar-color', () => colorForClients(color));
      addDeadProperties(definitions, calendar.deadProperties);
      break;
    }

    case 'addressbook-home':
      add(NS.DAV, 'resourcetype', () => d('collection'), true);
      add(NS.DAV, 'displayname', () => resource.owner.displayName, true);
      add(NS.DAV, 'owner', () => href(hrefs.principal(resource.owner.username)));
      add(NS.DAV, 'current-user-privilege-set', () => privilegeSet(HOME_PRIVILEGES));
      add(NS.DAV, 'supported-report-set', () => reportSet([]));
      add(NS.CARDDAV, 'addressbook-home-set', () => href(hrefs.addressBookHome(resource.owner.username)));
      break;

    case 'addressbook': {
      const { book } = resource;
      add(NS.DAV, 'resourcetype', () => [d('collection'), card('addressbook')], true);
      add(NS.DAV, 'displayname', () => sharedName(book), true);
      add(NS.DAV, 'getetag', () => quoted(book.ctag), true);
      add(NS.DAV, 'getlastmodified', () => httpDate(book.lastModified), true);
      addAccessProperties(add, context, book);
      add(NS.DAV, 'supported-report-set', () => reportSet(ADDRESSBOOK_REPORTS));
      add(NS.CARDDAV, 'addressbook-description', () => book.description ?? '');
      add(NS.CARDDAV, 'supported-address-data', () => [
        card('address-data-type', undefined, { 'content-type': 'text/vcard', version: '3.0' }),
        card('address-data-type', undefined, { 'content-type': 'text/vcard', version: '4.0' }),
      ]);
      add(NS.CARDDAV, 'max-resource-size', () => String(context.maxResourceSize));
      add(NS.CALENDARSERVER, 'getctag', () => book.ctag);
      add(NS.DAV, 'sync-token', () => book.ctag);
      addDeadProperties(definitions, book.deadProperties);
      break;
    }

    case 'contact':
    case 'calendar-object':
      for (const property of MEMBER_PROPERTIES) {
        if (property.applies(resource)) add(property.qname.ns, property.qname.name, () => property.get(context, resource), property.inAllprop);
      }
      break;
  }
  // Resources that have no display name otherwise still answer it as an empty value, not a 404: Apple asks everywhere.
  if (!definitions.has(clark({ ns: NS.DAV, name: 'displayname' }))) add(NS.DAV, 'displayname', () => '');
  return definitions;
}

type Member = Extract<Resource, { kind: 'calendar-object' | 'contact' }>;

interface MemberProperty {
  qname: QName;
  inAllprop: boolean;
  applies: (member: Member) => boolean;
  get: (context: DavContext, member: Member) => PropertyValue | Promise<PropertyValue>;
}

const collectionOf = (member: Member): CollectionInfo => (member.kind === 'calendar-object' ? member.calendar : member.book);
const always = () => true;

/**
 * The properties of calendar objects and vCards. A Depth 1 PROPFIND or a report lists thousands of members, so
 * these are one table, read per property asked for (memberProperty), rather than a set of definitions per member.
 */
const MEMBER_PROPERTIES: MemberProperty[] = [
  { qname: { ns: NS.DAV, name: 'resourcetype' }, inAllprop: true, applies: always, get: () => [] },
  { qname: { ns: NS.DAV, name: 'getetag' }, inAllprop: true, applies: always, get: (_context, member) => quoted(member.object.etag) },
  {
    qname: { ns: NS.DAV, name: 'getcontenttype' },
    inAllprop: true,
    applies: always,
    get: (_context, member) => (member.kind === 'calendar-object' ? 'text/calendar; charset=utf-8' : 'text/vcard; charset=utf-8'),
  },
  { qname: { ns: NS.DAV, name: 'getcontentlength' }, inAllprop: true, applies: always, get: (_context, member) => String(member.object.size) },
  { qname: { ns: NS.DAV, name: 'getlastmodified' }, inAllprop: true, applies: always, get: (_context, member) => httpDate(member.object.lastModified) },
  {
    qname: { ns: NS.DAV, name: 'owner' },
    inAllprop: false,
    applies: always,
    get: (context, member) => {
      const { owner } = collectionOf(member);
      return owner ? href(context.hrefs.principal(owner.username)) : [];
    },
  },
  {
    qname: { ns: NS.DAV, name: 'current-user-privilege-set' },
    inAllprop: false,
    applies: always,
    get: (_context, member) => privilegeSet(PRIVILEGES[collectionOf(member).access]),
  },
  {
    qname: { ns: NS.DAV, name: 'acl' },
    inAllprop: false,
    applies: (member) => collectionOf(member).access === 'owner',
    get: (context, member) => aclOf(context, collectionOf(member)),
  },
];
const memberPropertyByKey = new Map(MEMBER_PROPERTIES.map((property) => [clark(property.qname), property]));

/**
 * The value of a member's property by Clark name without building its definitions; undefined when the member has
 * no such property of its own (the caller then looks at the definitions every resource has).
 */
export function memberProperty(context: DavContext, member: Member, key: string): PropertyValue | Promise<PropertyValue> | undefined {
  const property = memberPropertyByKey.get(key);
  return property && property.applies(member) ? property.get(context, member) : undefined;
}

const SCHEDULE_CALENDAR_TRANSP = clark({ ns: NS.CALDAV, name: 'schedule-calendar-transp' });

/** Whether a calendar's owner set it transparent: its events then never make anyone busy (RFC 6638 9.1). */
export const isTransparentCalendar = (calendar: CalendarInfo) => /<[^>]*transparent\b/.test(calendar.deadProperties[SCHEDULE_CALENDAR_TRANSP] ?? '');

async function defaultCalendarHref(context: DavContext, owner: Principal): Promise<XmlContent> {
  const calendar = context.scheduler ? await context.scheduler.defaultCalendar(owner) : null;
  return calendar ? href(context.hrefs.calendar(owner.username, calendar.slug)) : [];
}

/** The privileges of a scheduling inbox or outbox (RFC 6638 section 6): its owner reads it and schedules through it. */
function schedulingPrivileges(privileges: Privilege[], scheduling: 'schedule-deliver' | 'schedule-send'): XmlContent {
  return [...privilegeSet(privileges), d('privilege', cal(scheduling))];
}

/** A sharee sees the name they gave a shared collection, or whose it is: "Team (alice)". */
const sharedName = (collection: CollectionInfo) =>
  collection.personal?.displayName ??
  ((collection.access === 'read' || collection.access === 'read-write') && collection.owner
    ? `${collection.displayName} (${collection.owner.displayName})`
    : collection.displayName);

/** Properties clients stored on a collection, answered as they were written. */
function addDeadProperties(definitions: Map<string, PropertyDefinition>, deadProperties: Record<string, string>): void {
  for (const [key, raw] of Object.entries(deadProperties)) {
    const match = /^\{([^}]*)\}(.+)$/.exec(key);
    if (match && !definitions.has(key)) {
      definitions.set(key, { qname: { ns: match[1], name: match[2] }, get: () => ({ raw }), inAllprop: true });
    }
  }
}

/** A VCALENDAR holding the VTIMEZONE of a zone, as CALDAV:calendar-timezone carries it. */
export function vcalendarWithTimezone(timezone: string): string | null {
  const vtimezone = vtimezoneFor(timezone);
  if (!vtimezone) return null;
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Strapi CalDAV//EN', vtimezone.replace(/\r?\n$/, ''), 'END:VCALENDAR', ''].join('\r\n');
}
