/**
 * The addresses of a calendar: its CalDAV collection and its feeds (https and webcal://, which calendar apps open
 * as a subscription).
 */
import { createHrefs } from '../dav/paths';
import type { FeedCalendar } from './store';

export interface FeedLinks {
  slug: string;
  name: string;
  visibility: string;
  caldavUrl: string;
  publicFeedUrl: string | null;
  publicWebcalUrl: string | null;
  privateFeedUrl: string | null;
  privateWebcalUrl: string | null;
}

/** Feed paths below the base path; the router in feeds/serve reads the same layout. */
export const feedPaths = {
  public: (basePath: string, slug: string) => `${basePath}/feeds/${encodeURIComponent(slug)}.ics`,
  private: (basePath: string, token: string) => `${basePath}/feeds/private/${token}.ics`,
};

const webcal = (url: string): string => url.replace(/^https?:\/\//i, 'webcal://');

/**
 * The site's external address: Strapi's `server.url` when it is absolute; otherwise the request's origin, followed
 * by `server.url` when that is a path prefix (Strapi normalizes it to "" or "/prefix").
 */
export function siteOrigin(serverUrl: unknown, requestOrigin: string): string {
  const configured = typeof serverUrl === 'string' ? serverUrl.replace(/\/+$/, '') : '';
  if (/^https?:\/\//i.test(configured)) return configured;
  return `${requestOrigin}${configured}`;
}

/**
 * The path the site lives under as clients see it: the path of Strapi's `server.url` ("" for a site at the root
 * of its host). A reverse proxy that serves the site under a sub-path strips it before forwarding, as Strapi
 * expects (its routes never see it), so every path the plugin writes for clients (hrefs, redirects) has to carry
 * it, and the paths clients send back in request bodies and headers carry it too.
 */
export function sitePath(serverUrl: unknown): string {
  const configured = typeof serverUrl === 'string' ? serverUrl.trim() : '';
  let path = configured;
  if (/^https?:\/\//i.test(configured)) {
    try {
      path = new URL(configured).pathname;
    } catch {
      path = '';
    }
  }
  path = path.replace(/\/+$/, '');
  return path === '' || path.startsWith('/') ? path : `/${path}`;
}

export function feedLinks(site: string, basePath: string, ownerUsername: string, calendar: FeedCalendar): FeedLinks {
  const publicFeedUrl = calendar.visibility === 'public' ? `${site}${feedPaths.public(basePath, calendar.slug)}` : null;
  const privateFeedUrl = calendar.feedToken ? `${site}${feedPaths.private(basePath, calendar.feedToken)}` : null;
  return {
    slug: calendar.slug,
    name: calendar.name,
    visibility: calendar.visibility,
    caldavUrl: `${site}${createHrefs(basePath).calendar(ownerUsername, calendar.slug)}`,
    publicFeedUrl,
    publicWebcalUrl: publicFeedUrl && webcal(publicFeedUrl),
    privateFeedUrl,
    privateWebcalUrl: privateFeedUrl && webcal(privateFeedUrl),
  };
}
