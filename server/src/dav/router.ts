import type { DavResponse } from './types';

const wellKnownPaths = new Set(['/.well-known/caldav', '/.well-known/carddav']);

/** True when the (percent-encoded) path lies at or below the base path. */
export function isUnderBasePath(path: string, basePath: string): boolean {
  return path === basePath || path.startsWith(`${basePath}/`);
}

/** RFC 6764 section 5: any method on a well-known URI is redirected to the context path. Null for other paths. */
export function wellKnownRedirect(path: string, basePath: string): DavResponse | null {
  const normalized = path.replace(/\/+$/, '');
  return wellKnownPaths.has(normalized) ? { status: 301, headers: { Location: `${basePath}/` } } : null;
}
