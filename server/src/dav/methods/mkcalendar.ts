import { componentTypes, type ComponentType } from '../../ical';
import { DavError } from '../errors';
import { emptyResponse, xmlResponse } from '../http';
import { NS, clark } from '../model';
import { propstatDocument } from '../multistatus';
import { parseMkcol } from '../requests';
import { resolveCalendar } from '../resources';
import { planCalendarChanges } from './proppatch';
import type { MethodHandler, MethodInput } from './types';

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$/;

/** MKCALENDAR (RFC 4791 5.3.1) and extended MKCOL (RFC 5689) creating a calendar in the user's calendar home. */
async function createCalendar(input: MethodInput, kind: 'mkcalendar' | 'mkcol') {
  const { context, location, xmlBody } = input;
  if (location.kind !== 'calendar') {
    throw new DavError(403, 'Calendars can only be created directly inside your calendar home.', { ns: NS.DAV, name: 'resource-must-be-null' });
  }
  if (location.username !== context.user.username) throw new DavError(404, 'Not found.');
  const request = parseMkcol(xmlBody(), kind);
  if (kind === 'mkcol') {
    const types = request.resourceType.map(clark);
    if (!types.includes(clark({ ns: NS.CALDAV, name: 'calendar' }))) {
      throw new DavError(403, 'Only calendars can be created here: the resourcetype must include CALDAV:calendar.', { ns: NS.DAV, name: 'valid-resourcetype' });
    }
  }
  if (!SLUG.test(location.slug)) {
    throw new DavError(403, 'A calendar name in the URL may contain letters, digits and . _ ~ - (at most 100 characters).');
  }
  if (await resolveCalendar(context, location.username, location.slug)) {
    throw new DavError(405, 'A calendar with this name already exists.', { ns: NS.DAV, name: 'resource-must-be-null' });
  }

  let components: ComponentType[] | undefined;
  const componentSet = request.updates.filter(
    (update) => update.action === 'set' && update.prop.ns === NS.CALDAV && update.prop.name === 'supported-calendar-component-set',
  );
  for (const update of componentSet) {
    if (update.action !== 'set') continue;
    const names = update.value.children.filter((child) => child.ns === NS.CALDAV && child.name === 'comp').map((child) => child.attributes.name?.toUpperCase());
    if (names.length === 0 || names.some((name) => !componentTypes.includes(name as ComponentType))) {
      throw new DavError(403, `Supported components must be among ${componentTypes.join(', ')}.`, { ns: NS.CALDAV, name: 'supported-calendar-component' });
    }
    components = names as ComponentType[];
  }
  const others = request.updates.filter((update) => !componentSet.includes(update));
  const { changes, results, description } = planCalendarChanges(others);
  if (!changes) {
    // RFC 4791 5.3.1.2 / RFC 5689 3: a failed property means no calendar, and a report of what failed.
    const root = kind === 'mkcalendar' ? { ns: NS.CALDAV, name: 'mkcalendar-response' } : { ns: NS.DAV, name: 'mkcol-response' };
    return xmlResponse(403, propstatDocument(root, results, description));
  }
  await context.backend.createCalendar(context.user, location.slug, { ...changes, ...(components ? { components } : {}) });
  return emptyResponse(201, { 'Content-Length': '0' });
}

export const mkcalendar: MethodHandler = (input) => createCalendar(input, 'mkcalendar');
export const mkcol: MethodHandler = (input) => createCalendar(input, 'mkcol');
