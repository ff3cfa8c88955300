import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

import type { Context, Next } from 'koa';
import type { Core } from '@strapi/strapi';

import { createPrincipalAuthenticator } from '../auth/principals';
import type { PluginConfig } from '../config';
import { DavError } from '../dav/errors';
import { NS } from '../dav/model';
import { isUnderBasePath, wellKnownRedirect } from '../dav/router';
import { createDavServer } from '../dav/server';
import type { DavResponse } from '../dav/types';
import { createFeedServer } from '../feeds/serve';
import { createAddressBookBackend } from '../store/address-book-backend';
import { createCalendarBackend, createPrincipalDirectory } from '../store/calendar-backend';

function writeResponse(ctx: Context, response: DavResponse): void {
  ctx.status = response.status;
  for (const [name, value] of Object.entries(response.headers)) ctx.set(name, value);
  if (typeof response.body === 'string') ctx.body = response.body;
  else if (response.body !== undefined) ctx.body = Readable.from(response.body);
  else if (response.status !== 204 && response.status !== 304) ctx.body = '';
}

/** Reads the raw body up to `limit` bytes; past it, stops reading and refuses. */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  const tooLarge = () =>
    new DavError(413, `The request body is larger than ${limit} bytes.`, { ns: NS.CALDAV, name: 'max-resource-size' });
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      // UTF-8 only; a byte order mark is tolerated and dropped.
      const body = Buffer.concat(chunks).toString('utf8');
      resolve(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
    });
    request.on('error', reject);
  });
}

/**
 * Koa middleware mounted ahead of Strapi's own: it sees every method (PROPFIND, REPORT, MKCALENDAR...) and the
 * raw request body, which Strapi's router and body parser would otherwise refuse or consume.
 */
export function createDavMiddleware(strapi: Core.Strapi) {
  const config = strapi.config.get('plugin::caldav') as PluginConfig;
  let server: ReturnType<typeof createDavServer> | null = null;
  // Built on first use: the database and the users-permissions services exist only once Strapi has booted.
  const davServer = () => {
    if (!server) {
      const authenticator = createPrincipalAuthenticator(strapi);
      server = createDavServer({
        basePath: config.basePath,
        realm: config.realm,
        maxResourceSize: () => (strapi.config.get('plugin::caldav') as PluginConfig).maxResourceSize,
        backend: createCalendarBackend(strapi),
        addressBooks: createAddressBookBackend(strapi),
        directory: createPrincipalDirectory(strapi, authenticator.findByUsername),
        authenticate: authenticator.authenticate,
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
      const redirect = wellKnownRedirect(ctx.path, config.basePath);
      if (redirect) return writeResponse(ctx, redirect);
    }
    const siteRootPropfind = ctx.path === '/' && ctx.method === 'PROPFIND';
    if (!isUnderBasePath(ctx.path, config.basePath) && !siteRootPropfind) return next();
    const response = await davServer()({ method: ctx.method, path: ctx.path, headers: ctx.headers, clientAddress: ctx.ip }, (limit) => readBody(ctx.req, limit));
    writeResponse(ctx, response);
  };
}
