/**
 * The URL layout of the DAV tree, below the base path:
 *
 *   /                                  root
 *   /principals/                       the principal collection
 *   /principals/<user>/                a principal (a users-permissions user)
 *   /principals/roles/<role>/          a group principal (a users-permissions role, by its type)
 *   /calendars/                        the calendar homes (lists the signed-in user's)
 *   /calendars/<user>/                 the user's calendar home
 *   /calendars/<user>/<slug>/          a calendar
 *   /calendars/<user>/<slug>/<name>    a calendar object resource
 *   /addressbooks/                     the address book homes (lists the signed-in user's)
 *   /addressbooks/<user>/              the user's address book home
 *   /addressbooks/<user>/<slug>/       an address book
 *   /addressbooks/<user>/<slug>/<name> a vCard
 *   /scheduling/<user>/inbox/          the user's scheduling inbox (RFC 6638): invitations and answers received
 *   /scheduling/<user>/inbox/<name>    one scheduling message
 *   /scheduling/<user>/outbox/         the user's scheduling outbox (free-busy requests are POSTed to it)
 *
 * Segments are percent-encoded in hrefs and decoded here, once: `%252e` is the three characters `%2e`, never a dot.
 * A segment that decodes to `.` or `..`, holds a slash, a backslash or a control character, is longer than 255
 * characters or is not valid percent-encoded UTF-8 is refused (400); empty segments (`//`, a trailing slash) are
 * skipped. Object names (chosen by clients) are normalized to NFC, so that one name in its composed and decomposed
 * forms is one resource; usernames and collection slugs are matched exactly as the server spells them in its hrefs.
 * A path that does not fit the layout is not part of the tree.
 */

import { DavError } from './errors';

export type Location =
  | { kind: 'root' }
  | { kind: 'principals' }
  | { kind: 'calendar-homes' }
  | { kind: 'principal'; username: string }
  | { kind: 'group'; role: string }
  | { kind: 'calendar-home'; username: string }
  | { kind: 'calendar'; username: string; slug: string }
  | { kind: 'calendar-object'; username: string; slug: string; name: string }
  | { kind: 'addressbook-homes' }
  | { kind: 'addressbook-home'; username: string }
  | { kind: 'addressbook'; username: string; slug: string }
  | { kind: 'contact'; username: string; slug: string; name: string }
  | { kind: 'schedule-inbox'; username: string }
  | { kind: 'inbox-message'; username: string; name: string }
  | { kind: 'schedule-outbox'; username: string };

const MAX_SEGMENT = 255;

function decodeSegment(segment: string): string {
  const shown = segment.length > 60 ? `${segment.slice(0, 60)}...` : segment;
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new DavError(400, `The path segment "${shown}" is not valid percent-encoded UTF-8.`);
  }
  if (decoded === '.' || decoded === '..' || /[/\\\u0000-\u001f\u007f-\u009f]/.test(decoded) || decoded.length > MAX_SEGMENT) {
    throw new DavError(400, `The path segment "${shown}" is not allowed (no ".", "..", slashes, backslashes or control characters; at most ${MAX_SEGMENT} characters).`);
  }
  return decoded;
}

/**
 * Where a request path points. `path` is the raw (percent-encoded) request path, already known to be at or below
 * `basePath`. Returns null for paths outside the layout (404).
 */
export function locate(path: string, basePath: string): Location | null {
  const rest = path.slice(basePath.length);
  const segments = rest.split('/').filter((segment) => segment !== '').map(decodeSegment);
  const [area, username, slug, name, ...extra] = segments;
  if (extra.length > 0) return null;
  if (area === undefined) return { kind: 'root' };
  if (area === 'principals') {
    if (username === undefined) return { kind: 'principals' };
    if (slug === undefined) return { kind: 'principal', username };
    return username === 'roles' && name === undefined ? { kind: 'group', role: slug } : null;
  }
  if (area === 'calendars') {
    if (username === undefined) return { kind: 'calendar-homes' };
    if (slug === undefined) return { kind: 'calendar-home', username };
    if (name === undefined) return { kind: 'calendar', username, slug };
    return { kind: 'calendar-object', username, slug, name: name.normalize('NFC') };
  }
  if (area === 'addressbooks') {
    if (username === undefined) return { kind: 'addressbook-homes' };
    if (slug === undefined) return { kind: 'addressbook-home', username };
    if (name === undefined) return { kind: 'addressbook', username, slug };
    return { kind: 'contact', username, slug, name: name.normalize('NFC') };
  }
  if (area === 'scheduling' && username !== undefined) {
    if (slug === 'inbox') return name === undefined ? { kind: 'schedule-inbox', username } : { kind: 'inbox-message', username, name: name.normalize('NFC') };
    if (slug === 'outbox' && name === undefined) return { kind: 'schedule-outbox', username };
  }
  return null;
}

