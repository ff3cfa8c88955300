import { CalendarObjectError, parseCalendarObject } from '../../ical';
import { parseVCard, VCardError } from '../../vcard';
import { DavError } from '../errors';
import { conditionsHold, emptyResponse, header } from '../http';
import { NS, type XmlNode } from '../model';
import { resolveContactSlot, resolveObjectSlot } from '../resources';
import { requirePrivilege } from '../privileges';
import type { DavRequest } from '../types';
import type { MethodHandler } from './types';

/** UIDs are indexed and compared; longer ones are refused rather than cut. */
const MAX_UID_LENGTH = 255;

function checkBody(request: DavRequest, body: string, maxResourceSize: number, mediaType: string, ns: string, dataPrecondition: string) {
  const contentType = (header(request, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  const accepted = mediaType === 'text/vcard' ? ['text/vcard', 'text/x-vcard', 'text/directory'] : [mediaType];
  if (!accepted.includes(contentType)) {
    throw new DavError(415, `This resource must be sent as ${mediaType} (got "${contentType || 'nothing'}").`, { ns, name: dataPrecondition });
  }
  if (Buffer.byteLength(body) > maxResourceSize) {
    throw new DavError(413, `The resource is larger than ${maxResourceSize} bytes.`, { ns, name: 'max-resource-size' });
  }
}

function uidConflict(ns: string, uid: string, href: string): DavError {
  const existing: XmlNode = { ns: NS.DAV, name: 'href', children: href };
  return new DavError(409, `Another resource in this collection already has the UID ${uid}.`, { ns, name: 'no-uid-conflict' }, existing);
}

const siblingHref = (href: string, name: string, encode: (segment: string) => string) => `${href.slice(0, href.lastIndexOf('/') + 1)}${encode(name)}`;
const encodeSegment = (segment: string) => encodeURIComponent(segment).replace(/%40/g, '@');

/** PUT of a calendar object resource (RFC 4791 5.3.2) or a vCard (RFC 6352 6.3.2), with their preconditions. */
export const put: MethodHandler = async ({ request, context, location, body, href }) => {
  if (location.kind === 'contact') {
    const slot = await resolveContactSlot(context, location);
    if (!slot) throw new DavError(409, 'The address book does not exist.');
    requirePrivilege(slot.book.access, slot.object ? 'write-content' : 'bind', href, slot.object ? 'change this vCard' : 'add vCards to this address book');
    checkBody(request, body, context.maxResourceSize, 'text/vcard', NS.CARDDAV, 'supported-address-data');
    if (!conditionsHold(request, slot.object?.etag ?? null)) {
      throw new DavError(412, slot.object ? 'The vCard has changed since you read it.' : 'The vCard does not exist.');
    }
    let parsed;
    try {
      parsed = parseVCard(body);
    } catch (error) {
      if (error instanceof VCardError) throw new DavError(403, error.message, { ns: NS.CARDDAV, name: error.precondition });
      throw error;
    }
    if (parsed.uid.length > MAX_UID_LENGTH) throw new DavError(403, `UIDs longer than ${MAX_UID_LENGTH} characters are not supported.`, { ns: NS.CARDDAV, name: 'valid-address-data' });
    const holder = await context.addressBooks.findObjectNameByUid(slot.book, parsed.uid);
    if (holder !== null && holder !== slot.name) throw uidConflict(NS.CARDDAV, parsed.uid, siblingHref(href, holder, encodeSegment));
    const { etag, created } = await context.addressBooks.putObject(slot.book, slot.name, body, parsed, (current) => conditionsHold(request, current));
    return emptyResponse(created ? 201 : 204, { ETag: `"${etag}"`, 'Content-Length': '0' });
  }

  if (location.kind !== 'calendar-object') {
    throw new DavError(405, 'Only calendar objects and vCards can be written with PUT; create collections with MKCALENDAR or MKCOL.');
  }
  const slot = await resolveObjectSlot(context, location);
  if (!slot) throw new DavError(409, 'The calendar does not exist.');
  requirePrivilege(slot.calendar.access, slot.object ? 'write-content' : 'bind', href, slot.object ? 'change this event' : 'add events to this calendar');
  checkBody(request, body, context.maxResourceSize, 'text/calendar', NS.CALDAV, 'supported-calendar-data');
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
  if (parsed.uid.length > MAX_UID_LENGTH) throw new DavError(403, `UIDs longer than ${MAX_UID_LENGTH} characters are not supported.`, { ns: NS.CALDAV, name: 'valid-calendar-object-resource' });
  // A meeting: what the change sends to the other parties, and the object as stored with their delivery status.
  const plan = context.scheduler ? await context.scheduler.planPut(slot.calendar, slot.object?.data ?? null, body) : null;
  const stored = plan && plan.data !== body ? plan.data : body;
  const storedParsed = stored === body ? parsed : parseCalendarObject(stored, { supportedComponents: slot.calendar.components });
  // The conditions are asked again in the write's transaction: another write may have come in since.
  const result = await context.backend.putObject(slot.calendar, slot.name, stored, storedParsed, (current) => conditionsHold(request, current));
  if ('uidTakenBy' in result) throw uidConflict(NS.CALDAV, parsed.uid, siblingHref(href, result.uidTakenBy, encodeSegment));
  await plan?.send();
  const { etag, created } = result;
  // The client may cache what it sent under this ETag only when those are the stored bytes (RFC 4791 5.3.4); after
  // the server added SCHEDULE-STATUS it must fetch the object again (RFC 6638 3.2.9).
  return emptyResponse(created ? 201 : 204, stored === body ? { ETag: `"${etag}"`, 'Content-Length': '0' } : { 'Content-Length': '0' });
};
