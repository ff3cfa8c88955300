import type { CalendarChanges } from '../backend';
import { DavError } from '../errors';
import { xmlResponse } from '../http';
import { NS, clark, type QName, type XmlElement } from '../model';
import { multistatus, type PropertyResult } from '../multistatus';
import { parseProppatch, type PropertyUpdate } from '../requests';
import { elementToContent, serializeXml } from '../xml';
import { isIanaTimeZone, timezoneIdOfCalendar } from '../../ical';
import { requirePrivilege } from '../privileges';
import type { MethodHandler } from './types';

type Outcome = { ok: true; apply: (changes: CalendarChanges) => void } | { ok: false; status: number; message: string };

const ok = (apply: (changes: CalendarChanges) => void): Outcome => ({ ok: true, apply });
const refuse = (status: number, message: string): Outcome => ({ ok: false, status, message });

/** Properties computed by the server, which no client may set. */
const protectedProperties = new Set(
  [
    [NS.DAV, 'resourcetype'], [NS.DAV, 'getetag'], [NS.DAV, 'getcontenttype'], [NS.DAV, 'getcontentlength'],
    [NS.DAV, 'getlastmodified'], [NS.DAV, 'creationdate'], [NS.DAV, 'owner'], [NS.DAV, 'current-user-principal'],
    [NS.DAV, 'current-user-privilege-set'], [NS.DAV, 'supported-report-set'], [NS.DAV, 'sync-token'],
    [NS.DAV, 'principal-URL'], [NS.DAV, 'principal-collection-set'], [NS.CALDAV, 'supported-calendar-data'],
    [NS.CALDAV, 'max-resource-size'], [NS.CALDAV, 'supported-calendar-component-set'], [NS.CALDAV, 'calendar-home-set'],
    [NS.CALDAV, 'min-date-time'], [NS.CALDAV, 'max-date-time'], [NS.CALDAV, 'max-instances'],
    [NS.CALENDARSERVER, 'getctag'],
  ].map(([ns, name]) => clark({ ns, name })),
);

const COLOR = /^#([0-9A-Fa-f]{6})([0-9A-Fa-f]{2})?$/;

/** Stored as the editors' `#RRGGBB` when the alpha channel is opaque, as sent otherwise. */
function normalizeColor(text: string): string | null {
  const match = COLOR.exec(text.trim());
  if (!match) return null;
  return match[2] === undefined || match[2].toUpperCase() === 'FF' ? `#${match[1].toUpperCase()}` : `#${match[1].toUpperCase()}${match[2].toUpperCase()}`;
}

export const serializeDeadProperty = (value: XmlElement): string => {
  const content = elementToContent(value);
  if (typeof content === 'string' || Array.isArray(content)) throw new DavError(400, 'A property value must be an element.');
  return serializeXml(content);
};

export type CollectionKind = 'calendar' | 'addressbook';

/** Properties whose value lives in a field of the collection, by kind; every other one is a dead property. */
const fieldProperties: Record<CollectionKind, Set<string>> = {
  calendar: new Set(
    [[NS.DAV, 'displayname'], [NS.CALDAV, 'calendar-description'], [NS.APPLE_ICAL, 'calendar-color'], [NS.APPLE_ICAL, 'calendar-order'], [NS.CALDAV, 'calendar-timezone']].map(([ns, name]) => clark({ ns, name })),
  ),
  addressbook: new Set([[NS.DAV, 'displayname'], [NS.CARDDAV, 'addressbook-description']].map(([ns, name]) => clark({ ns, name }))),
};

/** The properties a sharee may set for themselves on a collection shared with them. */
const personalProperties: Record<CollectionKind, Set<string>> = {
  calendar: new Set([[NS.DAV, 'displayname'], [NS.APPLE_ICAL, 'calendar-color'], [NS.APPLE_ICAL, 'calendar-order']].map(([ns, name]) => clark({ ns, name }))),
  addressbook: new Set([clark({ ns: NS.DAV, name: 'displayname' })]),
};

