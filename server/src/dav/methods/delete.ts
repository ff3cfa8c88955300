import { DavError } from '../errors';
import { conditionsHold, emptyResponse } from '../http';
import type { MethodHandler } from './types';

/** DELETE of a calendar object (with optional If-Match) or of a whole calendar with its objects. */
export const remove: MethodHandler = async ({ request, context, resource }) => {
  const target = await resource();
  if (target.kind === 'calendar-object') {
    if (!conditionsHold(request, target.object.etag)) throw new DavError(412, 'The calendar object has changed since you read it.');
    await context.backend.deleteObject(target.calendar, target.name);
    return emptyResponse(204);
  }
  if (target.kind === 'calendar') {
    if (!conditionsHold(request, target.calendar.ctag)) throw new DavError(412, 'The calendar has changed since you read it.');
    await context.backend.deleteCalendar(target.calendar);
    return emptyResponse(204);
  }
  throw new DavError(403, 'Only calendars and calendar objects can be deleted.');
};