const encode = (segment: string) => encodeURIComponent(segment).replace(/%40/g, '@');

/** Builds the hrefs of the tree (percent-encoded, collections with a trailing slash). */
export function createHrefs(basePath: string) {
  return {
    root: () => `${basePath}/`,
    principals: () => `${basePath}/principals/`,
    principal: (username: string) => `${basePath}/principals/${encode(username)}/`,
    group: (role: string) => `${basePath}/principals/roles/${encode(role)}/`,
    calendarHome: (username: string) => `${basePath}/calendars/${encode(username)}/`,
    calendar: (username: string, slug: string) => `${basePath}/calendars/${encode(username)}/${encode(slug)}/`,
    calendarObject: (username: string, slug: string, name: string) =>
      `${basePath}/calendars/${encode(username)}/${encode(slug)}/${encode(name)}`,
    addressBookHomes: () => `${basePath}/addressbooks/`,
    calendarHomes: () => `${basePath}/calendars/`,
    addressBookHome: (username: string) => `${basePath}/addressbooks/${encode(username)}/`,
    addressBook: (username: string, slug: string) => `${basePath}/addressbooks/${encode(username)}/${encode(slug)}/`,
    contact: (username: string, slug: string, name: string) => `${basePath}/addressbooks/${encode(username)}/${encode(slug)}/${encode(name)}`,
    scheduleInbox: (username: string) => `${basePath}/scheduling/${encode(username)}/inbox/`,
    inboxMessage: (username: string, name: string) => `${basePath}/scheduling/${encode(username)}/inbox/${encode(name)}`,
    scheduleOutbox: (username: string) => `${basePath}/scheduling/${encode(username)}/outbox/`,
    /** The iCalendar feed of a public calendar (plain HTTP below the base path, not part of the DAV tree). */
    publicFeed: (slug: string) => `${basePath}/feeds/${encode(slug)}.ics`,
    /** A child's href under a collection href as the client spelled it. */
    child: (collectionHref: string, segment: string, isCollection: boolean) =>
      `${collectionHref.endsWith('/') ? collectionHref : `${collectionHref}/`}${encode(segment)}${isCollection ? '/' : ''}`,
  };
}

export type Hrefs = ReturnType<typeof createHrefs>;

/**
 * The path of an href: a path as it is, or the path of an absolute http(s) URL as written. Dot segments are not
 * resolved and nothing is decoded (as `new URL` would), so that `locate` sees, and refuses, what the client sent.
 * The host is not compared: a proxy in front of the site may rewrite it, and whatever the path names is still
 * subject to the user's access. Another scheme's URL is returned whole, which is no path of the tree.
 */
export function hrefPath(href: string): string {
  const trimmed = href.trim();
  const absolute = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/[^/?#]*([^?#]*)/.exec(trimmed);
  if (absolute) {
    if (!/^https?$/i.test(absolute[1])) return trimmed;
    return absolute[2] === '' ? '/' : absolute[2];
  }
  return trimmed.split(/[?#]/)[0];
}

/**
 * The path in the DAV tree, as the server receives request paths, of an href a client sent (a multiget's hrefs, a
 * Destination header), or null when it names nothing at or below the base path. Behind a proxy that serves the site
 * under `sitePath`, the hrefs this server wrote start with it while request paths arrive without it: it is removed.
 * An href without it is taken as it is.
 */
export function treePath(href: string, basePath: string, sitePath: string): string | null {
  const path = hrefPath(href);
  const inTree = (candidate: string) => candidate === basePath || candidate.startsWith(`${basePath}/`);
  if (sitePath !== '' && path.startsWith(`${sitePath}/`) && inTree(path.slice(sitePath.length))) return path.slice(sitePath.length);
  return inTree(path) ? path : null;
}
