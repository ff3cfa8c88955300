import type { Context, Next } from 'koa';
import type { Core } from '@strapi/strapi';

import type { PluginConfig } from '../config';
import { createDavRouter } from '../dav/router';
import type { DavResponse } from '../dav/types';

function writeResponse(ctx: Context, response: DavResponse): void {
  ctx.status = response.status;
  for (const [name, value] of Object.entries(response.headers)) ctx.set(name, value);
  if (response.body !== undefined) ctx.body = response.body;
  else if (response.status !== 204 && response.status !== 304) ctx.body = '';
}

/**
 * Koa middleware mounted ahead of Strapi's own: it sees every method (PROPFIND, REPORT, MKCALENDAR...) and the
 * raw request body, which Strapi's router and body parser would otherwise refuse or consume.
 */
export function createDavMiddleware(strapi: Core.Strapi) {
  const config = strapi.config.get('plugin::caldav') as PluginConfig;
  const route = createDavRouter({ basePath: config.basePath, wellKnown: config.wellKnown }, {});

  return async function davMiddleware(ctx: Context, next: Next): Promise<void> {
    const response = await route({ method: ctx.method, path: ctx.path, headers: ctx.headers });
    if (!response) return next();
    try {
      writeResponse(ctx, response);
    } catch (error) {
      strapi.log.error(`caldav: could not answer ${ctx.method} ${ctx.path}: ${String(error)}`);
      ctx.status = 500;
      ctx.type = 'text/plain';
      ctx.body = 'Internal server error\n';
    }
  };
}
