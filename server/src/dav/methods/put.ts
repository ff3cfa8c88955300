import { CalendarObjectError, parseCalendarObject } from '../../ical';
import { DavError } from '../errors';
import { conditionsHold, emptyResponse, header } from '../http';
import { NS } from '../model';
import { resolveObjectSlot } from '../resources';
import type { MethodHandler } from './types';

/** PUT of a calendar object resource (RFC 4791 5.3.2) with its preconditions. */
export const put: MethodHandler = async ({ request, context, location, body, href }) => {
  if (location.kind !== 'calendar-object') {
    throw new DavError(405, 'Only calendar objects can be written with PUT; create calendars with MKCALENDAR.');
  }
  const slot = await resolveObjectSlot(context, location);
  if (!slot) throw new DavError(409, 'The calendar does not exist.');

  const contentType = (header(request, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== 'text/calendar') {
    throw new DavError(415, `Calendar objects must be sent as text/calendar (got "${contentType || 'nothing'}").`, { ns: NS.CALDAV, name: 'supported-calendar-data' });
  }
  if (Buffer.byteLength(body) > context.maxResourceSize) {
    throw new DavError(413, `The calendar object is larger than ${context.maxResourceSize} bytes.`, { ns: NS.CALDAV, name: 'max-resource-size' });
  }
  if (!conditionsHold(request, slot.object?.etag ?? null)) {
    throw new DavError(412, slot.object ? 'The calendar object has changed since you read it.' : 'The calendar object does not exist.');
  }

  let parsed;
  try {
    parsed = parseCalendarObject(body, { supportedComponents: slot.calendar.components });
  } catch (error) {
    if (error instanceof CalendarObjectError) throw new DavError(403, error.message, { ns: NS.CALDAV, name: error.precondition });
    throw error;
  }

  const holder = await context.backend.findObjectNameByUid(slot.calendar, parsed.uid);
  if (holder !== null && holder !== slot.name) {
    throw new DavError(
      409,
      `Another calendar object in this calendar already has the UID ${parsed.uid}.`,
      { ns: NS.CALDAV, name: 'no-uid-conflict' },
      { ns: NS.DAV, name: 'href', children: context.hrefs.child(href.slice(0, href.lastIndexOf('/') + 1), holder, false) },
    );
  }

  const { etag, created } = await context.backend.putObject(slot.calendar, slot.name, body, parsed);
  // The stored bytes are what was sent, so the client may cache them under this ETag (RFC 4791 5.3.4).
  return emptyResponse(created ? 201 : 204, { ETag: `"${etag}"`, 'Content-Length': '0' });
};
