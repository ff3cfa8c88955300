/**
 * The DAV server: authenticates, locates the resource, dispatches to the method and turns errors into answers.
 * Knows nothing of Strapi: storage, principals and authentication come in as interfaces.
 */

import type { AddressBookBackend, CalendarBackend, Principal, PrincipalDirectory, Scheduler } from './backend';
import { DavError, errorBody } from './errors';
import { XML_CONTENT_TYPE } from './http';
import { get, head } from './methods/get';
import { mkcalendar, mkcol } from './methods/mkcalendar';
import { move } from './methods/move';
import { post } from './methods/post';
import { propfind } from './methods/propfind';
import { proppatch } from './methods/proppatch';
import { put } from './methods/put';
import { remove } from './methods/delete';
import { report } from './methods/report';
import type { MethodHandler, MethodInput } from './methods/types';
import type { XmlElement } from './model';
import { createHrefs, locate } from './paths';
import { bodyRules, type BodyRules } from './requests';
import { resolve, resolveCalendar, type DavContext } from './resources';
import { isUnderBasePath } from './router';
import type { DavRequest, DavResponse } from './types';
import { parseXml } from './xml';

/** The outcome of checking a request's credentials. */
export type Authentication =
  | { outcome: 'signed-in'; principal: Principal }
  /** No credentials were sent. */
  | { outcome: 'anonymous' }
  /** Credentials were sent and are not valid (or the account cannot sign in). */
  | { outcome: 'refused' }
  /** Too many failed sign-ins for this account or address: try again later. */
  | { outcome: 'throttled'; retryAfterSeconds: number };

export const DAV_COMPLIANCE = '1, 3, access-control, calendar-access, addressbook, extended-mkcol';
/** Announced where the server schedules (RFC 6638 section 2). */
const AUTO_SCHEDULE = 'calendar-auto-schedule';

const methods: Record<string, MethodHandler> = {
  PROPFIND: propfind,
  PROPPATCH: proppatch,
  MKCALENDAR: mkcalendar,
  MKCOL: mkcol,
  GET: get,
  HEAD: head,
  PUT: put,
  DELETE: remove,
  REPORT: report,
  MOVE: move,
  POST: post,
};
export const ALLOWED_METHODS = ['OPTIONS', ...Object.keys(methods)].sort().join(', ');

/** What an anonymous visitor may do with a public calendar: read it. */
const ANONYMOUS_METHODS = new Set(['PROPFIND', 'REPORT', 'GET', 'HEAD']);

/** Largest XML request body read unless configured otherwise, in bytes (PUT bodies are bounded by max-resource-size). */
export const MAX_XML_BODY = 1024 * 1024;

export interface DavServerOptions {
  basePath: string;
  /**
   * The path the site lives under for clients when a reverse proxy serves it under a sub-path and strips that path
   * before forwarding (the path of Strapi's `server.url`); "" or absent at the root. Every href written starts with
   * it, and it is removed from the hrefs clients send.
   */
  sitePath?: string;
  realm: string;
  /** The current limit (an administrator may change it while the server runs). */
  maxResourceSize: () => number;
  /** Largest XML request body read, in bytes; default MAX_XML_BODY. */
  maxXmlBodySize?: number;
  backend: CalendarBackend;
  addressBooks: AddressBookBackend;
  directory: PrincipalDirectory;
  /** Implicit scheduling, inboxes and outboxes; absent or null: the server does not schedule. */
  scheduler?: Scheduler | null;
  /** Who sends the request; `clientAddress` is the address failed sign-ins are counted against. */
  authenticate(authorization: string | undefined, clientAddress: string): Promise<Authentication>;
  onError?(error: unknown, request: DavRequest): void;
  /**
   * Storage that is down for now (the database unreachable or locked): such failures are answered 503 with
   * Retry-After instead of 500. `recognize` returns what to log for one, or null for any other error.
   */
  outage?: { recognize(error: unknown): Error | null; retryAfterSeconds: number };
}


