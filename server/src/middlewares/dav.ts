import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

import type { Context, Next } from 'koa';
import type { Core } from '@strapi/strapi';

import { createPrincipalAuthenticator } from '../auth/principals';
import type { PluginConfig } from '../config';
import { DavError } from '../dav/errors';
import { checkBodyCharset, decodeBody, type BodyRules } from '../dav/requests';
import { isUnderBasePath, wellKnownRedirect } from '../dav/router';
import { createDavServer } from '../dav/server';
import type { DavResponse } from '../dav/types';
import { sitePath } from '../feeds/links';
import { createSiteScheduler } from '../scheduling';
import { sourceRegistry, withAddressBookSources, withCalendarSources } from '../sources';
import { createFeedServer } from '../feeds/serve';
import { createAddressBookBackend } from '../store/address-book-backend';
import { createCalendarBackend, createPrincipalDirectory } from '../store/calendar-backend';
import { DatabaseUnavailableError, isDatabaseUnavailable, OUTAGE_RETRY_AFTER_SECONDS } from '../store/outage';

function writeResponse(ctx: Context, response: DavResponse): void {
  ctx.status = response.status;
  for (const [name, value] of Object.entries(response.headers)) ctx.set(name, value);
  if (typeof response.body === 'string') ctx.body = response.body;
  else if (response.body !== undefined) ctx.body = Readable.from(response.body);
  else if (response.status !== 204 && response.status !== 304) ctx.body = '';
}

/** Whether a request's body was read, or left partly unread (refused as too large or too slow). */
interface BodyReading {
  started: boolean;
  abandoned: boolean;
}

/**
 * Reads the raw body under `rules`: a Content-Type charset other than UTF-8 and a declared Content-Length past the
 * limit are refused before anything is read; a body that grows past the limit is refused as soon as it does, and
 * one that has not fully arrived within `timeoutMs` gets 408. Either way the rest is never read.
 */
function readBody(request: IncomingMessage, rules: BodyRules, timeoutMs: number, reading: BodyReading): Promise<string> {
  const tooLarge = () => new DavError(413, `The ${rules.what} is larger than ${rules.maxBytes} bytes.`, rules.tooLarge);
  // Refused unread: whatever of the body has not arrived yet is not waited for.
  const refuseUnread = (error: unknown) => {
    if (!request.complete) reading.abandoned = true;
    return Promise.reject(error);
  };
  try {
    checkBodyCharset(request.headers['content-type'], rules);
  } catch (error) {
    return refuseUnread(error);
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > rules.maxBytes) return refuseUnread(tooLarge());
  // No Content-Length and no Transfer-Encoding: the request has no body (RFC 9112 6.3), as a GET usually has.
  if (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    const finish = (error: DavError | null) => {
      finished = true;
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onIncomplete);
      request.off('close', onIncomplete);
      if (!error) {
        try {
          resolve(decodeBody(Buffer.concat(chunks, size), rules));
        } catch (decodeError) {
          reject(decodeError);
        }
        return;
      }
      if (!request.complete) {
        reading.abandoned = true;
        request.pause();
      }
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > rules.maxBytes) finish(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    // The client closed the connection mid-body: nobody is left to answer, but nothing is half-stored either.
    const onIncomplete = () => finish(new DavError(400, `The connection closed before the ${rules.what} was complete.`));
    const timer = setTimeout(() => {
      // Timers run before pending I/O: after an event loop stall, what had arrived meanwhile is read first.
      setImmediate(() => {
        if (!finished) finish(new DavError(408, `The ${rules.what} did not arrive within ${timeoutMs / 1000} seconds; the connection is closed.`));
      });
    }, timeoutMs);
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onIncomplete);
    request.on('close', onIncomplete);
  });
}

/**
 * Koa middleware mounted ahead of Strapi's own: it sees every method (PROPFIND, REPORT, MKCALENDAR...) and the
 * raw request body, which Strapi's router and body parser would otherwise refuse or consume.
 */
export function createDavMiddleware(strapi: Core.Strapi) {
  const config = strapi.config.get('plugin::caldav') as PluginConfig;
  // Behind a proxy serving the site under a sub-path (server.url https://host/prefix), hrefs and redirects carry it.
  const publicSitePath = sitePath(strapi.config.get('server.url'));
  let server: ReturnType<typeof createDavServer> | null = null;
  // Built on first use: the database and the users-permissions services exist only once Strapi has booted.
  const davServer = () => {
    if (!server) {
      const authenticator = createPrincipalAuthenticator(strapi);
      server = createDavServer({
        basePath: config.basePath,
        sitePath: publicSitePath,
        realm: config.realm,
        maxResourceSize: () => (strapi.config.get('plugin::caldav') as PluginConfig).maxResourceSize,
        maxXmlBodySize: config.maxXmlBodySize,
        backend: withCalendarSources(strapi, createCalendarBackend(strapi), () => sourceRegistry(strapi)),
        addressBooks: withAddressBookSources(strapi, createAddressBookBackend(strapi), () => sourceRegistry(strapi)),
        directory: createPrincipalDirectory(strapi, authenticator.findByUsername),
        scheduler: config.scheduling.enabled ? createSiteScheduler(strapi) : null,
        authenticate: authenticator.authenticate,
        outage: {
          recognize: (error) => (isDatabaseUnavailable(error) ? new DatabaseUnavailableError(error) : null),
          retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
        },
        onError: (error, request) =>
          strapi.log.error(`caldav: ${request.method} ${request.path} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`),
      });
    }
    return server;
  };

  const feeds = createFeedServer(strapi, config);

  return async function davMiddleware(ctx: Context, next: Next): Promise<void> {
    // iCalendar feeds (webcal subscriptions) live below the base path but are plain HTTP, not DAV.
    if (feeds.handles(ctx.path)) return feeds.serve(ctx);
    if (config.wellKnown) {
      const redirect = wellKnownRedirect(ctx.path, config.basePath, publicSitePath);
      if (redirect) return writeResponse(ctx, redirect);
    }
    const siteRootPropfind = ctx.path === '/' && ctx.method === 'PROPFIND';
    if (!isUnderBasePath(ctx.path, config.basePath) && !siteRootPropfind) return next();
    const reading: BodyReading = { started: false, abandoned: false };
    const response = await davServer()({ method: ctx.method, path: ctx.path, headers: ctx.headers, clientAddress: ctx.ip }, (rules) => {
      reading.started = true;
      return readBody(ctx.req, rules, config.bodyReadTimeoutSeconds * 1000, reading);
    });
    writeResponse(ctx, response);
    // A body still on its way that nobody will read (refused, or answered without it, as a 401 is) would otherwise
    // be received to its end, however long and slow: the connection ends after this answer instead.
    if (reading.abandoned || (!reading.started && !ctx.req.complete)) ctx.set('Connection', 'close');
  };
}
