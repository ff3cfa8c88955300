import { DavError } from './errors';
import type { DavRequest, DavResponse, HeaderValue } from './types';

export const XML_CONTENT_TYPE = 'application/xml; charset=utf-8';

export function header(request: DavRequest, name: string): string | undefined {
  const value: HeaderValue = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function xmlResponse(status: number, body: string | AsyncIterable<string>, headers: Record<string, string> = {}): DavResponse {
  return { status, headers: { 'Content-Type': XML_CONTENT_TYPE, ...headers }, body };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): DavResponse {
  return { status, headers };
}

export type Depth = '0' | '1' | 'infinity';

/** The Depth header; `fallback` applies when it is absent (RFC 4918: infinity for PROPFIND). */
export function depthOf(request: DavRequest, fallback: Depth): Depth {
  const value = header(request, 'depth')?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (value === '0' || value === '1' || value === 'infinity') return value;
  throw new DavError(400, `The Depth header must be 0, 1 or infinity (got "${value}").`);
}

/** Entity tags of an If-Match / If-None-Match header, without quotes; `*` stays `*`. */
export function entityTags(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const tags = value.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
  return tags.map((tag) => (tag === '*' ? '*' : tag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1')));
}

/** Whether the If-Match / If-None-Match preconditions hold for a resource with this etag (null: absent). */
export function conditionsHold(request: DavRequest, currentEtag: string | null): boolean {
  const ifMatch = entityTags(header(request, 'if-match'));
  const ifNoneMatch = entityTags(header(request, 'if-none-match'));
  if (ifMatch && !(currentEtag !== null && (ifMatch.includes('*') || ifMatch.includes(currentEtag)))) return false;
  if (ifNoneMatch && currentEtag !== null && (ifNoneMatch.includes('*') || ifNoneMatch.includes(currentEtag))) return false;
  return true;
}