export function errorResponse(error: DavError): DavResponse {
  if (error.precondition) return { status: error.status, headers: { 'Content-Type': XML_CONTENT_TYPE }, body: errorBody(error) };
  return { status: error.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: `${error.message}\n` };
}

/**
 * A collection looked up once per request: a multiget or a sync names many members of the same collection, and
 * each lookup carries its access decision (owner, shares, role).
 */
function oncePerRequest<T, R>(
  find: (slug: string, viewer: Principal | null) => Promise<T | null>,
  findWithMember: (slug: string, viewer: Principal | null, name: string) => Promise<R | null>,
  collectionOf: (found: R) => T,
) {
  const found = new Map<string, Promise<T | null>>();
  const keyOf = (slug: string, viewer: Principal | null) => `${viewer?.id ?? ''}\u0000${slug}`;
  return {
    find(slug: string, viewer: Principal | null): Promise<T | null> {
      const key = keyOf(slug, viewer);
      let result = found.get(key);
      if (!result) {
        result = find(slug, viewer);
        found.set(key, result);
      }
      return result;
    },
    /** The collection with one of its members; the collection is then known to `find` as well. */
    async findWithMember(slug: string, viewer: Principal | null, name: string): Promise<R | null> {
      const result = await findWithMember(slug, viewer, name);
      if (!found.has(keyOf(slug, viewer))) found.set(keyOf(slug, viewer), Promise.resolve(result ? collectionOf(result) : null));
      return result;
    },
  };
}

