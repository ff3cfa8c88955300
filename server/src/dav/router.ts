import type { DavResponse } from './types';

const wellKnownPaths = new Set(['/.well-known/caldav', '/.well-known/carddav']);

/** True when the (percent-encoded) path lies at or below the base path. */
export function isUnderBasePath(path: string, basePath: string): boolean {
  return path === basePath || path.startsWith(`${basePath}/`);
}

/**
 * RFC 6764 section 5: any method on a well-known URI is redirected to the context path. Null for other paths.
 * `sitePath` is the path the site lives under behind a proxy (see feeds/links sitePath). The Location is a path,
 * not an absolute URL: the client resolves it against the address it used, so it keeps the public scheme, host and
 * port whatever the proxy forwards (an origin built from the request would say http:// behind a TLS proxy unless
 * Strapi is told to trust X-Forwarded-Proto).
 */
export function wellKnownRedirect(path: string, basePath: string, sitePath = ''): DavResponse | null {
  const normalized = path.replace(/\/+$/, '');
  return wellKnownPaths.has(normalized) ? { status: 301, headers: { Location: `${sitePath}${basePath}/` } } : null;
}
