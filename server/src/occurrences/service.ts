/**
 * The occurrences API: the occurrences of events in some calendars in a window, for the site's front end. It sees
 * exactly what a DAV client of the same viewer sees: published events of calendars the viewer may read (anyone:
 * public calendars; a signed-in user: also their own and those shared with them).
 */
import type { Core } from '@strapi/strapi';

import { notFound } from '../admin-api';
import type { PluginConfig } from '../config';
import type { Principal } from '../dav/backend';
import { createCalendarBackend, createOccurrenceSource } from '../store/calendar-backend';
import { sourceRegistry, withCalendarSources } from '../sources';
import { isSourceKey } from '../sources/backends';
import { USER_UID } from '../uids';
import { toPrincipal } from '../auth/principals';
import { compareOccurrences, occurrencesIn, type PublicOccurrence } from './expand';
import { parseOccurrenceQuery, type OccurrenceLimits, type OccurrenceQuery } from './query';

export interface OccurrencePage {
  data: PublicOccurrence[];
  meta: {
    pagination: { page: number; pageSize: number; pageCount: number; total: number };
    window: { start: string; end: string; timeZone: string };
  };
}

/** Without `api.rest.maxLimit`, a page holds at most this many: every occurrence of a busy year in one answer. */
const DEFAULT_MAX_PAGE_SIZE = 1000;

const positive = (value: unknown): number | null => {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : null;
};

export function createOccurrenceService(strapi: Core.Strapi) {
  const source = createOccurrenceSource(strapi);
  // Calendars made from the site's content (sources) are found and read like the plugin's own.
  const calendarsWithSources = withCalendarSources(strapi, createCalendarBackend(strapi), () => sourceRegistry(strapi));

  /** Page sizes as Strapi's REST API has them (`api.rest.defaultLimit`, `maxLimit`); the window as the plugin's config. */
  function limits(): OccurrenceLimits {
    const { occurrences } = strapi.config.get('plugin::caldav') as PluginConfig;
    const maxPageSize = positive(strapi.config.get('api.rest.maxLimit')) ?? DEFAULT_MAX_PAGE_SIZE;
    const defaultPageSize = Math.min(positive(strapi.config.get('api.rest.defaultLimit')) ?? 25, maxPageSize);
    return { maxWindowDays: occurrences.maxWindowDays, defaultPageSize, maxPageSize };
  }

  /** The signed-in user of a request (users-permissions), as a principal; null when blocked or unconfirmed. */
  async function viewerOf(userId: number | null): Promise<Principal | null> {
    if (userId === null) return null;
    const user = (await strapi.db.query(USER_UID as never).findOne({
      select: ['id', 'documentId', 'username', 'email', 'blocked', 'confirmed'],
      where: { id: userId },
    })) as { id: number; documentId: string; username: string; email: string | null; blocked: boolean | null; confirmed: boolean | null } | null;
    return user && user.blocked !== true && user.confirmed !== false ? toPrincipal(user) : null;
  }

  async function list(query: OccurrenceQuery, viewer: Principal | null): Promise<OccurrencePage> {
    const calendars = [];
    for (const slug of query.calendars) {
      const calendar = await calendarsWithSources.findCalendar(slug, viewer);
      // One answer for a calendar that does not exist and one the viewer may not see: the name reveals nothing.
      if (!calendar) throw notFound(`There is no calendar "${slug}" that you may see${viewer ? '' : ' (private calendars need a signed-in user)'}.`);
      calendars.push(calendar);
    }
    const window = { start: query.start, end: query.end, timeZone: query.timeZone };
    const found: PublicOccurrence[] = [];
    for (const calendar of calendars) {
      const about = { slug: calendar.slug, name: calendar.displayName, color: calendar.color };
      const range = { start: query.start, end: query.end };
      const candidates = isSourceKey(calendar.documentId)
        ? (await calendarsWithSources.queryObjects(calendar, range)).map((member) => ({ documentId: member.name.replace(/\.ics$/, ''), data: member.data }))
        : await source.candidates(calendar, range);
      for (const candidate of candidates) {
        found.push(...occurrencesIn(candidate.documentId, candidate.data, about, window));
      }
    }
    found.sort(compareOccurrences);
    const first = (query.page - 1) * query.pageSize;
    return {
      data: found.slice(first, first + query.pageSize),
      meta: {
        pagination: { page: query.page, pageSize: query.pageSize, pageCount: Math.ceil(found.length / query.pageSize), total: found.length },
        window: { start: query.start.toISOString(), end: query.end.toISOString(), timeZone: query.timeZone },
      },
    };
  }

  return {
    /** Checks the parameters (throwing a 400 that names a wrong one) and answers a page of occurrences. */
    async find(params: Record<string, unknown>, userId: number | null): Promise<OccurrencePage> {
      const query = parseOccurrenceQuery(params, limits());
      return list(query, await viewerOf(userId));
    },
  };
}

export type OccurrenceService = ReturnType<typeof createOccurrenceService>;
