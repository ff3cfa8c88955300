import { CalendarObjectError, parseCalendarObject } from '../../ical';
import { DavError } from '../errors';
import { conditionsHold, emptyResponse, header } from '../http';
import { NS } from '../model';
import { hrefPath, locate, treePath } from '../paths';
import { resolveObjectSlot } from '../resources';
import { requirePrivilege } from '../privileges';
import type { MethodHandler } from './types';

/** MOVE of a calendar object to another calendar (or name) of the same user (RFC 4918 9.9). */
export const move: MethodHandler = async ({ request, context, resource, href }) => {
  const source = await resource();
  if (source.kind !== 'calendar-object') throw new DavError(403, 'Only calendar objects can be moved.');
  requirePrivilege(source.calendar.access, 'unbind', href, 'move events out of this calendar');
  if (!conditionsHold(request, source.object.etag)) throw new DavError(412, 'The calendar object has changed since you read it.');

  const destinationHeader = header(request, 'destination');
  if (!destinationHeader) throw new DavError(400, 'MOVE needs a Destination header.');
  const destinationPath = hrefPath(destinationHeader);
  const treeDestination = treePath(destinationHeader, context.basePath, context.sitePath);
  const location = treeDestination === null ? null : locate(treeDestination, context.basePath);
  // 403, not RFC 4918's 502 for another server: the host is not compared (a proxy may rewrite it), so this is a
  // path of this server that names no event.
  if (location?.kind !== 'calendar-object') throw new DavError(403, 'The destination must be the URL of an event in one of your calendars on this server.');
  const destination = await resolveObjectSlot(context, location);
  if (!destination) throw new DavError(409, 'The destination calendar does not exist.');
  requirePrivilege(destination.calendar.access, destination.object ? 'write-content' : 'bind', destinationPath, 'put events into the destination calendar');

  if (destination.calendar.documentId === source.calendar.documentId && destination.name === source.name) {
    throw new DavError(403, 'The source and the destination are the same.');
  }
  const overwrite = (header(request, 'overwrite') ?? 'T').trim().toUpperCase() !== 'F';
  if (destination.object && !overwrite) throw new DavError(412, 'The destination exists and Overwrite is F.');

  const stored = await context.backend.findObject(source.calendar, source.name);
  if (!stored) throw new DavError(404, 'The calendar object no longer exists.');
  let parsed;
  try {
    parsed = parseCalendarObject(stored.data, { supportedComponents: destination.calendar.components });
  } catch (error) {
    if (error instanceof CalendarObjectError) throw new DavError(403, error.message, { ns: NS.CALDAV, name: error.precondition });
    throw error;
  }
  const uidHolder = await context.backend.findObjectNameByUid(destination.calendar, parsed.uid);
  const sameObject = destination.calendar.documentId === source.calendar.documentId && uidHolder === source.name;
  if (uidHolder !== null && uidHolder !== destination.name && !sameObject) {
    throw new DavError(409, `The destination calendar already has an object with the UID ${parsed.uid}.`, { ns: NS.CALDAV, name: 'no-uid-conflict' });
  }
  const { etag } = await context.backend.moveObject(source.calendar, source.name, destination.calendar, destination.name, {
    source: (current) => conditionsHold(request, current),
    destination: (current) => overwrite || current === null,
  });
  return emptyResponse(destination.object ? 204 : 201, { ETag: `"${etag}"` });
};
