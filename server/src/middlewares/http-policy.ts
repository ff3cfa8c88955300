/**
 * Response headers for everything the plugin answers itself (the DAV tree, the feeds, the well-known redirects):
 * the security headers that Strapi's `strapi::security` middleware gives its own responses, which never reach these
 * ones because the plugin answers before Strapi's middlewares run, and cross-origin access (CORS) for the origins a
 * site owner lists, and for no other.
 */

import type { Context, Next } from 'koa';
import type { Core } from '@strapi/strapi';

import type { PluginConfig } from '../config';
import { isUnderBasePath, wellKnownRedirect } from '../dav/router';
import { ALLOWED_METHODS } from '../dav/server';

/**
 * What every answer carries. Nothing here is meant to be rendered by a browser: no sniffing a calendar or an XML
 * answer into HTML, no framing, no scripts or sub-resources should one be opened anyway, no referrer, and no
 * reading by other sites' pages except through CORS.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Permitted-Cross-Domain-Policies': 'none',
};

/** Request headers a page may send: those DAV clients use besides the ones browsers always allow. */
export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Depth',
  'Destination',
  'Overwrite',
  'If-Match',
  'If-None-Match',
  'If-Modified-Since',
  'Prefer',
  'Brief',
  'X-Requested-With',
].join(', ');

/** Response headers a page may read besides the ones browsers always show. */
export const CORS_EXPOSED_HEADERS = ['DAV', 'ETag', 'Location', 'Allow', 'WWW-Authenticate', 'Retry-After'].join(', ');

/** How long a browser may keep a granted preflight, in seconds. */
const PREFLIGHT_MAX_AGE = '600';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The Strict-Transport-Security value Strapi's `strapi::security` sends on the site's other responses, read from
 * the site's middleware list (its `hsts` options over Strapi's defaults); null when the site has that middleware
 * off or HSTS disabled, so that the plugin never promises HTTPS where the site itself does not.
 */
export function strictTransportSecurity(middlewares: unknown): string | null {
  // Without a middleware list of its own, a site runs Strapi's default one, which includes strapi::security.
  const list: unknown[] = Array.isArray(middlewares) ? middlewares : ['strapi::security'];
  const entry = list.find((item) => item === 'strapi::security' || (isRecord(item) && item.name === 'strapi::security'));
  if (entry === undefined) return null;
  const config = isRecord(entry) && isRecord(entry.config) ? entry.config : {};
  const hsts = config.hsts ?? config.strictTransportSecurity;
  if (hsts === false) return null;
  const options = isRecord(hsts) ? hsts : {};
  const maxAge = typeof options.maxAge === 'number' && Number.isFinite(options.maxAge) && options.maxAge >= 0 ? Math.floor(options.maxAge) : 31536000;
  return `max-age=${maxAge}${options.includeSubDomains === false ? '' : '; includeSubDomains'}${options.preload === true ? '; preload' : ''}`;
}

export interface CorsPolicy {
  /** Lower-cased origins; `*` for any. Empty: CORS is off. */
  origins: string[];
}

/** The Access-Control-Allow-Origin value for a request's Origin, or null when that origin gets no grant. */
export function allowedOrigin(policy: CorsPolicy, origin: string | undefined): string | null {
  if (!origin || policy.origins.length === 0) return null;
  if (policy.origins.includes('*')) return '*';
  return policy.origins.includes(origin.toLowerCase()) ? origin : null;
}

/** Whether the plugin itself answers this request (otherwise Strapi does, with its own headers). */
function answeredByPlugin(ctx: Context, config: PluginConfig): boolean {
  if (isUnderBasePath(ctx.path, config.basePath)) return true;
  if (ctx.path === '/' && ctx.method === 'PROPFIND') return true;
  return config.wellKnown && wellKnownRedirect(ctx.path, config.basePath) !== null;
}

/** Koa middleware mounted just ahead of the DAV middleware. */
export function createHttpPolicyMiddleware(strapi: Core.Strapi) {
  const config = strapi.config.get('plugin::caldav') as PluginConfig;
  const hsts = strictTransportSecurity(strapi.config.get('middlewares'));
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...(hsts ? { 'Strict-Transport-Security': hsts } : {}) };
  const policy: CorsPolicy = { origins: (config.cors?.origins ?? []).map((origin) => origin.toLowerCase()) };

  return async function httpPolicyMiddleware(ctx: Context, next: Next): Promise<void> {
    if (!answeredByPlugin(ctx, config)) return next();
    // Set before the answer is written: feeds stream straight to the socket.
    ctx.set(headers);
    if (policy.origins.length === 0) return next();

    ctx.vary('Origin');
    const granted = allowedOrigin(policy, ctx.get('Origin') || undefined);
    if (!granted) return next();
    ctx.set('Access-Control-Allow-Origin', granted);
    // A browser's preflight (Fetch standard, CORS-preflight request): answered here, before any sign-in.
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      ctx.vary('Access-Control-Request-Method');
      ctx.vary('Access-Control-Request-Headers');
      ctx.set({
        'Access-Control-Allow-Methods': ALLOWED_METHODS,
        'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS,
        'Access-Control-Max-Age': PREFLIGHT_MAX_AGE,
      });
      ctx.status = 204;
      return;
    }
    ctx.set('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS);
    return next();
  };
}
