/**
 * HTTP for iCalendar feeds below `<basePath>/feeds/`:
 *
 *   <slug>.ics               a public calendar, no credentials
 *   private/<token>.ics      any calendar, by its secret token
 *
 * Anything else there is 404 (a private calendar's slug feed too, so that a feed address reveals nothing). The
 * validators (ETag, Last-Modified) come from the calendar's row and its newest change, so a subscriber's routine
 * poll of an unchanged feed costs two small queries and no event is read. The body is streamed from the database
 * a batch at a time, gzipped when the client accepts it.
 */
import { createHash } from 'node:crypto';
import { Readable, pipeline, type Writable } from 'node:stream';
import { createGzip } from 'node:zlib';

import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import type { FeedConfig, PluginConfig } from '../config';
import { entityTags } from '../dav/http';
import { createFeedBody, feedHead, FEED_TAIL, type FeedHeading } from './document';
import { createFeedStore, type FeedCalendar, type FeedStore, type FeedWindow } from './store';
import { isDatabaseUnavailable, OUTAGE_RETRY_AFTER_SECONDS } from '../store/outage';
import { createSourceFeeds } from '../sources/feeds';

/** Part of every ETag: bump it when the same data would give different feed text (a change to this code). */
const FEED_FORMAT = '1';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Public feeds may be kept by shared caches for this long; private ones are revalidated on every use. */
const PUBLIC_MAX_AGE_SECONDS = 300;

export type FeedLocation = { kind: 'public'; slug: string } | { kind: 'private'; token: string };

/** Where a path below `<basePath>/feeds/` points, or null for paths that are not a feed. */
export function locateFeed(rest: string): FeedLocation | null {
  const match = /^(private\/)?([^/]+)\.ics$/.exec(rest);
  if (!match) return null;
  let name: string;
  try {
    name = decodeURIComponent(match[2]);
  } catch {
    return null;
  }
  if (name === '') return null;
  return match[1] ? { kind: 'private', token: name } : { kind: 'public', slug: name };
}

/**
 * The instants outside which events are left out. The window moves once a day (at 00:00 UTC), so that the text
 * of a feed stays the same all day for the same data, as its strong ETag promises.
 */
export function feedWindow(config: FeedConfig, now: Date): { window: FeedWindow; day: string | null } {
  if (config.pastDays === null && config.futureDays === null) return { window: { after: null, before: null }, day: null };
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return {
    window: {
      after: config.pastDays === null ? null : new Date(today - config.pastDays * DAY_MS),
      before: config.futureDays === null ? null : new Date(today + (config.futureDays + 1) * DAY_MS),
    },
    day: new Date(today).toISOString().slice(0, 10),
  };
}

/** The feed's entity tag (without quotes or the representation's suffix). */
function feedTag(calendar: FeedCalendar, config: FeedConfig, day: string | null): string {
  const inputs = [FEED_FORMAT, calendar.documentId, calendar.syncSequence, calendar.updatedAt.toISOString(), config.pastDays, config.futureDays, config.refreshMinutes, day];
  return createHash('sha256').update(JSON.stringify(inputs)).digest('base64url').slice(0, 27);
}

const wholeSeconds = (time: number): number => Math.floor(time / 1000) * 1000;

/** Whether the client's copy is current: If-None-Match when sent (it takes precedence), else If-Modified-Since. */
function notModified(ctx: Context, etag: string, lastModified: number): boolean {
  const ifNoneMatch = entityTags(ctx.get('If-None-Match') || undefined);
  if (ifNoneMatch) return ifNoneMatch.includes('*') || ifNoneMatch.includes(etag);
  const since = Date.parse(ctx.get('If-Modified-Since'));
  return Number.isFinite(since) && since >= lastModified;
}

/** The whole text of a feed, a batch of events at a time (exports of a calendar use it too). */
export async function* feedText(
  store: Pick<FeedStore, 'eventTexts'>,
  calendar: FeedCalendar,
  window: FeedWindow,
  heading: FeedHeading,
): AsyncGenerator<string> {
  yield feedHead(heading);
  const body = createFeedBody();
  for await (const texts of store.eventTexts(calendar, window)) {
    let chunk = '';
    for (const text of texts) chunk += body.add(text);
    if (chunk !== '') yield chunk;
  }
  yield FEED_TAIL;
}

function plainText(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = `${message}\n`;
}

/** How a stream ends when the subscriber hangs up: nothing to report. */
const subscriberGone = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'EPIPE', 'ECONNRESET']);

