import { convertVCard, type VCardVersion } from '../../vcard';
import type { StoredMember } from '../backend';
import { DavError } from '../errors';
import { emptyResponse, entityTags, header } from '../http';
import { resolveContactSlot, resolveObjectSlot } from '../resources';
import type { DavRequest, DavResponse } from '../types';
import type { MethodHandler } from './types';

export const CALENDAR_CONTENT_TYPE = 'text/calendar; charset=utf-8';
export const VCARD_CONTENT_TYPE = 'text/vcard; charset=utf-8';

/** The vCard version an Accept header asks for (`text/vcard; version=4.0`), if any. */
export function acceptedVCardVersion(accept: string | undefined): VCardVersion | undefined {
  for (const range of (accept ?? '').split(',')) {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'text/vcard' && type !== 'text/x-vcard') continue;
    const version = parameters.find((parameter) => parameter.startsWith('version='))?.slice('version='.length).replace(/"/g, '');
    if (version === '3.0' || version === '4.0') return version;
  }
  return undefined;
}

function answer(request: DavRequest, object: StoredMember, contentType: string, body: string, withBody: boolean): DavResponse {
  const headers = { 'Content-Type': contentType, ETag: `"${object.etag}"`, 'Last-Modified': object.lastModified.toUTCString() };
  // RFC 9110 13.1: a matching If-None-Match answers 304; a failed If-Match answers 412.
  const ifNoneMatch = entityTags(header(request, 'if-none-match'));
  if (ifNoneMatch && (ifNoneMatch.includes('*') || ifNoneMatch.includes(object.etag))) return emptyResponse(304, headers);
  const ifMatch = entityTags(header(request, 'if-match'));
  if (ifMatch && !ifMatch.includes('*') && !ifMatch.includes(object.etag)) return emptyResponse(412, headers);
  return { status: 200, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, body: withBody ? body : undefined };
}

/**
 * GET and HEAD of a calendar object or vCard: exactly the bytes stored, with a strong ETag. A vCard is converted when
 * the Accept header asks for the other version. Collections have no body.
 */
function getMember(withBody: boolean): MethodHandler {
  return async ({ request, context, location, resource }) => {
    if (location.kind === 'calendar-object') {
      const object = (await resolveObjectSlot(context, location))?.object;
      if (!object) throw new DavError(404, 'No calendar object at this URL.');
      return answer(request, object, CALENDAR_CONTENT_TYPE, object.data, withBody);
    }
    if (location.kind === 'contact') {
      const object = (await resolveContactSlot(context, location))?.object;
      if (!object) throw new DavError(404, 'No vCard at this URL.');
      const version = acceptedVCardVersion(header(request, 'accept'));
      const body = version ? convertVCard(object.data, version) : object.data;
      return answer(request, object, VCARD_CONTENT_TYPE, body, withBody);
    }
    if (location.kind === 'inbox-message') {
      const target = await resource();
      const [object] = target.kind === 'inbox-message' && context.scheduler ? await context.scheduler.inbox.get(target.owner, [target.name]) : [];
      if (!object) throw new DavError(404, 'No scheduling message at this URL.');
      return answer(request, object, CALENDAR_CONTENT_TYPE, object.data, withBody);
    }
    await resource();
    return {
      status: 200,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: withBody ? 'This is a DAV collection; use a CalDAV or CardDAV client.\n' : undefined,
    };
  };
}

export const get = getMember(true);
export const head = getMember(false);
