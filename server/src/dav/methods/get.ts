import { DavError } from '../errors';
import { emptyResponse, entityTags, header } from '../http';
import { resolveObjectSlot } from '../resources';
import type { MethodHandler } from './types';

export const CALENDAR_CONTENT_TYPE = 'text/calendar; charset=utf-8';

/** GET and HEAD of a calendar object: exactly the bytes stored, with a strong ETag. Collections have no body. */
function getObject(withBody: boolean): MethodHandler {
  return async ({ request, context, location, resource }) => {
    if (location.kind !== 'calendar-object') {
      await resource();
      return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: withBody ? 'This is a DAV collection; use a CalDAV client.\n' : undefined };
    }
    const object = (await resolveObjectSlot(context, location))?.object;
    if (!object) throw new DavError(404, 'No calendar object at this URL.');
    const headers = {
      'Content-Type': CALENDAR_CONTENT_TYPE,
      ETag: `"${object.etag}"`,
      'Last-Modified': object.lastModified.toUTCString(),
    };
    // RFC 9110 13.1: a matching If-None-Match answers 304; a failed If-Match answers 412.
    const ifNoneMatch = entityTags(header(request, 'if-none-match'));
    if (ifNoneMatch && (ifNoneMatch.includes('*') || ifNoneMatch.includes(object.etag))) return emptyResponse(304, headers);
    const ifMatch = entityTags(header(request, 'if-match'));
    if (ifMatch && !ifMatch.includes('*') && !ifMatch.includes(object.etag)) return emptyResponse(412, headers);
    return { status: 200, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(object.data)) }, body: withBody ? object.data : undefined };
  };
}

export const get = getObject(true);
export const head = getObject(false);