const fileName = (slug: string): string => `${slug.replace(/[^A-Za-z0-9._~-]/g, '_')}.ics`;

export function createFeedServer(strapi: Core.Strapi, config: PluginConfig) {
  const prefix = `${config.basePath}/feeds`;
  const store = createFeedStore(strapi);
  const sourceFeeds = createSourceFeeds(strapi);

  function stream(ctx: Context, source: Readable, gzip: boolean): void {
    // Koa steps aside: it would leave a response whose source failed midway open; pipeline closes it instead, and
    // stops reading the database when the subscriber goes away.
    ctx.respond = false;
    const done = (error: NodeJS.ErrnoException | null): void => {
      if (error && !subscriberGone.has(error.code ?? '')) {
        strapi.log.error(`caldav: the feed ${ctx.path} broke off: ${error.message}`);
      }
    };
    const response: Writable = ctx.res;
    if (gzip) pipeline(source, createGzip(), response, done);
    else pipeline(source, response, done);
  }

  async function serve(ctx: Context): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      return plainText(ctx, 405, `Feeds are read with GET or HEAD, not ${ctx.method}.`);
    }
    const location = locateFeed(ctx.path.slice(prefix.length + 1));
    let calendar = location === null ? null : location.kind === 'public' ? await store.findPublic(location.slug) : await store.findByToken(location.token);
    // A public calendar made from the site's content (sources) has its feed too, with every entry it shows.
    const source = location?.kind === 'public' && !calendar ? await sourceFeeds.findPublic(location.slug) : null;
    if (source) calendar = source.calendar;
    if (!location || !calendar) return plainText(ctx, 404, 'There is no calendar feed at this address.');

    const now = new Date();
    // Read per request: an administrator may change the feed settings while the site runs.
    const { feeds } = strapi.config.get('plugin::caldav') as PluginConfig;
    const { window, day } = feedWindow(feeds, now);
    const lastChange = await store.lastChange(calendar);
    const lastModified = wholeSeconds(
      Math.max(calendar.updatedAt.getTime(), lastChange?.getTime() ?? 0, day === null ? 0 : Date.parse(`${day}T00:00:00Z`)),
    );
    const gzip = ctx.acceptsEncodings('gzip', 'identity') === 'gzip';
    const tag = `${feedTag(calendar, feeds, day)}${gzip ? '-gzip' : ''}`;

    ctx.set('ETag', `"${tag}"`);
    ctx.set('Last-Modified', new Date(lastModified).toUTCString());
    // A secret link's copy must not outlive the link in a shared cache.
    ctx.set('Cache-Control', location.kind === 'public' ? `public, max-age=${PUBLIC_MAX_AGE_SECONDS}` : 'private, no-cache');
    ctx.vary('Accept-Encoding');
    if (notModified(ctx, tag, lastModified)) {
      ctx.status = 304;
      return;
    }

    ctx.status = 200;
    ctx.set('Content-Type', 'text/calendar; charset=utf-8');
    ctx.set('Content-Disposition', `inline; filename="${fileName(calendar.slug)}"`);
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (gzip) ctx.set('Content-Encoding', 'gzip');
    if (ctx.method === 'HEAD') {
      ctx.respond = false;
      ctx.res.end();
      return;
    }
    const heading: FeedHeading = { name: calendar.name, description: calendar.description, timezone: calendar.timezone, refreshMinutes: feeds.refreshMinutes };
    stream(ctx, Readable.from(feedText(source ?? store, calendar, window, heading), { objectMode: false }), gzip);
  }

  return {
    /** Whether the path is the feeds' (everything at or below `<basePath>/feeds`). */
    handles: (path: string): boolean => path === prefix || path.startsWith(`${prefix}/`),

    async serve(ctx: Context): Promise<void> {
      try {
        await serve(ctx);
      } catch (error) {
        strapi.log.error(`caldav: the feed ${ctx.path} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        if (!ctx.headerSent) {
          ctx.respond = true;
          ['ETag', 'Last-Modified', 'Cache-Control', 'Content-Disposition', 'Content-Encoding'].forEach((name) => ctx.remove(name));
          if (isDatabaseUnavailable(error)) {
            // Subscribers that honor Retry-After come back when the database may be up again.
            ctx.set('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
            plainText(ctx, 503, `The database is unavailable right now; please try again in ${OUTAGE_RETRY_AFTER_SECONDS} seconds.`);
          } else {
            plainText(ctx, 500, 'The feed could not be read; please try again later.');
          }
        }
      }
    },
  };
}
