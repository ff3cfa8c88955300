import { componentTypes, type ComponentType } from '../../ical';
import { DavError } from '../errors';
import { emptyResponse, xmlResponse } from '../http';
import { NS, clark } from '../model';
import { propstatDocument } from '../multistatus';
import { parseMkcol } from '../requests';
import { resolveAddressBook, resolveCalendar } from '../resources';
import { planCollectionChanges } from './proppatch';
import type { MethodHandler, MethodInput } from './types';

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$/;

/** The components a MKCALENDAR/MKCOL body asks the calendar to accept (all of a known set, or refused). */
function requestedComponents(updates: ReturnType<typeof parseMkcol>['updates']): ComponentType[] | undefined {
  let components: ComponentType[] | undefined;
  for (const update of updates) {
    if (update.action !== 'set' || update.prop.ns !== NS.CALDAV || update.prop.name !== 'supported-calendar-component-set') continue;
    const names = update.value.children.filter((child) => child.ns === NS.CALDAV && child.name === 'comp').map((child) => child.attributes.name?.toUpperCase());
    if (names.length === 0 || names.some((name) => !componentTypes.includes(name as ComponentType))) {
      throw new DavError(403, `Supported components must be among ${componentTypes.join(', ')}.`, { ns: NS.CALDAV, name: 'supported-calendar-component' });
    }
    components = names as ComponentType[];
  }
  return components;
}

/**
 * MKCALENDAR (RFC 4791 5.3.1) creates a calendar in the calendar home; extended MKCOL (RFC 5689) creates a calendar
 * there or an address book (RFC 6352 6.3.1) in the address book home.
 */
async function createCollection(input: MethodInput, method: 'mkcalendar' | 'mkcol') {
  const { context, location, xmlBody } = input;
  const request = parseMkcol(xmlBody(), method);
  const types = request.resourceType.map(clark);
  const wantsAddressBook = method === 'mkcol' && types.includes(clark({ ns: NS.CARDDAV, name: 'addressbook' }));
  const wantsCalendar = method === 'mkcalendar' || types.includes(clark({ ns: NS.CALDAV, name: 'calendar' }));
  if (location.kind !== 'calendar' && location.kind !== 'addressbook') {
    throw new DavError(403, 'Collections can only be created directly inside your calendar home or address book home.', { ns: NS.DAV, name: 'resource-must-be-null' });
  }
  const kind = location.kind;
  if ((kind === 'calendar' && !wantsCalendar) || (kind === 'addressbook' && !wantsAddressBook)) {
    const expected = kind === 'calendar' ? 'CALDAV:calendar' : 'CARDDAV:addressbook';
    throw new DavError(403, `Only ${kind === 'calendar' ? 'calendars' : 'address books'} can be created here: the resourcetype must include ${expected}.`, { ns: NS.DAV, name: 'valid-resourcetype' });
  }
  const user = context.user;
  if (!user || location.username !== user.username) throw new DavError(404, 'Not found.');
  if (!SLUG.test(location.slug)) {
    throw new DavError(403, 'A collection name in the URL may contain letters, digits and . _ ~ - (at most 100 characters).');
  }
  const existing = kind === 'calendar' ? await resolveCalendar(context, location.username, location.slug) : await resolveAddressBook(context, location.username, location.slug);
  if (existing) throw new DavError(405, 'A collection with this name already exists.', { ns: NS.DAV, name: 'resource-must-be-null' });

  const components = kind === 'calendar' ? requestedComponents(request.updates) : undefined;
  const others = request.updates.filter((update) => !(update.prop.ns === NS.CALDAV && update.prop.name === 'supported-calendar-component-set'));
  const { changes, results, description } = planCollectionChanges(others, kind);
  if (!changes) {
    // RFC 4791 5.3.1.2 / RFC 5689 3: a failed property means no collection, and a report of what failed.
    const root = method === 'mkcalendar' ? { ns: NS.CALDAV, name: 'mkcalendar-response' } : { ns: NS.DAV, name: 'mkcol-response' };
    return xmlResponse(403, propstatDocument(root, results, description));
  }
  if (kind === 'calendar') await context.backend.createCalendar(user, location.slug, { ...changes, ...(components ? { components } : {}) });
  else await context.addressBooks.createAddressBook(user, location.slug, changes);
  return emptyResponse(201, { 'Content-Length': '0' });
}

export const mkcalendar: MethodHandler = (input) => createCollection(input, 'mkcalendar');
export const mkcol: MethodHandler = (input) => createCollection(input, 'mkcol');
