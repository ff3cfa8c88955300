/**
 * Raw DAV requests and a reader for their XML answers, for the edge cases a DAV client library does not reach.
 * The reader uses xmlbuilder2's DOM directly, independently of the server's own XML code.
 */

import { createDAVClient } from 'tsdav';
import { create } from 'xmlbuilder2';

import { http, type HttpResponse } from './http';
import type { TestUser } from './people';

export const NS = {
  DAV: 'DAV:',
  CALDAV: 'urn:ietf:params:xml:ns:caldav',
  CS: 'http://calendarserver.org/ns/',
  ICAL: 'http://apple.com/ns/ical/',
};

export interface PropValue {
  status: number;
  /** Text content of the property element. */
  text: string;
  /** Child elements as `{ns}name`. */
  children: string[];
  /** The hrefs inside the property. */
  hrefs: string[];
  /** Attributes of child elements, e.g. the `name` of each CALDAV:comp. */
  childAttributes: Array<Record<string, string>>;
}

export interface DavResponseEntry {
  href: string;
  /** Status of a response without propstat (e.g. 404 in a multiget). */
  status?: number;
  props: Map<string, PropValue>;
}

interface DomNode {
  nodeType: number;
  namespaceURI: string | null;
  localName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  attributes?: ArrayLike<{ localName: string; value: string }>;
}

const elements = (node: DomNode): DomNode[] => Array.from(node.childNodes).filter((child) => child.nodeType === 1);
const key = (node: DomNode) => `{${node.namespaceURI ?? ''}}${node.localName}`;
const statusCode = (text: string | null) => Number(/HTTP\/\d\.\d (\d{3})/.exec(text ?? '')?.[1] ?? 0);

function descendants(node: DomNode, wanted: string): DomNode[] {
  const found: DomNode[] = [];
  for (const child of elements(node)) {
    if (key(child) === wanted) found.push(child);
    found.push(...descendants(child, wanted));
  }
  return found;
}

/** Reads a 207 multistatus body into responses with their properties. */
export function readMultistatus(body: string): DavResponseEntry[] {
  const root = create(body).root().node as unknown as DomNode;
  if (key(root) !== '{DAV:}multistatus') throw new Error(`not a multistatus: ${body.slice(0, 200)}`);
  return elements(root)
    .filter((node) => key(node) === '{DAV:}response')
    .map((response) => {
      const children = elements(response);
      const href = decodeURIComponent(children.find((child) => key(child) === '{DAV:}href')?.textContent ?? '');
      const statusNode = children.find((child) => key(child) === '{DAV:}status');
      const props = new Map<string, PropValue>();
      for (const propstat of children.filter((child) => key(child) === '{DAV:}propstat')) {
        const status = statusCode(elements(propstat).find((child) => key(child) === '{DAV:}status')?.textContent ?? null);
        const prop = elements(propstat).find((child) => key(child) === '{DAV:}prop');
        for (const property of prop ? elements(prop) : []) {
          props.set(key(property), {
            status,
            text: property.textContent ?? '',
            children: elements(property).map(key),
            hrefs: descendants(property, '{DAV:}href').map((node) => node.textContent ?? ''),
            childAttributes: elements(property).map((child) =>
              Object.fromEntries(Array.from(child.attributes ?? []).map((attribute) => [attribute.localName, attribute.value])),
            ),
          });
        }
      }
      return { href, status: statusNode ? statusCode(statusNode.textContent) : undefined, props };
    });
}

/** The precondition element names of a DAV:error body. */
export function readErrorConditions(body: string): string[] {
  const root = create(body).root().node as unknown as DomNode;
  if (key(root) !== '{DAV:}error') return [];
  return elements(root).map(key);
}

export function davClient(origin: string, user: Pick<TestUser, 'username' | 'password'>) {
  const basic = { username: user.username, password: user.password };
  const xml = (method: string, path: string, body: string | undefined, headers: Record<string, string> = {}) =>
    http(origin, method, path, { basic, body, headers: { 'Content-Type': 'application/xml; charset=utf-8', ...headers } });
  return {
    request: (method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<HttpResponse> =>
      http(origin, method, path, { basic, body, headers }),
    propfind: (path: string, depth: '0' | '1' | 'infinity' | null, body?: string) =>
      xml('PROPFIND', path, body, depth === null ? {} : { Depth: depth }),
    proppatch: (path: string, body: string) => xml('PROPPATCH', path, body),
    report: (path: string, body: string, depth: '0' | '1' = '1') => xml('REPORT', path, body, { Depth: depth }),
    mkcalendar: (path: string, body?: string) => xml('MKCALENDAR', path, body),
    put: (path: string, ical: string, headers: Record<string, string> = {}) =>
      http(origin, 'PUT', path, { basic, body: ical, headers: { 'Content-Type': 'text/calendar; charset=utf-8', ...headers } }),
    get: (path: string, headers: Record<string, string> = {}) => http(origin, 'GET', path, { basic, headers }),
    delete: (path: string, headers: Record<string, string> = {}) => http(origin, 'DELETE', path, { basic, headers }),
  };
}

/** A PROPFIND body asking for the given properties, e.g. prop('d:displayname', 'cs:getctag'). */
export function propfindBody(...props: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/" xmlns:ic="http://apple.com/ns/ical/">
  <d:prop>${props.map((prop) => `<${prop}/>`).join('')}</d:prop>
</d:propfind>`;
}

/** A minimal but complete VEVENT object. */
export function vevent(uid: string, fields: { summary?: string; start?: string; end?: string; extra?: string[]; rrule?: string } = {}): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Example Corp.//Test Client//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART:${fields.start ?? '20260310T090000Z'}`,
    `DTEND:${fields.end ?? '20260310T100000Z'}`,
    `SUMMARY:${fields.summary ?? 'Meeting'}`,
    ...(fields.rrule ? [`RRULE:${fields.rrule}`] : []),
    ...(fields.extra ?? []),
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ];
  return lines.join('\r\n');
}

/** A tsdav client signed in as the user, discovering from the site root like a calendar or contacts app. */
export function connectDavClient(origin: string, user: Pick<TestUser, 'username' | 'password'>, accountType: 'caldav' | 'carddav') {
  return createDAVClient({
    serverUrl: origin,
    credentials: { username: user.username, password: user.password },
    authMethod: 'Basic',
    defaultAccountType: accountType,
  });
}