/** What one PROPPATCH, MKCALENDAR or MKCOL instruction does to a collection: applied only if every one succeeds. */
export function collectionChange(update: PropertyUpdate, kind: CollectionKind): Outcome {
  const key = clark(update.prop);
  if (protectedProperties.has(key)) return refuse(403, `${update.prop.name} is computed by the server and cannot be changed.`);
  const text = update.action === 'set' ? update.value.text.trim() : '';
  const removing = update.action === 'remove';

  switch (fieldProperties[kind].has(key) ? key : '') {
    case clark({ ns: NS.CARDDAV, name: 'addressbook-description' }):
      return ok((changes) => (changes.description = removing ? null : update.action === 'set' ? update.value.text : null));
    case clark({ ns: NS.DAV, name: 'displayname' }):
      if (!removing && text.length > 255) return refuse(409, 'The display name is longer than 255 characters.');
      return ok((changes) => (changes.displayName = removing || text === '' ? null : text));
    case clark({ ns: NS.CALDAV, name: 'calendar-description' }):
      return ok((changes) => (changes.description = removing ? null : update.action === 'set' ? update.value.text : null));
    case clark({ ns: NS.APPLE_ICAL, name: 'calendar-color' }): {
      if (removing) return ok((changes) => (changes.color = null));
      const color = normalizeColor(text);
      if (!color) return refuse(409, `"${text}" is not a color like #RRGGBB or #RRGGBBAA.`);
      return ok((changes) => (changes.color = color));
    }
    case clark({ ns: NS.APPLE_ICAL, name: 'calendar-order' }): {
      if (removing) return ok((changes) => (changes.order = null));
      if (!/^-?\d{1,9}$/.test(text)) return refuse(409, `"${text}" is not a whole number.`);
      return ok((changes) => (changes.order = Number(text)));
    }
    case clark({ ns: NS.CALDAV, name: 'calendar-timezone' }): {
      if (removing) return ok((changes) => (changes.timezone = null));
      const tzid = timezoneIdOfCalendar(update.action === 'set' ? update.value.text : '');
      if (!tzid || !isIanaTimeZone(tzid)) return refuse(403, 'The time zone must be a VCALENDAR with one VTIMEZONE whose TZID is an IANA name.');
      return ok((changes) => (changes.timezone = tzid));
    }
    default: {
      if (removing) return ok((changes) => ((changes.deadProperties ??= {})[key] = null));
      const raw = serializeDeadProperty(update.value);
      if (raw.length > 16 * 1024) return refuse(507, 'The property value is larger than 16 KiB.');
      return ok((changes) => ((changes.deadProperties ??= {})[key] = raw));
    }
  }
}

/** Runs every instruction; all succeed together or the failures are reported with 424 for the rest (RFC 4918 9.2). */
export function planCollectionChanges(updates: PropertyUpdate[], kind: CollectionKind): {
  changes: CalendarChanges | null;
  results: PropertyResult[];
  /** What went wrong, for people reading the response. */
  description?: string;
} {
  const outcomes = updates.map((update) => ({ prop: update.prop, outcome: collectionChange(update, kind) }));
  const failures = outcomes.flatMap(({ prop, outcome }) => (outcome.ok ? [] : [`${prop.name}: ${outcome.message}`]));
  if (failures.length > 0) {
    return {
      changes: null,
      results: outcomes.map(({ prop, outcome }): PropertyResult => ({ prop, status: outcome.ok ? 424 : outcome.status })),
      description: failures.join(' '),
    };
  }
  const changes: CalendarChanges = {};
  for (const { outcome } of outcomes) if (outcome.ok) outcome.apply(changes);
  return { changes, results: outcomes.map(({ prop }): PropertyResult => ({ prop, status: 200 })) };
}

export const proppatch: MethodHandler = async ({ context, resource, href, xmlBody }) => {
  const root = xmlBody();
  if (!root) throw new DavError(400, 'PROPPATCH needs a propertyupdate body.');
  const updates = parseProppatch(root);
  const target = await resource();
  if (target.kind !== 'calendar' && target.kind !== 'addressbook') {
    const results = updates.map((update: { prop: QName }): PropertyResult => ({ prop: update.prop, status: 403 }));
    return xmlResponse(207, multistatus([{ href, properties: results, description: 'Only calendar and address book properties can be changed.' }]));
  }
  const collection = target.kind === 'calendar' ? target.calendar : target.book;
  const user = context.user;
  if (user && (collection.access === 'read' || collection.access === 'read-write')) {
    // A sharee names, colors and orders a shared collection for themselves, as apps do with every calendar they
    // list; the collection itself stays as its owner set it.
    const personal = updates.every((update) => personalProperties[target.kind].has(clark(update.prop)));
    if (personal) {
      const { changes, results, description } = planCollectionChanges(updates, target.kind);
      if (changes && target.kind === 'calendar') await context.backend.updatePersonal(target.calendar, user, changes);
      if (changes && target.kind === 'addressbook') await context.addressBooks.updatePersonal(target.book, user, changes);
      return xmlResponse(207, multistatus([{ href, properties: results, description }]));
    }
  }
  requirePrivilege(collection.access, 'write-properties', href, 'change the properties of this collection');
  const { changes, results, description } = planCollectionChanges(updates, target.kind);
  if (changes && target.kind === 'calendar') await context.backend.updateCalendar(target.calendar, changes);
  if (changes && target.kind === 'addressbook') await context.addressBooks.updateAddressBook(target.book, changes);
  return xmlResponse(207, multistatus([{ href, properties: results, description }]));
};
