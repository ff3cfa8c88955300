/**
 * Answers which properties a resource has, for PROPFIND and for the `prop` part of REPORTs.
 */

import type { MultistatusResponse, PropertyResult } from './multistatus';
import { clark, type QName } from './model';
import { definitionsOf, memberProperty, type PropertyValue } from './properties';
import type { PropfindRequest } from './requests';
import type { DavContext, Resource } from './resources';

/** Extra properties a caller computes itself (e.g. calendar-data in a REPORT). */
export type ExtraProperties = Map<string, PropertyValue>;

export async function propertyResults(
  context: DavContext,
  resource: Resource,
  request: PropfindRequest,
  extra: ExtraProperties = new Map(),
): Promise<PropertyResult[]> {
  if (request.kind === 'prop' && (resource.kind === 'calendar-object' || resource.kind === 'contact')) {
    return memberResults(context, resource, request.props, extra);
  }
  const definitions = definitionsOf(context, resource);
  if (request.kind === 'propname') {
    return [...definitions.values()].map((definition) => ({ prop: definition.qname, status: 200 }));
  }
  const wanted: QName[] =
    request.kind === 'prop'
      ? request.props
      : [...[...definitions.values()].filter((definition) => definition.inAllprop).map((definition) => definition.qname), ...request.include];

  const results: PropertyResult[] = [];
  const seen = new Set<string>();
  for (const prop of wanted) {
    const key = clark(prop);
    if (seen.has(key)) continue;
    seen.add(key);
    const computed = extra.get(key);
    if (computed !== undefined) {
      results.push(toResult(prop, computed));
      continue;
    }
    const definition = definitions.get(key);
    results.push(definition ? toResult(prop, await definition.get()) : { prop, status: 404 });
  }
  return results;
}

/** The named properties of a calendar object or vCard, without building its definitions unless one is needed. */
async function memberResults(
  context: DavContext,
  member: Extract<Resource, { kind: 'calendar-object' | 'contact' }>,
  props: QName[],
  extra: ExtraProperties,
): Promise<PropertyResult[]> {
  const results: PropertyResult[] = [];
  const seen = new Set<string>();
  let definitions: ReturnType<typeof definitionsOf> | null = null;
  for (const prop of props) {
    const key = clark(prop);
    if (seen.has(key)) continue;
    seen.add(key);
    const value = extra.get(key) ?? memberProperty(context, member, key);
    if (value !== undefined) {
      results.push(toResult(prop, await value));
      continue;
    }
    definitions ??= definitionsOf(context, member);
    const definition = definitions.get(key);
    results.push(definition ? toResult(prop, await definition.get()) : { prop, status: 404 });
  }
  return results;
}

const isPromise = (value: unknown): value is Promise<unknown> => typeof (value as Promise<unknown> | null)?.then === 'function';

/**
 * The named properties of a calendar object or vCard when every one is at hand without waiting (the listing
 * properties: etag, size, dates, content type...); null as soon as one is not. Long listings use it to answer
 * thousands of members without a promise each.
 */
function memberResultsNow(
  context: DavContext,
  member: Extract<Resource, { kind: 'calendar-object' | 'contact' }>,
  props: QName[],
  extra: ExtraProperties,
): PropertyResult[] | null {
  const results: PropertyResult[] = [];
  const seen = new Set<string>();
  for (const prop of props) {
    const key = clark(prop);
    if (seen.has(key)) continue;
    seen.add(key);
    const value = extra.get(key) ?? memberProperty(context, member, key);
    if (value === undefined || isPromise(value)) return null;
    results.push(toResult(prop, value));
  }
  return results;
}

function toResult(prop: QName, value: PropertyValue): PropertyResult {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'raw' in value) {
    return { prop, status: 200, raw: value.raw };
  }
  return { prop, status: 200, value };
}

/** responseFor's answer when it needs no waiting (see memberResultsNow); null when responseFor must be awaited. */
export function responseNow(
  context: DavContext,
  resource: Resource,
  href: string,
  request: PropfindRequest,
  extra: ExtraProperties = new Map(),
): MultistatusResponse | null {
  if (request.kind !== 'prop' || (resource.kind !== 'calendar-object' && resource.kind !== 'contact')) return null;
  const properties = memberResultsNow(context, resource, request.props, extra);
  return properties ? { href, properties } : null;
}

export type PendingResponse = MultistatusResponse | Promise<MultistatusResponse>;

/** responseFor, without a promise when the answer is at hand (see responseNow). */
export function respond(
  context: DavContext,
  resource: Resource,
  href: string,
  request: PropfindRequest,
  extra?: ExtraProperties,
): PendingResponse {
  return responseNow(context, resource, href, request, extra) ?? responseFor(context, resource, href, request, extra);
}

/** The responses, waiting only when one of them is not at hand yet: one promise per answer, not per member. */
export function settled(responses: PendingResponse[]): MultistatusResponse[] | Promise<MultistatusResponse[]> {
  return responses.some(isPromise) ? Promise.all(responses) : (responses as MultistatusResponse[]);
}

export async function responseFor(
  context: DavContext,
  resource: Resource,
  href: string,
  request: PropfindRequest,
  extra?: ExtraProperties,
): Promise<MultistatusResponse> {
  return { href, properties: await propertyResults(context, resource, request, extra) };
}
