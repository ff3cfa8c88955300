import type { DavRequest, DavResponse } from './types';

export interface DavRouterOptions {
  /** Mount point of the DAV tree, without a trailing slash (e.g. `/dav`). */
  basePath: string;
  /** Whether `/.well-known/caldav` and `/.well-known/carddav` redirect to the base path (RFC 6764). */
  wellKnown: boolean;
}

export type DavHandler = (request: DavRequest) => Promise<DavResponse>;

const wellKnownPaths = new Set(['/.well-known/caldav', '/.well-known/carddav']);

/** True when the (percent-encoded) path lies at or below the base path. */
export function isUnderBasePath(path: string, basePath: string): boolean {
  return path === basePath || path.startsWith(`${basePath}/`);
}

function plainText(status: number, message: string, headers: Record<string, string> = {}): DavResponse {
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
    body: `${message}\n`,
  };
}

/**
 * Decides whether a request belongs to the DAV server and, if so, answers it.
 * Returns null for requests that the rest of the site should handle.
 */
export function createDavRouter(options: DavRouterOptions, methods: Record<string, DavHandler>) {
  const basePath = options.basePath.replace(/\/+$/, '');
  const allow = [...new Set([...Object.keys(methods), 'OPTIONS'])].sort().join(', ');

  return async function route(request: DavRequest): Promise<DavResponse | null> {
    const path = request.path.replace(/\/+$/, '') || '/';

    // RFC 6764 section 5: any method on the well-known URI is redirected to the context path.
    if (options.wellKnown && wellKnownPaths.has(path)) {
      return { status: 301, headers: { Location: `${basePath}/` } };
    }
    if (!isUnderBasePath(request.path, basePath)) return null;

    const method = request.method.toUpperCase();
    const handler = methods[method];
    if (!handler && method === 'OPTIONS') {
      // The DAV compliance classes join the Allow header here as the features they stand for are implemented.
      return { status: 200, headers: { Allow: allow, 'Content-Length': '0' } };
    }
    if (!handler) {
      return plainText(405, `${request.method} is not supported here. Allowed methods: ${allow}.`, { Allow: allow });
    }
    return handler(request);
  };
}