export function createDavServer(options: DavServerOptions) {
  const basePath = options.basePath.replace(/\/+$/, '');
  const sitePath = (options.sitePath ?? '').replace(/\/+$/, '');
  // Request paths arrive without the site's path (the proxy strips it); the hrefs clients get must carry it.
  const hrefs = createHrefs(`${sitePath}${basePath}`);

  const maxXmlBodySize = options.maxXmlBodySize ?? MAX_XML_BODY;
  const scheduler = options.scheduler ?? null;
  const baseHeaders = { DAV: scheduler ? `${DAV_COMPLIANCE}, ${AUTO_SCHEDULE}` : DAV_COMPLIANCE, 'MS-Author-Via': 'DAV' };
  const withBaseHeaders = (response: DavResponse): DavResponse => ({ ...response, headers: { ...baseHeaders, ...response.headers } });

  /**
   * Answers a request under the base path. `readBody` is called at most once, with the rules for the method's body;
   * it refuses with a DavError (413 past `rules.maxBytes`, a charset or bytes that are not UTF-8, 408 when too slow).
   */
  return async function handle(incoming: DavRequest, readBody: (rules: BodyRules) => Promise<string>): Promise<DavResponse> {
    let request = incoming;
    const method = request.method.toUpperCase();
    try {
      // Clients given only the site's address ask its root for current-user-principal: answered as the DAV root.
      const isSiteRoot = request.path === '/' && method === 'PROPFIND';
      if (!isUnderBasePath(request.path, basePath) && !isSiteRoot) throw new DavError(404, 'Not found.');
      if (isSiteRoot) request = { ...request, headers: { ...request.headers, depth: '0' } };
      if (method === 'OPTIONS') {
        return withBaseHeaders({ status: 200, headers: { Allow: ALLOWED_METHODS, 'Content-Length': '0' } });
      }
      const handler = methods[method];
      if (!handler) {
        return withBaseHeaders({
          status: 405,
          headers: { Allow: ALLOWED_METHODS, 'Content-Type': 'text/plain; charset=utf-8' },
          body: `${request.method} is not supported here. Allowed methods: ${ALLOWED_METHODS}.\n`,
        });
      }

      const authorization = request.headers.authorization;
      const authentication = await options.authenticate(Array.isArray(authorization) ? authorization[0] : authorization, request.clientAddress ?? '');
      if (authentication.outcome === 'throttled') {
        return withBaseHeaders({
          status: 429,
          headers: { 'Retry-After': String(authentication.retryAfterSeconds), 'Content-Type': 'text/plain; charset=utf-8' },
          body: `Too many failed sign-ins. Try again in ${authentication.retryAfterSeconds} seconds.\n`,
        });
      }
      const challenge = () =>
        withBaseHeaders({
          status: 401,
          headers: { 'WWW-Authenticate': `Basic realm="${options.realm}", charset="UTF-8"`, 'Content-Type': 'text/plain; charset=utf-8' },
          body: 'Sign in with your username (or email) and password, or an app password.\n',
        });
      const location = isSiteRoot ? ({ kind: 'root' } as const) : locate(request.path, basePath);
      // Anonymous visitors may only read public calendars; anything else asks them to sign in (never 403 or 404,
      // so that a client can still log in and nothing tells whether a private calendar exists).
      const anonymousRead =
        authentication.outcome === 'anonymous' &&
        ANONYMOUS_METHODS.has(method) &&
        (location?.kind === 'calendar' || location?.kind === 'calendar-object');
      if (authentication.outcome !== 'signed-in' && !anonymousRead) return challenge();
      const user = authentication.outcome === 'signed-in' ? authentication.principal : null;

      const maxResourceSize = options.maxResourceSize();
      // A request reads each collection once, however many of its steps ask for it.
      const calendars = oncePerRequest(options.backend.findCalendar, options.backend.findCalendarObject, (found) => found.calendar);
      const books = oncePerRequest(options.addressBooks.findAddressBook, options.addressBooks.findAddressBookObject, (found) => found.book);
      const context: DavContext = {
        user,
        backend: { ...options.backend, findCalendar: calendars.find, findCalendarObject: calendars.findWithMember },
        addressBooks: { ...options.addressBooks, findAddressBook: books.find, findAddressBookObject: books.findWithMember },
        directory: options.directory,
        scheduler,
        hrefs,
        basePath,
        sitePath,
        maxResourceSize,
      };
      // Before the body is read: an anonymous visitor's body is read for a public calendar only.
      if (!user && (location?.kind === 'calendar' || location?.kind === 'calendar-object')) {
        if (!(await resolveCalendar(context, location.username, location.slug))) return challenge();
      }
      const body = await readBody(bodyRules(method, location?.kind, { maxResourceSize, maxXmlBodySize }));
      let parsed: XmlElement | null | undefined;
      const input: MethodInput = {
        request,
        context,
        location: location ?? { kind: 'root' },
        // The request's URL as the client wrote it: what the responses about it name.
        href: `${sitePath}${request.path}`,
        body,
        xmlBody: () => {
          if (parsed === undefined) parsed = body.trim() === '' ? null : parseXml(body, { maxBytes: maxXmlBodySize });
          return parsed;
        },
        resource: async () => {
          const found = location ? await resolve(context, location) : null;
          if (!found) throw new DavError(404, 'Nothing exists at this URL.');
          return found;
        },
      };
      if (!location && method !== 'PUT' && method !== 'MKCALENDAR' && method !== 'MKCOL') throw new DavError(404, 'Nothing exists at this URL.');
      if (!location) throw new DavError(409, 'This URL is outside the calendar tree.');
      return withBaseHeaders(await handler(input));
    } catch (error) {
      if (error instanceof DavError) return withBaseHeaders(errorResponse(error));
      // The database is unreachable or busy: nothing was stored, and the same request can succeed later.
      const outage = options.outage?.recognize(error);
      if (outage && options.outage) {
        const { retryAfterSeconds } = options.outage;
        options.onError?.(outage, request);
        return withBaseHeaders({
          status: 503,
          headers: { 'Retry-After': String(retryAfterSeconds), 'Content-Type': 'text/plain; charset=utf-8' },
          body: `The database is unavailable right now. Nothing was changed; please try again in ${retryAfterSeconds} seconds.\n`,
        });
      }
      options.onError?.(error, request);
      return withBaseHeaders({
        status: 500,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        body: 'The server could not complete this request. Nothing was changed.\n',
      });
    }
  };
}

export type DavServer = ReturnType<typeof createDavServer>;
