import type { StoredCalendarObject } from '../backend';
import { DavError } from '../errors';
import { conditionsHold, emptyResponse, header } from '../http';
import { requirePrivilege } from '../privileges';
import type { MethodHandler } from './types';

/** DELETE of a member (with optional If-Match) or of a whole calendar or address book with its members. */
export const remove: MethodHandler = async ({ request, context, resource, href }) => {
  const target = await resource();
  if (target.kind === 'inbox-message') {
    // A client has dealt with an invitation or answer: the message goes, the event stays in the calendar.
    const current = target.object.etag;
    if (!conditionsHold(request, current)) throw new DavError(412, 'It has changed since you read it.');
    if (!context.scheduler || !(await context.scheduler.inbox.remove(target.owner, target.name))) throw new DavError(404, 'No scheduling message at this URL.');
    return emptyResponse(204);
  }
  // Removing a member takes unbind on its collection; removing a whole collection is its owner's decision.
  if (target.kind === 'calendar-object') requirePrivilege(target.calendar.access, 'unbind', href, 'delete events from this calendar');
  if (target.kind === 'contact') requirePrivilege(target.book.access, 'unbind', href, 'delete vCards from this address book');
  if (target.kind === 'calendar') requirePrivilege(target.calendar.access, 'write', href, 'delete this calendar');
  if (target.kind === 'addressbook') requirePrivilege(target.book.access, 'write', href, 'delete this address book');
  const current =
    target.kind === 'calendar-object' || target.kind === 'contact'
      ? target.object.etag
      : target.kind === 'calendar'
        ? target.calendar.ctag
        : target.kind === 'addressbook'
          ? target.book.ctag
          : null;
  if (current === null) throw new DavError(403, 'Only calendars, address books and their members can be deleted.');
  if (!conditionsHold(request, current)) throw new DavError(412, 'It has changed since you read it.');

  // A member's conditions are asked again in the delete's transaction: another write may have come in since.
  const condition = (etag: string | null) => conditionsHold(request, etag);
  switch (target.kind) {
    case 'calendar-object': {
      // An organizer's delete cancels the meeting for its attendees; an attendee's declines it, unless the client
      // sent Schedule-Reply: F (RFC 6638 8.1), having told the organizer itself or not wanting to.
      // The object was read whole to find it.
      const stored = 'data' in target.object ? (target.object as StoredCalendarObject) : undefined;
      const plan =
        stored && context.scheduler
          ? await context.scheduler.planDelete(target.calendar, stored.data, header(request, 'schedule-reply')?.trim().toUpperCase() !== 'F')
          : null;
      await context.backend.deleteObject(target.calendar, target.name, condition);
      await plan?.send();
      break;
    }
    case 'contact':
      await context.addressBooks.deleteObject(target.book, target.name, condition);
      break;
    case 'calendar':
      await context.backend.deleteCalendar(target.calendar);
      break;
    case 'addressbook':
      await context.addressBooks.deleteAddressBook(target.book);
      break;
  }
  return emptyResponse(204);
};
